"""The manuals under docs/manual/<language>/<role>.md, rendered for the help pages.

The texts are Markdown so that they read well in the repository too; their pictures are the
screenshots the browser tests take of the real screens (tests/browser/test_manual_screenshots.py),
so a picture never shows a screen that no longer looks like that. A picture or link is written as a
bare file name (`inbox.jpg`, `approver.md`) and pointed at the help routes here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

MANUAL = Path(__file__).resolve().parents[2] / "docs" / "manual"
SCREENSHOTS = MANUAL / "screenshots"


@dataclass(frozen=True)
class Role:
    """A manual: `role` is the account role it is for (None: everyone with tasks to decide)."""

    name: str
    role: str | None


ROLES = (Role("requester", "requester"), Role("approver", None), Role("designer", "designer"),
         Role("manager", "manager"), Role("administrator", "admin"))
_MARKDOWN = MarkdownIt("commonmark", {"html": False})  # the texts are ours, yet no raw HTML passes


def role_named(name: str) -> Role | None:
    return next((r for r in ROLES if r.name == name), None)


def source(language: str, role: Role) -> Path:
    return MANUAL / language / f"{role.name}.md"


def pictures(text: str) -> list[str]:
    """The screenshots a manual shows, by file name, in order."""
    return [child.attrGet("src") for token in _MARKDOWN.parse(text) if token.type == "inline"
            for child in token.children or [] if child.type == "image"]


def title(text: str) -> str:
    """The manual's first heading."""
    tokens = _MARKDOWN.parse(text)
    return next((tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"), "")


def render(text: str, picture_url: Callable[[str], str], page_url: Callable[[str], str]) -> str:
    """HTML of a manual whose bare picture and page names point at the help routes."""
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        for child in token.children or []:
            _point(child, picture_url, page_url)
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})


def _point(token: Token, picture_url: Callable[[str], str], page_url: Callable[[str], str]) -> None:
    if token.type == "image":
        name = str(token.attrGet("src") or "")
        if "/" not in name:
            token.attrSet("src", picture_url(name))
            token.attrSet("loading", "lazy")
    elif token.type == "link_open":
        href = str(token.attrGet("href") or "")
        if "/" not in href and href.endswith(".md"):
            token.attrSet("href", page_url(href[:-3]))


@lru_cache(maxsize=32)
def read(path: Path, _modified: float) -> str:
    """A manual's text, read again when the file changes."""
    return path.read_text(encoding="utf-8")


__all__ = ["MANUAL", "ROLES", "SCREENSHOTS", "Role", "pictures", "read", "render", "role_named", "source", "title"]
