"""Generate a key pair: private JWK, public JWKS and PKCS#12, in one step."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...core.keyfiles import write_key_files

ALGORITHMS = ["ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA"]


class Command(BaseCommand):
    help = "Generate a signing key pair (for a client's private_key_jwt, or the server's own key)."
    requires_system_checks = []  # the server's own key may be the missing piece

    def add_arguments(self, parser):
        parser.add_argument("--alg", choices=ALGORITHMS, default="ES256")
        parser.add_argument("--name", default="client", help="file name stem")
        parser.add_argument("--out", default=".", help="directory to write into")
        parser.add_argument("--kid", help="key id (default: the RFC 7638 thumbprint)")
        parser.add_argument("--p12-password", default="", help="password for the .p12 file (default: none)")
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument("--if-missing", action="store_true", help="do nothing when the private JWK exists")
        existing.add_argument("--force", action="store_true",
                              help="replace an existing key (whoever registered its public key must register the new one)")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if options["if_missing"] and (out / f"{options['name']}.private.jwk.json").exists():
            self.stdout.write(f"{out / options['name']}.private.jwk.json exists; kept")
            return
        present = [p for p in (out / f"{options['name']}{suffix}" for suffix in (".private.jwk.json", ".jwks.json", ".p12"))
                   if p.exists()]
        if present and not options["force"]:
            raise CommandError(f"{present[0]} exists: a new key would lock out whoever registered the old one. "
                               "Pass --force to replace it, or --if-missing to keep it.")
        written = write_key_files(
            out, options["name"], alg=options["alg"], kid=options["kid"], p12_password=options["p12_password"]
        )
        self.stdout.write(self.style.SUCCESS(f"{written['alg']} key {written['kid']}"))
        self.stdout.write(f"  private JWK (keep secret): {written['private_jwk']}")
        self.stdout.write(f"  public JWKS (register):   {written['jwks']}")
        self.stdout.write(f"  PKCS#12:                  {written['p12']}")
