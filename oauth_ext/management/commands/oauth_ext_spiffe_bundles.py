"""Fetch the SPIFFE bundles of every enabled trust domain now (the Celery task's twin)."""

from django.core.management.base import BaseCommand

from ...spiffe import services


class Command(BaseCommand):
    help = "Refresh the bundles of every enabled SPIFFE trust domain with a bundle endpoint."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.refresh_all()} trust domain bundle(s) refreshed")
