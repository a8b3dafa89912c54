"""`manage.py seed_demo`: the demo course of `make run`.

Idempotent; refuses to run without DEBUG (its passwords are public).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from courses import demo
from courses.demo_attendance import seed_attendance
from courses.demo_certificates import seed_certificates
from courses.demo_cohorts import seed_cohorts
from courses.demo_discussions import seed_discussions
from courses.demo_progress import seed_progress
from courses.demo_reports import seed_reports

_IN_MEMORY = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class Command(BaseCommand):
    help = "Seed the demo course and print the demo accounts (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (tests). Never on a real site: passwords are public.",
        )

    def _seed(self):
        demo.seed_site()
        accounts = demo.seed_accounts()
        created_pages = demo.seed_course()
        if created_pages:
            self.stdout.write(f"Curriculum: {len(created_pages)} pages created and published.")
        for code in seed_cohorts():
            self.stdout.write(f"Cohort {code} created.")
        seed_discussions()
        taken = seed_attendance()
        if taken:
            self.stdout.write(f"Attendance: {taken} past sessions recorded.")
        handed_in = seed_reports()
        if handed_in:
            self.stdout.write(f"Final reports: {handed_in} participants handed one in.")
        issued = seed_certificates()
        if issued:
            self.stdout.write(f"Certificates: {issued} issued in cohort GDS-2026-3.")
        # Last: it reads the attendance and reports above (the at-risk summary) and dates the
        # participant's module visits before the instructor's update of a module.
        progress = seed_progress()
        if progress:
            self.stdout.write(f"Home pages: {progress} study marks, visits, notices and edits.")
        return accounts

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it only runs with DEBUG on."
            )
        # The demo's people have made-up addresses: what the seed triggers (reply notices,
        # receipts) stays in memory instead of filling the console of `make run`.
        with override_settings(MAILERS=_IN_MEMORY):
            accounts = self._seed()
        self.stdout.write(self.style.SUCCESS("Demo course ready. Accounts (e-mail / password):"))
        width = max(len(account.email) for account, _ in accounts)
        for account, created in accounts:
            note = "" if created else "  (already existed: password as you left it)"
            self.stdout.write(
                f"  {account.role:<18} {account.email:<{width}}  {account.password}{note}"
            )
