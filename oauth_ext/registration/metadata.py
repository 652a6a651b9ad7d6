"""Checking client metadata against the publisher's policy (RFC 7591 §2, RFC 8252 §7)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from oauth2_provider.settings import oauth2_settings

from .. import features
from ..client_auth import registry
from ..core import fetch, jose
from ..software_statements.models import REDIRECT_URI_FORMS, SoftwarePublisher
from .errors import InvalidClientMetadata, InvalidRedirectURI

# RFC 7591 grant types this server maps onto DOT's one grant type per Application.
DOT_GRANTS = {"authorization_code": "authorization-code", "client_credentials": "client-credentials"}
PRIVATE_USE_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$")  # RFC 8252 §7.1: reverse domain
STRING_FIELDS = ("client_name", "software_id", "software_version", "client_uri", "logo_uri", "tos_uri", "policy_uri",
                 "device_label", "platform", "jwks_uri", "token_endpoint_auth_method", "token_endpoint_auth_signing_alg", "scope")


@dataclass
class ClientMetadata:
    """Validated metadata of one instance, ready to be stored and echoed."""

    redirect_uris: list[str]
    grant_types: list[str]
    token_endpoint_auth_method: str
    scope: list[str]
    jwks: dict[str, Any] | None = None
    jwks_uri: str = ""
    token_endpoint_auth_signing_alg: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: The features' client fields (``Feature.client_fields``) that were given.
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def dot_grant_type(self) -> str:
        return next(DOT_GRANTS[g] for g in self.grant_types if g in DOT_GRANTS)

    def as_response(self) -> dict[str, Any]:
        data = {
            **self.extra,
            **self.profile,
            "redirect_uris": self.redirect_uris,
            "grant_types": self.grant_types,
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
        }
        if self.scope:
            data["scope"] = " ".join(self.scope)
        if self.jwks:
            data["jwks"] = self.jwks
        if self.jwks_uri:
            data["jwks_uri"] = self.jwks_uri
        if self.token_endpoint_auth_signing_alg:
            data["token_endpoint_auth_signing_alg"] = self.token_endpoint_auth_signing_alg
        return data


def redirect_uri_form(uri: Any) -> str:
    """``https``, ``loopback`` or ``private_use``; InvalidRedirectURI for anything else."""
    if not isinstance(uri, str) or len(uri) > 2000 or "#" in uri:
        raise InvalidRedirectURI("redirect URIs are absolute URIs without fragment", reason=repr(uri))
    try:
        parts = urlsplit(uri)
        port_ok = parts.port is None or parts.port > 0  # .port raises on a port out of range
    except ValueError:
        port_ok = False
    if not port_ok:
        raise InvalidRedirectURI("malformed redirect URI", reason=repr(uri))
    if parts.scheme == "https" and parts.hostname:
        return "https"
    if parts.scheme == "http" and parts.hostname:
        try:
            if ipaddress.ip_address(parts.hostname).is_loopback:
                return "loopback"  # RFC 8252 §7.3 (by IP literal, not "localhost": §8.3)
        except ValueError:
            pass
        raise InvalidRedirectURI("http redirect URIs are allowed only to a loopback IP literal", reason=uri)
    if PRIVATE_USE_SCHEME.match(parts.scheme) and not parts.netloc:
        return "private_use"
    raise InvalidRedirectURI("unsupported redirect URI", reason=uri)


def _string_list(data: dict[str, Any], name: str, default: list[str]) -> list[str]:
    value = data.get(name, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidClientMetadata(f"{name} must be an array of strings")
    return list(dict.fromkeys(value))


def validate(data: Any, publisher: SoftwarePublisher | None, *, key_proven: bool = False) -> ClientMetadata:
    """RFC 7591 §2 metadata under ``publisher``'s policy (defaults without one).

    ``key_proven``: the client holds a key proven otherwise (a DPoP proof), which
    satisfies a policy that instances present a key.
    """
    if not isinstance(data, dict):
        raise InvalidClientMetadata("the request body must be a JSON object")
    fields = features.client_fields()
    for name in STRING_FIELDS:
        if name in data and not isinstance(data[name], str):
            raise InvalidClientMetadata(f"{name} must be a string")
    for client_field in fields:
        if client_field.kind is str:
            client_field.check(data)
    forms = publisher.redirect_uri_forms if publisher else ["https"]
    redirect_uris = _string_list(data, "redirect_uris", [])
    for uri in redirect_uris:
        form = redirect_uri_form(uri)
        if form not in forms or form not in REDIRECT_URI_FORMS:
            raise InvalidRedirectURI(f"{form} redirect URIs are not allowed for this software", reason=uri)
    grant_types = _string_list(data, "grant_types", ["authorization_code"])
    allowed_grants = publisher.allowed_grant_types if publisher else ["authorization_code", "refresh_token"]
    if not set(grant_types) <= set(allowed_grants) or not set(grant_types) & DOT_GRANTS.keys():
        raise InvalidClientMetadata(f"grant_types must be among {allowed_grants}")
    if "authorization_code" in grant_types and not redirect_uris:
        raise InvalidRedirectURI("authorization_code needs redirect_uris")
    if "response_types" in data and _string_list(data, "response_types", []) not in ([], ["code"]):
        raise InvalidClientMetadata("only the code response type is supported")
    jwks, jwks_uri = data.get("jwks"), data.get("jwks_uri", "")
    if jwks is not None and jwks_uri:
        raise InvalidClientMetadata("jwks and jwks_uri are mutually exclusive")  # RFC 7591 §2
    if jwks is not None:
        try:
            jose.validate_public_jwks(jwks)
        except jose.JOSEError as exc:
            raise InvalidClientMetadata("jwks must hold public keys only", reason=str(exc)) from exc
    if jwks_uri:
        try:
            fetch.check_registrable(jwks_uri)  # the rules that will fetch it
        except fetch.FetchError as exc:
            raise InvalidClientMetadata("jwks_uri is not fetchable under this server's rules", reason=str(exc)) from exc
    has_key = bool(jwks or jwks_uri)
    method = data.get("token_endpoint_auth_method", "private_key_jwt" if has_key else "client_secret_basic")
    allowed_methods = publisher.allowed_auth_methods if publisher else registry.method_names()
    if method not in allowed_methods or method not in registry.method_names() + ["none"]:
        raise InvalidClientMetadata(f"token_endpoint_auth_method must be among {allowed_methods}")
    if method == "private_key_jwt" and not has_key:
        raise InvalidClientMetadata("private_key_jwt needs jwks or jwks_uri")
    if publisher and publisher.require_instance_key and not (has_key or key_proven):
        raise InvalidClientMetadata("this software's instances must register a key")
    if method == "none" and "client_credentials" in grant_types:
        raise InvalidClientMetadata("client_credentials needs client authentication")
    available = set(oauth2_settings.SCOPES)
    ceiling = set(publisher.scope_ceiling) if publisher and publisher.scope_ceiling else available
    # RFC 7591 §2: a client that names no scope gets a default set: its publisher's
    # ceiling, or else the server's DEFAULT_SCOPES; never every scope the server knows.
    default = ceiling if publisher and publisher.scope_ceiling else set(oauth2_settings._DEFAULT_SCOPES)
    requested = data.get("scope", "").split() or sorted(default & available)
    scope = [s for s in dict.fromkeys(requested) if s in ceiling and s in available]  # clipped to the ceiling
    alg = data.get("token_endpoint_auth_signing_alg", "")
    if alg and (alg == "none" or alg not in jose.ASYMMETRIC_ALGORITHMS | jose.HMAC_ALGORITHMS):
        raise InvalidClientMetadata("unsupported token_endpoint_auth_signing_alg")
    for client_field in fields:
        if client_field.kind is not str:
            client_field.check(data)
    profile = {f.name: data[f.name] for f in fields if f.name in data}
    extra = {k: data[k] for k in ("client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id",
                                  "software_version", "device_label", "platform") if k in data}
    return ClientMetadata(redirect_uris=redirect_uris, grant_types=grant_types, token_endpoint_auth_method=method,
                          scope=scope, jwks=jwks, jwks_uri=jwks_uri, token_endpoint_auth_signing_alg=alg, extra=extra, profile=profile)
