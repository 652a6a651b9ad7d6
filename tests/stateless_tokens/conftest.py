"""Stateless mode on, resource servers in ``jwt`` mode, a fresh status-list cache."""

import hashlib

import pytest

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.status_list import client as status_client
from oauth_ext.status_list.models import StatusEntry

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
