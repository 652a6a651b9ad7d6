"""Celery tasks, thin wrappers over the services; each has a management-command twin
(``oauth_ext_rebuild_status_lists``, ``oauth_ext_reissue_status_lists``).

Both are idempotent (a rebuild recomputes the list from the entries and keeps the
newest state), so they are acknowledged only once done (``acks_late``) and put back
on the queue when the worker running them dies (``reject_on_worker_lost``): a
rebuild lost with its worker runs again on the next worker.
"""

from celery import shared_task

from . import services

REDELIVER = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="oauth_ext.status_list.rebuild", **REDELIVER)
def rebuild_status_list(list_id: int) -> int:
    return services.rebuild(list_id).pk


@shared_task(name="oauth_ext.status_list.reissue", **REDELIVER)
def reissue_status_lists() -> list[int]:
    return services.reissue_expiring()
