"""The resource_server feature: Protecting the site's own APIs with our tokens."""

from ..features import Feature
from .challenges import DRAFT, REMEDIATION_DRAFT

FEATURE = Feature(
    name="resource_server",
    spec="RFC 6750, RFC 9470",
    drafts=(DRAFT, REMEDIATION_DRAFT),
)
