"""The programme page and its syllabus, as a visitor sees them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import ModulePage
from tests.content.conftest import make_program

pytestmark = pytest.mark.django_db


def totals_row(html: str, category: str) -> str:
    start = html.index(f'data-category="{category}"')
    return html[start : html.index("</tr>", start)]


def test_syllabus_shows_modules_by_part_and_the_totals(client, program):
    response = client.get(program.url)
    assert response.status_code == 200
    html = response.text
    assert "Phần 1. Tổng quan" in html
    assert "Phần 2. CNTT" in html
    assert "Chuyên đề số 13" in html
    assert ">72<" in totals_row(html, "theory")
    assert ">72<" in totals_row(html, "discussion")
    assert ">8<" in totals_row(html, "field")
    assert ">8<" in totals_row(html, "report")
    assert ">160<" in totals_row(html, "total")
    assert "Tỷ lệ lý thuyết : thảo luận, thực hành = 50 : 50" in html
    assert "chưa khớp" not in html


def test_changing_one_module_shows_the_mismatch_by_category_and_amount(client, program):
    module = ModulePage.objects.child_of(program).get(number=3)
    module.theory_periods = 4
    module.save_revision().publish()
    html = client.get(program.url).text
    assert "chưa khớp với mục tiêu" in html
    assert "Lý thuyết: 71 tiết, mục tiêu 72 (thiếu 1 tiết)" in html
    assert "Tổng cộng: 159 tiết, mục tiêu 160 (thiếu 1 tiết)" in html
    assert "Thảo luận, thực hành: 72" not in html  # only the categories that are off


def test_draft_changes_do_not_count_until_published(client, program):
    module = ModulePage.objects.child_of(program).get(number=3)
    module.theory_periods = 1
    module.save_revision()
    assert "chưa khớp" not in client.get(program.url).text


def test_home_page_leads_to_the_programme(client, program):
    html = client.get("/").text
    assert f'href="{program.url}"' in html
    assert program.title in html


def _queries_for(client, program) -> int:
    client.get(program.url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(program.url)
    assert response.status_code == 200
    return len(captured)


def test_programme_page_queries_do_not_grow_with_modules(client):
    small = make_program(13)
    large = make_program(40)
    assert "Chuyên đề số 40" in client.get(large.url).text
    assert _queries_for(client, small) == _queries_for(client, large)
