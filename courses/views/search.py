"""`/search/?q=…`: one box in the header, results for whoever asks (see courses.search for what
each person may find). Limited per client address: matching reads every study page."""

from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from courses.search import MAX_QUERY_LENGTH, clean_query, search
from courses.views import client_ip

SEARCH_RATE = "60/m"


def _limited(request) -> bool:
    return is_ratelimited(
        request,
        group="site-search",
        key=lambda group, request: client_ip(request) or "unknown",
        rate=getattr(settings, "LMS_SEARCH_RATE", SEARCH_RATE),
        increment=True,
    )


@require_safe
def search_page(request):
    query = clean_query(request.GET.get("q"))
    if query and _limited(request):
        response = render(
            request, "courses/search.html", {"query": query, "limited": True}, status=429
        )
        response["Retry-After"] = "60"
        return response
    hits = search(request.user, query) if query else []
    return render(
        request,
        "courses/search.html",
        {"query": query, "hits": hits, "max_length": MAX_QUERY_LENGTH},
    )


urlpatterns = [path("search/", search_page, name="search")]
