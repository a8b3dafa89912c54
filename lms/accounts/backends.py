"""A permissions-only backend: a person's permissions in one query instead of Django's two.

Every page asks for them (the header's links, the staff-only checks) and Django's ModelBackend
reads the person's own permissions and their groups' permissions in two queries. This backend
comes first in AUTHENTICATION_BACKENDS and fills the same per-request cache (`_perm_cache`) with
one UNION query; ModelBackend and allauth's backend after it then answer from that cache. The
rules stay Django's: inactive people have none, superusers have all, object-level questions are
not answered here. It checks no password: `authenticate` stays ModelBackend's and allauth's job,
so the backend recorded in existing sessions stays valid. It does load the user of a session
that names it (Django's test client's force_login takes the first backend).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

FIELDS = ("content_type__app_label", "codename")


class PermissionsInOneQuery(ModelBackend):
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            own = Permission.objects.filter(user=user_obj).values_list(*FIELDS).order_by()
            via_groups = (
                Permission.objects.filter(group__user=user_obj).values_list(*FIELDS).order_by()
            )
            user_obj._perm_cache = {
                f"{app}.{codename}" for app, codename in own.union(via_groups).order_by()
            }
        return user_obj._perm_cache
