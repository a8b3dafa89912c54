"""Enrollment: applying, deciding, withdrawing, completing; the profile an application carries.

Rules owned here:
- one enrollment per person and cohort (also a database constraint);
- the status machine: applied -> approved | rejected; approved -> withdrawn | completed; nothing
  leaves rejected, withdrawn or completed;
- capacity counts approved participants and is checked at approval under a row lock on the
  cohort, so two staff approving at once cannot overfill it;
- every change writes an EnrollmentChange row (who, when, from, to, why) in the same
  transaction; rejection and withdrawal need a reason;
- an enrollment copies the organisation, position and province of the day it was made.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.exceptions import CapacityReached, InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    Cohort,
    Enrollment,
    EnrollmentChange,
    Organisation,
    ParticipantProfile,
    Province,
    Role,
    Status,
)
from courses.services import notifications
from lms.accounts.roles import is_school_staff
from lms.text import normalize, normalize_name, search_key

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.WITHDRAWN, Status.COMPLETED}),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.COMPLETED: frozenset(),
}


@dataclass(frozen=True)
class Profile:
    """What an applicant tells about themself (form or import row), already validated."""

    last_name: str
    first_name: str
    date_of_birth: dt.date | None
    organisation_name: str
    position: str
    province: Province
    phone: str = ""


# --- Reference lookups ----------------------------------------------------------------------


def match_organisation(name: str, day: dt.date | None = None) -> Organisation | None:
    """The reference organisation of that name (diacritic- and case-insensitive) valid on day."""
    key = search_key(name)
    if not key:
        return None
    day = day or timezone.localdate()
    return Organisation.objects.valid_on(day).filter(search_text=key).first()


# --- Profile ---------------------------------------------------------------------------------


def save_profile(user, profile: Profile) -> ParticipantProfile:
    """Store a person's names and workplace (their own, or by staff through an import)."""
    user.last_name = normalize_name(profile.last_name)
    user.first_name = normalize_name(profile.first_name)
    if profile.date_of_birth:
        user.date_of_birth = profile.date_of_birth
    if profile.phone:
        user.phone = normalize(profile.phone).strip()
    user.save(update_fields=["last_name", "first_name", "date_of_birth", "phone", "search_text"])
    organisation_name = normalize(profile.organisation_name).strip()
    record, _created = ParticipantProfile.objects.update_or_create(
        user=user,
        defaults={
            "organisation": match_organisation(organisation_name),
            "organisation_name": organisation_name,
            "position": normalize(profile.position).strip(),
            "province": profile.province,
        },
    )
    logger.info("Profile of user %s saved.", user.pk)
    return record


def _snapshot(profile: ParticipantProfile | None) -> dict:
    if profile is None:
        return {}
    return {
        "organisation": profile.organisation,
        "organisation_name": profile.organisation_name,
        "position": profile.position,
        "province": profile.province,
    }


def _log(enrollment, old: str, new: str, actor, reason: str = "", how: str = "web") -> None:
    EnrollmentChange.objects.create(
        enrollment=enrollment,
        old_status=old,
        new_status=new,
        changed_by=actor if actor and actor.is_authenticated else None,
        reason=normalize(reason or "").strip(),
        how=how,
    )


def _approved_participants(cohort: Cohort) -> int:
    return cohort.enrollments.filter(role=Role.PARTICIPANT, status=Status.APPROVED).count()


def _lock(cohort: Cohort) -> Cohort:
    """Hold the cohort's row until the transaction ends: capacity decisions queue up here."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


# --- Applying --------------------------------------------------------------------------------


def apply(user, cohort: Cohort, profile: Profile, motivation: str = "") -> Enrollment:
    """A signed-in person applies to an open cohort.

    Refuses (DomainError): unverified e-mail, cohort not open for applications, cohort full,
    an existing application or enrollment in this cohort.
    """
    if not user.is_authenticated:
        raise NotAllowed(_("Hãy đăng nhập để nộp đơn."))
    if not user.emailaddress_set.filter(verified=True).exists():
        raise NotAllowed(_("Hãy xác nhận địa chỉ email của bạn trước khi nộp đơn."))
    if not cohort.is_open_for_applications():
        raise InvalidTransition(_("Lớp %(name)s hiện không nhận đơn.") % {"name": cohort.name})
    with transaction.atomic():
        cohort = _lock(cohort)
        existing = Enrollment.objects.filter(user=user, cohort=cohort).first()
        if existing is not None:
            raise InvalidTransition(
                _("Bạn đã có hồ sơ ở lớp này (trạng thái: %(status)s).")
                % {"status": existing.get_status_display()}
            )
        if _approved_participants(cohort) >= cohort.capacity:
            raise CapacityReached(_("Lớp %(name)s đã đủ học viên.") % {"name": cohort.name})
        record = save_profile(user, profile)
        enrollment = Enrollment.objects.create(
            user=user,
            cohort=cohort,
            role=Role.PARTICIPANT,
            status=Status.APPLIED,
            motivation=normalize(motivation or "").strip(),
            **_snapshot(record),
        )
        _log(enrollment, "", Status.APPLIED, user)
    logger.info(
        "Enrollment %s applied to cohort %s by user %s.", enrollment.pk, cohort.code, user.pk
    )
    return enrollment


# --- Deciding --------------------------------------------------------------------------------


def _change_status(
    actor, enrollment: Enrollment, new: str, reason: str = "", how: str = "web"
) -> Enrollment:
    """Move one enrollment to `new` under the cohort's lock; returns the fresh row."""
    with transaction.atomic():
        _lock(enrollment.cohort)
        current = Enrollment.objects.select_for_update().select_related("user", "cohort")
        enrollment = current.get(pk=enrollment.pk)
        old = enrollment.status
        if new not in TRANSITIONS[old]:
            raise InvalidTransition(
                _("Không thể chuyển hồ sơ của %(name)s từ “%(old)s” sang “%(new)s”.")
                % {
                    "name": enrollment.user.full_name,
                    "old": Status(old).label,
                    "new": Status(new).label,
                }
            )
        if (
            new == Status.APPROVED
            and enrollment.role == Role.PARTICIPANT
            and _approved_participants(enrollment.cohort) >= enrollment.cohort.capacity
        ):
            raise CapacityReached(
                _("Lớp đã đủ %(capacity)s học viên; không thể duyệt thêm %(name)s.")
                % {"capacity": enrollment.cohort.capacity, "name": enrollment.user.full_name}
            )
        enrollment.status = new
        enrollment.status_changed_at = timezone.now()
        enrollment.save(update_fields=["status", "status_changed_at"])
        _log(enrollment, old, new, actor, reason, how)
    return enrollment


def approve(actor, enrollment: Enrollment, reason: str = "") -> Enrollment:
    """School staff approve an application. Refuses: not staff, wrong state, cohort full."""
    if actor is not None and not is_school_staff(actor):
        raise NotAllowed(_("Chỉ nhà trường mới duyệt được hồ sơ."))
    with transaction.atomic():
        enrollment = _change_status(actor, enrollment, Status.APPROVED, reason)
        notifications.notify_application_approved(enrollment)
    _log_decision(enrollment, actor)
    return enrollment


def reject(actor, enrollment: Enrollment, reason: str) -> Enrollment:
    """School staff turn an application down, with a reason the applicant will read."""
    if actor is not None and not is_school_staff(actor):
        raise NotAllowed(_("Chỉ nhà trường mới từ chối được hồ sơ."))
    if not (reason or "").strip():
        raise InvalidInput(_("Hãy ghi lý do từ chối; người nộp đơn sẽ đọc được lý do này."))
    with transaction.atomic():
        enrollment = _change_status(actor, enrollment, Status.REJECTED, reason)
        notifications.notify_application_rejected(enrollment, normalize(reason).strip())
    _log_decision(enrollment, actor)
    return enrollment


def withdraw(actor, enrollment: Enrollment, reason: str) -> Enrollment:
    """An approved member leaves the cohort (themself, or recorded by school staff)."""
    if actor is not None and not (is_school_staff(actor) or actor.pk == enrollment.user_id):
        raise NotAllowed(_("Bạn không thể rút hồ sơ của người khác."))
    if not (reason or "").strip():
        raise InvalidInput(_("Hãy ghi lý do rút khỏi lớp."))
    enrollment = _change_status(actor, enrollment, Status.WITHDRAWN, reason)
    _log_decision(enrollment, actor)
    return enrollment


def complete(actor, enrollment: Enrollment, reason: str = "") -> Enrollment:
    if actor is not None and not is_school_staff(actor):
        raise NotAllowed(_("Chỉ nhà trường mới ghi nhận hoàn thành khóa học."))
    enrollment = _change_status(actor, enrollment, Status.COMPLETED, reason)
    _log_decision(enrollment, actor)
    return enrollment


def _log_decision(enrollment: Enrollment, actor, how: str = "web") -> None:
    # Once the change is written; ids and the new status only, never the person's name.
    logger.info(
        "Enrollment %s in cohort %s %s by user %s (%s).",
        enrollment.pk,
        enrollment.cohort.code,
        enrollment.status,
        getattr(actor, "pk", None),
        how,
    )


@dataclass(frozen=True)
class BulkOutcome:
    enrollment: Enrollment
    ok: bool
    message: str = ""


def decide_many(actor, enrollments, decision: str, reason: str = "") -> list[BulkOutcome]:
    """Approve or reject several applications; each one stands alone (one full cohort or one
    already-decided row does not undo the others), and the outcome of each is reported."""
    if decision not in ("approve", "reject"):
        raise InvalidInput(_("Hãy chọn duyệt hoặc từ chối."))
    if decision == "reject" and not (reason or "").strip():
        raise InvalidInput(_("Hãy ghi lý do từ chối; người nộp đơn sẽ đọc được lý do này."))
    action = approve if decision == "approve" else reject
    outcomes = []
    for enrollment in enrollments:
        try:
            changed = action(actor, enrollment, reason)
        except (InvalidTransition, CapacityReached) as refusal:
            outcomes.append(BulkOutcome(enrollment, False, refusal.message))
        else:
            outcomes.append(BulkOutcome(changed, True))
    return outcomes


# --- Enrolling directly (imports, instructors) ----------------------------------------------


def enroll(
    actor,
    cohort: Cohort,
    user,
    *,
    role: str = Role.PARTICIPANT,
    how: str = "web",
    reason: str = "",
) -> tuple[Enrollment, bool]:
    """Put a person straight into a cohort as approved (school staff, imports, instructors).

    Returns (enrollment, created). An existing approved enrollment is left as it is (so that
    re-importing a list creates nothing twice); an existing application is approved.
    Refuses: not staff, cohort full, a rejected/withdrawn/completed enrollment (decide it in
    the enrollment list instead).
    """
    if actor is not None and not is_school_staff(actor):
        raise NotAllowed(_("Chỉ nhà trường mới ghi danh trực tiếp được."))
    with transaction.atomic():
        cohort = _lock(cohort)
        existing = Enrollment.objects.filter(user=user, cohort=cohort).first()
        if existing is not None:
            if existing.status == Status.APPROVED:
                return existing, False
            if existing.status == Status.APPLIED:
                approved = _change_status(actor, existing, Status.APPROVED, reason, how)
                _log_decision(approved, actor, how)
                return approved, False
            raise InvalidTransition(
                _("%(name)s đã có hồ sơ ở lớp này với trạng thái “%(status)s”.")
                % {"name": user.full_name or user.email, "status": existing.get_status_display()}
            )
        if role == Role.PARTICIPANT and _approved_participants(cohort) >= cohort.capacity:
            raise CapacityReached(
                _("Lớp đã đủ %(capacity)s học viên; không thể ghi danh thêm %(name)s.")
                % {"capacity": cohort.capacity, "name": user.full_name or user.email}
            )
        profile = ParticipantProfile.objects.filter(user=user).select_related(
            "organisation", "province"
        )
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    user=user,
                    cohort=cohort,
                    role=role,
                    status=Status.APPROVED,
                    **_snapshot(profile.first()),
                )
        except IntegrityError as clash:  # a concurrent request enrolled them first
            raise InvalidTransition(
                _("%(name)s vừa được ghi danh vào lớp này.") % {"name": user.full_name}
            ) from clash
        _log(enrollment, "", Status.APPROVED, actor, reason, how)
    logger.info(
        "Enrollment %s created in cohort %s as approved %s by user %s (%s).",
        enrollment.pk,
        cohort.code,
        role,
        getattr(actor, "pk", None),
        how,
    )
    return enrollment, True
