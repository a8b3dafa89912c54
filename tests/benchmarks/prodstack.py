"""The production stack on one machine, started the way a deployment runs it (a script, not a test).

    .venv/bin/python tests/benchmarks/prodstack.py up --workdir /tmp/lms-prod [--fresh]
    set -a; . /tmp/lms-prod/env; set +a          # the stack's environment, for manage.py
    .venv/bin/python tests/benchmarks/prodstack.py down --workdir /tmp/lms-prod [--drop]

`up` starts, each as its own process group, with `lms.settings.production` and `DEBUG` off:
two gunicorn processes (lms/gunicorn.conf.py, gthread) on two ports over TLS — production cookies
are Secure, so a client over plain HTTP would drop them; a deployment terminates TLS in its
proxy instead —, one task worker (`manage.py run_worker`), and a small SMTP sink that keeps every
mail as a file. They share a PostgreSQL database (127.0.0.1:5432) and a Redis database
(127.0.0.1:6379). Everything the stack needs is made in the work directory: a self-signed TLS
certificate, the school's Ed25519 signing key and PKCS#12 certificate, collected static files,
media and private directories, the environment file `env` and `stack.json` (what runs where).

--database-url / --cache-url point the stack elsewhere (the fault scripts put a TCP proxy in
between, tests/benchmarks/tcp_proxy.py). Never against a real site's database: `--fresh` drops it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import shlex
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DEFAULT_PORTS = (8443, 8444)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def say(*parts) -> None:
    print(*parts, flush=True)  # noqa: T201


# --- Files the stack needs -------------------------------------------------------------------


def make_tls_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (the client trusts this file)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = directory / "tls-cert.pem", directory / "tls-key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def make_school_keys(directory: Path) -> tuple[Path, Path]:
    """The certificate-signing key (Ed25519 PEM) and the school's PKCS#12, as test stand-ins."""
    pem, p12 = directory / "certificate-signing.pem", directory / "school-signing.p12"
    if not (pem.exists() and p12.exists()):
        script = (
            "import django, sys; django.setup()\n"
            "from pathlib import Path\n"
            "from courses.certificate_pades import development_pkcs12\n"
            "from tests.courses.certificate_helpers import write_signing_key\n"
            "write_signing_key(sys.argv[1])\n"
            "Path(sys.argv[2]).write_bytes(development_pkcs12())\n"
        )
        subprocess.run(
            [PYTHON, "-c", script, str(directory), str(p12)],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
            check=True,
        )
        pem.chmod(0o600)
        p12.chmod(0o600)
    return pem, p12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The database and the cache -----------------------------------------------------------------


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


# --- A mail sink: the stack's mail, kept as files ------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend (no TLS, no auth): each message to a file."""

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 lms-prodstack mail sink")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("latin-1").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 lms-prodstack")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                body = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                name = f"{time.time_ns()}-{secrets.token_hex(3)}.eml"
                (self.server.mail_dir / name).write_bytes(bytes(body))
                self._reply("250 kept")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


def serve_mail_sink(port: int, mail_dir: Path) -> None:
    mail_dir.mkdir(parents=True, exist_ok=True)
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), _SmtpHandler)
    server.mail_dir = mail_dir
    server.daemon_threads = True
    server.serve_forever()


# --- Processes ---------------------------------------------------------------------------------


def stack_environment(args, workdir: Path) -> dict[str, str]:
    tls_cert, tls_key = make_tls_certificate(workdir)
    signing_key, school_p12 = make_school_keys(workdir)
    return {
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "DATABASE_URL": args.database_url,
        "CONN_MAX_AGE": "60",
        "CACHE_URL": args.cache_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{args.smtp_port}",
        "DEFAULT_FROM_EMAIL": "LMS <no-reply@lms.test>",
        "TASKS_BACKEND": "database",
        "LMS_SIGNING_KEY_FILE": str(signing_key),
        "LMS_SCHOOL_PKCS12_FILE": str(school_p12),
        # The scripted staff sign in with a password; a real school keeps this on.
        "LMS_REQUIRE_MFA_FOR_STAFF": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
        "WAGTAILADMIN_BASE_URL": f"https://127.0.0.1:{args.ports[0]}",
        "LMS_BATCH_STALE_SECONDS": str(args.batch_stale_seconds),
        "LOG_JSON": "1",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
        "GUNICORN_CERTFILE": str(tls_cert),
        "GUNICORN_KEYFILE": str(tls_key),
        "SSL_CERT_FILE_FOR_CLIENTS": str(tls_cert),
    }


def write_env_file(path: Path, environment: dict[str, str]) -> None:
    lines = [f"{key}={shlex.quote(value)}" for key, value in environment.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = shlex.split(value)[0] if value else ""
    return values


def manage(environment: dict[str, str], *arguments: str, log: Path | None = None) -> None:
    """Run one manage.py command in the stack's environment; its output goes to `log`."""
    out = log.open("ab") if log else None
    try:
        subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env={**os.environ, **environment},
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )
    finally:
        if out:
            out.close()


def spawn(name: str, command: list[str], environment: dict[str, str], logs: Path) -> int:
    """Start a long-running process in its own process group (so `down` stops all of it)."""
    log = (logs / f"{name}.log").open("ab")
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process.pid


def gunicorn_command(port: int) -> list[str]:
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "lms" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--name",
        f"lms-{port}",
    ]


def start_web(port: int, environment: dict[str, str], logs: Path) -> int:
    return spawn(f"web-{port}", gunicorn_command(port), environment, logs)


def start_worker(environment: dict[str, str], logs: Path) -> int:
    command = [PYTHON, "manage.py", "run_worker", "--interval", "0.5"]
    if not (ROOT / "courses" / "management" / "commands" / "run_worker.py").exists():
        command[2] = "db_worker"
    return spawn("worker", command, environment, logs)


def https_context(cert: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cert)


def health(base_url: str, cert: str, timeout: float = 3.0) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base_url}/healthz")  # noqa: S310 (always https://)
    context = https_context(cert)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as reply:  # noqa: S310
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def wait_healthy(base_url: str, cert: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            status, body = health(base_url, cert)
            if status == 200:
                return
            last = f"{status} {body}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.5)
    raise SystemExit(f"{base_url} did not become healthy in {seconds:.0f} s: {last}")


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie — exited, not yet reaped by this script — does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def stop_group(pid: int, *, hard: bool = False, wait: float = 20) -> None:
    """Stop a process group started by spawn(): TERM (graceful) or KILL, then wait for it."""
    try:
        os.killpg(pid, signal.SIGKILL if hard else signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def stop_all(pids: dict[str, int], *, report: bool = False) -> None:
    """Stop the stack's processes in the reverse of their start order: the web processes first
    (no new tasks), then the worker (it finishes the task in hand, which may be sending mail),
    the mail sink last. Stopping the sink first made queued notification mails fail."""
    for name, pid in reversed(pids.items()):
        stop_group(pid)
        if report:
            say(f"stopped {name} ({pid})")


# --- Commands --------------------------------------------------------------------------------


def load_state(workdir: Path) -> dict:
    path = workdir / "stack.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save_state(workdir: Path, state: dict) -> None:
    (workdir / "stack.json").write_text(json.dumps(state, indent=1))


def up(args) -> dict:
    workdir = args.workdir.resolve()
    running = [pid for pid in (load_state(workdir).get("pids") or {}).values() if alive(pid)]
    if running:
        raise SystemExit(f"A stack is already up in {workdir}; `down` it first.")
    logs = workdir / "logs"
    for directory in (workdir, logs, workdir / "media", workdir / "private", workdir / "mail"):
        directory.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    database = database_name(args.database_url)
    if args.fresh:
        recreate_database(database)
        flush_redis(args.cache_url)
    else:
        ensure_database(database)
    environment = stack_environment(args, workdir)
    write_env_file(workdir / "env", environment)
    say(f"Database {database}, cache {args.cache_url}; migrating and collecting static files…")
    manage(environment, "migrate", "--noinput", log=logs / "setup.log")
    manage(environment, "collectstatic", "--noinput", log=logs / "setup.log")
    pids = {
        "mail": spawn(
            "mail",
            [PYTHON, __file__, "mail-sink", "--port", str(args.smtp_port), "--dir",
             str(workdir / "mail")],
            environment,
            logs,
        ),
        "worker": start_worker(environment, logs),
    }  # fmt: skip
    for port in args.ports:
        pids[f"web-{port}"] = start_web(port, environment, logs)
    urls = [f"https://127.0.0.1:{port}" for port in args.ports]
    state = {
        "urls": urls,
        "ports": list(args.ports),
        "database": database,
        "database_url": args.database_url,
        "cache_url": args.cache_url,
        "tls_cert": environment["GUNICORN_CERTFILE"],
        "pids": pids,
        "logs": str(logs),
    }
    save_state(workdir, state)
    try:
        for url in urls:
            wait_healthy(url, state["tls_cert"])
    except BaseException:
        stop_all(pids)
        raise
    say(
        f"Stack up in {time.monotonic() - started:.0f} s: {', '.join(urls)} "
        f"(gunicorn gthread, {args.workers} workers × {args.threads} threads each), worker and "
        f"mail sink; logs in {logs}. Environment: {workdir / 'env'}"
    )
    return state


def down(args) -> None:
    workdir = args.workdir.resolve()
    state = load_state(workdir)
    stop_all(state.get("pids") or {}, report=True)
    if state:
        state["pids"] = {}
        save_state(workdir, state)
    if args.drop and state.get("database"):
        drop_database(state["database"])
        flush_redis(state["cache_url"])
        say(f"dropped database {state['database']} and flushed {state['cache_url']}")


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = main_parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start the stack")
    add_stack_options(start)
    stop = commands.add_parser("down", help="stop the stack")
    stop.add_argument("--workdir", type=Path, required=True)
    stop.add_argument("--drop", action="store_true", help="drop its database, flush its Redis db")
    sink = commands.add_parser("mail-sink", help=argparse.SUPPRESS)
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--dir", type=Path, required=True)
    return main_parser


def add_stack_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--workdir", type=Path, required=True)
    command.add_argument(
        "--ports",
        type=lambda text: [int(part) for part in text.split(",")],
        default=list(DEFAULT_PORTS),
        help="one gunicorn process per port (default 8443,8444)",
    )
    command.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/lms_prodstack"
    )
    command.add_argument("--cache-url", default="redis://127.0.0.1:6379/7")
    command.add_argument("--smtp-port", type=int, default=0, help="default: a free port")
    command.add_argument("--workers", type=int, default=2, help="gunicorn workers per process")
    command.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    command.add_argument("--batch-stale-seconds", type=int, default=300)
    command.add_argument(
        "--fresh", action="store_true", help="drop and recreate the database, flush the Redis db"
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "up":
        if not args.smtp_port:
            args.smtp_port = free_port()
        up(args)
    elif args.command == "down":
        down(args)
    elif args.command == "mail-sink":
        serve_mail_sink(args.port, args.dir)
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "prodstack"
    sys.exit(main())
