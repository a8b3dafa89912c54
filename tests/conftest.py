import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; one test's failed logins must not block the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """A request through the test client leaves its language active in this thread (the locale
    middleware activates it and nothing deactivates it): a test that ends on an English page
    must not make the next test's messages English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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


# --- Transactional tests and the rows data migrations create --------------------------------
# Tests marked transaction=True, serialized_rollback=True get the rows of the data migrations
# (home page, site, role groups) back from a snapshot Django keeps on the connection object.
# Once Playwright's sync API has started (the e2e tests), the test body sees a different
# connection object without that snapshot, so Django silently skips the restore — the next test
# finds an empty database — and its teardown flush re-creates content types, which a later
# restore collides with. So we keep the snapshot ourselves and put it back on whichever
# connection object is current.
_SNAPSHOTS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _restore_migration_rows(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return
    from django.db import connections

    for alias in connections:
        snapshot = getattr(connections[alias], "_test_serialized_contents", None)
        if snapshot is not None:
            _SNAPSHOTS.setdefault(alias, snapshot)
    request.getfixturevalue("_django_db_helper")  # the test's own database set-up runs first
    for alias in connections:
        connection = connections[alias]
        if hasattr(connection, "_test_serialized_contents"):
            continue
        if alias not in _SNAPSHOTS:
            # The first such test, with Django's snapshot already out of reach: nothing has
            # flushed the database yet (every earlier test rolled back), so what it holds now is
            # the migrated state.
            _SNAPSHOTS[alias] = connection.creation.serialize_db_to_string()
        else:
            connection.creation.deserialize_db_from_string(_SNAPSHOTS[alias])
        connection._test_serialized_contents = _SNAPSHOTS[alias]  # teardown's flush stays clean


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgres` tests (cross-process locks, concurrent writers) are skipped,
    saying so, when the suite runs on SQLite; CI runs them on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (CI runs the suite on it)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
