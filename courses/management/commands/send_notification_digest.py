"""`manage.py send_notification_digest`: the daily digest mail of notifications.

Each person whose preference puts a kind in the digest gets ONE mail listing their notifications
of such kinds not mailed yet, grouped by kind (courses.services.notifications.send_digests). A
scheduler runs it once a day (docs/operations/configuration.md). Running it again sends nothing
new: each notification is marked as mailed in the transaction that sends it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from courses.services.notifications import send_digests


class Command(BaseCommand):
    help = "Mail each person one digest of their notifications not mailed yet."

    def handle(self, *args, **options):
        sent = send_digests(timezone.now())
        self.stdout.write(f"Notification digest: {sent} e-mail(s) sent.")
