"""The LMS domain models, one module per subdomain (cohorts, enrollment, discussions, ...)."""
