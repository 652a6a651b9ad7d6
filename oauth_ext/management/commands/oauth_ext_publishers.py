"""The trust store as a file: export, import (infrastructure as code), refresh keys."""

from ...software_statements.models import SoftwarePublisher
from ..trust_store import TrustStoreCommand


class Command(TrustStoreCommand):
    help = "Export or import trusted software publishers as JSON, or refresh their jwks_uri keys now."
    model = SoftwarePublisher
    export_help = "print the trust store as JSON"
