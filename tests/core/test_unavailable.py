"""Redis gone: every endpoint that needs it answers 503 ``temporarily_unavailable``
with ``Retry-After`` and leaves nothing behind (fail closed), never a 500."""

import pytest
from oauth2_provider.models import AccessToken, get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.par.models import PushedRequest

Application = get_application_model()
CLOSED_PORT = 18299  # in this suite's port range, nothing listens there


@pytest.fixture
def redis_down(settings):
    """Every cache (throttles, replay store, key cache) on a port where nothing listens."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
                    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    }


def assert_unavailable(response):
    assert (response.status_code, response.json()["error"]) == (503, "temporarily_unavailable"), response.content
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"


def test_token_endpoint(make_client, client, redis_down):
    registered = make_client()
    assert_unavailable(client.post("/o/token/", {"grant_type": "client_credentials", **registered.form()}))
    assert not AccessToken.objects.filter(application=registered.app).exists()


def test_par(make_client, client, redis_down):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    assert_unavailable(client.post("/o/par/", {"response_type": "code", "client_id": registered.client_id,
                                               "redirect_uri": "https://client.example.org/cb", "scope": "read",
                                               "code_challenge": "x" * 43, "code_challenge_method": "S256",
                                               **registered.form()}))
    assert not PushedRequest.objects.exists()


@pytest.mark.django_db
def test_registration(vendor, client, redis_down):
    response = client.post("/o/registration/", {"software_statement": vendor.statement()}, content_type="application/json")
    assert_unavailable(response)
    assert not ClientInstance.objects.exists()


def test_attestation_challenge(client, redis_down):
    assert_unavailable(client.post("/o/challenge/"))


def test_token_endpoint_for_a_client_with_a_jwks_uri(make_client, client, redis_down):
    registered = make_client(jwks_uri="https://keys.example.com/jwks.json")
    assert_unavailable(client.post("/o/token/", {"grant_type": "client_credentials", **registered.form()}))
    assert not AccessToken.objects.filter(application=registered.app).exists()
