"""The bcp feature: Security best current practice protections."""

from ..features import Feature

FEATURE = Feature(
    name="bcp",
    spec="RFC 9700",
    metadata="oauth_ext.bcp.metadata.metadata",
    hooks="oauth_ext.bcp.hooks.BCPHooks",
)
