"""The ``OAUTH_EXT`` settings object.

One dict in the site's settings, nested per feature, merged over documented
defaults. The merge is redone whenever Django signals that ``OAUTH_EXT`` changed,
so ``override_settings`` just works, and defaults are never written back into
``settings``. Unknown keys are reported by the ``oauth_ext.E002`` system check
rather than silently ignored.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.dispatch import receiver

#: Documented defaults. Every key a site may set appears here.
DEFAULTS: dict[str, Any] = {
    # Issuer identifier (RFC 8414). Falls back to DOT's OIDC_ISS_ENDPOINT. It is the
    # audience that JWT client assertions must carry, and the ``iss`` of our tokens;
    # it is never derived from the Host header of a request.
    "ISSUER": None,
    # draft-zehavi-oauth-app2app-browserless-07: a native authorization endpoint the
    # site runs elsewhere, announced in the AS metadata instead of ours (APP2APP).
    "NATIVE_AUTHORIZATION_ENDPOINT": None,
    # Seconds of clock difference tolerated in the exp / nbf / iat of the JWTs we
    # receive (assertions, statements, attestations, JWT-SVIDs, DPoP proofs);
    # core/time_claims.py. A section's own CLOCK_SKEW, set, replaces it there.
    "CLOCK_SKEW": 30,
    # Django cache alias used for single-use values (assertion ``jti``, later DPoP
    # ``jti`` and nonces). Must be shared by all processes: Redis in production.
    "REPLAY_CACHE": "default",
    # The authorization server's own keys.
    "KEYS": {
        # Private keys, newest first: the first signs, all are published at the
        # JWKS endpoint so tokens signed before a rotation keep verifying. Each item
        # is a private JWK (dict) or a path to a file holding a private JWK or a PEM.
        "SIGNING": [],
    },
    "CLIENT_AUTH": {
        # Methods beyond DOT's own (client_secret_basic, client_secret_post, none),
        # as dotted paths to ClientAuthMethod subclasses. Registered name -> class.
        "METHODS": [
            "oauth_ext.client_auth.private_key_jwt.PrivateKeyJWT",
            "oauth_ext.client_auth.client_secret_jwt.ClientSecretJWT",
        ],
        # Algorithms accepted for client assertions when a client registered none.
        "SIGNING_ALGORITHMS": [
            "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
            "RS256", "RS384", "RS512", "EdDSA",
        ],
        "HMAC_ALGORITHMS": ["HS256", "HS384", "HS512"],
        # rfc7523bis makes the issuer the sole audience; the token endpoint URL is
        # still sent by many deployed clients, so it is accepted unless switched off.
        "ACCEPT_TOKEN_ENDPOINT_AUDIENCE": True,
        # Longest exp - iat (or exp - now when iat is absent) accepted, in seconds.
        "ASSERTION_MAX_LIFETIME": 300,
        # Clock skew for client assertions and software statements; None: the
        # common CLOCK_SKEW (this setting is kept for sites that set it).
        "CLOCK_SKEW": None,
        # Upper bound on the size of a client assertion, in bytes.
        "ASSERTION_MAX_BYTES": 8192,
    },
    "CLIENT_CACHE": {
        # Cache alias holding each client with its profile and instance (one query
        # saved per request); saves and deletes forget the entry. Shared by all
        # processes (Redis in production). TTL 0 turns the cache off.
        "CACHE": "default",
        # Seconds an entry lives: bounds what a change made outside Django leaves cached.
        "TTL": 300,
    },
    "JWKS_FETCH": {
        # Cache alias holding fetched client JWKS documents.
        "CACHE": "default",
        "TIMEOUT": 5.0,
        "MAX_BYTES": 65536,
        "CACHE_TTL": 300,
        # On an unknown ``kid``, refetch at most once per this many seconds.
        "REFETCH_INTERVAL": 30,
    },
    "DPOP": {
        # RFC 9449 proof-of-possession at the token endpoint and resource servers.
        "ENABLED": True,
        # Asymmetric JWS algorithms accepted for proofs (§4.3 (5)).
        "ALGORITHMS": ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "EdDSA"],
        # How old a proof's iat may be, and how far in the future (§11.1), seconds.
        "PROOF_MAX_AGE": 300,
        # None: the common CLOCK_SKEW (kept for sites that set it).
        "CLOCK_SKEW": None,
        # Require server nonces (§8) at the token endpoint / at our resource servers.
        "REQUIRE_NONCE": False,
        "RS_REQUIRE_NONCE": False,
        # A nonce stays valid for one to two steps of this many seconds. Nonces are
        # keyed HMACs over the step: any process with the same secret accepts them.
        "NONCE_STEP": 60,
        # Secret for nonces; None derives one from SECRET_KEY.
        "NONCE_SECRET": None,
        "PROOF_MAX_BYTES": 8192,
    },
    "POP": {
        # draft-ietf-oauth-pop-key-distribution-07: token_type=pop with req_cnf
        # (asymmetric) or a server-chosen key (symmetric); resource requests signed
        # per draft-ietf-oauth-signed-http-request-03.
        "ENABLED": True,
        # Older place of the resource servers' encryption keys (resource URI -> public
        # JWK), still read; a resource's keys belong in its RESOURCES.KNOWN entry
        # ("pop_encryption_key", "rs_cnf"), check oauth_ext.W030.
        "RESOURCE_KEYS": {},
        # This site's resource-server private JWKs, to read the JWE in tokens.
        "RS_DECRYPTION_KEYS": [],
        # Secret from which symmetric PoP keys derive (None: from SECRET_KEY).
        "KEY_SECRET": None,
        # How old a signed request's ts may be, seconds.
        "SIGNATURE_MAX_AGE": 300,
    },
    "RESOURCE_SERVER": {
        # How our resource-server helpers validate access tokens:
        # "database": DOT's token table, like DOT's own protection (revocation is
        #             immediate; this site issued the token);
        # "jwt":      the JWT's signature with the AS keys (this site's, or those at
        #             JWKS_URI) and its claims, no database;
        # "introspection": RFC 7662 at INTROSPECTION_URL.
        "TOKEN_VALIDATION": "database",
        # Required aud in "jwt" mode (None: the issuer, as our tokens carry by default).
        "AUDIENCE": None,
        "JWKS_URI": None,
        "INTROSPECTION_URL": None,
        "INTROSPECTION_CLIENT_ID": None,
        "INTROSPECTION_CLIENT_SECRET": None,
        # Accept unbound tokens with the Bearer scheme (DPoP-bound ones never, §7.2).
        "ALLOW_BEARER": True,
        # The challenge require_authorization_details answers with:
        # "requested_authorization" (draft-lombardo-oauth-step-up-authz-challenge-proto-01, 403),
        # "insufficient_authorization" (the same draft's -03: 403, AuthZEN body), or
        # "authorization_remediation" (draft-zehavi-oauth-rar-metadata-06: 401).
        "STEP_UP_CHALLENGE": "requested_authorization",
    },
    "STATUS_LIST": {
        # draft-ietf-oauth-status-list-21: a status index in every JWT access token.
        "ENABLED": True,
        # Entries per list; a new list opens when one is full.
        "SIZE": 1_048_576,
        # Bits per entry: 1 (VALID/INVALID) or 2 and more to allow SUSPENDED.
        "BITS": 1,
        # Seconds a relying party may cache a Status List Token (its ttl claim).
        "TTL": 300,
        # Lifetime of a Status List Token (exp - iat), and how long before its exp
        # the periodic task reissues it.
        "VALIDITY": 86_400,
        "REISSUE_BEFORE": 3_600,
        # A burst of status changes within this many seconds causes one rebuild.
        "DEBOUNCE": 2,
        # Positions each process reserves at once (one UPDATE per block, not per
        # token). A process that exits leaves the rest of its block unused: those
        # indices stay VALID and are never handed out.
        "BLOCK": 1024,
    },
    "AUTHORIZATION_CODE": {
        # A redeemed code is remembered this many seconds: presented again within it,
        # the tokens of its first redemption are revoked (RFC 6749 §4.1.2).
        "REMEMBER_USED_FOR": 86_400,
    },
    "CLIENT_INSTANCES": {
        # Pruning: instances registered but never used within this many seconds,
        # and instances unused for longer than this many seconds, are removed.
        "NEVER_USED_AFTER": 7 * 86_400,
        "UNUSED_AFTER": 180 * 86_400,
        # A stateless client_id is refused once older than this many seconds (its issue
        # time is inside it); until then a revoked one's row is kept as its revocation.
        "STATELESS_MAX_AGE": 365 * 86_400,
        # last_used_at is written at most once per this many seconds per instance.
        "TOUCH_INTERVAL": 60,
    },
    "PAR": {
        # RFC 9126 pushed authorization requests.
        "ENABLED": True,
        # Refuse authorization requests that were not pushed, for every client.
        "REQUIRED": False,
        # Lifetime of a request_uri, seconds (RFC 9126 §2.2: typically 5 to 600).
        "EXPIRES_IN": 60,
        "MAX_BODY_BYTES": 32768,
        "THROTTLE_RATE": "120/min",
        # draft-richer-oauth-pushed-client-registration-00 (client_id
        # urn:ietf:oauth:parameters:dynamic): "statement" = only with a valid software
        # statement from a trusted publisher, "open" = anyone, "off".
        "PUSHED_REGISTRATION": "statement",
    },
    "REGISTRATION": {
        # RFC 7591/7592 registration at oauth_ext's endpoint (DOT's DCR stays DOT's).
        "ENABLED": True,
        # Without an initial access token, only with a statement from a trusted publisher.
        "OPEN_WITH_STATEMENT": True,
        # Scope an access token must carry to serve as an initial access token.
        "INITIAL_ACCESS_TOKEN_SCOPE": "registration",
        # Registrations per source address (DRF throttle rate).
        "THROTTLE_RATE": "60/min",
        # Public native clients (token_endpoint_auth_method "none") registering without
        # an initial access token (draft-ietf-mailmaint-oauth-public-06): "off" (never),
        # "statement" (with a trusted publisher's software statement), or "open" (with
        # nothing: loopback or reverse-DNS private-use redirect URIs, authorization_code
        # and refresh_token, scopes within OPEN_SCOPES, at OPEN_THROTTLE_RATE).
        "PUBLIC_CLIENTS": "statement",
        "OPEN_SCOPES": [
            "urn:ietf:params:oauth:scope:mail", "urn:ietf:params:oauth:scope:contacts",
            "urn:ietf:params:oauth:scope:calendars",
        ],
        "OPEN_THROTTLE_RATE": "10/hour",
        "MAX_BODY_BYTES": 65536,
    },
    "ATTESTATION": {
        # draft-ietf-oauth-attestation-based-client-auth-11: client instances attested
        # by an Attester (see the admin) authenticate with OAuth-Client-Attestation plus
        # a PoP JWT, or plus a DPoP proof of the same key (combined mode). Offered once
        # its methods are in CLIENT_AUTH.METHODS.
        # Algorithms accepted for attestations (attesters sign; MACs are not accepted).
        "SIGNING_ALGORITHMS": ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "EdDSA"],
        # Algorithms accepted for PoP JWTs (asymmetric only, -11 §5.1).
        "POP_SIGNING_ALGORITHMS": ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "EdDSA"],
        # Oldest attestation iat accepted, seconds (None: exp alone decides); older ones
        # are answered with use_fresh_attestation (§7.4).
        "MAX_AGE": None,
        # How old a PoP's iat may be, and how far in the future, seconds (§7.2 (6)).
        "POP_MAX_AGE": 300,
        # None: the common CLOCK_SKEW (kept for sites that set it).
        "CLOCK_SKEW": None,
        # Require a server challenge in every PoP JWT (§6); the challenge endpoint is
        # served either way.
        "REQUIRE_CHALLENGE": False,
        # A challenge is accepted for this many seconds after it was issued, by any
        # process (it is a keyed MAC over its issue time), and only once while
        # CHALLENGE_SINGLE_USE is on (Redis SET NX).
        "CHALLENGE_LIFETIME": 300,
        "CHALLENGE_SINGLE_USE": True,
        # Secret for challenges; None derives one from SECRET_KEY.
        "CHALLENGE_SECRET": None,
        "MAX_BYTES": 8192,
        "THROTTLE_RATE": "600/min",
    },
    "SPIFFE": {
        # draft-ietf-oauth-spiffe-client-auth-02: JWT-SVIDs (spiffe_jwt) and X.509-SVIDs
        # (spiffe_x509) of the trust domains configured in the admin.
        # Longest exp - iat accepted for a JWT-SVID, seconds.
        "JWT_SVID_MAX_LIFETIME": 3600,
        # None: the common CLOCK_SKEW (kept for sites that set it).
        "CLOCK_SKEW": None,
        # On an unknown kid, refetch a trust domain's bundle at most once per this many seconds.
        "REFETCH_INTERVAL": 30,
    },
    "MTLS": {
        # RFC 8705 behind a TLS-terminating proxy: the proxy verifies the client
        # certificate and forwards it in this request header (URL-encoded PEM, as
        # nginx's $ssl_client_escaped_cert, or PEM, or base64 DER). None: no mTLS.
        "CERTIFICATE_HEADER": None,
        # Addresses or networks (CIDR) of the proxies allowed to set that header; the
        # header from anywhere else is ignored.
        "TRUSTED_PROXIES": [],
        # Bind access tokens to the certificate (cnf x5t#S256) whenever one is presented.
        "CERTIFICATE_BOUND_ACCESS_TOKENS": True,
        # RFC 8705 §5 mtls_endpoint_aliases published in the metadata, if set: {"token_endpoint": url, ...}.
        "ENDPOINT_ALIASES": None,
    },
    "ACCESS_TOKENS": {
        # "jwt" (RFC 9068), signed with the first KEYS.SIGNING key.
        "FORMAT": "jwt",
        # ``aud`` when the request named no resource (RFC 8707). None: the issuer.
        "DEFAULT_AUDIENCE": None,
        # Dotted paths to callables ``(request, claims) -> dict`` whose result is
        # merged into every access token's claims; later features add theirs here.
        "CLAIMS_PROVIDERS": [],
        # Stateless access tokens: no row per token in DOT's AccessToken table, only
        # the token's status-list entry and a compact side record (client, user,
        # expiry) written in the same statement. Revocation, instance revocation,
        # consent withdrawal and introspection go through the status list; resource
        # servers validate in "jwt" or "introspection" mode. Needs STATUS_LIST.ENABLED.
        # What a site gives up: docs/architecture.md, "Stateless access tokens".
        "STATELESS": False,
    },
    "TRANSACTION_TOKENS": {
        # draft-ietf-oauth-transaction-tokens-10 through RFC 8693 token exchange at the
        # token endpoint (needs OAUTH2_PROVIDER["OAUTH2_SERVER_CLASS"] = "oauth_ext.server.Server").
        "ENABLED": False,
        # Trust domains served, each {"AUDIENCE": "trust-domain.example", "CLIENTS":
        # [client_id, ...], "LIFETIME": seconds}: only the listed workloads may
        # request Txn-Tokens for that audience.
        "TRUST_DOMAINS": [],
        # Default Txn-Token lifetime, and the most a trust domain may set (the draft
        # wants minutes at most).
        "LIFETIME": 300,
        "MAX_LIFETIME": 900,
        # How a requesting workload must have authenticated (the draft requires
        # mutual authentication: JWT client auth, SPIFFE or mTLS, never a shared secret).
        "CLIENT_AUTH_METHODS": [
            "private_key_jwt", "client_secret_jwt", "spiffe_jwt", "spiffe_x509",
            "tls_client_auth", "self_signed_tls_client_auth",
        ],
        # Upper bound on request_context / request_details, bytes each.
        "MAX_CONTEXT_BYTES": 4096,
    },
    "APP2APP": {
        # draft-zehavi-oauth-app2app-browserless-07: our native authorization endpoint
        # (authorize/native/), JSON only, for client apps acting as their own user agent.
        "ENABLED": False,
        # The https deep link this server's User-Interacting App claims; it receives
        # client_id and request_uri. None: authorize/native/app/ on the issuer's origin,
        # which the app claims and also calls as its API.
        "USER_INTERACTING_APP": None,
        # Seconds a native request waits for the app (or the browser fallback).
        "EXPIRES_IN": 300,
        # Native requests per source address (each keeps a row until used or expired).
        "THROTTLE_RATE": "120/min",
    },
    "TOKEN_CONTEXT": {
        # draft-lombardo-oauth-client-extension-claims-02 ``ccr``: the value for each
        # trust framework a client can authenticate through ("attestation", "spiffe",
        # "software_statement"), an absolute URI; None: "<issuer>/ccr/<framework>";
        # "": not issued for that framework.
        "CCR": {"attestation": None, "spiffe": None, "software_statement": None},
    },
    "DEFERRED_KEY_BINDING": {
        # draft-richer-oauth-tmb-claim-01: a ``tmb`` token request parameter asks for a
        # token bound to another party's key. Dotted path to the policy deciding who
        # may, for which keys; the default refuses every request.
        "POLICY": "oauth_ext.key_binding.policies.RefuseAll",
        # For oauth_ext.key_binding.policies.AllowList: client_id -> the key
        # thumbprints (RFC 7638, or x5t#S256 values) it may bind to, or ["*"].
        "CLIENTS": {},
    },
    "RESOURCES": {
        # RFC 8707 resources this server knows, by URI: {"name": ..., "scopes": [...]}.
        # When any are listed, a request naming another resource gets invalid_target;
        # a token requested for one resource carries only that resource's scopes.
        # PoP (draft-ietf-oauth-pop-key-distribution-07): "pop_encryption_key", the
        # public JWK (RSA or EC) symmetric PoP keys for it are encrypted (JWE) to;
        # "rs_cnf", the key it authenticates with ({"jwk": ...} or {"kid": ...}),
        # returned with asymmetric PoP tokens for it alone; "introspection_clients", the
        # client_ids it introspects with, the only callers told a symmetric PoP key.
        "KNOWN": {},
    },
    "PROTECTED_RESOURCES": {
        # RFC 9728: paths of this site that are protected resources, each with its
        # metadata ({"scopes_supported": [...], "resource_name": ...}). Each is served
        # at /.well-known/oauth-protected-resource<path>, and a 401 from the resource
        # points there (resource_metadata). Needs oauth_ext.protected_resources.urls
        # included at the site's root.
        "PATHS": {},
    },
    "AUTHORIZATION_DETAILS": {
        # RFC 9396 types accepted in authorization_details, by type:
        # {"description": "...", "fields": ["actions", "locations", ...]}; "fields"
        # lists the members allowed besides "type" (absent: any member).
        "TYPES": {},
    },
    "CONSENT": {
        # Consent grants per user and software; the prompt is skipped while an
        # active grant covers the request.
        "ENABLED": True,
        # Lifetime of a consent, seconds (None: until withdrawn).
        "LIFETIME": 90 * 86_400,
        # Seconds a refresh token may be held unused (None: no idle limit).
        "REFRESH_TOKEN_TIMEOUT": 30 * 86_400,
        # Also send refresh_token_expires_in / consent_expires_in, the names of
        # draft-watson-oauth-refresh-token-expiration-00, for clients written against it.
        "LEGACY_EXPIRY_NAMES": False,
        # Dotted path to the policy deciding whether a consent given on one device is
        # shared silently with another instance of the same software. The default
        # shares only with an instance that proves more than the public software
        # statement (a client attestation, or an https redirect URI its publisher
        # signed); any other new device gets a short "new device" confirmation.
        # oauth_ext.consent.policies.AlwaysShare trusts the statement alone.
        "REUSE_POLICY": "oauth_ext.consent.policies.ProvenInstance",
    },
}


def _merge(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


#: Sections whose own CLOCK_SKEW (None: not set) falls back to the common one.
CLOCK_SKEW_SECTIONS = ("CLIENT_AUTH", "DPOP", "ATTESTATION", "SPIFFE")


def _inherit_clock_skew(merged: dict[str, Any]) -> dict[str, Any]:
    """One clock skew: a section's CLOCK_SKEW a site did not set reads the common one."""
    for name in CLOCK_SKEW_SECTIONS:
        if merged[name].get("CLOCK_SKEW") is None:
            merged[name]["CLOCK_SKEW"] = merged["CLOCK_SKEW"]
    return merged


class Section:
    """Attribute access to one nested settings section."""

    def __init__(self, values: dict[str, Any]):
        self._values = {
            key: Section(value) if isinstance(value, dict) and _is_section(value) else value for key, value in values.items()
        }

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"OAUTH_EXT has no setting {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]


def _is_section(value: dict[str, Any]) -> bool:
    # An empty dict is a value (a mapping a site fills in), not a section.
    return bool(value) and all(isinstance(k, str) and k.isupper() for k in value)


class AppSettings:
    """``from oauth_ext.conf import app_settings; app_settings.CLIENT_AUTH.ASSERTION_MAX_BYTES``."""

    def __init__(self) -> None:
        self._merged: Section | None = None

    @property
    def user_settings(self) -> dict[str, Any]:
        return getattr(django_settings, "OAUTH_EXT", {}) or {}

    def __getattr__(self, name: str) -> Any:
        if not name.isupper():
            raise AttributeError(name)
        if self._merged is None:
            self._merged = Section(_inherit_clock_skew(_merge(DEFAULTS, self.user_settings)))
        return getattr(self._merged, name)

    def reload(self) -> None:
        self._merged = None

    @property
    def issuer(self) -> str | None:
        """The issuer identifier: ``OAUTH_EXT["ISSUER"]``, else DOT's ``OIDC_ISS_ENDPOINT``."""
        from oauth2_provider.settings import oauth2_settings

        return self.ISSUER or oauth2_settings.OIDC_ISS_ENDPOINT or None


def unknown_keys(user: dict[str, Any], defaults: dict[str, Any] = DEFAULTS, prefix: str = "") -> list[str]:
    """Dotted names of keys in ``user`` that ``DEFAULTS`` does not know."""
    found = []
    for key, value in user.items():
        name = f"{prefix}{key}"
        if key not in defaults:
            found.append(name)
        elif isinstance(defaults[key], dict) and _is_section(defaults[key]) and isinstance(value, dict):
            found.extend(unknown_keys(value, defaults[key], f"{name}."))
    return found


app_settings = AppSettings()


@receiver(setting_changed)
def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting == "OAUTH_EXT":
        app_settings.reload()
