"""The discussions' entry on "Học tập của tôi": followed threads with replies not yet read."""

from django import template

from courses.discussion_selectors import followed_with_new_replies

register = template.Library()


@register.inclusion_tag("courses/discussions/followed.html", takes_context=True)
def followed_replies(context):
    request = context.get("request")
    return {"threads": followed_with_new_replies(getattr(request, "user", None))}
