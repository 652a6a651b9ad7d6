"""Rebuild status lists now: the twin of the ``oauth_ext.status_list.rebuild`` task."""

from django.core.management.base import BaseCommand

from ...status_list import services
from ...status_list.models import StatusList


class Command(BaseCommand):
    help = "Rebuild and re-sign status lists (all, or those given by id)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)

    def handle(self, *args, **options):
        ids = options["ids"] or list(StatusList.objects.values_list("pk", flat=True))
        for list_id in ids:
            status_list = services.rebuild(list_id)
            self.stdout.write(f"status list {list_id}: rebuilt, expires {status_list.expires_at:%Y-%m-%d %H:%M:%S}")
