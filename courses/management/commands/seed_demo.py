"""`manage.py seed_demo`: the demo course of `make run`.

Idempotent; refuses to run without DEBUG (its passwords are public).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses import demo


class Command(BaseCommand):
    help = "Seed the demo course and print the demo accounts (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (tests). Never on a real site: passwords are public.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it only runs with DEBUG on."
            )
        demo.seed_site()
        accounts = demo.seed_accounts()
        created_pages = demo.seed_course()

        if created_pages:
            self.stdout.write(f"Curriculum: {len(created_pages)} pages created and published.")
        from courses.demo_cohorts import seed_cohorts

        for code in seed_cohorts():
            self.stdout.write(f"Cohort {code} created.")
        from courses.demo_discussions import seed_discussions

        seed_discussions()
        from courses.demo_attendance import seed_attendance

        taken = seed_attendance()
        if taken:
            self.stdout.write(f"Attendance: {taken} past sessions recorded.")

        self.stdout.write(self.style.SUCCESS("Demo course ready. Accounts (e-mail / password):"))
        width = max(len(account.email) for account, _ in accounts)
        for account, created in accounts:
            note = "" if created else "  (already existed: password as you left it)"
            self.stdout.write(
                f"  {account.role:<18} {account.email:<{width}}  {account.password}{note}"
            )
