"""The protected_resources feature: Protected resource metadata (included at the site's root)."""

from ..features import Feature

FEATURE = Feature(
    name="protected_resources",
    spec="RFC 9728",
)
