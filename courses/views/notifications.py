"""A person's notifications: the list, opening one, marking all read, the e-mail preferences,
and the unsubscribe link of every notification mail (which works without signing in)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from courses import notification_selectors as selectors
from courses.models import Delivery, Notification, NotificationKind
from courses.services import notifications as service


@login_required
@require_safe
def notification_list(request):
    page = selectors.notifications_page(request.user, request.GET.get("trang"))
    return render(request, "courses/notifications/list.html", {"page": page})


def _is_local_path(url: str) -> bool:
    # A stored url is meant to be a path of this site; anything with a host or scheme (or a
    # "//host" or "/\host" trick) is refused, so a notification can never send anyone away.
    return bool(url) and url.startswith("/") and url_has_allowed_host_and_scheme(url, None)


@login_required
@require_safe
def notification_open(request, pk: int):
    """Opening a notification marks it read, then goes where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    service.mark_read(request.user, [notification.pk])
    if _is_local_path(notification.url):
        return redirect(notification.url)
    if notification.url:
        messages.error(
            request, _("Đường dẫn của thông báo này không thuộc trang học tập nên không được mở.")
        )
    return redirect("courses:notifications")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = service.mark_read(request.user)
    if count:
        messages.success(request, _("Đã đánh dấu mọi thông báo là đã đọc."))
    return redirect("courses:notifications")


class PreferencesForm(forms.Form):
    """One radio group per kind the person can receive (a fieldset with its legend)."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect
            )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request):
    kinds = selectors.kinds_for(request.user)
    current = selectors.preferences_of(request.user)
    initial = {kind.value: current[kind.value] for kind in kinds}
    if request.method == "POST":
        form = PreferencesForm(request.POST, kinds=kinds, initial=initial)
        if form.is_valid():
            for kind, delivery in form.cleaned_data.items():
                if delivery != current[kind]:
                    service.set_preference(request.user, kind, delivery)
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("courses:notification_preferences")
    else:
        form = PreferencesForm(kinds=kinds, initial=initial)
    status = 400 if form.errors else 200
    return render(request, "courses/notifications/preferences.html", {"form": form}, status=status)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def notification_unsubscribe(request, token: str):
    """The link at the end of every notification mail: works without signing in.

    GET shows what the link would turn off, with one button; only POST changes the preference.
    Mail scanners and link previews open links on their own, so a GET never changes anything.
    POST is exempt from CSRF because it carries no ambient credential: the signed token is the
    whole authority, and RFC 8058 mail clients POST to it directly. Twice is harmless.
    """
    pair = service.read_unsubscribe_token(token)
    user = None
    if pair is not None:
        user = get_user_model().objects.filter(pk=pair[0]).first()
    if user is None:
        return render(
            request,
            "courses/notifications/unsubscribe.html",
            {"invalid": True},
            status=400,
        )
    kind = pair[1]
    done = False
    if request.method == "POST":
        service.set_preference(user, kind, Delivery.OFF)
        done = True
    return render(
        request,
        "courses/notifications/unsubscribe.html",
        {"kind_label": NotificationKind(kind).label, "done": done},
    )


urlpatterns = [
    path("thong-bao/", notification_list, name="notifications"),
    path("thong-bao/<int:pk>/", notification_open, name="notification_open"),
    path("thong-bao/da-doc/", notification_mark_all_read, name="notifications_mark_all_read"),
    path("thong-bao/tuy-chon/", notification_preferences, name="notification_preferences"),
    path(
        "thong-bao/huy-dang-ky/<str:token>/",
        notification_unsubscribe,
        name="notification_unsubscribe",
    ),
]
