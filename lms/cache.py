"""A Redis cache that keeps the site serving when Redis is down (docs/operations/redis.md).

Django's RedisCache raises on every call while Redis does not answer; with sessions in
cached_db and rate limits in the cache, that is a 500 on every page. FailSoftRedisCache is the
same backend (Django's own client) with three additions, all per process:

- a circuit breaker: the first connection error or timeout logs one WARNING and marks Redis
  down for RETRY_AFTER seconds (an OPTIONS entry, default 5), during which no call goes to the
  network, so no request waits for the socket timeout again and again. After the window the
  next call tries Redis again; when it answers, one INFO line says so.
- sessions (keys of django.contrib.sessions.backends.cached_db) are never served while Redis
  is down: reads miss, so the session is read from the database, the one shared copy;
  writes are dropped.
- every other key (rate-limit counters, allauth's limits, anything else) is kept meanwhile in a
  LocMemCache of the process: limits still hold, per process, instead of failing closed
  (django-ratelimit treats a failing cache as "limited") or open.

Every key written or deleted while Redis was down is remembered and deleted from Redis when it
answers again, before anything else is read from it: a logout during the outage is not undone
by the session Redis still held, and no value the site replaced meanwhile comes back stale.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 5.0
# Room for the rate-limit counters of every client of one process during an outage. LocMemCache
# culls a third of its entries when full, which would reset limits early, so not the usual 300.
FALLBACK_MAX_ENTRIES = 50_000
# Errors that mean "Redis is not there", as opposed to a wrong command (ResponseError), which is
# a bug and is raised as usual. ReadOnlyError: a replica during a failover refuses writes.
# OSError: redis-py wraps socket errors, this is for any it does not.
UNREACHABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
    OSError,
)
# Keys deleted per DEL when Redis is back.
DELETE_BATCH = 500

# The breaker's clock; tests replace it to move past the window without sleeping.
_clock = time.monotonic


@dataclass
class _Breaker:
    """What one process knows about one Redis (shared by its threads: Django gives each thread
    its own cache object, but the outage and the remembered keys are the process's)."""

    down: bool = False
    retry_at: float = 0.0
    # Full Redis keys (prefix and version included) to delete when Redis answers again.
    stale: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Held by the one thread that tries Redis after the window; the others keep to the fallback.
    trying: threading.Lock = field(default_factory=threading.Lock)


_breakers: dict[tuple[str, ...], _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(servers) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(tuple(servers), _Breaker())


def reset_state() -> None:
    """Forget every outage, remembered key and fallback value of this process (for tests)."""
    with _breakers_lock:
        _breakers.clear()
    from django.core.cache.backends import locmem

    for name in [n for n in locmem._caches if n.startswith(FailSoftRedisCache.fallback_prefix)]:
        locmem._caches[name].clear()
        locmem._expire_info[name].clear()


def _is_session(key) -> bool:
    return isinstance(key, str) and key.startswith(SESSION_KEY_PREFIX)


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache that serves without Redis while it is down (module docstring).

    CACHES = {"default": {"BACKEND": "lms.cache.FailSoftRedisCache",
                          "LOCATION": "redis://127.0.0.1:6379/0",
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1,
                                      "RETRY_AFTER": 5}}}
    """

    fallback_prefix = "lms.cache.fallback:"

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Not a redis-py option: taken out before the rest goes to the connection pool. Lower
        # case too, as CACHE_URL gives it (redis://host:6379/0?retry_after=10).
        retry_after = options.pop("retry_after", DEFAULT_RETRY_AFTER)
        self.retry_after = float(options.pop("RETRY_AFTER", retry_after))
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self._breaker = _breaker_for(self._servers)
        fallback_params = {
            key: params[key]
            for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
            if key in params
        }
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        # Named by the servers, so that every thread of the process shares the one store.
        self._fallback = LocMemCache(
            self.fallback_prefix + ",".join(self._servers), fallback_params
        )

    # --- The breaker ------------------------------------------------------------------------

    def _redis_usable(self) -> bool:
        """Whether this call may go to Redis; after an outage, first deletes the keys written
        meanwhile, so that no caller reads a value of before the outage."""
        breaker = self._breaker
        if not breaker.down and not breaker.stale:
            return True
        if breaker.down and _clock() < breaker.retry_at:
            return False
        if not breaker.trying.acquire(blocking=False):
            # Another thread is trying Redis right now: don't queue behind its timeout.
            return not breaker.down
        try:
            was_down = breaker.down
            try:
                self._delete_stale_keys()
            except UNREACHABLE as error:
                self._trip(error)
                return False
            if was_down:
                with breaker.lock:
                    breaker.down = False
                # What the process kept meanwhile is of the outage only: a later outage must
                # not serve it again (Redis has been written to since).
                self._fallback.clear()
                logger.info("cache reachable again (%s)", ", ".join(self._servers))
            return True
        finally:
            breaker.trying.release()

    def _delete_stale_keys(self) -> None:
        breaker = self._breaker
        client = self._cache.get_client(None, write=True)
        with breaker.lock:
            keys = list(breaker.stale)
        if not keys:
            client.ping()
            return
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            client.delete(*batch)
            with breaker.lock:
                breaker.stale.difference_update(batch)

    def _trip(self, error: BaseException) -> None:
        breaker = self._breaker
        with breaker.lock:
            was_down = breaker.down
            breaker.down = True
            breaker.retry_at = _clock() + self.retry_after
        if not was_down:
            logger.warning(
                "cache unreachable, serving without it for %g s (%s: %r)",
                self.retry_after,
                ", ".join(self._servers),
                error,
            )

    def _remember(self, keys, version=None) -> None:
        made = [self.make_key(key, version=version) for key in keys]
        with self._breaker.lock:
            self._breaker.stale.update(made)

    def _call(self, on_redis, on_fallback):
        if self._redis_usable():
            try:
                return on_redis()
            except UNREACHABLE as error:
                self._trip(error)
        return on_fallback()

    def probe(self) -> bool:
        """Stores and reads back a key of its own in Redis itself, past the breaker and the
        fallback (for the health check). Raises the client's error when Redis does not answer."""
        key = f"lms:healthz:{uuid.uuid4().hex}"
        RedisCache.set(self, key, "ok", timeout=10)
        return RedisCache.get(self, key) == "ok"

    # --- The cache API ----------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        def fallback():
            if _is_session(key):
                return default  # a miss: cached_db reads the database
            return self._fallback.get(key, default, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).get(key, default, version), fallback
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        def fallback():
            self._remember([key], version)
            if not _is_session(key):
                self._fallback.set(key, value, timeout, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version), fallback
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        def fallback():
            self._remember([key], version)
            if _is_session(key):
                return False
            return self._fallback.add(key, value, timeout, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version), fallback
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        def fallback():
            if _is_session(key):
                return False
            self._remember([key], version)
            return self._fallback.touch(key, timeout, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).touch(key, timeout, version), fallback
        )

    def delete(self, key, version=None):
        def fallback():
            self._remember([key], version)
            return self._fallback.delete(key, version)

        return self._call(lambda: super(FailSoftRedisCache, self).delete(key, version), fallback)

    def has_key(self, key, version=None):
        def fallback():
            return False if _is_session(key) else self._fallback.has_key(key, version)

        return self._call(lambda: super(FailSoftRedisCache, self).has_key(key, version), fallback)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError, in Redis as in the fallback (django-ratelimit adds
        # the key first, then increments it).
        def fallback():
            if _is_session(key):
                raise ValueError(f"Key '{key}' not found.")
            self._remember([key], version)
            return self._fallback.incr(key, delta, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).incr(key, delta, version), fallback
        )

    def get_many(self, keys, version=None):
        keys = list(keys)

        def fallback():
            return self._fallback.get_many([k for k in keys if not _is_session(k)], version)

        return self._call(lambda: super(FailSoftRedisCache, self).get_many(keys, version), fallback)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        def fallback():
            self._remember(data, version)
            others = {k: v for k, v in data.items() if not _is_session(k)}
            return self._fallback.set_many(others, timeout, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version), fallback
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)

        def fallback():
            self._remember(keys, version)
            self._fallback.delete_many(keys, version)

        return self._call(
            lambda: super(FailSoftRedisCache, self).delete_many(keys, version), fallback
        )

    def clear(self):
        """Empties Redis, and this process's fallback. Not fail-soft: whoever clears the cache
        must learn that Redis could not be cleared, so the client's error is raised."""
        self._fallback.clear()
        return super().clear()

    # decr() and get_or_set() are BaseCache's, built on incr(), get() and add() above; the
    # async methods (aget, aset, ...) are BaseCache's too, which call these in a thread.
