"""Rate limits on every sign-in form, and no redirect off the site after signing in."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_repeated_wrong_passwords_are_rate_limited(client, school_staff, path):
    for _ in range(5):
        response = client.post(path, {"login": school_staff.email, "password": "sai-mat-khau"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    # The sixth attempt is refused even with the right password.
    response = client.post(path, {"login": school_staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Đăng nhập không thành công quá nhiều lần" in response.text


def test_admin_login_signs_in_through_the_site_form_and_opens_the_admin(client, school_staff):
    response = client.post(
        "/admin/login/?next=/admin/", {"login": school_staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_redirects_signed_out_editors_to_the_site_sign_in(client):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/?next=/admin/pages/")
    sign_in = client.get(response.headers["Location"])
    assert 'name="password"' in sign_in.text, "the site's own (allauth) sign-in form"


def test_participant_gets_no_admin_access(client, participant):
    client.force_login(participant)
    refused = client.get("/admin/", follow=True)
    assert refused.status_code == 403, "no redirect loop between /admin/ and the sign-in"
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert "không có quyền vào trang quản trị" in response.text


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example",
        "https://evil.example/admin/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " https://evil.example",
        "http://testserver@evil.example/",
    ],
)
@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_login_never_redirects_off_site(client, participant, school_staff, next_url, path):
    user = school_staff if path == "/admin/login/" else participant
    response = client.post(f"{path}?next={next_url}", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert "evil.example" not in location
    assert "javascript" not in location


def test_admin_login_of_signed_in_editor_ignores_off_site_next(client, school_staff):
    client.force_login(school_staff)
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
