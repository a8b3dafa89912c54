"""Calendar feeds: what a person's calendar app shows, who can read which file, and that a
revoked address stops working. Every file is parsed back as a calendar app would."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from content.models import ModulePage
from courses.models import CalendarFeed, Category, ClassSession
from courses.services import calendar as service
from tests import factories

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2026, 3, 2)


def theory_session(cohort, day=MONDAY, hour=8, *, number=1, instructors=(), **values):
    """A morning of theory of module `number` of the cohort's programme, in Vietnamese time."""
    starts_at = dt.datetime.combine(day, dt.time(hour), tzinfo=HANOI)
    defaults = {
        "category": Category.THEORY,
        "module": ModulePage.objects.child_of(cohort.program).get(number=number),
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=3, minutes=30),
        "periods": 4,
    }
    session = ClassSession.objects.create(cohort=cohort, **(defaults | values))
    session.instructors.set(instructors)
    return session


def feed_url(feed: CalendarFeed) -> str:
    return reverse("courses:calendar_feed", args=[feed.token])


def fetch_calendar(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_summary(calendar: Calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def participant_feed(cohort, participant):
    factories.enrollment(cohort, participant)
    return service.create_feed(participant)


# --- What the calendar app shows -------------------------------------------------------------


def test_feed_shows_a_session_as_the_participant_would_read_it(
    client, cohort, participant_feed, instructor
):
    theory_session(
        cohort,
        place="Phòng 301, 115 Trần Duy Hưng, Hà Nội",
        meeting_url="https://meet.example.vn/gds-1",
        instructors=[instructor],
    )

    calendar = fetch_calendar(client, feed_url(participant_feed))

    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{cohort.code}: Chuyên đề số 1"
    assert event.start == dt.datetime(2026, 3, 2, 8, 0, tzinfo=HANOI)
    assert event.end == dt.datetime(2026, 3, 2, 11, 30, tzinfo=HANOI)
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(event["LOCATION"]) == "Phòng 301, 115 Trần Duy Hưng, Hà Nội"
    assert str(event["URL"]) == "https://meet.example.vn/gds-1"
    description = str(event["DESCRIPTION"])
    assert "Lý thuyết" in description
    assert "Số tiết: 4" in description
    assert "Lê Thị Thu Hương" in description
    assert "https://meet.example.vn/gds-1" in description
    assert "DTSTAMP" in event


def test_an_online_session_has_its_meeting_link_as_location(client, cohort, participant_feed):
    theory_session(cohort, meeting_url="https://meet.example.vn/gds-2")

    [event] = fetch_calendar(client, feed_url(participant_feed)).walk("VEVENT")

    assert str(event["LOCATION"]) == "https://meet.example.vn/gds-2"


def test_a_session_without_place_or_link_has_neither_location_nor_url(
    client, cohort, participant_feed
):
    theory_session(cohort, title="Khai giảng")

    [event] = fetch_calendar(client, feed_url(participant_feed)).walk("VEVENT")

    assert str(event["SUMMARY"]) == f"{cohort.code}: Khai giảng"
    assert "LOCATION" not in event
    assert "URL" not in event


def test_calendar_names_its_time_zone_and_describes_it(client, participant_feed):
    calendar = fetch_calendar(client, feed_url(participant_feed))

    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert str(calendar["X-WR-CALNAME"]) == "Lịch học của Trần Văn Hòa"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Ho_Chi_Minh"]
    assert calendar.get_missing_tzids() == set()
    # How often to fetch again, in the forms Apple and Outlook read.
    assert calendar.refresh_interval == dt.timedelta(hours=1)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"


def test_feed_holds_only_the_sessions_of_cohorts_the_person_was_admitted_to(
    client, cohort, participant_feed, participant
):
    program = cohort.program
    applied_only = factories.cohort(program, code="GDS-CHO")
    rejected = factories.cohort(program, code="GDS-TUCHOI")
    someone_elses = factories.cohort(program, code="GDS-KHAC")
    factories.enrollment(applied_only, participant, status="applied")
    factories.enrollment(rejected, participant, status="rejected")
    factories.enrollment(someone_elses)
    theory_session(cohort, number=1)
    theory_session(cohort, MONDAY + dt.timedelta(days=1), number=2)
    for other in (applied_only, rejected, someone_elses):
        theory_session(other, number=3)

    events = events_by_summary(fetch_calendar(client, feed_url(participant_feed)))

    assert sorted(events) == [f"{cohort.code}: Chuyên đề số 1", f"{cohort.code}: Chuyên đề số 2"]


def test_event_uid_names_the_session_and_not_the_host(client, cohort, participant_feed):
    session = theory_session(cohort)
    url = feed_url(participant_feed)

    first = fetch_calendar(client, url).walk("VEVENT")[0]
    again = Calendar.from_ical(client.get(url, HTTP_HOST="localhost").content).walk("VEVENT")[0]

    assert str(first["UID"]) == f"session-{session.pk}@lms.giamdocso"
    assert str(again["UID"]) == str(first["UID"])


def test_feed_may_be_kept_by_the_calendar_app_but_not_by_shared_caches(client, participant_feed):
    response = client.get(feed_url(participant_feed))

    assert response["Cache-Control"] == "private, max-age=900"


# --- The secret address ----------------------------------------------------------------------


def test_creating_twice_keeps_one_address(participant):
    first = service.create_feed(participant)

    assert service.create_feed(participant) == first
    assert service.active_feed(participant) == first
    assert len(first.token) >= 40


def test_a_double_click_that_loses_the_race_gets_the_address_the_other_click_made(
    participant, monkeypatch
):
    made_by_the_other_click = CalendarFeed.objects.create(user=participant, token="khac")
    real_active_feed = service.active_feed
    looks = []

    def active_feed_seen_too_early(user):
        """The first look happens before the other click's row was written."""
        looks.append(user)
        return None if len(looks) == 1 else real_active_feed(user)

    monkeypatch.setattr(service, "active_feed", active_feed_seen_too_early)

    assert service.create_feed(participant) == made_by_the_other_click
    assert len(looks) == 2, "looked again after the insert failed"
    assert CalendarFeed.objects.filter(user=participant).count() == 1


def test_revoking_without_an_address_simply_makes_one(participant):
    feed = service.revoke_feed(participant)

    assert service.active_feed(participant) == feed


def test_revoking_stops_the_old_address_at_once_and_a_new_one_works(
    client, cohort, participant_feed, participant
):
    theory_session(cohort)
    old_url = feed_url(participant_feed)

    new_feed = service.revoke_feed(participant)

    assert client.get(old_url).status_code == 404
    assert new_feed.token != participant_feed.token
    assert len(fetch_calendar(client, feed_url(new_feed)).walk("VEVENT")) == 1
    assert service.active_feed(participant) == new_feed


def test_an_unknown_token_is_not_found(client, participant_feed):
    assert client.get(reverse("courses:calendar_feed", args=["khong-co"])).status_code == 404


def test_the_feed_of_a_deactivated_account_is_not_found(client, participant_feed, participant):
    participant.is_active = False
    participant.save()

    assert client.get(feed_url(participant_feed)).status_code == 404


# --- Managing the address from "Học tập của tôi" ---------------------------------------------


def test_posting_without_signing_in_leads_to_the_login_page(client):
    response = client.post(reverse("courses:calendar_manage"), {"action": "create"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not CalendarFeed.objects.exists()


def test_the_address_is_changed_only_by_post(client, participant):
    client.force_login(participant)

    assert client.get(reverse("courses:calendar_manage")).status_code == 405
    assert client.post(reverse("courses:calendar_manage"), {"action": "xoa"}).status_code == 400
    assert not CalendarFeed.objects.exists()


def test_the_page_offers_to_create_an_address_then_shows_it(client, cohort, participant):
    factories.enrollment(cohort, participant)
    client.force_login(participant)
    page = client.get(reverse("courses:my_courses")).content.decode()
    assert "Tạo địa chỉ lịch" in page
    assert "Đổi địa chỉ" not in page

    response = client.post(reverse("courses:calendar_manage"), {"action": "create"}, follow=True)

    feed = service.active_feed(participant)
    assert response.redirect_chain == [(reverse("courses:my_courses"), 302)]
    page = response.content.decode()
    assert "Đã tạo địa chỉ lịch" in page
    assert f'value="http://testserver{feed_url(feed)}" readonly' in page
    assert f'href="webcal://testserver{feed_url(feed)}"' in page
    assert "Đổi địa chỉ (vô hiệu địa chỉ cũ)" in page
    assert "Tạo địa chỉ lịch</button>" not in page


def test_changing_the_address_from_the_page_revokes_the_old_one(
    client, participant_feed, participant
):
    client.force_login(participant)

    response = client.post(reverse("courses:calendar_manage"), {"action": "revoke"}, follow=True)

    assert "Địa chỉ cũ không còn dùng được" in response.content.decode()
    assert client.get(feed_url(participant_feed)).status_code == 404
    assert service.active_feed(participant) != participant_feed


def test_the_address_form_is_protected_against_forged_posts(participant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(participant)

    response = client.post(reverse("courses:calendar_manage"), {"action": "create"})

    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


# --- A cohort's timetable as a file ----------------------------------------------------------


def cohort_calendar_url(cohort) -> str:
    return reverse("courses:cohort_calendar", args=[cohort.code])


def test_a_member_downloads_the_cohort_timetable(client, cohort, participant):
    factories.enrollment(cohort, participant)
    theory_session(cohort)
    client.force_login(participant)

    response = client.get(cohort_calendar_url(cohort))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{cohort.code}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == cohort.name
    assert list(events_by_summary(calendar)) == [f"{cohort.code}: Chuyên đề số 1"]


def test_school_staff_download_any_cohort_timetable(client, cohort, school_staff):
    theory_session(cohort)
    client.force_login(school_staff)

    assert len(fetch_calendar(client, cohort_calendar_url(cohort)).walk("VEVENT")) == 1


@pytest.mark.parametrize("status", ["applied", "rejected", None])
def test_others_are_told_the_cohort_timetable_does_not_exist(client, cohort, participant, status):
    if status:
        factories.enrollment(cohort, participant, status=status)
    theory_session(cohort)
    client.force_login(participant)

    assert client.get(cohort_calendar_url(cohort)).status_code == 404


def test_the_cohort_timetable_needs_signing_in(client, cohort):
    response = client.get(cohort_calendar_url(cohort))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Cost ------------------------------------------------------------------------------------


def add_sessions(cohort, count: int, instructors) -> None:
    for index in range(count):
        day = MONDAY + dt.timedelta(days=index // 2)
        theory_session(
            cohort, day, 8 if index % 2 == 0 else 13, number=index % 13 + 1, instructors=instructors
        )


def queries_to_fetch(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_feed_costs_the_same_queries_for_3_and_30_sessions(
    client, cohort, participant_feed, django_assert_num_queries
):
    teachers = [factories.instructor(), factories.instructor()]
    add_sessions(cohort, 3, teachers)
    url = feed_url(participant_feed)
    with_three = queries_to_fetch(client, url)

    add_sessions(cohort, 27, teachers)
    with django_assert_num_queries(with_three):
        calendar = fetch_calendar(client, url)
    assert len(calendar.walk("VEVENT")) == 30


def test_cohort_file_costs_the_same_queries_for_3_and_30_sessions(
    client, cohort, school_staff, django_assert_num_queries
):
    teachers = [factories.instructor(), factories.instructor()]
    client.force_login(school_staff)
    add_sessions(cohort, 3, teachers)
    url = cohort_calendar_url(cohort)
    with_three = queries_to_fetch(client, url)

    add_sessions(cohort, 27, teachers)
    with django_assert_num_queries(with_three):
        calendar = fetch_calendar(client, url)
    assert len(calendar.walk("VEVENT")) == 30
