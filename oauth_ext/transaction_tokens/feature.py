"""The transaction_tokens feature: Transaction tokens."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="transaction_tokens",
    spec="RFC 8693",
    drafts=(DRAFT,),
    switch="TRANSACTION_TOKENS",
    metadata="oauth_ext.transaction_tokens.metadata.metadata",
)
