"""Builders shared by the self-paced study and participant-home tests: lessons under a module,
many participants at once (bulk, so 200 stay fast)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from content.models import LessonPage, ModulePage
from courses.models import Enrollment
from tests import factories
from tests.content.conftest import publish


def module_of(program, number: int = 1) -> ModulePage:
    return ModulePage.objects.child_of(program).get(number=number)


def lessons(module, n: int) -> list[LessonPage]:
    return [
        publish(
            module,
            LessonPage(
                title=f"Bài {i} của chuyên đề {module.number}",
                slug=f"bai-{i}",
                body=[{"type": "paragraph", "value": f"<p>Nội dung bài {i}</p>"}],
            ),
        )
        for i in range(1, n + 1)
    ]


def bulk_participants(cohort, n: int, prefix: str = "hv") -> list[Enrollment]:
    """`n` approved participants of `cohort` written in two queries (no per-user save)."""
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [
            user_model(
                email=f"{prefix}{cohort.pk}-{i}@lms.test",
                last_name="Nguyễn Văn",
                first_name=f"Học viên {i}",
            )
            for i in range(n)
        ]
    )
    province = factories.province()
    return Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user,
                cohort=cohort,
                role="participant",
                status="approved",
                organisation_name="Sở Khoa học và Công nghệ",
                position="Giám đốc",
                province=province,
            )
            for user in users
        ]
    )
