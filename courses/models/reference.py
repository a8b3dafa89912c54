"""Reference data that changes by law on known dates: provinces and organisations.

Each record is valid from / to a date and may name its successor, so that what was true on a
day can always be printed again (a 2024 enrolment says "tỉnh Hà Giang", new ones use the 34-unit
map of 1 July 2025). Records are never renamed in place: a change of name is a new record.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedCharField
from lms.text import search_key, sort_key


class DatedQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class DatedRecord(models.Model):
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Province(DatedRecord):
    """A provincial unit (tỉnh or centrally-run city) as it stood between two dates."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = NormalizedCharField(_("tên"), max_length=100, help_text=_("Ví dụ: Tuyên Quang"))
    full_name = NormalizedCharField(
        _("tên đầy đủ"), max_length=120, help_text=_("Ví dụ: tỉnh Tuyên Quang")
    )

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="courses_province_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.name} {self.full_name}")
        super().save(*args, **kwargs)

    @property
    def sort_key(self) -> tuple:
        return sort_key(self.name)


class Organisation(DatedRecord):
    """An organisation a participant works for (a department of a province, a ministry unit)."""

    name = NormalizedCharField(_("tên cơ quan, đơn vị"), max_length=255)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("tỉnh, thành phố"),
    )

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "valid_from"], name="courses_organisation_unique_name_from"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_key(self.name)
        super().save(*args, **kwargs)
