"""Sign-up with e-mail verification, sign-in and sign-out, end to end through the views."""

import re
import unicodedata

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

User = get_user_model()


def _signup(client, **overrides):
    data = {
        "last_name": "Nguyễn Thị",
        "first_name": "Đào",
        "email": "Dao.Nguyen@Example.vn",
        "password1": "Chuyen-doi-so-2026",
        "password2": "Chuyen-doi-so-2026",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_signup_verify_signin_signout(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/confirm-email/"

    user = User.objects.get(email="dao.nguyen@example.vn")
    assert user.full_name == "Nguyễn Thị Đào"
    assert not EmailAddress.objects.get(user=user).verified

    # Until the address is verified, signing in only re-sends the verification.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dao.nguyen@example.vn"]
    assert "Xác nhận" in message.subject or "xác nhận" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "dao.nguyen@example.vn" in confirm_page.text
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session

    signed_in = client.post(
        "/accounts/login/", {"login": "DAO.NGUYEN@example.vn", "password": "Chuyen-doi-so-2026"}
    )
    assert signed_in.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get("/")
    assert "Đào" in home.text
    assert "Đăng xuất" in home.text

    signed_out = client.post("/accounts/logout/")
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Đăng nhập để học" in client.get("/").text


def test_unverified_account_cannot_sign_in(client):
    _signup(client)
    client.post("/accounts/logout/")
    mail.outbox.clear()
    response = client.post(
        "/accounts/login/", {"login": "dao.nguyen@example.vn", "password": "Chuyen-doi-so-2026"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/confirm-email/"
    # The mail was sent a moment ago; allauth does not flood the inbox within its cooldown.
    assert mail.outbox == []
    page = client.get("/accounts/confirm-email/")
    assert "dao.nguyen@example.vn" not in page.text or "email" in page.text.lower()


def test_names_typed_in_combining_form_are_stored_in_nfc(client):
    _signup(
        client,
        last_name=unicodedata.normalize("NFD", "Nguyễn Thị"),
        first_name=unicodedata.normalize("NFD", "Đào"),
    )
    user = User.objects.get(email="dao.nguyen@example.vn")
    assert user.last_name == "Nguyễn Thị"
    assert user.first_name == "Đào"
    assert user.search_text.startswith("nguyen thi dao")


def test_signup_with_missing_names_explains_and_creates_nothing(client):
    response = _signup(client, last_name="", first_name="")
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in response.text
    assert not User.objects.exists()


def test_signup_with_an_address_already_registered_does_not_reveal_it(client, participant):
    response = _signup(client, email=participant.email.upper())
    # Enumeration prevention: the same "check your mail" answer, and the owner is told by mail.
    assert response.status_code == 302
    assert User.objects.filter(email=participant.email).count() == 1
    assert mail.outbox[-1].to == [participant.email]
