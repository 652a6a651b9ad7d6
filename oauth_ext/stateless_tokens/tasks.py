"""Celery task over ``services.prune``: idempotent (it deletes what has expired), so
acknowledged late and redelivered if its worker dies."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.stateless_tokens.prune", acks_late=True, reject_on_worker_lost=True)
def prune_stateless_tokens() -> int:
    return services.prune()
