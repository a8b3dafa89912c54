"""What a service refuses, in words the person who asked can act on.

Views catch DomainError and show `message`; nothing is written when one is raised (services
raise before writing, or inside the transaction they roll back).
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. `message` is translated and shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The acting user may not do this (the view answers 403)."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this change."""


class CapacityReached(DomainError):
    """The cohort is full."""


class Conflict(DomainError):
    """The change clashes with something already there (overlap, duplicate, stale version)."""


class InvalidInput(DomainError):
    """A value is wrong (reason missing, dates reversed, file unreadable)."""
