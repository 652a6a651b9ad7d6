"""The pop feature: PoP key distribution and signed requests."""

from ..features import Feature
from . import KEY_DISTRIBUTION_DRAFT, SIGNED_REQUEST_DRAFT

FEATURE = Feature(
    name="pop",
    spec="RFC 7800",
    drafts=(KEY_DISTRIBUTION_DRAFT, SIGNED_REQUEST_DRAFT),
    switch="POP",
    claims="oauth_ext.pop.claims.confirmation",
    hooks="oauth_ext.pop.hooks.PoPHooks",
)
