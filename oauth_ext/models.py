"""Models of every feature package, collected for Django's app registry."""

from .attestation.models import AttestationBinding, Attester
from .audit.models import AuditEntry
from .bcp.models import CodeRedemption
from .client_instances.models import ClientInstance, InstanceTemplate
from .clients.models import ClientProfile
from .consent.models import ConsentCode, ConsentFamily, ConsentGrant
from .core.models import ReplayStoreStart
from .dpop.models import GrantBinding, RefreshTokenBinding
from .par.models import PushedRequest
from .software_statements.models import SoftwarePublisher
from .spiffe.models import SpiffeTrustDomain
from .stateless_tokens.models import StatelessToken
from .status_list.models import StatusEntry, StatusList
from .token_context.models import GrantContext

__all__ = [
    "AttestationBinding", "Attester", "AuditEntry", "ClientInstance", "ClientProfile", "CodeRedemption", "ConsentCode", "ConsentFamily", "ConsentGrant", "GrantBinding", "GrantContext", "InstanceTemplate", "PushedRequest", "RefreshTokenBinding", "ReplayStoreStart", "SoftwarePublisher", "SpiffeTrustDomain", "StatelessToken", "StatusEntry", "StatusList",
]
