"""System checks, one stable id per configuration rule.

E001 DOT is not pointed at our validator        E002 unknown OAUTH_EXT key
E003 no issuer identifier                       E004 signing keys missing or unusable
E005 JWT access tokens on but DOT's ACCESS_TOKEN_GENERATOR is not ours
E006 REFRESH_TOKEN_GENERATOR unset: refresh tokens would be JWTs too
E007 REPLAY_CACHE / JWKS_FETCH.CACHE names no configured cache
E008 ISSUER differs from DOT's OIDC_ISS_ENDPOINT
E009 STATUS_LIST.BITS is not 1, 2, 4 or 8, or SIZE is not a positive multiple of 8
E010 TRANSACTION_TOKENS on but DOT's OAUTH2_SERVER_CLASS lacks token exchange, or a
     trust domain is malformed
E011 RESOURCES.KNOWN has an entry that is not an absolute URI with a list of scopes
E012 AUTHORIZATION_DETAILS.TYPES has a malformed entry
E013 MTLS.TRUSTED_PROXIES holds something that is not an address or network
W001 replay cache is per-process while DEBUG is off
W002 oauth_ext.urls is not routed in front of DOT's urls
W003 DOT's backend class hides repeated credential parameters
W004 MTLS.CERTIFICATE_HEADER is set but no proxy is trusted to send it
W040 ACCESS_TOKENS.STATELESS on but the status list off (in stateless_tokens/checks.py)
W041 ACCESS_TOKENS.STATELESS on but RESOURCE_SERVER.TOKEN_VALIDATION is "database"
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.module_loading import import_string

from .conf import app_settings, unknown_keys
from .consent import checks as consent_checks
from .pop import checks as pop_checks
from .resource_server import checks as resource_server_checks
from .stateless_tokens import checks as stateless_checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register("oauth_ext")
def check_configuration(app_configs=None, **kwargs):
    from oauth2_provider.settings import oauth2_settings

    from .core.keys import SigningKeyError, signing_keys
    from .validators import OAuth2Validator

    messages = []
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS
    if not (isinstance(validator, type) and issubclass(validator, OAuth2Validator)):
        messages.append(Error(
            "DOT does not use oauth_ext's validator, so none of its client authentication applies.",
            hint='Set OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"] = "oauth_ext.validators.OAuth2Validator" (or a subclass).',
            id="oauth_ext.E001",
        ))
    from .backends import OAuthLibCore

    backend = oauth2_settings.OAUTH2_BACKEND_CLASS
    if not (isinstance(backend, type) and issubclass(backend, OAuthLibCore)):
        messages.append(Warning(
            "DOT's backend class collapses repeated client_assertion parameters, so they cannot be refused.",
            hint='Set OAUTH2_PROVIDER["OAUTH2_BACKEND_CLASS"] = "oauth_ext.backends.OAuthLibCore".',
            id="oauth_ext.W003",
        ))
    for name in unknown_keys(getattr(settings, "OAUTH_EXT", {}) or {}):
        messages.append(Error(f"Unknown setting OAUTH_EXT[{name!r}].", id="oauth_ext.E002"))
    if not app_settings.issuer:
        messages.append(Error(
            "No issuer identifier: JWT client assertions have no audience to check and tokens no iss.",
            hint='Set OAUTH_EXT["ISSUER"] (or DOT\'s OIDC_ISS_ENDPOINT) to the https URL of this server.',
            id="oauth_ext.E003",
        ))
    elif app_settings.ISSUER and oauth2_settings.OIDC_ISS_ENDPOINT and app_settings.ISSUER != oauth2_settings.OIDC_ISS_ENDPOINT:
        messages.append(Error("OAUTH_EXT['ISSUER'] differs from DOT's OIDC_ISS_ENDPOINT.", id="oauth_ext.E008"))
    if app_settings.ACCESS_TOKENS.FORMAT == "jwt":
        try:
            if not signing_keys():
                raise SigningKeyError('OAUTH_EXT["KEYS"]["SIGNING"] is empty')
        except SigningKeyError as exc:
            messages.append(Error(f"No usable signing key: {exc}", hint="Generate one with manage.py oauth_ext_keygen.", id="oauth_ext.E004"))
        generator = oauth2_settings.ACCESS_TOKEN_GENERATOR
        ours = import_string("oauth_ext.tokens.generators.signed_token_generator")
        if generator is not ours:
            messages.append(Error(
                "JWT access tokens are on but DOT does not generate them with oauth_ext.",
                hint='Set OAUTH2_PROVIDER["ACCESS_TOKEN_GENERATOR"] = "oauth_ext.tokens.generators.signed_token_generator".',
                id="oauth_ext.E005",
            ))
        elif oauth2_settings.REFRESH_TOKEN_GENERATOR is None:
            messages.append(Error(
                "REFRESH_TOKEN_GENERATOR is unset, so oauthlib would issue JWT refresh tokens.",
                hint='Set OAUTH2_PROVIDER["REFRESH_TOKEN_GENERATOR"] = "oauth_ext.tokens.generators.opaque_token_generator".',
                id="oauth_ext.E006",
            ))
    for alias_setting, alias in (("REPLAY_CACHE", app_settings.REPLAY_CACHE), ("JWKS_FETCH.CACHE", app_settings.JWKS_FETCH.CACHE)):
        if alias not in settings.CACHES:
            messages.append(Error(f"OAUTH_EXT {alias_setting} names cache {alias!r}, which CACHES lacks.", id="oauth_ext.E007"))
    status_conf = app_settings.STATUS_LIST
    if status_conf.BITS not in (1, 2, 4, 8) or not isinstance(status_conf.SIZE, int) or status_conf.SIZE <= 0 or status_conf.SIZE % 8:
        messages.append(Error(
            "STATUS_LIST needs BITS in 1, 2, 4, 8 and a SIZE that is a positive multiple of 8 (draft §13.8).",
            id="oauth_ext.E009",
        ))
    replay_cache = settings.CACHES.get(app_settings.REPLAY_CACHE, {})
    if replay_cache.get("BACKEND") in PER_PROCESS_CACHES and not settings.DEBUG:
        messages.append(Warning(
            "The replay cache is per-process: a replayed assertion is accepted once by every process.",
            hint="Point OAUTH_EXT['REPLAY_CACHE'] at a shared cache such as Redis.",
            id="oauth_ext.W001",
        ))
    messages.extend(_check_transaction_tokens(oauth2_settings))
    messages.extend(_check_mtls())
    messages.extend(_check_url_order())
    messages.extend(consent_checks.check())
    messages.extend(pop_checks.check())
    messages.extend(resource_server_checks.check())
    messages.extend(stateless_checks.check())
    return messages


def _check_transaction_tokens(oauth2_settings):
    from .server import ExtendedGrantsMixin

    conf = app_settings.TRANSACTION_TOKENS
    if not conf.ENABLED:
        return []
    messages = []
    server = oauth2_settings.OAUTH2_SERVER_CLASS
    if not (isinstance(server, type) and issubclass(server, ExtendedGrantsMixin)):
        messages.append(Error(
            "TRANSACTION_TOKENS is on but DOT's server class has no token-exchange grant.",
            hint='Set OAUTH2_PROVIDER["OAUTH2_SERVER_CLASS"] = "oauth_ext.server.Server" (OpenIDServer with OIDC).',
            id="oauth_ext.E010",
        ))
    for domain in conf.TRUST_DOMAINS:
        if not (isinstance(domain, dict) and isinstance(domain.get("AUDIENCE"), str) and domain["AUDIENCE"]
                and isinstance(domain.get("CLIENTS", []), (list, tuple)) and set(domain) <= {"AUDIENCE", "CLIENTS", "LIFETIME"}):
            messages.append(Error(
                f"TRANSACTION_TOKENS trust domain {domain!r} is malformed.",
                hint='Each is {"AUDIENCE": "trust-domain.example", "CLIENTS": [client_id, ...], "LIFETIME": seconds}.',
                id="oauth_ext.E010",
            ))
    return messages


def _check_mtls():
    import ipaddress

    conf = app_settings.MTLS
    if not conf.CERTIFICATE_HEADER:
        return []
    proxies = conf.TRUSTED_PROXIES if isinstance(conf.TRUSTED_PROXIES, (list, tuple)) else [conf.TRUSTED_PROXIES]
    bad = []
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except (TypeError, ValueError):
            bad.append(proxy)
    if bad:
        return [Error(f"OAUTH_EXT['MTLS']['TRUSTED_PROXIES'] holds {bad!r}: not addresses or networks.", id="oauth_ext.E013")]
    if not proxies:
        return [Warning(
            "OAUTH_EXT['MTLS']['CERTIFICATE_HEADER'] is set but no proxy is trusted: every client certificate is ignored.",
            hint="List the TLS-terminating proxies in OAUTH_EXT['MTLS']['TRUSTED_PROXIES'].",
            id="oauth_ext.W004",
        )]
    return []


def _check_url_order():
    from .client_auth.views import IntrospectTokenView

    try:
        match = resolve(reverse("oauth2_provider:introspect"))
    except (NoReverseMatch, Resolver404):
        return []
    if getattr(match.func, "view_class", None) is IntrospectTokenView:
        return []
    return [Warning(
        "DOT's introspection view is routed in front of oauth_ext's.",
        hint='Include "oauth_ext.urls" before "oauth2_provider.urls" under the same prefix.',
        id="oauth_ext.W002",
    )]
