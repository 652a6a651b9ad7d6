"""``python -m oauth_ext.client token ...``: get a token with private_key_jwt."""

from __future__ import annotations

import argparse
import json
import sys

import requests

from . import AssertionSigner, PrivateKeyJWTAuth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oauth_ext.client")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="client_credentials token with private_key_jwt")
    token.add_argument("--issuer", required=True, help="the AS issuer identifier (the assertion's aud)")
    token.add_argument("--token-endpoint", required=True)
    token.add_argument("--client-id", required=True)
    token.add_argument("--key", required=True, help="private JWK file written by oauth_ext_keygen")
    token.add_argument("--scope", default="")
    assertion = sub.add_parser("assertion", help="print one client assertion")
    for p in (assertion,):
        p.add_argument("--issuer", required=True)
        p.add_argument("--client-id", required=True)
        p.add_argument("--key", required=True)
    args = parser.parse_args(argv)
    signer = AssertionSigner.from_file(args.key, client_id=args.client_id, audience=args.issuer)
    if args.command == "assertion":
        print(signer.assertion())
        return 0
    data = {"grant_type": "client_credentials"}
    if args.scope:
        data["scope"] = args.scope
    response = requests.post(args.token_endpoint, data=data, auth=PrivateKeyJWTAuth(signer), timeout=10)
    print(json.dumps(response.json(), indent=2))
    return 0 if response.ok else 1


if __name__ == "__main__":
    sys.exit(main())
