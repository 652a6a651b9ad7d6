"""The feature registry: what each feature adds, and the one order its hooks run in.

Every feature package declares one :class:`Feature` in its ``feature.py``: its name,
spec and draft revisions, the ``OAUTH_EXT`` section whose ``ENABLED`` switches it,
and dotted paths to what it contributes (URL patterns, discovery metadata, client
metadata fields, access-token claims, validator hooks). Dotted paths keep this
module free of the features' imports: it is read while Django loads the URLconf
and DOT its validator.

``enabled()`` decides together whether a feature is routed, advertised in
metadata, accepts its registration fields and adds its claims. Its validator
hooks always run (each checks the settings it needs): a hook also guards what an
earlier configuration issued.

Hooks are "around" hooks: ``hooks.<method>(validator, proceed, *args)`` with the
same arguments as DOT's validator method plus ``proceed``, which calls the next
hook and at the end DOT. :data:`HOOK_ORDER` lists the features from DOT outwards:
what a hook does after ``proceed()`` (most of them) runs in that order, what it
does before runs in the reverse order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from .conf import app_settings
from .registration.errors import InvalidClientMetadata

if TYPE_CHECKING:
    from django.urls import URLPattern, URLResolver
    from oauth2_provider.oauth2_validators import OAuth2Validator as Validator
else:
    Validator = Any

__all__ = [
    "FEATURES", "HOOKED_METHODS", "HOOK_ORDER", "ClientField", "Feature", "Proceed", "RegistryValidatorMixin", "Validator",
    "claim_providers", "client_fields", "enabled", "features", "get", "hook_chain", "metadata", "url_patterns",
]

#: The next hook, or DOT's own method at the end.
Proceed = Callable[..., Any]

#: Every feature, by the module holding its ``FEATURE``. This order is that of the
#: URL patterns, of the metadata keys and of the claim providers (a later one wins).
FEATURES: tuple[str, ...] = (
    "oauth_ext.core.feature",
    "oauth_ext.tokens.feature",
    "oauth_ext.client_auth.feature",
    "oauth_ext.client_instances.feature",
    "oauth_ext.registration.feature",
    "oauth_ext.software_statements.feature",
    "oauth_ext.dpop.feature",
    "oauth_ext.pop.feature",
    "oauth_ext.mtls.feature",
    "oauth_ext.spiffe.feature",
    "oauth_ext.status_list.feature",
    "oauth_ext.token_context.feature",
    "oauth_ext.par.feature",
    "oauth_ext.transaction_tokens.feature",
    "oauth_ext.rar.feature",
    "oauth_ext.consent.feature",
    "oauth_ext.attestation.feature",
    "oauth_ext.bcp.feature",
    "oauth_ext.app2app.feature",
    "oauth_ext.key_binding.feature",
    "oauth_ext.resource_server.feature",
    "oauth_ext.protected_resources.feature",
    "oauth_ext.stateless_tokens.feature",
)

#: The one order of the validator hooks, from DOT outwards. Next to DOT, stateless
#: tokens replace only its writing of an access-token row; after DOT's own check of
#: a token request: token storage decides whether DOT's transaction wraps the save;
#: the RFC 9700 checks sit on DOT's (a code DOT no longer knows is a replay); DPoP
#: verifies the proof; mTLS reads the certificate; PoP, which may prove ``req_cnf``
#: with the DPoP proof, runs on its result; consent narrows scopes and resources; a
#: ``tmb`` key sets the token type last; then what is recorded of the grant (token
#: context, status-list entry, attestation binding), the instance checks, and client
#: authentication, outermost.
HOOK_ORDER: tuple[str, ...] = (
    "stateless_tokens",
    "tokens",
    "bcp",
    "dpop",
    "mtls",
    "pop",
    "consent",
    "key_binding",
    "token_context",
    "status_list",
    "attestation",
    "client_instances",
    "client_auth",
)

#: The DOT validator methods features hook into.
HOOKED_METHODS: tuple[str, ...] = (
    "authenticate_client",
    "authenticate_client_id",
    "client_authentication_required",
    "get_authorization_code_scopes",
    "get_default_scopes",
    "get_original_scopes",
    "save_authorization_code",
    "save_bearer_token",
    "_save_bearer_token",
    "_create_access_token",
    "revoke_token",
    "_load_application",
    "validate_client_id",
    "validate_code",
    "validate_grant_type",
    "validate_redirect_uri",
    "validate_refresh_token",
    "validate_scopes",
)


@dataclass(frozen=True)
class ClientField:
    """A client metadata field a feature accepts at registration (RFC 7591 §2), kept
    on the client's profile."""

    name: str
    kind: type = str

    def check(self, data: dict[str, Any]) -> None:
        """InvalidClientMetadata unless ``data`` holds no such field or one of its kind."""
        if self.name in data and not isinstance(data[self.name], self.kind):
            article = "a boolean" if self.kind is bool else "a string"
            raise InvalidClientMetadata(f"{self.name} must be {article}")


@dataclass(frozen=True)
class Feature:
    """One feature: what it is and what it adds. Paths are dotted import paths."""

    name: str
    spec: str
    #: Draft revisions implemented (each package's ``DRAFT`` constants).
    drafts: tuple[str, ...] = ()
    #: The ``OAUTH_EXT`` section whose ``ENABLED`` switches the feature; None: always on.
    switch: str | None = None
    #: A list of URL patterns, included in ``oauth_ext.urls`` while enabled.
    urls: str | None = None
    #: ``(request) -> dict``: keys of the discovery documents (None values are left out).
    metadata: str | None = None
    #: ``(request, claims) -> dict``: claims of the JWT access tokens.
    claims: str | None = None
    #: A class whose methods named in :data:`HOOKED_METHODS` are validator hooks.
    hooks: str | None = None
    #: Client metadata fields accepted at registration.
    client_fields: tuple[ClientField, ...] = ()

    def enabled(self) -> bool:
        """The feature's switch, read now (tests and sites change settings at run time)."""
        return self.switch is None or bool(getattr(app_settings, self.switch).ENABLED)


@functools.lru_cache(maxsize=1)
def features() -> tuple[Feature, ...]:
    """Every declared feature, in :data:`FEATURES` order."""
    found = tuple(import_string(f"{path}.FEATURE") for path in FEATURES)
    names = [f.name for f in found]
    if len(set(names)) != len(names) or not set(HOOK_ORDER) <= set(names):
        raise ValueError(f"feature names must be unique and cover HOOK_ORDER: {names}")
    return found


def get(name: str) -> Feature:
    """The feature called ``name``."""
    return next(f for f in features() if f.name == name)


def enabled() -> tuple[Feature, ...]:
    """The features switched on now."""
    return tuple(f for f in features() if f.enabled())


def url_patterns() -> list[URLPattern | URLResolver]:
    """The URL patterns of the features switched on now."""
    return [pattern for f in enabled() if f.urls for pattern in import_string(f.urls)]


def metadata(request: Any) -> dict[str, Any]:
    """The discovery metadata of the features switched on now."""
    data: dict[str, Any] = {}
    for f in enabled():
        if f.metadata:
            data.update({k: v for k, v in _resolve(f.metadata)(request).items() if v is not None})
    return data


def claim_providers() -> tuple[Callable[[Any, dict[str, Any]], dict[str, Any]], ...]:
    """The claim providers of the features switched on now, in :data:`FEATURES` order."""
    return tuple(_resolve(f.claims) for f in enabled() if f.claims)


def client_fields(*, only_enabled: bool = True) -> tuple[ClientField, ...]:
    """The client metadata fields the features (switched on now, by default) accept."""
    return tuple(field for f in (enabled() if only_enabled else features()) for field in f.client_fields)


@functools.cache
def _resolve(path: str) -> Any:
    return import_string(path)


@functools.cache
def hook_chain(method: str) -> tuple[Callable[..., Any], ...]:
    """The hooks of ``method``, from DOT outwards (:data:`HOOK_ORDER`)."""
    chain = []
    for name in HOOK_ORDER:
        path = get(name).hooks
        hook = getattr(_hooks_instance(path), method, None) if path else None
        if hook is not None:
            chain.append(hook)
    return tuple(chain)


@functools.cache
def _hooks_instance(path: str) -> Any:
    return import_string(path)()


class RegistryValidatorMixin:
    """Runs the features' hooks around each of DOT's validator methods they hook."""

    def _run_hooks(self, method: str, dot: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        call = dot
        for hook in hook_chain(method):
            call = functools.partial(hook, self, call)
        return call(*args, **kwargs)


def _hooked(method: str) -> Callable[..., Any]:
    def run(self: RegistryValidatorMixin, *args: Any, **kwargs: Any) -> Any:
        return self._run_hooks(method, getattr(super(RegistryValidatorMixin, self), method), *args, **kwargs)

    run.__name__ = run.__qualname__ = method
    run.__doc__ = f"DOT's ``{method}`` inside the features' hooks (:data:`HOOK_ORDER`)."
    return run


for _method in HOOKED_METHODS:
    setattr(RegistryValidatorMixin, _method, _hooked(_method))
