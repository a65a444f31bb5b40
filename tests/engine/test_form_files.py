"""The `files` form field: uploads kept aside, checked for number and type; a made-up file name is refused."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from engine import InvalidData, validate_form
from engine.workplace.attachments import stage

FORM = {"fields": [{"name": "receipts", "type": "files", "required": True, "max_files": 2,
                    "accept": [".pdf", ".jpg"]}]}


def _staged(root: Path, *names: str) -> list:
    return [stage(root, name, io.BytesIO(b"receipt")) for name in names]


def test_the_form_keeps_the_names_of_the_files_sent(tmp_path: Path) -> None:
    assert validate_form(FORM, {"receipts": _staged(tmp_path, "a.PDF", "b.jpg")}) == {"receipts": ["a.PDF", "b.jpg"]}


@pytest.mark.parametrize(("names", "message"), [
    ((), "is required"),
    (("a.pdf", "b.pdf", "c.pdf"), "must be at most 2 files"),
    (("a.png",), "must be files of type .pdf, .jpg"),
])
def test_files_are_counted_and_typed(tmp_path: Path, names: tuple, message: str) -> None:
    with pytest.raises(InvalidData) as refused:
        validate_form(FORM, {"receipts": _staged(tmp_path, *names)})
    assert refused.value.errors == {"receipts": message}


@pytest.mark.parametrize("raw", [["a.pdf"], "a.pdf", [{"filename": "a.pdf"}]])
def test_names_a_client_made_up_are_not_files(raw: object) -> None:
    with pytest.raises(InvalidData, match="must be files uploaded with the form"):
        validate_form(FORM, {"receipts": raw})


def test_staging_applies_the_attachment_limits(tmp_path: Path) -> None:
    with pytest.raises(InvalidData, match="type .png is not allowed; allowed: .pdf"):
        stage(tmp_path, "a.png", io.BytesIO(b"x"), allowed=[".pdf"])
    with pytest.raises(InvalidData, match="type .exe is not allowed"):
        stage(tmp_path, "setup.exe", io.BytesIO(b"x"), allowed=[".exe"])
    with pytest.raises(InvalidData, match="larger than"):
        stage(tmp_path, "a.pdf", io.BytesIO(b"x" * 2048), max_bytes=1024)
    with pytest.raises(InvalidData, match="is empty"):
        stage(tmp_path, "a.pdf", io.BytesIO(b""))
    assert list((tmp_path / "incoming").iterdir()) == [], "nothing refused is kept"
