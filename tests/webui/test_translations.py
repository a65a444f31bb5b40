"""Every user-facing string has its Chinese translation, and the compiled catalog matches the source."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "webui" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"


def test_every_message_is_translated_to_chinese() -> None:
    with open(CATALOG / "messages.po", "rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def _plain(text: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """A plural message's forms as a tuple: the .mo reader gives lists, the .po reader tuples."""
    return text if isinstance(text, str) else tuple(text)


def test_compiled_catalog_holds_every_translation() -> None:
    with open(CATALOG / "messages.po", "rb") as f:
        source = {_plain(m.id): _plain(m.string) for m in read_po(f) if m.id}
    with open(CATALOG / "messages.mo", "rb") as f:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(f) if m.id}
    assert compiled == source
