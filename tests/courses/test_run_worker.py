"""`manage.py run_worker` outlives a database outage instead of ending with it."""

import logging

import pytest
from django.db import OperationalError

from courses.management.commands import run_worker


def test_the_worker_starts_again_after_the_database_comes_back(monkeypatch, caplog):
    runs = []

    def db_worker(name, **options):
        runs.append(name)
        if len(runs) < 3:
            raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    waits = []
    monkeypatch.setattr(run_worker, "call_command", db_worker)
    monkeypatch.setattr(run_worker, "_stopped_within", lambda seconds: waits.append(seconds))

    with caplog.at_level(logging.WARNING, logger=run_worker.__name__):
        run_worker.run_until_stopped({"interval": 1})

    assert runs == ["db_worker", "db_worker", "db_worker"]
    assert waits == [1.0, 2.0], "the waits double"
    assert caplog.text.count("lost the database") == 2


def test_a_stop_during_the_wait_ends_the_worker(monkeypatch):
    def db_worker(name, **options):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(run_worker, "call_command", db_worker)
    monkeypatch.setattr(run_worker, "_stopped_within", lambda seconds: True)

    run_worker.run_until_stopped({})  # returns instead of retrying for ever


def test_other_errors_are_not_swallowed(monkeypatch):
    def db_worker(name, **options):
        raise ValueError("a bug")

    monkeypatch.setattr(run_worker, "call_command", db_worker)
    with pytest.raises(ValueError, match="a bug"):
        run_worker.run_until_stopped({})
