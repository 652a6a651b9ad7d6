"""Celery task; the twin command is ``oauth_ext_attesters refresh``."""

from celery import shared_task

from ..core import trust
from .models import Attester


@shared_task(name="oauth_ext.attestation.refresh_keys")
def refresh_attester_keys() -> int:
    return trust.refresh_all(Attester.objects.refreshable())
