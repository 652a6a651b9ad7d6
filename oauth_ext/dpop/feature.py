"""The dpop feature: DPoP-bound tokens."""

from ..features import Feature

FEATURE = Feature(
    name="dpop",
    spec="RFC 9449",
    switch="DPOP",
    metadata="oauth_ext.dpop.metadata.metadata",
    claims="oauth_ext.dpop.claims.confirmation",
    hooks="oauth_ext.dpop.hooks.DPoPHooks",
)
