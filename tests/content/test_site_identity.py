"""The school's names in every page's header come from the shared cache, and a change shows at
once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import SiteIdentity

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _identity_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LOGIN)
    reads = [q for q in queries.captured_queries if "content_siteidentity" in q["sql"]]
    return response, reads


def test_the_header_reads_the_names_from_the_database_once_then_from_the_cache(client):
    SiteIdentity.objects.create(
        school_name="Trường Đào tạo, bồi dưỡng cán bộ quản lý", course_short_name="QLNN Sở"
    )

    first, first_reads = _identity_queries(client)
    second, second_reads = _identity_queries(client)

    for response in (first, second):
        assert "Trường Đào tạo, bồi dưỡng cán bộ quản lý" in response.text
    assert len(first_reads) == 1
    assert second_reads == []


def test_a_saved_change_shows_on_the_next_page(client, django_capture_on_commit_callbacks):
    identity = SiteIdentity.objects.create(school_name="Trường cũ")
    assert "Trường cũ" in client.get(LOGIN).text

    with django_capture_on_commit_callbacks(execute=True):
        identity.school_name = "Trường Bồi dưỡng cán bộ Bộ Khoa học và Công nghệ"
        identity.save()

    page = client.get(LOGIN).text
    assert "Trường Bồi dưỡng cán bộ Bộ Khoa học và Công nghệ" in page
    assert "Trường cũ" not in page
