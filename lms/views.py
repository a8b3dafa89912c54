"""Site-wide views that belong to no app."""

from allauth.account.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lms.accounts.roles import can_access_admin

_site_login = LoginView.as_view()


def admin_login(request):
    """`/admin/login/`: Wagtail's own sign-in replaced by the site's (allauth).

    One sign-in for everyone means one set of rate limits, e-mail verification and two-factor
    authentication; Wagtail's form would bypass all three.
    """
    if not request.user.is_authenticated:
        return _site_login(request)
    if not can_access_admin(request.user):
        raise PermissionDenied(_("Tài khoản của bạn không có quyền vào trang quản trị nội dung."))
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/admin/"
    return HttpResponseRedirect(target)


def csrf_failure(request, reason=""):
    """A CSRF failure in words a person understands (the default page speaks to developers)."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
