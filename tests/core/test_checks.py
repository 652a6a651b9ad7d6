"""System checks: each configuration rule with its stable id."""

import pytest

from oauth_ext.checks import check_configuration


def ids():
    return sorted(message.id for message in check_configuration())


def test_example_configuration_is_clean():
    assert ids() == []


def test_e001_dot_not_pointed_at_our_validator(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OAUTH2_VALIDATOR_CLASS": "oauth2_provider.oauth2_validators.OAuth2Validator"}
    assert "oauth_ext.E001" in ids()


def test_e002_unknown_key(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP_TYPO": True, "CLIENT_AUTH": {"CLOCK_SKEWW": 3}}
    messages = [m for m in check_configuration() if m.id == "oauth_ext.E002"]
    assert sorted(m.msg for m in messages) == ["Unknown setting OAUTH_EXT['CLIENT_AUTH.CLOCK_SKEWW'].", "Unknown setting OAUTH_EXT['DPOP_TYPO']."]


def test_e003_no_issuer(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": None}
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": ""}
    assert "oauth_ext.E003" in ids()


def test_issuer_falls_back_to_dot(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": None}
    assert ids() == []


@pytest.mark.parametrize("keys", [[], ["/nonexistent/key.json"], [{"kty": "oct", "k": "c2VjcmV0"}]])
def test_e004_signing_keys(settings, keys):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "KEYS": {"SIGNING": keys}}
    assert "oauth_ext.E004" in ids()


def test_e005_generator_not_ours(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ACCESS_TOKEN_GENERATOR": None}
    assert "oauth_ext.E005" in ids()


def test_e006_refresh_generator_unset(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "REFRESH_TOKEN_GENERATOR": None}
    assert "oauth_ext.E006" in ids()


def test_e007_cache_alias_missing(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REPLAY_CACHE": "replay"}
    assert "oauth_ext.E007" in ids()


def test_e008_issuer_disagrees_with_dot(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": "https://other.example.com"}
    assert "oauth_ext.E008" in ids()


@pytest.mark.parametrize("conf", [{"BITS": 3}, {"SIZE": 1000001}, {"SIZE": 0}])
def test_e009_status_list_shape(settings, conf):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": conf}
    assert "oauth_ext.E009" in ids()


def test_w001_per_process_replay_cache_in_production(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.DEBUG = False
    assert "oauth_ext.W001" in ids()
    settings.DEBUG = True
    assert "oauth_ext.W001" not in ids()


def test_w002_dot_urls_in_front(settings):
    settings.ROOT_URLCONF = "tests.core.urls_dot_first"
    assert "oauth_ext.W002" in ids()


def test_w003_backend_class(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OAUTH2_BACKEND_CLASS": "oauth2_provider.oauth2_backends.OAuthLibCore"}
    assert "oauth_ext.W003" in ids()


def test_settings_are_read_fresh(settings):
    from oauth_ext.conf import app_settings

    assert app_settings.CLIENT_AUTH.CLOCK_SKEW == 30
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_AUTH": {"CLOCK_SKEW": 5}}
    assert app_settings.CLIENT_AUTH.CLOCK_SKEW == 5
    assert app_settings.CLIENT_AUTH.ASSERTION_MAX_LIFETIME == 300  # siblings keep their defaults
