"""House rules every template keeps, checked over the whole tree."""

import re
from pathlib import Path

from django.conf import settings

TITLE_BLOCK = re.compile(r"\{% block title %\}(.*?)\{% endblock %\}", re.S)


def test_page_titles_end_with_the_separator_before_the_course_name():
    """base.html appends the course's name: "Ghi danh — GDS-2026-5 – Bồi dưỡng Giám đốc Sở"."""
    root = Path(settings.BASE_DIR) / "templates"
    wrong = []
    for template in root.rglob("*.html"):
        if template.name == "base.html":
            continue
        for block in TITLE_BLOCK.findall(template.read_text(encoding="utf-8")):
            if not block.endswith((" – ", " – {% endif %}")):
                wrong.append(str(template.relative_to(root)))
    assert not wrong, f"title block must end with ' – ': {wrong}"
