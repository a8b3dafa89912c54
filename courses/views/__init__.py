"""Thin views: parse the request, ask courses.permissions, call a service or a selector, render.
One module per area, each with its own `urlpatterns` gathered by courses/urls.py."""
