"""Admin registrations of every feature package."""

from .attestation import admin as attestation_admin  # noqa: F401
from .audit import admin as audit_admin  # noqa: F401
from .client_instances import admin as client_instances_admin  # noqa: F401
from .clients import admin as clients_admin  # noqa: F401
from .consent import admin as consent_admin  # noqa: F401
from .software_statements import admin as software_statements_admin  # noqa: F401
from .spiffe import admin as spiffe_admin  # noqa: F401
from .status_list import admin as status_list_admin  # noqa: F401
