"""RFC 9396 on the authorization server: authorization_details checked at the
authorization and PAR endpoints, kept with the consent, and carried into the token
response (§7), the JWT access token and introspection (§9)."""

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.consent.models import ConsentGrant

from ..conftest import basic_auth

Application = get_application_model()
# RFC 9396 §2 (the canonical example, verbatim).
PAYMENT = [
    {
        "type": "payment_initiation",
        "actions": ["initiate", "status", "cancel"],
        "locations": ["https://example.com/payments"],
        "instructedAmount": {"currency": "EUR", "amount": "123.50"},
        "creditorName": "Merchant A",
        "creditorAccount": {"iban": "DE02100100109307118603"},
        "remittanceInformationUnstructured": "Ref Number Merchant",
    }
]
TYPES = {"payment_initiation": {
    "description": "Make a payment from your account",
    "fields": ["actions", "locations", "instructedAmount", "creditorName", "creditorAccount",
               "remittanceInformationUnstructured"],
}}


@pytest.fixture(autouse=True)
def types(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "AUTHORIZATION_DETAILS": {"TYPES": TYPES}}


@pytest.fixture
def app(make_client):
    return make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("pat", password="pw")


def authorize_url(app, details, **extra):
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": "https://client.example.org/cb",
              "scope": "read", "state": "s7", "code_challenge": "x" * 43, "code_challenge_method": "S256",
              "authorization_details": details if isinstance(details, str) else json.dumps(details), **extra}
    return "/o/authorize/?" + urlencode(params)


BAD = [
    "not json",
    json.dumps({"type": "payment_initiation"}),  # not an array
    json.dumps([]),
    json.dumps(["payment_initiation"]),  # not objects
    json.dumps([{"actions": ["initiate"]}]),  # no type
    json.dumps([{"type": 7}]),
    json.dumps([{"type": "account_information"}]),  # not a configured type
    json.dumps([{**PAYMENT[0], "beneficiary": "X"}]),  # unknown field of the type
    json.dumps([{**PAYMENT[0], "actions": "initiate"}]),  # a common field of the wrong JSON type
]


@pytest.mark.parametrize("details", BAD)
def test_malformed_details_at_authorization_redirect_with_the_error(app, user, client, details):
    client.force_login(user)
    response = client.get(authorize_url(app, details))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_authorization_details"] and query["state"] == ["s7"]


@pytest.mark.parametrize("details", BAD)
def test_malformed_details_at_par(app, client, details):
    response = client.post("/o/par/", {"response_type": "code", "client_id": app.client_id,
                                       "redirect_uri": "https://client.example.org/cb", "scope": "read",
                                       "code_challenge": "x" * 43, "code_challenge_method": "S256",
                                       "authorization_details": details})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_authorization_details")


def test_granted_details_reach_the_token_response_the_token_and_introspection(app, user, authorize, token_request,
                                                                              client, make_client):
    client.force_login(user)
    page = client.get(authorize_url(app, PAYMENT))
    assert "Make a payment from your account" in page.content.decode()
    client.logout()
    status, body, _ = token_request(authorize(app, user, authorization_details=json.dumps(PAYMENT)))
    assert status == 200, body
    assert body["authorization_details"] == PAYMENT
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["authorization_details"] == PAYMENT
    assert ConsentGrant.objects.get(user=user).authorization_details == PAYMENT
    rs = make_client(None, hash_client_secret=False)
    introspected = client.post("/o/introspect/", {"token": body["access_token"]}, **basic_auth(rs.client_id, rs.secret))
    assert introspected.json()["authorization_details"] == PAYMENT
    # The refresh keeps them; asking for more than was granted is refused.
    refreshed = token_request({"grant_type": "refresh_token", "refresh_token": body["refresh_token"],
                               "client_id": app.client_id})[1]
    assert refreshed["authorization_details"] == PAYMENT
    more = [{**PAYMENT[0], "creditorName": "Merchant B"}]
    status, refused, _ = token_request({"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"],
                                        "client_id": app.client_id, "authorization_details": json.dumps(more)})
    assert (status, refused["error"]) == (400, "invalid_authorization_details")


def test_same_details_again_skip_the_prompt_new_ones_ask(app, user, authorize, client):
    authorize(app, user, authorization_details=json.dumps(PAYMENT))
    client.force_login(user)
    skipped = client.get(authorize_url(app, PAYMENT))
    # Back to the client with a code, not an error redirect (also a 302).
    assert skipped.status_code == 302
    back = urlsplit(skipped["Location"])
    query = parse_qs(back.query)
    assert f"{back.scheme}://{back.netloc}{back.path}" == "https://client.example.org/cb"
    assert query["state"] == ["s7"] and query["code"] and "error" not in query
    other = [{**PAYMENT[0], "creditorName": "Merchant B"}]
    page = client.get(authorize_url(app, other))
    assert page.status_code == 200 and len(page.context["consent_new_details"]) == 1


def test_pushed_details_reach_the_consent(app, user, client):
    pushed = client.post("/o/par/", {"response_type": "code", "client_id": app.client_id,
                                     "redirect_uri": "https://client.example.org/cb", "scope": "read", "state": "p",
                                     "code_challenge": "x" * 43, "code_challenge_method": "S256",
                                     "authorization_details": json.dumps(PAYMENT)}).json()
    client.force_login(user)
    url = "/o/authorize/?" + urlencode({"client_id": app.client_id, "request_uri": pushed["request_uri"]})
    assert "Make a payment" in client.get(url).content.decode()
    response = client.post(url, {"allow": "Allow", "client_id": app.client_id})
    assert "code=" in response["Location"]
    assert ConsentGrant.objects.get(user=user).authorization_details == PAYMENT


def test_metadata_lists_the_types(client):
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert metadata["authorization_details_types_supported"] == ["payment_initiation"]


def test_client_credentials_with_details(make_client, token_request):
    service = make_client("client_secret_post", hash_client_secret=False)
    status, body, _ = token_request({"grant_type": "client_credentials", "client_id": service.client_id,
                                     "client_secret": service.secret, "authorization_details": json.dumps(PAYMENT)})
    assert status == 200, body
    assert body["authorization_details"] == PAYMENT
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["authorization_details"] == PAYMENT
    status, body, _ = token_request({"grant_type": "client_credentials", "client_id": service.client_id,
                                     "client_secret": service.secret, "authorization_details": "[{}]"})
    assert (status, body["error"]) == (400, "invalid_authorization_details")


def test_a_token_for_one_resource_carries_the_details_for_it(settings, mail_app, install, authorize, token_request,
                                                             django_user_model):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "AUTHORIZATION_DETAILS": {"TYPES": {"mailbox": {"fields": ["locations", "actions"]}}}}
    details = [{"type": "mailbox", "locations": ["imap://mail.example.com"], "actions": ["read"]},
               {"type": "mailbox", "locations": ["smtp://mail.example.com"], "actions": ["send"]}]
    device = install(mail_app)
    user = django_user_model.objects.create_user("max", password="pw")
    exchange = authorize(device, user, redirect_uri="http://127.0.0.1/callback", scope="mail mail.send",
                         resource=["imap://mail.example.com", "smtp://mail.example.com"],
                         authorization_details=json.dumps(details))
    del exchange["client_id"]
    first = token_request({**exchange, **device.auth()})[1]
    assert first["authorization_details"] == details
    _, imap, _ = token_request({"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                "resource": "imap://mail.example.com", **device.auth()})
    assert imap["authorization_details"] == details[:1]
    assert jwt.decode(imap["access_token"], options={"verify_signature": False})["authorization_details"] == details[:1]
