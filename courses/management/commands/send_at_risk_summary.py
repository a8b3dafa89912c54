"""`manage.py send_at_risk_summary`: the school's daily summary of participants at risk (near or
past the absence limit, report missing as the deadline nears), one plain-text e-mail to each
member of school staff. A scheduler runs it once a day (docs/operations/configuration.md).

Sent as a notification of kind AT_RISK (courses.services.notifications.notify): it lands in each
person's list too, and each person's preference for the kind decides whether it is mailed (at
once by default) — so someone who does not want it can turn it off from the mail's own link.

Nothing at risk, nothing sent: a daily "all is well" mail teaches people to ignore the mail.
Running it twice the same day sends twice; the scheduler runs it once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from courses.at_risk import at_risk, summary_notice
from courses.models import NotificationKind
from courses.services.notifications import notify
from lms.accounts.roles import SCHOOL_STAFF_PERMISSION, is_school_staff


def school_staff_users() -> list:
    """Active users with the school's permission (through a group, directly, or superusers),
    checked again by THE role test."""
    app_label, codename = SCHOOL_STAFF_PERMISSION.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    users = get_user_model().objects.filter(holders, is_active=True).distinct().order_by("pk")
    return [user for user in users if user.email and is_school_staff(user)]


class Command(BaseCommand):
    help = "E-mail school staff today's summary of participants at risk (skip if none)."

    def handle(self, *args, **options):
        cohorts = at_risk()
        total = sum(len(item.people) for item in cohorts)
        if not total:
            self.stdout.write("At-risk summary: nothing at risk today; no e-mail sent.")
            return
        recipients = school_staff_users()
        with_people = sum(1 for item in cohorts if item.people)
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            title, body = summary_notice(cohorts)
            context = {"cohorts": cohorts, "total": total, "today": timezone.localdate()}
            notify(
                recipients,
                NotificationKind.AT_RISK,
                title,
                body,
                reverse("courses:at_risk"),
                email=("at_risk_summary", context),
            )
        self.stdout.write(
            f"At-risk summary: {total} participant(s) at risk in {with_people} cohort(s); "
            f"notified {len(recipients)} member(s) of school staff."
        )
