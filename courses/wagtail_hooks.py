"""What the courses app tells Wagtail: who may read module material, where staff manage cohorts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from content.access import HOOK_NAME
from courses import (
    discussion_hooks,  # noqa: F401  (registers the discussion hooks)
    progress_hooks,  # noqa: F401  (registers the self-paced study hooks)
)
from courses.permissions import user_can_study_program
from lms.accounts.roles import is_school_staff


@hooks.register(HOOK_NAME)
def material_for_members(user, program) -> bool:
    """Module material is for approved (or completed) members of a cohort of the programme."""
    return user_can_study_program(user, program)


class StaffOnlyMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_school_staff(request.user)


@hooks.register("register_admin_menu_item")
def cohorts_menu_item():
    # The cohort screens are front-end pages (they serve phones and print layouts the admin does
    # not); the admin menu only points there so staff find them from either side.
    return StaffOnlyMenuItem(
        _("Lớp và ghi danh"), reverse("courses:staff_cohorts"), icon_name="group", order=250
    )
