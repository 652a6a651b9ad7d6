"""Prune instances never used or long unused: the twin of the Celery task."""

from django.core.management.base import BaseCommand

from ...client_instances.services import prune


class Command(BaseCommand):
    help = "Remove client instances never used since registration or unused for too long, with their tokens."

    def handle(self, *args, **options):
        self.stdout.write(f"{prune()} instance(s) removed")
