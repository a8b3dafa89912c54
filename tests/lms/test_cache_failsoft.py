"""lms.cache.FailSoftRedisCache: with Redis down, pages still render, sessions come from the
database, rate limits still hold (per process), and nothing stale comes back afterwards.

Against the real Redis at 127.0.0.1:6379 (db 13, a key prefix per test) and two kinds of dead
Redis: a closed port, and a small TCP proxy in front of the real one that the test stops and
starts again (an outage and a recovery of the same server).
"""

import contextlib
import logging
import select
import socket
import threading
import uuid

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

import lms.cache

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 13
# Nothing listens on port 1: every connection is refused at once.
DEAD = f"redis://127.0.0.1:1/{REDIS_DB}"
RETRY_AFTER = 5
NAME = "Trần Văn Hòa"  # the `participant` fixture (tests/conftest.py)


def failsoft(location, prefix, **options):
    return {
        "default": {
            "BACKEND": "lms.cache.FailSoftRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_AFTER": RETRY_AFTER,
                **options,
            },
        }
    }


@pytest.fixture(scope="module")
def raw():
    """A plain client of the real Redis, to see what the cache stored there."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"needs a Redis server at {REDIS_HOST}:{REDIS_PORT} ({error})")
    yield client
    client.close()


@pytest.fixture
def prefix():
    """A key prefix of the test's own; its keys are removed from the real Redis afterwards.
    Tests of a dead Redis only need no Redis at all; those that need the real one ask for
    `raw` or `proxy`, which skip without it."""
    value = f"failsoft-test-{uuid.uuid4().hex[:12]}"
    yield value
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=1)
    with contextlib.suppress(redis.exceptions.RedisError):
        keys = list(client.scan_iter(f"{value}:*"))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture(autouse=True)
def _fresh_breakers():
    lms.cache.reset_state()
    yield
    lms.cache.reset_state()


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(lms.cache, "_clock", fake)
    return fake


class RedisProxy:
    """Forwards a local port to the real Redis until stop(); start() opens the same port again."""

    def __init__(self):
        self.port = None
        self._listener = None
        self._sockets = []
        self._lock = threading.Lock()
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        """Closes the port and every open connection: the cache sees Redis vanish."""
        listener, self._listener = self._listener, None
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the other thread
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()

    def _accept(self, listener):
        while True:
            try:
                downstream, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection((REDIS_HOST, REDIS_PORT))
            with self._lock:
                self._sockets += [downstream, upstream]
            threading.Thread(target=self._pump, args=(downstream, upstream), daemon=True).start()

    @staticmethod
    def _pump(a, b):
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            a.close()
            b.close()


@pytest.fixture
def proxy(raw):
    running = RedisProxy()
    yield running
    if running._listener is not None:
        running.stop()


def session_cache_key(prefix, session_key):
    """The Redis key of a session under Django's default key function."""
    return f"{prefix}:1:{SESSION_PREFIX}{session_key}"


def page():
    return reverse("courses:my_courses")


# --- What people see --------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_the_fail_soft_backend_a_dead_redis_fails_the_request(client, participant):
    """Why this exists: Django's RedisCache raises on a dead Redis, and the session with it."""
    dead = failsoft(DEAD, "plain")
    dead["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    del dead["default"]["OPTIONS"]["RETRY_AFTER"]
    with override_settings(CACHES=dead), pytest.raises(redis.exceptions.ConnectionError):
        client.force_login(participant)  # saving the new session fails


@pytest.mark.django_db
def test_a_signed_in_participant_page_renders_with_redis_dead(client, participant, prefix):
    with override_settings(CACHES=failsoft(DEAD, prefix)):
        client.force_login(participant)
        response = client.get(page())
    assert response.status_code == 200
    assert NAME in response.content.decode()


@pytest.mark.django_db
def test_a_session_made_with_redis_up_stays_valid_while_it_is_down(
    client, participant, proxy, prefix, raw
):
    with override_settings(CACHES=failsoft(proxy.url, prefix)):
        client.force_login(participant)
        assert client.get(page()).status_code == 200
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert raw.exists(session_cache_key(prefix, session_key)), "cached in Redis while up"
        proxy.stop()
        response = client.get(page())
    assert response.status_code == 200
    assert NAME in response.content.decode()


@pytest.mark.django_db
def test_a_logout_during_the_outage_is_not_undone_when_redis_is_back(
    client, participant, proxy, prefix, raw, clock
):
    with override_settings(CACHES=failsoft(proxy.url, prefix)):
        client.force_login(participant)
        assert client.get(page()).status_code == 200
        old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        proxy.stop()
        assert client.post("/accounts/logout/").status_code == 302
        assert not Session.objects.filter(session_key=old_key).exists()
        assert raw.exists(session_cache_key(prefix, old_key)), "Redis still holds the session"

        proxy.start()
        clock.advance(RETRY_AFTER + 1)
        # Someone still holding the old cookie (another tab, a copied cookie).
        other = Client()
        other.cookies[settings.SESSION_COOKIE_NAME] = old_key
        response = other.get(page())
    assert response.status_code == 302, "not signed in: sent to the sign-in page"
    assert "/accounts/login/" in response["Location"]
    assert not raw.exists(session_cache_key(prefix, old_key))


@pytest.mark.django_db
def test_a_session_changed_during_the_outage_is_read_from_the_database_afterwards(
    participant, proxy, prefix, raw, clock
):
    with override_settings(CACHES=failsoft(proxy.url, prefix)):
        store = SessionStore()
        store["note"] = "before"
        store.save()
        assert raw.exists(session_cache_key(prefix, store.session_key))
        proxy.stop()
        during = SessionStore(store.session_key)
        during["note"] = "during"
        during.save()  # the database only
        proxy.start()
        clock.advance(RETRY_AFTER + 1)
        after = SessionStore(store.session_key)
        assert after["note"] == "during", "not the copy Redis held from before the outage"
        assert raw.exists(session_cache_key(prefix, store.session_key)), "cached again"


@pytest.mark.django_db
def test_the_search_rate_limit_still_holds_with_redis_dead(client, prefix):
    # Per hour, so that the test does not straddle the start of a new window.
    with override_settings(CACHES=failsoft(DEAD, prefix), LMS_SEARCH_RATE="3/h"):
        codes = [client.get(reverse("courses:search"), {"q": "bài"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


# --- The breaker and the recovery -------------------------------------------------------------


@pytest.fixture
def connects(monkeypatch):
    """Counts the connections redis-py opens (or tries to)."""
    attempts = []
    original = redis.connection.Connection._connect

    def counting(self):
        attempts.append(self.port)
        return original(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting)
    return attempts


def test_while_redis_is_down_no_call_goes_to_the_network_until_the_window_ends(
    prefix, connects, clock, caplog
):
    with override_settings(CACHES=failsoft(DEAD, prefix)):
        cache = caches["default"]
        with caplog.at_level(logging.WARNING, logger="lms.cache"):
            assert cache.get("a") is None
            assert len(connects) == 1
            cache.set("a", 1)
            assert cache.get("a") == 1, "kept in the process meanwhile"
            assert cache.add("b", 0)
            assert cache.incr("b") == 1
            assert len(connects) == 1, "no second attempt within the window"
            clock.advance(RETRY_AFTER + 0.1)
            assert cache.get("a") == 1
            assert len(connects) == 2, "tried again once the window was over"
    warnings = [r for r in caplog.records if r.name == "lms.cache"]
    assert len(warnings) == 1, "one line per outage, not one per call"
    assert warnings[0].levelno == logging.WARNING
    assert "cache unreachable, serving without it for 5 s" in warnings[0].getMessage()


def test_after_the_window_values_are_stored_in_redis_again(proxy, prefix, raw, clock, caplog):
    with override_settings(CACHES=failsoft(proxy.url, prefix)):
        cache = caches["default"]
        cache.set("kept", "before")
        assert raw.exists(f"{prefix}:1:kept")
        proxy.stop()
        cache.set("kept", "during")
        cache.set("new", "during")
        assert cache.get("kept") == "during"
        proxy.start()
        cache.set("early", "x")  # within the window: not tried yet
        assert not raw.exists(f"{prefix}:1:early")
        clock.advance(RETRY_AFTER + 1)
        with caplog.at_level(logging.INFO, logger="lms.cache"):
            cache.set("after", "stored")
        assert raw.exists(f"{prefix}:1:after")
        assert cache.get("after") == "stored"
        # What Redis held from before, and was replaced meanwhile, does not come back.
        assert cache.get("kept") is None
        assert not raw.exists(f"{prefix}:1:kept")
        # Nor does what the process kept during this outage come back in the next one.
        proxy.stop()
        assert cache.get("new") is None
    assert any("cache reachable again" in r.getMessage() for r in caplog.records)


# --- The health check -------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_degraded_with_redis_down_and_ok_with_it_up(client, prefix, raw):
    with override_settings(CACHES=failsoft(DEAD, prefix)):
        caches["default"].get("trip-the-breaker")
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}

    live = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    with override_settings(CACHES=failsoft(live, prefix)):
        response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_asks_redis_itself_not_the_breaker(client, proxy, prefix):
    """Within the window the breaker still serves without Redis; the probe sees it is back."""
    with override_settings(CACHES=failsoft(proxy.url, prefix)):
        proxy.stop()
        caches["default"].get("trip-the-breaker")
        assert client.get("/healthz").json()["cache"] == "unreachable"
        proxy.start()
        assert client.get("/healthz").json()["cache"] == "ok"


# --- The cache API while Redis is down --------------------------------------------------------


def test_every_method_works_on_the_fallback(prefix):
    with override_settings(CACHES=failsoft(DEAD, prefix)):
        cache = caches["default"]
        with pytest.raises(ValueError, match="not found"):
            cache.incr("missing")  # as RedisCache does: django-ratelimit relies on it
        assert cache.add("n", 5) is True
        assert cache.add("n", 9) is False
        assert cache.incr("n", 2) == 7
        assert cache.decr("n") == 6
        cache.set_many({"x": 1, "y": 2})
        assert cache.get_many(["x", "y", "z"]) == {"x": 1, "y": 2}
        assert cache.has_key("x")
        assert "y" in cache
        assert cache.touch("x", 60) is True
        assert cache.delete("x") is True
        cache.delete_many(["y"])
        assert cache.get_many(["x", "y"]) == {}
        assert cache.get_or_set("computed", lambda: "value") == "value"
        assert cache.get("computed") == "value"
        assert cache.get("absent", "default") == "default"


def test_sessions_are_never_served_from_the_fallback(prefix):
    key = f"{SESSION_PREFIX}abc123"
    with override_settings(CACHES=failsoft(DEAD, prefix)):
        cache = caches["default"]
        cache.set(key, {"_auth_user_id": "1"})
        assert cache.get(key) is None, "a miss: the session is read from the database"
        assert not cache.has_key(key)
        assert cache.add(key, {}) is False
        assert cache.get_many([key]) == {}
        assert cache.get_or_set(key, "x") == "x"
        assert cache.get(key) is None


def test_clear_is_not_fail_soft(prefix):
    with override_settings(CACHES=failsoft(DEAD, prefix)):
        cache = caches["default"]
        cache.set("a", 1)
        with pytest.raises(redis.exceptions.ConnectionError):
            cache.clear()
        assert cache.get("a") is None, "the process's own copy is emptied all the same"


def test_the_window_can_be_set_in_cache_url():
    import environ

    config = environ.Env.cache_url_config("redis://127.0.0.1:1/13?socket_timeout=1&retry_after=12")
    config["BACKEND"] = "lms.cache.FailSoftRedisCache"
    with override_settings(CACHES={"default": config}):
        cache = caches["default"]
        assert cache.retry_after == 12
        assert "retry_after" not in cache._options, "not passed on to redis-py"


def test_a_redis_that_hangs_costs_one_timeout_per_window_not_one_per_call(prefix):
    import time

    # Accepts connections (the kernel's backlog) and never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    location = f"redis://127.0.0.1:{silent.getsockname()[1]}/{REDIS_DB}"
    try:
        with override_settings(CACHES=failsoft(location, prefix, socket_timeout=0.3)):
            cache = caches["default"]
            started = time.monotonic()
            assert cache.get("a", "fallback") == "fallback"
            assert time.monotonic() - started >= 0.3, "the first call waited for the timeout"
            started = time.monotonic()
            for _ in range(20):
                cache.get("a")
            assert time.monotonic() - started < 0.3, "the next ones did not"
    finally:
        silent.close()
