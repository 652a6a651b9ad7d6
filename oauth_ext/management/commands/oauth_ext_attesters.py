"""Attesters as a file: export, import (infrastructure as code), refresh keys."""

from ...attestation.models import Attester
from ..trust_store import TrustStoreCommand


class Command(TrustStoreCommand):
    help = "Export or import trusted client attesters as JSON, or refresh their jwks_uri keys now."
    model = Attester
    export_help = "print the attesters as JSON"
