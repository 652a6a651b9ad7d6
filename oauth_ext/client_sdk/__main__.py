"""``python -m oauth_ext.client_sdk token|txn-token|assertion|register ...``: one step each, with private_key_jwt."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import requests

from . import AssertionSigner, PrivateKeyJWTAuth
from .registration import register
from .txn import request_txn_token


def _json_object(value: str) -> dict:
    parsed = json.loads(value)
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError("a JSON object is required")
    return parsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oauth_ext.client_sdk")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="client_credentials token with private_key_jwt")
    txn = sub.add_parser("txn-token", help="exchange an access token for a Txn-Token (RFC 8693)")
    assertion = sub.add_parser("assertion", help="print one client assertion")
    for p in (token, txn, assertion):
        p.add_argument("--issuer", required=True, help="the AS issuer identifier (the assertion's aud)")
        p.add_argument("--client-id", required=True)
        p.add_argument("--key", required=True, help="private JWK file written by oauth_ext_keygen")
    for p in (token, txn):
        p.add_argument("--token-endpoint", required=True)
    token.add_argument("--scope", default="")
    txn.add_argument("--scope", required=True, help="the transaction's purpose, within the subject token's scope")
    txn.add_argument("--subject-token", required=True, help="the access token the request arrived with")
    txn.add_argument("--audience", required=True, help="the trust domain")
    txn.add_argument("--request-context", type=_json_object, help="JSON object, becomes rctx")
    txn.add_argument("--request-details", type=_json_object, help="JSON object, becomes tctx")
    registration = sub.add_parser("register", help="register this installation with a software statement (RFC 7591)")
    registration.add_argument("--registration-endpoint", required=True)
    registration.add_argument("--software-statement", required=True, help="the statement JWT, or @file holding it")
    registration.add_argument("--key", required=True, help="this installation's private JWK file (its public key is sent)")
    registration.add_argument("--metadata", type=_json_object, help="further client metadata, a JSON object")
    registration.add_argument("--initial-access-token", help="where the server asks for one (RFC 7591 §3)")
    args = parser.parse_args(argv)
    if args.command == "register":
        return _register(args)
    signer = AssertionSigner.from_file(args.key, client_id=args.client_id, audience=args.issuer)
    if args.command == "assertion":
        print(signer.assertion())
        return 0
    if args.command == "txn-token":
        response = request_txn_token(
            args.token_endpoint, PrivateKeyJWTAuth(signer), subject_token=args.subject_token, audience=args.audience,
            scope=args.scope, request_context=args.request_context, request_details=args.request_details,
        )
    else:
        data = {"grant_type": "client_credentials"}
        if args.scope:
            data["scope"] = args.scope
        response = requests.post(args.token_endpoint, data=data, auth=PrivateKeyJWTAuth(signer), timeout=10)
    _print(response)
    return 0 if response.ok else 1


def _register(args: argparse.Namespace) -> int:
    """Prints the server's answer: ``client_id`` and ``registration_access_token`` to keep."""
    statement = args.software_statement
    if statement.startswith("@"):
        statement = Path(statement[1:]).read_text().strip()
    response = register(args.registration_endpoint, software_statement=statement,
                        private_jwk=json.loads(Path(args.key).read_text()), metadata=args.metadata,
                        initial_access_token=args.initial_access_token)
    _print(response)
    return 0 if response.status_code == 201 else 1


def _print(response: requests.Response) -> None:
    try:
        print(json.dumps(response.json(), indent=2))
    except ValueError:
        print(f"HTTP {response.status_code}: {response.text[:500]}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
