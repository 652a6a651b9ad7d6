"""Step-up challenges at the example API: draft-lombardo-oauth-step-up-authz-challenge-proto-01
(``requested_authorization``) and RFC 9470 (``insufficient_user_authentication``)."""

import json

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.resource_server.challenges import has_authorization_details
from oauth_ext.tokens.validation import TokenInfo

Application = get_application_model()
ORDER = {"amount": "123.50", "currency": "EUR", "iban": "DE02100100109307118603"}
PAYMENT_DETAIL = {
    "type": "payment_initiation",
    "actions": ["initiate"],
    "instructedAmount": {"currency": "EUR", "amount": "123.50"},
    "creditorAccount": {"iban": "DE02100100109307118603"},
}


def pay(client, headers, order=ORDER):
    return client.post("/api/payments/", data=json.dumps(order), content_type="application/json", **headers)


def test_payment_without_authorization_details_asks_for_them(issue, client):
    response = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {issue()}"})
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == 'Bearer error="requested_authorization", error_description="Requires RAR."'
    body = response.json()
    assert body["method"] == "urn:ietf:params:oauth:grant-ext:rar"
    assert body["authorization_details"] == [PAYMENT_DETAIL]


def test_step_up_round_trip(make_client, authorize, token_request, django_user_model, client):
    """The client pays, is told which authorization to obtain, obtains it through the
    authorization endpoint (RFC 9396, with the user's consent) and pays again."""
    app = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("payer", password="pw")
    status, tokens, _ = token_request(authorize(app, user))
    assert status == 200, tokens
    challenge = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"})
    assert challenge.status_code == 403
    assert challenge["WWW-Authenticate"].startswith('Bearer error="requested_authorization"')
    required = challenge.json()["authorization_details"]

    status, tokens, _ = token_request(authorize(app, user, authorization_details=json.dumps(required)))
    assert status == 200, tokens
    assert tokens["authorization_details"] == required  # RFC 9396 §7
    paid = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"})
    assert paid.status_code == 201, paid.content
    assert paid.json()["payment"] == PAYMENT_DETAIL
    # That authorization is for this payment only.
    other = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}, order={**ORDER, "amount": "9999.00"})
    assert other.status_code == 403
    assert other["WWW-Authenticate"] == 'Bearer error="requested_authorization", error_description="Requires RAR."'
    assert other.json()["authorization_details"] == [{**PAYMENT_DETAIL, "instructedAmount": {"currency": "EUR", "amount": "9999.00"}}]


def test_dpop_bound_token_gets_a_dpop_challenge(issue, client):
    key = DPoPKey.generate()
    token = issue(key)
    proof = key.proof("POST", "http://testserver/api/payments/", access_token=token)
    response = pay(client, {"HTTP_AUTHORIZATION": f"DPoP {token}", "HTTP_DPOP": proof})
    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith('DPoP error="requested_authorization"')


def test_malformed_payment(issue, client):
    response = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {issue()}"}, order=["not", "an", "object"])
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_payment_needs_a_token(client, db):
    response = pay(client, {})
    assert response.status_code == 401 and "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize(("granted", "covered"), [
    ([PAYMENT_DETAIL], True),
    ([{**PAYMENT_DETAIL, "actions": ["initiate", "status"], "remittanceInformationUnstructured": "Ref"}], True),
    ([{"type": "account_information", "actions": ["read"]}, PAYMENT_DETAIL], True),
    ([{**PAYMENT_DETAIL, "instructedAmount": {"currency": "EUR", "amount": "999.00"}}], False),
    ([{**PAYMENT_DETAIL, "type": "payment_status"}], False),
    ([{**PAYMENT_DETAIL, "actions": ["status"]}], False),
    ([], False),
    (None, False),
    ("payment_initiation", False),
])
def test_authorization_details_coverage(granted, covered):
    claims = {} if granted is None else {"authorization_details": granted}
    assert has_authorization_details(TokenInfo(token="t", claims=claims), [PAYMENT_DETAIL]) is covered


@pytest.mark.urls("tests.resource_server.urls")
@pytest.mark.parametrize(("provider", "status", "challenge"), [
    (None, 401, 'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR", max_age="5"'),
    ("tests.resource_server.providers.stale_authentication", 401,
     'Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="5"'),
    ("tests.resource_server.providers.strong_authentication", 200, None),
])
def test_rfc9470_challenge(issue, client, settings, provider, status, challenge):
    if provider:
        tokens = {**settings.OAUTH_EXT.get("ACCESS_TOKENS", {}), "CLAIMS_PROVIDERS": [provider]}
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ACCESS_TOKENS": tokens}
    response = client.get("/api/strong/", HTTP_AUTHORIZATION=f"Bearer {issue()}")
    assert response.status_code == status, response.content
    if challenge:
        assert response["WWW-Authenticate"] == challenge
        assert response.json()["error"] == "insufficient_user_authentication"
    else:
        assert response.json() == {"acr": "myACR"}
