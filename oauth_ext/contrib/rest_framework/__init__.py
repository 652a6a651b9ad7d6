"""DRF integration for a site's own APIs: DPoP- and bearer-token authentication."""

from .authentication import DPoPAuthentication, exception_handler

__all__ = ["DPoPAuthentication", "exception_handler"]
