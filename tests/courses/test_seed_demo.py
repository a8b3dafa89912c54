import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page

from content.models import HomePage, SiteIdentity
from courses.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def _counts():
    return (
        get_user_model().objects.count(),
        Page.objects.count(),
        HomePage.objects.get().get_latest_revision().pk,
    )


def test_seed_creates_the_accounts_prints_them_and_is_idempotent(client, capsys):
    call_command("seed_demo", force=True)
    first = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.email in first
        assert account.password in first
    counts = _counts()

    call_command("seed_demo", force=True)
    assert _counts() == counts
    assert "already existed" in capsys.readouterr().out

    identity = SiteIdentity.load()
    assert identity.course_short_name == "Bồi dưỡng Giám đốc Sở"
    home = client.get("/")
    assert "Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông" in home.text


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_every_demo_account_can_sign_in(client, account):
    call_command("seed_demo", force=True)
    response = client.post(
        "/accounts/login/", {"login": account.email, "password": account.password}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_seed_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_keeps_a_password_someone_changed(client):
    call_command("seed_demo", force=True)
    user = get_user_model().objects.get(email="hocvien@lms.test")
    user.set_password("Mat-khau-moi-2026")
    user.save()
    call_command("seed_demo", force=True)
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")
