"""Celery task; the twin command is ``oauth_ext_publishers refresh``."""

from celery import shared_task

from ..core import trust
from .models import SoftwarePublisher


@shared_task(name="oauth_ext.software_statements.refresh_keys")
def refresh_publisher_keys() -> int:
    return trust.refresh_all(SoftwarePublisher.objects.refreshable())
