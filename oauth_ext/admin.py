"""Admin registrations of every feature package."""

from .clients import admin as clients_admin  # noqa: F401
