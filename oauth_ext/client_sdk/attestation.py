"""Attestation-based client authentication for client apps
(draft-ietf-oauth-attestation-based-client-auth-11): the instance presents the
attestation its attester issued and a fresh PoP JWT signed by the instance key.

::

    key = DPoPKey.generate()                    # the instance key; its public JWK goes to the attester
    attested = ClientAttestation(attestation_jwt, key, audience="https://as.example.com/o")  # the issuer
    requests.post(token_url, data={"grant_type": "client_credentials"}, auth=AttestationAuth(attested))
    # combined mode: the attestation plus a DPoP proof of the same key
    requests.post(token_url, data=..., headers=attested.combined_headers("POST", token_url))
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

from ..core import jose
from .dpop import DPoPKey

ATTESTATION_HEADER = "OAuth-Client-Attestation"
POP_HEADER = "OAuth-Client-Attestation-PoP"
CHALLENGE_HEADER = "OAuth-Client-Attestation-Challenge"


class ClientAttestation:
    """An attestation and the instance key its ``cnf`` names."""

    def __init__(self, attestation: str, key: DPoPKey, *, audience: str):
        self.attestation = attestation
        self.key = key
        self.audience = audience
        #: The most recent server challenge (§6): each PoP carries it.
        self.challenge: str | None = None

    def pop(self, *, now: int | None = None, **extra_claims: Any) -> str:
        """A fresh PoP JWT (§5.1): ``aud`` the issuer, new ``jti``, the last challenge."""
        claims: dict[str, Any] = {"aud": self.audience, "jti": uuid.uuid4().hex, "iat": int(time.time()) if now is None else now}
        if self.challenge:
            claims["challenge"] = self.challenge
        claims.update(extra_claims)
        return jose.sign(claims, key=self.key.key, alg=self.key.alg, headers={"typ": "oauth-client-attestation-pop+jwt"})

    def headers(self) -> dict[str, str]:
        return {ATTESTATION_HEADER: self.attestation, POP_HEADER: self.pop()}

    def combined_headers(self, method: str, url: str, *, nonce: str | None = None) -> dict[str, str]:
        """Combined mode (§5.2): the DPoP proof of the instance key is the PoP."""
        return {ATTESTATION_HEADER: self.attestation, "DPoP": self.key.proof(method, url, nonce=nonce)}


class AttestationAuth(requests.auth.AuthBase):
    """``requests`` auth sending the attestation and a fresh PoP; keeps the server's
    challenges and retries once on ``use_attestation_challenge`` (§6)."""

    def __init__(self, attested: ClientAttestation):
        self.attested = attested

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.update(self.attested.headers())
        request.register_hook("response", self._retry_with_challenge)
        return request

    def _retry_with_challenge(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        challenge = response.headers.get(CHALLENGE_HEADER)
        if challenge:
            self.attested.challenge = challenge
        asked = response.status_code == 400 and "use_attestation_challenge" in response.text
        if not (challenge and asked) or getattr(response.request, "_attestation_retried", False):
            return response
        retry = response.request.copy()
        retry._attestation_retried = True  # type: ignore[attr-defined]  # a mark on requests' object
        retry.headers.update(self.attested.headers())
        response.close()
        return response.connection.send(retry, **kwargs)
