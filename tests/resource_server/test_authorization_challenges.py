"""The step-up authorization challenges of the latest revisions at the example API:
draft-lombardo-oauth-step-up-authz-challenge-proto-03 (403 ``insufficient_authorization``,
AuthZEN body) and draft-zehavi-oauth-rar-metadata-06 (401 ``authorization_remediation``)."""

import base64
import json

import pytest

from oauth_ext.checks import check_configuration
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.client_sdk.step_up import parse_challenge
from oauth_ext.resource_server.challenges import DRAFT, REMEDIATION_DRAFT, authorization_reference

from .test_step_up import ORDER, PAYMENT_DETAIL, pay

# draft-lombardo-oauth-step-up-authz-challenge-proto-03 §4.5.2, verbatim.
LOMBARDO_03_EXAMPLE_HEADER = ('Bearer error="insufficient_authorization", error_description="The authorization level is not met",'
                              '  body_instructions=true')
LOMBARDO_03_EXAMPLE_BODY = """{
  "decision": false,
  "context": {
    "error_msg": "Missing authorization_details",
    "details": [
      {
        "loc": "/authorization_details",
        "method": "simple",
        "value": [{
          "type": "payment_initiation",
            "actions": [
              "initiate",
              "status",
              "cancel"
            ],
            "locations": ["https://example.com/payments"],
            "instructedAmount": {
              "currency": "EUR",
              "amount": "123.50"
            },
            "creditorName": "Merchant A",
            "creditorAccount": {
              "iban": "DE02100100109307118603"
            },
            "remittanceInformationUnstructured": "Ref Number Merchant"
        }]
      }
    ]
  }
}"""


@pytest.fixture
def style(settings):
    def set_(value):
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"STEP_UP_CHALLENGE": value}}
    return set_


def decoded(header):
    value = header.split("authorization_remediation=")[1]
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def test_the_authzen_challenge_of_revision_03(issue, client, style):
    style("insufficient_authorization")
    response = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {issue()}"})
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer error="insufficient_authorization", error_description="The authorization level requires more details", '
        "body_instructions=true")
    assert response.json() == {"decision": False, "context": {"error_msg": "Missing authorization_details", "details": [
        {"loc": "/authorization_details", "method": "simple", "value": [PAYMENT_DETAIL]}]}}
    assert DRAFT == "draft-lombardo-oauth-step-up-authz-challenge-proto-03"


def test_the_401_remediation_challenge(issue, client, style):
    style("authorization_remediation")
    response = pay(client, {"HTTP_AUTHORIZATION": f"Bearer {issue()}"})
    assert response.status_code == 401
    header = response["WWW-Authenticate"]
    assert header.startswith('Bearer error="insufficient_authorization", error_description="Additional authorization '
                             'is required", authorization_remediation=')
    remediation = decoded(header)
    assert remediation == {"authorization_details": [PAYMENT_DETAIL],
                           "authorization_reference": authorization_reference([PAYMENT_DETAIL])}
    assert response.json() == {"error": "insufficient_authorization", "error_description": "Additional authorization is required"}
    # Stable for the same payment, different for another (rar-metadata-06 §4.1, §7.3).
    again = decoded(pay(client, {"HTTP_AUTHORIZATION": f"Bearer {issue()}"})["WWW-Authenticate"])
    other = decoded(pay(client, {"HTTP_AUTHORIZATION": f"Bearer {issue()}"}, order={**ORDER, "amount": "1.00"})["WWW-Authenticate"])
    assert again["authorization_reference"] == remediation["authorization_reference"] != other["authorization_reference"]
    assert REMEDIATION_DRAFT == "draft-zehavi-oauth-rar-metadata-06"


@pytest.mark.parametrize(('value', 'status'), [("insufficient_authorization", 403), ("authorization_remediation", 401)])
def test_a_dpop_bound_token_gets_the_dpop_scheme(issue, client, style, value, status):
    style(value)
    key = DPoPKey.generate()
    token = issue(key)
    proof = key.proof("POST", "http://testserver/api/payments/", access_token=token)
    response = pay(client, {"HTTP_AUTHORIZATION": f"DPoP {token}", "HTTP_DPOP": proof})
    assert response.status_code == status
    assert response["WWW-Authenticate"].startswith('DPoP error="insufficient_authorization"')


def test_the_client_reads_the_drafts_example():
    step_up = parse_challenge(403, LOMBARDO_03_EXAMPLE_HEADER, json.loads(LOMBARDO_03_EXAMPLE_BODY))
    assert step_up.error == "insufficient_authorization"
    assert step_up.authorization_details == json.loads(LOMBARDO_03_EXAMPLE_BODY)["context"]["details"][0]["value"]
    # §4.4.2: without body_instructions the body is not read.
    header = LOMBARDO_03_EXAMPLE_HEADER.replace(",  body_instructions=true", "")
    assert parse_challenge(403, header, json.loads(LOMBARDO_03_EXAMPLE_BODY)).authorization_details is None


def test_rfc_9470_challenge_is_read_too():
    step_up = parse_challenge(401, 'Bearer error="insufficient_user_authentication", '
                                   'error_description="A different authentication level is required", acr_values="myACR"')
    assert (step_up.error, step_up.acr_values, step_up.max_age) == ("insufficient_user_authentication", ["myACR"], None)
    step_up = parse_challenge(401, 'Bearer error="insufficient_user_authentication", '
                                   'error_description="More recent authentication is required", max_age="5"')
    assert step_up.max_age == 5
    assert parse_challenge(401, 'Bearer error="invalid_token"') is None


def test_an_unknown_style_is_reported(style):
    style("teapot")
    assert [m.id for m in check_configuration()] == ["oauth_ext.E031"]
