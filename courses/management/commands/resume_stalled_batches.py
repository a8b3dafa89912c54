"""`manage.py resume_stalled_batches`: enqueue again every certificate batch whose worker died
mid-way (courses.services.certificates.resume_stalled_batches). `manage.py run_worker` does this
every minute by itself; this command is for a scheduler (cron) beside plain `db_worker`
processes. Safe to run at any time and as often as wanted (docs/operations/task-worker.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from courses.services.certificates import resume_stalled_batches


class Command(BaseCommand):
    help = "Enqueue again the certificate batches whose task worker died mid-way."

    def handle(self, *args, **options):
        resumed = resume_stalled_batches()
        if options["verbosity"]:
            if resumed:
                self.stdout.write("Enqueued again: " + ", ".join(f"batch {pk}" for pk in resumed))
            else:
                self.stdout.write("No stalled batch.")
