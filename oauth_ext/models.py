"""Models of every feature package, collected for Django's app registry."""

from .client_instances.models import ClientInstance, InstanceTemplate
from .clients.models import ClientProfile
from .consent.models import ConsentCode, ConsentFamily, ConsentGrant
from .dpop.models import GrantBinding, RefreshTokenBinding
from .par.models import PushedRequest
from .software_statements.models import SoftwarePublisher
from .status_list.models import StatusEntry, StatusList
from .token_context.models import GrantContext

__all__ = [
    "ClientInstance", "ClientProfile", "ConsentCode", "ConsentFamily", "ConsentGrant", "GrantContext", "InstanceTemplate", "PushedRequest", "GrantBinding", "RefreshTokenBinding", "SoftwarePublisher", "StatusEntry", "StatusList",
]
