"""Celery task; the twin command is ``oauth_ext_prune_pushed_requests``."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.par.prune")
def prune_pushed_requests() -> int:
    return services.prune()
