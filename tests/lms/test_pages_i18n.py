"""The pages a newcomer sees first, in Vietnamese by default and in English after switching."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PAGES = {
    "/": ("Đăng nhập để học", "Sign in to study"),
    "/accounts/login/": ("Đăng nhập", "Sign In"),
    "/admin/login/": ("Đăng nhập", "Sign In"),
    "/accounts/signup/": ("Họ và tên đệm", "Family and middle names"),
}


@pytest.mark.parametrize(("path", "texts"), PAGES.items())
def test_page_renders_in_vietnamese_by_default(client, path, texts):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.text
    assert texts[0] in response.text


@pytest.mark.parametrize(("path", "texts"), PAGES.items())
def test_page_renders_in_english_after_switching_language(client, path, texts):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": path})
    assert switched.status_code == 302
    assert switched.headers["Location"] == path
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert texts[1] in response.text
    assert texts[0] not in response.text

    client.post("/i18n/setlang/", {"language": "vi", "next": path})
    assert texts[0] in client.get(path).text


def test_an_english_browser_still_gets_vietnamese_until_the_person_switches(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập để học" in response.text


def test_language_switch_is_a_labelled_form_on_every_page(client):
    page = client.get("/").text
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" value="en"' in page
    assert 'aria-pressed="true"' in page


def _catalogues():
    for base in settings.LOCALE_PATHS:
        yield from sorted(Path(base).glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("po_path", list(_catalogues()), ids=str)
def test_compiled_catalogue_matches_its_source(po_path):
    """The .mo files are committed (running the site needs no gettext tools); they must be fresh."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in polib.pofile(str(po_path))
        if entry.translated() and not entry.obsolete
    }
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in polib.mofile(str(mo_path))
        if entry.msgid
    }
    assert compiled == source, f"{mo_path} is stale: run `make messages`"


def test_english_catalogue_translates_every_project_string():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "lms/locale/en/LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    assert missing == []


def test_text_written_in_the_admin_is_declared_vietnamese_on_english_pages(client):
    from content.models import SiteIdentity

    identity = SiteIdentity.load()
    identity.course_name = "Bồi dưỡng Giám đốc Sở"
    identity.save()
    heading = '<h1 id="hero-title"{}>Bồi dưỡng Giám đốc Sở</h1>'

    assert heading.format("") in client.get("/").text  # Vietnamese page: nothing to declare

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert heading.format(' lang="vi"') in client.get("/").text
