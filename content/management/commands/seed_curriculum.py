"""`manage.py seed_curriculum`: the real programme, its 13 modules, field study and final report.

Idempotent: pages that exist (by slug, module number or type) are left exactly as they are.
"""

from django.core.management.base import BaseCommand

from content.seed import seed_curriculum


class Command(BaseCommand):
    help = "Create the 160-period programme and its 13 modules if they are missing."

    def handle(self, *args, **options):
        report = seed_curriculum()
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(report.created)} pages:"))
            for title in report.created:
                self.stdout.write(f"  {title}")
        else:
            self.stdout.write("Curriculum already in place; nothing changed.")
