"""Celery tasks, thin wrappers over the services; each has a management-command twin
(``oauth_ext_rebuild_status_lists``, ``oauth_ext_reissue_status_lists``)."""

from celery import shared_task

from . import services


@shared_task(name="oauth_ext.status_list.rebuild")
def rebuild_status_list(list_id: int) -> int:
    return services.rebuild(list_id).pk


@shared_task(name="oauth_ext.status_list.reissue")
def reissue_status_lists() -> list[int]:
    return services.reissue_expiring()
