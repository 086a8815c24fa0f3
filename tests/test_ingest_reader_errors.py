"""Reader failures: malformed input is an InputError; a bug in our reader code stays a bug."""

from __future__ import annotations

import pytest

from guidegraph.errors import InputError
from guidegraph.ingest import readers
from guidegraph.ingest.readers.sniff import HTML

PAGE = "<html><body><p>一、支持方向</p></body></html>".encode()


def test_a_type_error_in_reader_code_is_not_reported_as_unreadable_input(monkeypatch):
    def buggy(data, name):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    monkeypatch.setitem(readers._READERS, HTML, buggy)
    with pytest.raises(TypeError):
        readers.read_bytes(PAGE, "guide.html")


def test_a_parse_error_of_the_input_is_an_input_error_naming_the_file(monkeypatch):
    def rejects(data, name):
        raise ValueError("malformed start tag")

    monkeypatch.setitem(readers._READERS, HTML, rejects)
    with pytest.raises(InputError, match=r"guide\.html: cannot read this HTML document \(ValueError"):
        readers.read_bytes(PAGE, "guide.html")


def test_a_damaged_docx_is_still_an_input_error():
    # a ZIP with a content-types entry but no Word document inside
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(InputError, match="broken.docx"):
        readers.read_bytes(buf.getvalue(), "broken.docx")
