"""Who may read a module's material: the ONE rule, asked by pages, lessons and documents.

The syllabus and module summaries are public. Material (module body, lessons, private documents)
is for people who belong to the programme. `content` knows nothing of cohorts, so the membership
test is supplied by whoever does, through the Wagtail hook "content_material_access": a function
(user, program_page) -> bool | None, where None means "no opinion". The courses app registers
the real cohort-membership check; without any hook, any signed-in user counts as a member.
Instructors and school staff (everyone with access to the content admin) always may.
"""

from __future__ import annotations

from wagtail import hooks

from lms.accounts.roles import can_access_admin

HOOK_NAME = "content_material_access"


def user_can_view_material(user, program) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if can_access_admin(user):
        return True
    for rule in hooks.get_hooks(HOOK_NAME):
        verdict = rule(user, program)
        if verdict is not None:
            return bool(verdict)
    return True
