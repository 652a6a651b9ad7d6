"""The stateless_tokens feature: access tokens without a row (``ACCESS_TOKENS.STATELESS``).

No switch of its own: its hooks run always, because revocation must reach tokens
issued while the mode was on (``stateless_tokens.enabled()`` decides issuance)."""

from ..features import Feature

FEATURE = Feature(
    name="stateless_tokens",
    spec="draft-ietf-oauth-status-list-21 (revocation through the status list), RFC 7009, RFC 7662",
    hooks="oauth_ext.stateless_tokens.hooks.StatelessTokenHooks",
)
