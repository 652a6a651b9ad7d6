"""Models of every feature package, collected for Django's app registry."""

from .audit.models import AuditEntry
from .client_instances.models import ClientInstance, InstanceTemplate
from .clients.models import ClientProfile
from .dpop.models import GrantBinding, RefreshTokenBinding
from .par.models import PushedRequest
from .software_statements.models import SoftwarePublisher
from .status_list.models import StatusEntry, StatusList
from .token_context.models import GrantContext

__all__ = [
    "AuditEntry", "ClientInstance", "ClientProfile", "GrantContext", "InstanceTemplate", "PushedRequest", "GrantBinding", "RefreshTokenBinding", "SoftwarePublisher", "StatusEntry", "StatusList",
]
