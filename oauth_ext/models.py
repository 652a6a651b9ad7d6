"""Models of every feature package, collected for Django's app registry."""

from .clients.models import ClientProfile
from .dpop.models import GrantBinding, RefreshTokenBinding
from .status_list.models import StatusEntry, StatusList

__all__ = ["ClientProfile", "GrantBinding", "RefreshTokenBinding", "StatusEntry", "StatusList"]
