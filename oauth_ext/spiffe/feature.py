"""The spiffe feature: SPIFFE client authentication."""

from ..features import ClientField, Feature
from . import DRAFT

FEATURE = Feature(
    name="spiffe",
    spec="SPIFFE",
    drafts=(DRAFT,),
    client_fields=(ClientField("spiffe_id"), ClientField("spiffe_bundle_endpoint")),
)
