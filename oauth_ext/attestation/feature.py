"""The attestation feature: Attestation-based client authentication."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="attestation",
    spec="IETF OAuth WG draft",
    drafts=(DRAFT,),
    urls="oauth_ext.attestation.urls.urlpatterns",
    metadata="oauth_ext.attestation.metadata.metadata",
    hooks="oauth_ext.attestation.hooks.AttestationHooks",
)
