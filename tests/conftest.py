import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; one test's failed logins must not block the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def participant(db):
    return factories.UserFactory(last_name="Trần Văn", first_name="Hòa")


@pytest.fixture
def school_staff(db):
    return factories.school_staff(last_name="Phạm Minh", first_name="Tuấn")


@pytest.fixture
def instructor(db):
    return factories.instructor(last_name="Lê Thị Thu", first_name="Hương")


@pytest.fixture
def vi(client):
    """A client that reads the site in Vietnamese (the default language)."""
    client.cookies["lms_language"] = "vi"
    return client
