"""Parsing RFC 7628 §3.1 and XOAUTH2 initial client responses, and validating
their token for one mail service."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ...core.errors import InvalidToken
from ...tokens.validation import TokenInfo, validate_access_token

KVSEP = "\x01"
# RFC 6750 §2.1 b64token, after "Bearer" and one or more spaces (RFC 7628 §3.1 auth-value).
BEARER = re.compile(r"^Bearer +([A-Za-z0-9\-._~+/]+=*)$", re.IGNORECASE)
KEY = re.compile(r"^[A-Za-z]+$")
MAX_BYTES = 16384


class SASLFailure(Exception):
    """A failed exchange; ``status`` is an RFC 6750 error code (RFC 7628 §3.2.2)."""

    def __init__(self, status: str, reason: str = "", *, scope: str | None = None,
                 openid_configuration: str | None = None):
        super().__init__(reason or status)
        self.status, self.scope, self.openid_configuration = status, scope, openid_configuration

    def challenge(self) -> bytes:
        """The server's error challenge, RFC 7628 §3.2.2 JSON."""
        body: dict[str, str] = {"status": self.status}
        if self.scope:
            body["scope"] = self.scope
        if self.openid_configuration:
            body["openid-configuration"] = self.openid_configuration
        return json.dumps(body, separators=(",", ":")).encode()


@dataclass
class Parsed:
    token: str
    authzid: str | None = None
    host: str | None = None
    port: str | None = None


@dataclass
class SASLResult:
    """``user``: the local user (None when validated by introspection); ``username``:
    always, the name the mail server logs in."""

    user: Any
    username: str
    token: TokenInfo
    authzid: str | None
    mechanism: str


def _malformed(reason: str) -> SASLFailure:
    return SASLFailure("invalid_request", reason)


def _text(message: bytes | str) -> str:
    if isinstance(message, str):
        message = message.encode("utf-8")
    if len(message) > MAX_BYTES:
        raise _malformed("message too long")
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("not UTF-8") from None


def _saslname(value: str) -> str:
    """RFC 5801 saslname: "," and "=" travel as "=2C" and "=3D"."""
    if re.search(r"=(?!2C|3D)", value) or "," in value:
        raise _malformed("bad saslname in authzid")
    return value.replace("=2C", ",").replace("=3D", "=")


def _pairs(text: str) -> dict[str, str]:
    """``*kvpair kvsep``, each kvpair ``key "=" value kvsep``."""
    if not text.endswith(KVSEP):
        raise _malformed("missing the final kvsep")
    body = text[:-1]
    if body and not body.endswith(KVSEP):
        raise _malformed("unterminated key/value pair")
    pairs: dict[str, str] = {}
    for item in body[:-1].split(KVSEP) if body else []:
        key, sep, value = item.partition("=")
        if not sep or not KEY.match(key) or key in pairs:
            raise _malformed(f"bad key/value pair {key!r}")
        pairs[key] = value
    return pairs


def _bearer(pairs: dict[str, str]) -> str:
    match = BEARER.match(pairs.get("auth", ""))
    if match is None:
        raise _malformed("no auth=Bearer <token>")
    return match.group(1)


def parse_oauthbearer(message: bytes | str) -> Parsed:
    """RFC 7628 §3.1: ``gs2-header kvsep *kvpair kvsep``, e.g.
    ``n,a=user@example.com,^Ahost=server.example.com^Aport=143^Aauth=Bearer vF9...^A^A``."""
    text = _text(message)
    header, sep, rest = text.partition(KVSEP)
    if not sep:
        raise _malformed("no kvsep")
    fields = header.split(",")
    # gs2-cbind-flag: OAUTHBEARER has no channel binding, so only "n" or "y" (§3.1).
    if len(fields) != 3 or fields[0] not in ("n", "y") or fields[2] != "":
        raise _malformed("bad GS2 header")
    authzid = None
    if fields[1]:
        if not fields[1].startswith("a="):
            raise _malformed("bad authzid")
        authzid = _saslname(fields[1][2:])
    pairs = _pairs(rest)
    return Parsed(_bearer(pairs), authzid, pairs.get("host"), pairs.get("port"))


def parse_xoauth2(message: bytes | str) -> Parsed:
    """XOAUTH2: ``"user=" {User} "^Aauth=Bearer " {Access Token} "^A^A"``."""
    pairs = _pairs(_text(message))
    if set(pairs) != {"user", "auth"} or not pairs["user"]:
        raise _malformed("XOAUTH2 needs exactly user and auth")
    return Parsed(_bearer(pairs), pairs["user"])


PARSERS = {"OAUTHBEARER": parse_oauthbearer, "XOAUTH2": parse_xoauth2}


def _names(info: TokenInfo) -> set[str]:
    return {n for n in (info.username, getattr(info.user, "email", "")) if n}


def authenticate(mechanism: str, message: bytes | str, *, audience: str, scope: str | None = None,
                 openid_configuration: str | None = None) -> SASLResult:
    """The user a mail service at ``audience`` may let in, or :class:`SASLFailure`.

    The token must be valid (signature, expiry, revocation as the resource-server
    settings say, in any ``TOKEN_VALIDATION`` mode), name ``audience`` in its ``aud``
    (given per call: one process may serve IMAP and SMTP), carry ``scope`` when given,
    not be bound to a key (a SASL exchange cannot prove possession), and belong to
    the user the authzid names, when one is sent.
    """
    parser = PARSERS.get(mechanism.upper())
    if parser is None:
        raise _malformed(f"unsupported mechanism {mechanism!r}")
    parsed = parser(message)
    failure = {"scope": scope, "openid_configuration": openid_configuration}
    try:
        info = validate_access_token(parsed.token, audience=audience)
    except InvalidToken as exc:
        raise SASLFailure("invalid_token", exc.reason, **failure) from exc
    if "cnf" in info.claims:
        raise SASLFailure("invalid_token", "key-bound token presented as a bearer token", **failure)
    if info.username is None:
        raise SASLFailure("invalid_token", "token without a user", **failure)
    if parsed.authzid is not None and parsed.authzid not in _names(info):
        raise SASLFailure("invalid_token", "authzid is not the token's user", **failure)
    if scope and scope not in info.scopes:
        raise SASLFailure("insufficient_scope", "token lacks the service's scope", **failure)
    return SASLResult(user=info.user, username=info.username, token=info, authzid=parsed.authzid,
                      mechanism=mechanism.upper())
