"""The rar feature: Rich authorization requests."""

from ..features import Feature

FEATURE = Feature(
    name="rar",
    spec="RFC 9396",
    metadata="oauth_ext.rar.metadata.metadata",
    claims="oauth_ext.rar.claims.authorization_details",
)
