"""The LMS domain models, one module per subdomain (cohorts, enrollment, discussions, ...)."""

from courses.models.attendance import (
    AttendanceChange,
    AttendanceMethod,
    AttendanceRecord,
    AttendanceStatus,
    CheckInWindow,
)
from courses.models.cohorts import (
    CERTIFICATE_RULE_FIELDS,
    CERTIFICATE_SETTING_FIELDS,
    Category,
    ClassSession,
    Cohort,
    CohortChange,
    Mode,
)
from courses.models.discussions import (
    Board,
    FieldTag,
    Follow,
    ModerationAction,
    ModerationKind,
    Post,
    PostReport,
    PostRevision,
    ReadMarker,
    Thread,
    ThreadKind,
    ThreadTag,
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
    "AttendanceChange",
    "AttendanceMethod",
    "AttendanceRecord",
    "AttendanceStatus",
    "Board",
    "CalendarFeed",
    "CheckInWindow",
    "Category",
    "ClassSession",
    "Cohort",
    "CohortChange",
    "Enrollment",
    "EnrollmentChange",
    "FieldTag",
    "Follow",
    "ImportBatch",
    "Mode",
    "ModerationAction",
    "ModerationKind",
    "Organisation",
    "ParticipantProfile",
    "Post",
    "PostReport",
    "PostRevision",
    "Province",
    "ReadMarker",
    "Role",
    "Status",
    "Thread",
    "ThreadKind",
    "ThreadTag",
]
