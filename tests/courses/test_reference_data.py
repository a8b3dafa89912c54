"""The provinces and departments shipped by migration: both maps, dated, each old unit pointing
to the one that took it over, and every name stored in NFC."""

import datetime as dt
import unicodedata

import pytest

from courses.models import Organisation, Province
from courses.reference import provinces as ref

pytestmark = pytest.mark.django_db

LAST_DAY_OF_63 = dt.date(2025, 6, 30)
FIRST_DAY_OF_34 = dt.date(2025, 7, 1)


def names_on(day: dt.date) -> list[str]:
    return list(Province.objects.valid_on(day).values_list("name", flat=True))


def test_63_units_until_30_june_2025_and_34_from_1_july():
    before = names_on(LAST_DAY_OF_63)
    after = names_on(FIRST_DAY_OF_34)
    assert len(before) == len(set(before)) == 63
    assert len(after) == len(set(after)) == 34
    assert "Hà Giang" in before
    assert "Hà Giang" not in after
    assert len(names_on(dt.date(2024, 12, 31))) == 63, "Thừa Thiên Huế, not yet the city of Huế"
    assert len(names_on(dt.date(2026, 1, 1))) == 34


def test_every_unit_that_ended_has_a_successor_valid_the_next_day():
    ended = Province.objects.filter(valid_to=LAST_DAY_OF_63).select_related("successor")
    assert ended.count() == 52
    for unit in ended:
        assert unit.successor is not None, unit.name
        assert unit.successor.is_valid_on(FIRST_DAY_OF_34), unit.name
    for unit in Province.objects.filter(valid_to__isnull=False).select_related("successor"):
        day_after = unit.valid_to + dt.timedelta(days=1)
        assert unit.successor is not None, unit.name
        assert unit.successor.is_valid_on(day_after), unit.name


@pytest.mark.parametrize(
    ("old", "new", "new_full_name"),
    [
        ("Hà Giang", "Tuyên Quang", "tỉnh Tuyên Quang"),
        ("Yên Bái", "Lào Cai", "tỉnh Lào Cai"),
        ("Bình Dương", "Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Thừa Thiên Huế", "Huế", "thành phố Huế"),
    ],
)
def test_known_successions(old, new, new_full_name):
    unit = Province.objects.get(name=old, valid_to__isnull=False)
    assert unit.successor.name == new
    assert unit.successor.full_name == new_full_name


def test_an_unchanged_unit_is_one_record_valid_before_and_after():
    hanoi = Province.objects.get(name="Hà Nội")
    assert hanoi.is_valid_on(dt.date(2020, 1, 1))
    assert hanoi.is_valid_on(FIRST_DAY_OF_34)
    assert hanoi.full_name == "thành phố Hà Nội"


def test_the_department_follows_the_ministry_merger_and_the_province_merger():
    old = Organisation.objects.valid_on(dt.date(2025, 2, 28)).get(
        name="Sở Thông tin và Truyền thông tỉnh Hà Giang"
    )
    middle = old.successor
    assert middle.name == "Sở Khoa học và Công nghệ tỉnh Hà Giang"
    assert middle.is_valid_on(dt.date(2025, 3, 1))
    assert middle.successor.name == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"
    assert middle.successor.is_valid_on(FIRST_DAY_OF_34)
    assert (
        Organisation.objects.valid_on(FIRST_DAY_OF_34)
        .filter(name__startswith="Sở Khoa học và Công nghệ")
        .count()
        == 34
    )


def test_names_are_stored_in_nfc():
    names = [
        *Province.objects.values_list("name", flat=True),
        *Province.objects.values_list("full_name", flat=True),
        *Organisation.objects.values_list("name", flat=True),
    ]
    assert names
    not_nfc = [name for name in names if unicodedata.normalize("NFC", name) != name]
    assert not_nfc == []


def test_the_reference_module_checks_itself(monkeypatch):
    ref._check()  # the shipped data is consistent

    monkeypatch.setattr(ref, "BEFORE_2025", ref.BEFORE_2025[:-1])
    with pytest.raises(ValueError, match="63 units"):
        ref._check()
    monkeypatch.undo()

    merged = dict(ref.MERGED_2025)
    merged["Tuyên Quang"] = ("tỉnh", ["Hà Giang", "Tuyên Quang", "Lào Cai"])
    monkeypatch.setattr(ref, "MERGED_2025", merged)
    with pytest.raises(ValueError, match="52 distinct"):
        ref._check()
