"""The LMS domain models, one module per subdomain (cohorts, enrollment, discussions, ...)."""

from courses.models.cohorts import (
    CERTIFICATE_RULE_FIELDS,
    CERTIFICATE_SETTING_FIELDS,
    Category,
    ClassSession,
    Cohort,
    CohortChange,
    Mode,
)
from courses.models.enrollment import (
    CalendarFeed,
    Enrollment,
    EnrollmentChange,
    ParticipantProfile,
    Role,
    Status,
)
from courses.models.imports import ImportBatch
from courses.models.reference import Organisation, Province

__all__ = [
    "CERTIFICATE_RULE_FIELDS",
    "CERTIFICATE_SETTING_FIELDS",
    "CalendarFeed",
    "Category",
    "ClassSession",
    "Cohort",
    "CohortChange",
    "Enrollment",
    "EnrollmentChange",
    "ImportBatch",
    "Mode",
    "Organisation",
    "ParticipantProfile",
    "Province",
    "Role",
    "Status",
]
