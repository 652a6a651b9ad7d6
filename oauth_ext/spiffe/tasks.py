"""Celery task; the twin command is ``oauth_ext_spiffe_bundles``."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.spiffe.refresh_bundles")
def refresh_bundles() -> int:
    return services.refresh_all()
