"""JSON from outside: deep nesting is a 400 with each endpoint's error, never a 500."""

import json

import pytest
from oauth2_provider.models import AccessToken, get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_sdk import ASSERTION_TYPE
from oauth_ext.core import jose, untrusted_json
from oauth_ext.par.models import PushedRequest

Application = get_application_model()
DEEP = "[" * 3000 + "]" * 3000
DEEPER = "[" * 10_000 + "]" * 10_000


def deep_jws(*, header: str | None = None, payload: str | None = None) -> str:
    """A compact JWS whose header or payload is ``[`` × n ``]`` × n."""
    head = header or json.dumps({"alg": "ES256", "typ": "client-authentication+jwt"})
    body = payload or json.dumps({"iss": "x", "sub": "x"})
    return ".".join((jose.b64url_encode(head.encode()), jose.b64url_encode(body.encode()), "c2ln"))


def test_nesting_deeper_than_the_limit_is_a_value_error():
    with pytest.raises(untrusted_json.UntrustedJSONError, match="nested deeper"):
        untrusted_json.loads(DEEP)
    with pytest.raises(ValueError, match="nested deeper"):
        untrusted_json.loads("{" * 40 + "}" * 40)
    limit = untrusted_json.MAX_DEPTH
    assert untrusted_json.loads("[" * limit + "]" * limit) is not None
    # Brackets inside strings are text.
    assert untrusted_json.loads(json.dumps({"a": "[" * 100 + "{" * 100})) == {"a": "[" * 100 + "{" * 100}
    with pytest.raises(untrusted_json.UntrustedJSONError, match="larger"):
        untrusted_json.loads(b'{"a": 1}', max_bytes=4)


@pytest.mark.parametrize("part", ["header", "payload"])
def test_nested_client_assertion_at_the_token_endpoint(make_client, token_request, part):
    client = make_client()
    assertion = deep_jws(**{part: DEEP})
    status, body, response = token_request({"grant_type": "client_credentials", **client.form(assertion)})
    # As any other malformed assertion (RFC 6749 §5.2 "otherwise malformed").
    assert (status, body["error"]) == (400, "invalid_request")
    assert not AccessToken.objects.filter(application=client.app).exists()


def test_nested_client_assertion_at_introspection(make_client, client):
    registered = make_client()
    response = client.post("/o/introspect/", {"token": "x", "client_assertion_type": ASSERTION_TYPE,
                                              "client_id": registered.client_id, "client_assertion": deep_jws(payload=DEEP)})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_nested_dpop_proof(make_client, token_request):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form()},
                                    HTTP_DPOP=deep_jws(header=DEEP))
    assert (status, body["error"]) == (400, "invalid_dpop_proof")
    assert not AccessToken.objects.filter(application=client.app).exists()


def test_nested_attestation(make_client, token_request):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", "client_id": client.client_id},
                                    HTTP_OAUTH_CLIENT_ATTESTATION=deep_jws(payload=DEEP),
                                    HTTP_OAUTH_CLIENT_ATTESTATION_POP=deep_jws(payload=DEEP))
    assert (status, body["error"]) == (401, "invalid_client_attestation")
    assert not AccessToken.objects.filter(application=client.app).exists()


@pytest.mark.django_db
def test_nested_registration_body(register):
    status, body = register(DEEPER)
    assert (status, body["error"]) == (400, "invalid_client_metadata")
    assert not ClientInstance.objects.exists()


@pytest.mark.django_db
def test_nested_software_statement(register):
    status, body = register({"software_statement": deep_jws(payload=DEEP), "jwks": {"keys": []}})
    assert (status, body["error"]) == (400, "invalid_software_statement")
    assert not ClientInstance.objects.exists()


def test_nested_authorization_details_at_par(make_client, client):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    response = client.post("/o/par/", {"response_type": "code", "client_id": registered.client_id, "scope": "read",
                                       "redirect_uri": "https://client.example.org/cb", "authorization_details": DEEP,
                                       "code_challenge": "x" * 43, "code_challenge_method": "S256", **registered.form()})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_authorization_details")
    assert not PushedRequest.objects.exists()


def test_nested_authorization_details_at_the_token_endpoint(make_client, token_request):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", "authorization_details": DEEP, **client.form()})
    assert (status, body["error"]) == (400, "invalid_authorization_details")
    assert not AccessToken.objects.filter(application=client.app).exists()
