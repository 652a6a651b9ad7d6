"""The base of the commands that keep a trust store as a file (infrastructure as
code): ``export``, ``import`` (all or nothing) and ``refresh`` (the Celery task's
twin), alike for every store of parties with keys."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ..core import trust


class TrustStoreCommand(BaseCommand):
    """Subclasses name the ``model`` (a ``KeyedParty``) and what ``export`` prints."""

    model: type[trust.KeyedParty]
    export_help: str

    def add_arguments(self, parser):
        noun = self.model.store_noun
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help=self.export_help)
        load = sub.add_parser("import", help=f"create or update {noun}s from a JSON file (all or nothing)")
        load.add_argument("file", help="path, or - for standard input")
        sub.add_parser("refresh", help=f"fetch every {noun}'s jwks_uri now (the Celery task's twin)")

    def handle(self, *args, **options):
        noun = self.model.store_noun
        if options["action"] == "export":
            self.stdout.write(json.dumps(trust.export(self.model), indent=2))
        elif options["action"] == "import":
            text = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text()
            try:
                entries = json.loads(text)
                if not isinstance(entries, list):
                    raise ValueError(f"the file holds a JSON array of {noun}s")
                created, updated = trust.load(self.model, entries)
            except (ValueError, ValidationError) as exc:
                raise CommandError(f"nothing imported: {exc}") from None
            self.stdout.write(self.style.SUCCESS(f"{created} created, {updated} updated"))
        else:
            self.stdout.write(f"{trust.refresh_all(self.model.objects.refreshable())} {noun} key set(s) refreshed")
