"""Celery tasks; the twin command is ``oauth_ext_prune_instances``."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.client_instances.prune")
def prune_instances() -> int:
    return services.prune()
