"""The token_context feature: Client extension claims."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="token_context",
    spec="individual draft",
    drafts=(DRAFT,),
    metadata="oauth_ext.token_context.metadata.metadata",
    claims="oauth_ext.token_context.claims.client_extension_claims",
    hooks="oauth_ext.token_context.hooks.TokenContextHooks",
)
