"""Stateless mode on, resource servers in ``jwt`` mode, a fresh status-list cache."""

import hashlib

import pytest

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.status_list import client as status_client
from oauth_ext.status_list.models import StatusEntry

from ..conftest import basic_auth

API = "http://testserver/api/me/"


@pytest.fixture(autouse=True)
def stateless(settings):
    conf = settings.OAUTH_EXT
    settings.OAUTH_EXT = {**conf, "ACCESS_TOKENS": {**conf.get("ACCESS_TOKENS", {}), "STATELESS": True},
                          "RESOURCE_SERVER": {**conf.get("RESOURCE_SERVER", {}), "TOKEN_VALIDATION": "jwt"}}
    status_client.forget()
    yield
    status_client.forget()


@pytest.fixture
def introspect(client, make_client):
    """POST to the introspection endpoint as a resource server (client_secret_basic)."""
    rs = make_client(None, hash_client_secret=False)

    def run(token):
        response = client.post("/o/introspect/", {"token": token}, **basic_auth(rs.client_id, rs.secret))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        return response.json()

    return run


@pytest.fixture
def call_api(client):
    """GET /api/me/ with a token (a DPoP proof when given its key), after the RS's
    cached status list has expired (its ttl)."""

    def run(token, key: DPoPKey | None = None, *, scheme: str | None = None):
        status_client.forget()
        headers = {"HTTP_AUTHORIZATION": f"{scheme or ('DPoP' if key else 'Bearer')} {token}"}
        if key is not None:
            headers["HTTP_DPOP"] = key.proof("GET", API, access_token=token)
        return client.get("/api/me/", **headers)

    return run


def checksum(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def entry_status(token: str) -> int:
    return StatusEntry.objects.get(token_checksum=checksum(token)).status
