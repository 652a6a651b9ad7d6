"""Celery tasks; the twin command is ``oauth_ext_expire_consents``."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.consent.expire")
def expire_consents() -> int:
    return services.expire()
