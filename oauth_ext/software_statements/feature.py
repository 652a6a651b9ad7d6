"""The software_statements feature: Software statements and their publishers."""

from ..features import Feature

FEATURE = Feature(
    name="software_statements",
    spec="RFC 7591 §2.3",
)
