import unicodedata

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_public_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_admin_gets_its_own_policy_allowing_its_previews(client, school_staff):
    client.force_login(school_staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy


def test_posted_text_is_normalised_to_nfc_before_any_view_sees_it(client, participant):
    client.force_login(participant)
    decomposed = unicodedata.normalize("NFD", "Đỗ Văn Hoà")
    # The sign-up form is a convenient form view that echoes posted values back on error.
    client.logout()
    response = client.post(
        "/accounts/signup/",
        {"last_name": decomposed, "first_name": "\u00d0ào", "email": "not-an-email"},
    )
    assert response.status_code == 200
    assert 'value="Đỗ Văn Hoà"' in response.text
    assert 'value="Đào"' in response.text
    assert decomposed not in response.text


@override_settings(LMS_REQUIRE_MFA_FOR_STAFF=True)
def test_school_staff_must_set_up_two_factor_when_required(client, school_staff):
    client.post("/accounts/login/", {"login": school_staff.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before any two-factor change.
    reauth = client.get(response.headers["Location"])
    assert reauth.headers["Location"].startswith("/accounts/reauthenticate/")
    client.post(reauth.headers["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert "phải bật xác thực hai bước" in page.text
    assert "otpauth://" in page.text or "<svg" in page.text or "data:image" in page.text

    Authenticator.objects.create(user=school_staff, type=Authenticator.Type.TOTP, data={})
    assert client.get("/admin/").status_code == 200


@override_settings(LMS_REQUIRE_MFA_FOR_STAFF=True)
def test_participants_are_not_forced_into_two_factor(client, participant):
    client.force_login(participant)
    assert client.get("/").status_code == 200


@override_settings(LMS_REQUIRE_MFA_FOR_STAFF=False)
def test_two_factor_is_optional_by_default(client, school_staff):
    client.force_login(school_staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
