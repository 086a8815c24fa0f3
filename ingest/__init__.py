"""Ingest: read funding guides (.txt/.docx/.pdf/.html) and recover their structure."""
