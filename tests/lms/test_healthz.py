import pytest
from django.db import OperationalError
from django.test import override_settings

# Nothing listens on port 1: the connection is refused at once. The timeouts are what production
# should set too (docs/operations/observability.md), so that a silent Redis cannot hang a probe.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The test settings use the process's own memory cache: nothing shared to probe.
    assert response.json() == {"status": "ok", "database": "ok", "cache": "not configured"}


@pytest.mark.django_db
def test_healthz_answers_even_to_a_probe_by_ip_address(client):
    # A load balancer asks each process by its address, which is not in ALLOWED_HOSTS.
    response = client.get("/healthz", headers={"host": "10.0.0.7:8000"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def unreachable(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_answers_503_with_a_real_unreachable_database():
    """A process whose database is down (nothing listens on port 1) reports 503, not a 500."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["503", "unreachable"], result.stderr[-2000:]


@pytest.mark.django_db
def test_healthz_checks_a_shared_cache_and_answers_ok(client, tmp_path):
    # A file cache stands in for Redis: any backend other than process memory is probed.
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    with override_settings(CACHES=shared):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_stays_in_service_but_degraded_when_the_cache_is_down(client):
    # Only the health check runs under this cache: sessions and rate limits never see it.
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


@pytest.mark.django_db
def test_healthz_reports_a_cache_that_swallows_its_errors_as_unreachable(client, monkeypatch):
    """A fail-soft backend answers None instead of raising; the probe compares what it reads."""
    from django.core.cache.backends.dummy import DummyCache

    # DummyCache never stores anything: as a "shared" backend it behaves like a dead fail-soft one.
    monkeypatch.setattr("lms.middleware.LOCAL_CACHE_BACKENDS", ())
    with override_settings(CACHES={"default": {"BACKEND": f"{DummyCache.__module__}.DummyCache"}}):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "unreachable"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down_whatever_the_cache(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def unreachable(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "cache": "unreachable",
    }
