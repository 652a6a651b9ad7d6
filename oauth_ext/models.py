"""Models of every feature package, collected for Django's app registry."""

from .clients.models import ClientProfile

__all__ = ["ClientProfile"]
