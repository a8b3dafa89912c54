"""`manage.py run_worker`: the task worker of TASKS_BACKEND=database, with a watchdog.

It runs django-tasks-db's worker (`manage.py db_worker`, same options: --queue-name,
--interval, --batch, --max-tasks, --worker-id, …) in the foreground, and a background thread
that every --watchdog-interval seconds (default 60) enqueues again the certificate batches
whose worker died mid-way (courses.services.certificates.resume_stalled_batches) and the
notification mails lost with theirs (courses.services.notifications.resend_lost_mails): a task
of django-tasks-db whose worker is killed is never run again by itself. Several workers may run;
each one's watchdog does the same harmless check (docs/operations/task-worker.md).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from courses.services.certificates import resume_stalled_batches
from courses.services.notifications import resend_lost_mails

logger = logging.getLogger(__name__)


def watch(stop: threading.Event, interval: float) -> None:
    """Resume stalled batches and resend mails lost with their worker, now and then every
    `interval` seconds until `stop` is set. The
    thread's own database connection is closed after each round (it would otherwise sit idle
    between rounds, or be cut by the server and fail the next one)."""
    while True:
        try:
            resumed = resume_stalled_batches()
            if resumed:
                logger.warning("Watchdog: batches %s enqueued again.", resumed)
            resend_lost_mails()  # logs what it enqueued again
        except Exception:
            logger.exception("Watchdog: checking for stalled batches and lost mails failed.")
        finally:
            connections.close_all()  # this thread's connections only
        if stop.wait(interval):
            return


class Command(BaseCommand):
    help = (
        "Run the database task worker (db_worker, same options) with a watchdog that "
        "enqueues again the certificate batches whose worker died."
    )

    def add_arguments(self, parser):
        DbWorkerCommand().add_arguments(parser)
        parser.add_argument(
            "--watchdog-interval",
            type=float,
            default=60.0,
            help="Seconds between two checks for stalled certificate batches (default: 60; "
            "0 turns the watchdog off).",
        )

    def handle(self, *args, watchdog_interval: float, **options):
        # With --reload, Django's autoreloader re-runs this command in a child process: only
        # the child (which runs the worker) keeps a watchdog.
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        stop = threading.Event()
        if watchdog_interval > 0 and not reloader_parent:
            threading.Thread(
                target=watch,
                args=(stop, watchdog_interval),
                name="batch-watchdog",
                daemon=True,  # never keeps the process alive once the worker has stopped
            ).start()
        options["skip_checks"] = True  # this command's own start has run them
        try:
            run_until_stopped(options)
        finally:
            stop.set()


# Waits between attempts while the database is unreachable: from 1 s, doubling, at most 30 s.
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 30.0


def run_until_stopped(options: dict) -> None:
    """Run db_worker; when the database goes away under it (db_worker lets the error out and
    would end the process), wait and start it again, until it stops on its own (SIGTERM, Ctrl-C,
    --batch, --max-tasks). A service manager would restart a dead worker too, but a worker that
    outlives a database restart needs no one to notice."""
    delay = FIRST_RETRY_SECONDS
    while True:
        started = time.monotonic()
        try:
            call_command("db_worker", **options)
            return
        except (OperationalError, InterfaceError) as error:
            connections.close_all()
            if time.monotonic() - started > 60:
                delay = FIRST_RETRY_SECONDS  # it ran a good while: a new outage
            logger.warning(
                "The task worker lost the database (%s); it starts again in %.0f s.",
                str(error).splitlines()[0] if str(error) else type(error).__name__,
                delay,
            )
            if _stopped_within(delay):
                return
            delay = min(delay * 2, LAST_RETRY_SECONDS)


def _stopped_within(seconds: float) -> bool:
    """Wait `seconds`; True when SIGTERM or SIGINT arrived meanwhile (db_worker's own handlers
    belong to the worker that just ended and would only set its flag)."""
    stopping = threading.Event()
    previous = {}
    for number in (signal.SIGTERM, signal.SIGINT):
        previous[number] = signal.signal(number, lambda *_: stopping.set())
    try:
        return stopping.wait(seconds)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
