"""The key_binding feature: Deferred key binding (tmb)."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="key_binding",
    spec="individual draft",
    drafts=(DRAFT,),
    claims="oauth_ext.key_binding.claims.confirmation",
    hooks="oauth_ext.key_binding.hooks.KeyBindingHooks",
)
