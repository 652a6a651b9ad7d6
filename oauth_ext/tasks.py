"""Every Celery task of the package, where Celery looks for them.

``app.autodiscover_tasks()`` imports ``<app>.tasks`` of each installed app; each
feature keeps its tasks in its own package, so this module imports them all and a
worker registers every task a beat schedule may name.
"""

from .attestation.tasks import refresh_attester_keys
from .client_instances.tasks import prune_instances
from .consent.tasks import expire_consents
from .par.tasks import prune_pushed_requests
from .software_statements.tasks import refresh_publisher_keys
from .spiffe.tasks import refresh_bundles
from .stateless_tokens.tasks import prune_stateless_tokens
from .status_list.tasks import rebuild_status_list, reissue_status_lists

__all__ = [
    "expire_consents", "prune_instances", "prune_pushed_requests", "prune_stateless_tokens", "rebuild_status_list",
    "refresh_attester_keys", "refresh_bundles", "refresh_publisher_keys", "reissue_status_lists",
]
