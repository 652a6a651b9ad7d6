"""The feature registry: one seam into DOT, one hook order, and a switch that takes a
feature off the routes, the metadata and the token claims together."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from oauth_ext import features
from oauth_ext.tokens.claims import jwt_claims
from oauth_ext.validators import OAuth2Validator

PACKAGE = Path(features.__file__).parent
SWITCHED = [f.name for f in features.features() if f.switch]


def switch(settings, section: str, on: bool) -> None:
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, section: {**settings.OAUTH_EXT.get(section, {}), "ENABLED": on}}


def test_the_validator_is_dots_plus_one_mixin():
    ours = [cls for cls in OAuth2Validator.__mro__ if cls.__module__.startswith("oauth_ext")]
    assert ours == [OAuth2Validator, features.RegistryValidatorMixin]


def test_hooks_run_in_the_one_written_order():
    def owners(method: str) -> list[str]:
        return [hook.__self__.__class__.__module__.split(".")[1] for hook in features.hook_chain(method)]

    # From DOT outwards: the proof, the certificate, PoP on the proof, the tmb key last.
    assert owners("validate_grant_type") == ["dpop", "mtls", "pop", "key_binding"]
    assert owners("_save_bearer_token") == ["bcp", "dpop", "consent", "key_binding", "status_list", "attestation"]
    for method in features.HOOKED_METHODS:
        assert owners(method) == sorted(owners(method), key=features.HOOK_ORDER.index)


def test_every_draft_constant_is_declared_by_its_feature():
    declared = {draft for f in features.features() for draft in f.drafts}
    constants = {
        value
        for path in PACKAGE.rglob("*.py")
        if "client_sdk" not in path.relative_to(PACKAGE).parts[:1]  # the client-side SDK is no feature
        for value in re.findall(r'^[A-Z_]*DRAFT = "([^"]+)"', path.read_text(), re.MULTILINE)
    }
    assert constants and constants <= declared, constants - declared


@pytest.mark.django_db
@pytest.mark.parametrize("name", SWITCHED)
def test_a_disabled_feature_has_no_url_no_metadata_key_no_claim(name, settings, client):
    feature = features.get(name)
    patterns = import_string(feature.urls) if feature.urls else []
    contributed = import_string(feature.metadata) if feature.metadata else None
    claims = import_string(feature.claims) if feature.claims else None
    switch(settings, feature.switch, True)
    keys = set(contributed(RequestFactory().get("/")) if contributed else {})
    for pattern in patterns:
        reverse(f"oauth_ext:{pattern.name}", kwargs=_kwargs(pattern))
    switch(settings, feature.switch, False)
    assert feature not in features.enabled()
    for pattern in patterns:
        with pytest.raises(NoReverseMatch):
            reverse(f"oauth_ext:{pattern.name}", kwargs=_kwargs(pattern))
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert not keys & {k for k in document if k not in _shared_keys(name)}
    assert claims not in features.claim_providers()
    assert not features.metadata(RequestFactory().get("/")).keys() & keys - _shared_keys(name)


def _kwargs(pattern) -> dict:
    return {key: "1" for key in pattern.pattern.converters}


def _shared_keys(name: str) -> set[str]:
    # Txn-Tokens add token exchange to DOT's grant_types_supported, which stays.
    return {"grant_types_supported"} if name == "transaction_tokens" else set()


@pytest.mark.django_db
def test_a_disabled_status_list_puts_no_status_claim_in_tokens(settings, issue):
    assert "status" in jwt_claims(issue())
    switch(settings, "STATUS_LIST", False)
    assert "status" not in jwt_claims(issue())
