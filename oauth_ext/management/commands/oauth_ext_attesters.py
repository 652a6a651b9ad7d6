"""Attesters as a file: export, import (infrastructure as code), refresh keys."""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...attestation import services


class Command(BaseCommand):
    help = "Export or import trusted client attesters as JSON, or refresh their jwks_uri keys now."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="print the attesters as JSON")
        load = sub.add_parser("import", help="create or update attesters from a JSON file (all or nothing)")
        load.add_argument("file", help="path, or - for standard input")
        sub.add_parser("refresh", help="fetch every attester's jwks_uri now (the Celery task's twin)")

    def handle(self, *args, **options):
        if options["action"] == "export":
            self.stdout.write(json.dumps(services.export_attesters(), indent=2))
        elif options["action"] == "import":
            text = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text()
            try:
                entries = json.loads(text)
                if not isinstance(entries, list):
                    raise ValueError("the file holds a JSON array of attesters")
                created, updated = services.import_attesters(entries)
            except (ValueError, ValidationError) as exc:
                raise CommandError(f"nothing imported: {exc}") from None
            self.stdout.write(self.style.SUCCESS(f"{created} created, {updated} updated"))
        else:
            self.stdout.write(f"{services.refresh_all()} attester key set(s) refreshed")
