"""Celery task; the twin command is ``oauth_ext_attesters refresh``."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.attestation.refresh_keys")
def refresh_attester_keys() -> int:
    return services.refresh_all()
