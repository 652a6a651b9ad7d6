"""Delete expired pushed authorization requests: the twin of the Celery task."""

from django.core.management.base import BaseCommand

from ...par.services import prune


class Command(BaseCommand):
    help = "Delete pushed authorization requests whose request_uri has expired."

    def handle(self, *args, **options):
        self.stdout.write(f"{prune()} expired pushed request(s) deleted")
