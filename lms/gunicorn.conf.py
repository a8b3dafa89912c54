"""gunicorn's settings for the LMS: `gunicorn -c lms/gunicorn.conf.py` (docs/operations/deploy.md).

Every value can be changed from the environment, so one file serves every machine. gunicorn's own
`GUNICORN_CMD_ARGS` still overrides anything here.

Why threads (`gthread`): most of a request's time is spent waiting on PostgreSQL and Redis, and
participants on a slow provincial line hold a connection open; a threaded worker keeps serving
others meanwhile and keeps connections alive between a page and its next click (the sync worker
closes every connection, so each request paid a new TCP — and, behind a TLS-terminating proxy
without keep-alive upstream, a new handshake). Django is thread-safe; each thread keeps its own
database connection (CONN_MAX_AGE), so size PostgreSQL's max_connections for
processes × workers × threads, plus the task workers.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "lms.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
worker_class = "gthread"
# gunicorn's own rule of thumb, capped: PDF rendering (certificates, printable modules) is
# CPU-bound and runs in the request, so more processes than cores only queue it.
workers = _int("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9))
# Two threads per worker: the load test's check-in spike answered faster with 2 than with 4
# (p95 of the check-in page 470-550 ms against 610-620 ms; docs/operations/load-test.md): each
# worker holds one GIL, and more threads only took turns on it. Waiting connections do not
# hold a thread (gthread parks keep-alive connections); a proxy in front buffers slow clients.
threads = _int("GUNICORN_THREADS", 2)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A certificate PDF of a large cohort (the print-all view) takes seconds, never a minute.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle each worker now and then, staggered, so a slow leak in a library never grows for ever.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Heartbeat files in memory: a worker on a slow or full disk is not taken for dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (gunicorn's advice)

# Only the reverse proxy may say a request came over HTTPS (X-Forwarded-Proto); list its address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# TLS in gunicorn itself is for a machine without a proxy (and the local production check);
# behind nginx or a load balancer leave both unset.
certfile = os.environ.get("GUNICORN_CERTFILE") or None
keyfile = os.environ.get("GUNICORN_KEYFILE") or None

# Logs on standard error for the service manager: one access line per request with the request id
# the app sets (X-Request-ID), so a line here meets the app's own log lines.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s ua="%(a)s"'
proc_name = os.environ.get("GUNICORN_PROC_NAME", "lms")
# gunicorn's runtime control socket sits at one default path per user, which a second instance
# on the same machine (another port, the production check) would take over; off unless asked for.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

_tls_context = None


def ssl_context(conf, default_ssl_context_factory):
    """One TLS context per worker process instead of gunicorn's one per connection: building
    it loads the certificate, the key and the system's CA store each time (measured: a tenth of
    the CPU of the load test's check-in spike went to TLS set-up). Reusing it also lets returning
    clients resume their TLS session. A renewed certificate is read at the next reload (HUP)."""
    global _tls_context
    if _tls_context is None:
        _tls_context = default_ssl_context_factory()
    return _tls_context
