"""Reissue status lists that changed, were never built, or expire soon: the twin of
the periodic ``oauth_ext.status_list.reissue`` task, for sites without a broker."""

from django.core.management.base import BaseCommand

from ...status_list import services


class Command(BaseCommand):
    help = "Rebuild status lists that are due (run from cron where no Celery beat runs)."

    def handle(self, *args, **options):
        rebuilt = services.reissue_expiring()
        self.stdout.write(f"{len(rebuilt)} status list(s) reissued" + (f": {rebuilt}" if rebuilt else ""))
