"""Expire lapsed consents and revoke what they back: the twin of the Celery task."""

from django.core.management.base import BaseCommand

from ...consent.services import expire


class Command(BaseCommand):
    help = "Close consents past their expiry and revoke the tokens they back."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire()} consent(s) expired")
