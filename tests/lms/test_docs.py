"""The guides are part of the product: their links and screenshots must not rot."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = DOCS / "guides"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")
SHOT = re.compile(r'shot="([a-z0-9-]+)"')


def local_links(markdown: Path):
    for target in LINK.findall(markdown.read_text(encoding="utf-8")):
        if not re.match(r"^[a-z]+:", target) and not target.startswith("/"):
            yield target


@pytest.mark.parametrize("markdown", sorted(DOCS.rglob("*.md")), ids=lambda p: str(p.name))
def test_every_relative_link_and_image_of_the_docs_exists(markdown):
    missing = [t for t in local_links(markdown) if not (markdown.parent / t).exists()]
    assert missing == []


def test_every_screenshot_in_the_guides_is_taken_by_a_browser_journey():
    """`make screenshots` must be able to retake each picture a guide shows."""
    journeys = (Path(__file__).resolve().parents[1] / "e2e").glob("test_*.py")
    taken = {name for path in journeys for name in SHOT.findall(path.read_text(encoding="utf-8"))}
    shown = {
        Path(target).stem
        for markdown in GUIDES.rglob("*.md")
        for target in local_links(markdown)
        if target.endswith(".png")
    }
    assert shown
    assert shown - taken == set()
