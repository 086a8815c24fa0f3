"""The dataset description (VoID + DCAT, DCAT-AP 3.0.1), the sitemap and robots.txt."""

from guidegraph.catalog.description import Distribution, Profile, Site, describe_dataset, load_profile
from guidegraph.catalog.sitemap import robots_txt, sitemap_documents
from guidegraph.catalog.statistics import DatasetStatistics, GraphStatistics, dataset_statistics

__all__ = [
    "DatasetStatistics",
    "Distribution",
    "GraphStatistics",
    "Profile",
    "Site",
    "dataset_statistics",
    "describe_dataset",
    "load_profile",
    "robots_txt",
    "sitemap_documents",
]
