"""Admin registrations of every feature package."""

from .clients import admin as clients_admin  # noqa: F401
from .status_list import admin as status_list_admin  # noqa: F401
