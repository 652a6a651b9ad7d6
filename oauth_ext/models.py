"""Models of every feature package, collected for Django's app registry."""

from .clients.models import ClientProfile
from .dpop.models import GrantBinding, RefreshTokenBinding

__all__ = ["ClientProfile", "GrantBinding", "RefreshTokenBinding"]
