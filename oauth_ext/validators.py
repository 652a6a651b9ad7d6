"""The one seam into oauthlib: DOT's validator and the mixin that runs the features.

Point DOT at it: ``OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"] =
"oauth_ext.validators.OAuth2Validator"``. A site with its own validator subclass
can put :class:`~oauth_ext.features.RegistryValidatorMixin` in front of it instead.
Which feature does what, and in which order, is in :mod:`oauth_ext.features`.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator as DOTValidator

from .features import RegistryValidatorMixin


class OAuth2Validator(RegistryValidatorMixin, DOTValidator):  # type: ignore[misc]  # DOT has no type hints
    """DOT's validator with every feature's hooks (``features.HOOK_ORDER``)."""
