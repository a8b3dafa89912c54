"""Calendar files: a person's feed (found by its secret token), a cohort's timetable as a file
to download, and creating or changing the feed's address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from courses import selectors
from courses.permissions import access_cohort
from courses.services import calendar as calendar_service

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar apps poll the address again and again: 15 minutes of reuse spares the server and
# still shows a changed timetable soon. "private": no shared proxy may keep a personal feed.
# Not no-store: that would forbid the calendar app's own copy too.
FEED_CACHE_CONTROL = "private, max-age=900"


def _calendar_response(body: bytes, headers: dict[str, str]) -> HttpResponse:
    return HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE, headers=headers)


@require_safe
def calendar_feed(request, token: str):
    """No sign-in: calendar apps cannot sign in, the token in the address is the secret."""
    feed = calendar_service.feed_by_token(token)
    if feed is None:
        raise Http404(_("Địa chỉ lịch này không còn dùng được."))
    body = calendar_service.calendar_for_sessions(
        selectors.sessions_of_user(feed.user),
        name=_("Lịch học của %(name)s") % {"name": feed.user.full_name},
    )
    return _calendar_response(body, {"Cache-Control": FEED_CACHE_CONTROL})


@login_required
@require_safe
def cohort_calendar(request, code: str):
    cohort = access_cohort(request.user, code)
    # The selector leaves out the cohort; every event's summary names it.
    sessions = selectors.sessions_of(cohort).select_related("cohort")
    body = calendar_service.calendar_for_sessions(sessions, name=cohort.name)
    return _calendar_response(
        body,
        {
            "Content-Disposition": content_disposition_header(True, f"{cohort.code}.ics"),
            "Cache-Control": "private",
        },
    )


# action -> (service, what to tell the person afterwards)
FEED_ACTIONS = {
    "create": (
        calendar_service.create_feed,
        gettext_lazy(
            "Đã tạo địa chỉ lịch. Hãy sao chép địa chỉ ở mục “Đưa lịch học vào ứng dụng lịch” "
            "bên dưới vào ứng dụng lịch của bạn."
        ),
    ),
    "revoke": (
        calendar_service.revoke_feed,
        gettext_lazy(
            "Đã đổi địa chỉ lịch. Địa chỉ cũ không còn dùng được: hãy thêm địa chỉ mới vào "
            "ứng dụng lịch và xóa lịch cũ."
        ),
    ),
}


@login_required
@require_POST
def calendar_manage(request):
    action = FEED_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest(_("Yêu cầu không hợp lệ."))
    service, done_message = action
    service(request.user)
    messages.success(request, done_message)
    return redirect("courses:my_courses")


urlpatterns = [
    path("lich/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("lop/<str:code>/lich.ics", cohort_calendar, name="cohort_calendar"),
    path("hoc-tap/lich/", calendar_manage, name="calendar_manage"),
]
