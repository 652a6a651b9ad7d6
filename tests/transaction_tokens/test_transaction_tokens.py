"""Txn-Tokens through RFC 8693 token exchange (draft-ietf-oauth-transaction-tokens-10),
and their use by a service of the trust domain (the example project's internal API)."""

import json
import subprocess
import sys
import time
from datetime import timedelta

import jwt
import pytest
import requests
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from oauth_ext.core import jose
from oauth_ext.core.keys import active_key
from oauth_ext.transaction_tokens.services import ACCESS_TOKEN_TYPE, GRANT_TYPE, TXN_TOKEN_TYPE

from ..conftest import basic_auth

Application = get_application_model()
TRUST_DOMAIN = "trust-domain.example"
INTERNAL_API = "/api/internal/orders/"


def enrol(settings, *registered):
    """Make these clients workloads of the example trust domain."""
    conf = settings.OAUTH_EXT["TRANSACTION_TOKENS"]
    domain = {"AUDIENCE": TRUST_DOMAIN, "CLIENTS": ["demo-service", *(r.client_id for r in registered)]}
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "TRANSACTION_TOKENS": {**conf, "TRUST_DOMAINS": [domain]}}


@pytest.fixture
def gateway(make_client, settings):
    """A private_key_jwt workload registered for the example trust domain."""
    registered = make_client("private_key_jwt")
    enrol(settings, registered)
    return registered


@pytest.fixture
def user_token(make_client, authorize, token_request, django_user_model):
    """An access token a user's app obtained (scope ``read write``): the subject token."""
    app = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    user = django_user_model.objects.create_user("trader", password="pw")
    status, tokens, _ = token_request({**authorize(app, user, scope="read write"), **app.form()})
    assert status == 200, tokens
    return tokens["access_token"], user


def exchange(gateway, subject_token, **params):
    return {
        "grant_type": GRANT_TYPE,
        "requested_token_type": TXN_TOKEN_TYPE,
        "audience": TRUST_DOMAIN,
        "scope": "read",
        "subject_token": subject_token,
        "subject_token_type": ACCESS_TOKEN_TYPE,
        **gateway.form(),
        **params,
    }


def test_exchange_then_call_an_internal_service(gateway, user_token, token_request, client):
    subject, user = user_token
    context = {"req_ip": "69.151.72.123", "authn": "face"}
    details = {"action": "BUY", "ticker": "MSFT", "quantity": "100"}
    status, body, response = token_request(exchange(gateway, subject, request_context=json.dumps(context),
                                                    request_details=json.dumps(details)))
    assert status == 200, body
    assert response["Cache-Control"] == "no-store"
    # draft -10 §"Txn-Token Response": N_A, the txn_token type, never a refresh token.
    assert body["token_type"] == "N_A" and body["issued_token_type"] == TXN_TOKEN_TYPE
    assert "refresh_token" not in body and body["expires_in"] == 300
    txn = body["access_token"]
    header = jwt.get_unverified_header(txn)
    assert header["typ"] == "txntoken+jwt" and header["kid"] == active_key().kid
    claims = jwt.decode(txn, jose.load_public_jwk(active_key().public_jwk), algorithms=["ES256"], audience=TRUST_DOMAIN)
    assert claims["sub"] == str(user.pk) and claims["scope"] == "read"
    assert claims["req_wl"] == gateway.client_id
    assert claims["rctx"] == context and claims["tctx"] == details
    assert claims["exp"] - claims["iat"] == 300 and len(claims["txn"]) == 36
    assert subject not in txn  # the external token never travels inside
    # Not stored: DOT's token table holds only the subject token.
    assert get_access_token_model().objects.count() == 1

    answer = client.get(INTERNAL_API, HTTP_TXN_TOKEN=txn)
    assert answer.status_code == 200, answer.content
    assert answer.json()["sub"] == str(user.pk) and answer.json()["txn"] == claims["txn"]


def replacement(workload, txn_token, **params):
    return {**exchange(workload, txn_token, subject_token_type=TXN_TOKEN_TYPE), **params}


def test_replacement_keeps_the_transaction_and_narrows_it(gateway, make_client, user_token, token_request, settings):
    """A Txn-Token as the subject token (draft -10): same txn, sub, aud and context, a new
    requesting workload, never more scope, never a longer life."""
    status, first, _ = token_request(exchange(gateway, user_token[0], scope="read write",
                                              request_details=json.dumps({"action": "BUY"})))
    assert status == 200, first
    downstream = make_client()
    enrol(settings, gateway, downstream)
    status, second, _ = token_request(replacement(downstream, first["access_token"], scope="read"))
    assert status == 200, second
    old, new = (jwt.decode(t["access_token"], options={"verify_signature": False}) for t in (first, second))
    assert {k: new[k] for k in ("txn", "sub", "aud", "tctx")} == {k: old[k] for k in ("txn", "sub", "aud", "tctx")}
    assert (new["scope"], new["req_wl"]) == ("read", downstream.client_id)
    assert new["exp"] <= old["exp"] and second["expires_in"] <= 300

    status, body, _ = token_request(replacement(downstream, second["access_token"], scope="read write"))
    assert (status, body["error"]) == (400, "invalid_scope")  # write was given up on the way
    status, body, _ = token_request(replacement(downstream, second["access_token"], request_details='{"action": "SELL"}'))
    assert (status, body["error"]) == (400, "invalid_request")  # the context is immutable


@pytest.mark.parametrize("token", [
    lambda: sign(valid_claims(exp=int(time.time()) - 1)),  # expired: never replaced
    lambda: sign(valid_claims(aud="other-domain.example")),  # another trust domain's
    lambda: jose.sign(valid_claims(), key=jose.generate_private_key("ES256"), alg="ES256",
                      headers={"typ": "txntoken+jwt", "kid": active_key().kid}),  # forged
    lambda: sign(valid_claims(), typ="at+jwt"),  # not a Txn-Token
])
def test_replacement_refuses_bad_txn_tokens(gateway, token_request, token):
    status, body, _ = token_request(replacement(gateway, token(), scope="trade.stocks"))
    assert (status, body["error"]) == (400, "invalid_request"), body


def test_metadata_lists_token_exchange(client, db):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert GRANT_TYPE in document["grant_types_supported"]
    assert "authorization_code" in document["grant_types_supported"]


@pytest.mark.parametrize(("change", "error"), [
    ({"audience": None}, "invalid_request"),
    ({"audience": "elsewhere.example"}, "invalid_target"),
    ({"requested_token_type": "urn:ietf:params:oauth:token-type:access_token"}, "invalid_request"),
    ({"subject_token_type": "urn:ietf:params:oauth:token-type:refresh_token"}, "invalid_request"),
    ({"subject_token": "not-a-token-of-ours"}, "invalid_request"),
    ({"subject_token": None}, "invalid_request"),
    ({"scope": None}, "invalid_request"),
    ({"scope": "read introspection"}, "invalid_scope"),
    ({"request_context": "[1, 2]"}, "invalid_request"),
    ({"request_details": "{not json"}, "invalid_request"),
    ({"request_details": json.dumps({"pad": "x" * 5000})}, "invalid_request"),
])
def test_bad_requests(gateway, user_token, token_request, change, error):
    data = {k: v for k, v in {**exchange(gateway, user_token[0]), **change}.items() if v is not None}
    status, body, response = token_request(data)
    assert (status, body["error"]) == (400, error), body
    assert response["Cache-Control"] == "no-store"


def test_expired_or_revoked_subject_token(gateway, user_token, token_request):
    subject, _ = user_token
    stored = get_access_token_model().objects.get()
    stored.expires = timezone.now() - timedelta(seconds=1)
    stored.save()
    status, body, _ = token_request(exchange(gateway, subject))
    assert (status, body["error"]) == (400, "invalid_request")
    stored.delete()  # what DOT's revocation does
    status, body, _ = token_request(exchange(gateway, subject))
    assert (status, body["error"]) == (400, "invalid_request")


def test_only_workloads_of_the_trust_domain(gateway, make_client, user_token, token_request, settings):
    outsider = make_client("private_key_jwt")
    status, body, _ = token_request(exchange(outsider, user_token[0]))
    assert (status, body["error"]) == (400, "unauthorized_client")
    # A client of the trust domain authenticating with a shared secret is refused too.
    secret_client = make_client(None, hash_client_secret=False)
    enrol(settings, gateway, secret_client)
    data = {k: v for k, v in exchange(secret_client, user_token[0]).items() if not k.startswith("client_assertion")}
    status, body, _ = token_request(data, **basic_auth(secret_client.client_id, secret_client.secret))
    assert (status, body["error"]) == (400, "unauthorized_client")
    # No client authentication at all.
    data = {k: v for k, v in exchange(gateway, user_token[0]).items() if not k.startswith("client_assertion")}
    status, body, _ = token_request(data)
    assert (status, body["error"]) == (401, "invalid_client")


def test_disabled_feature_refuses_the_grant(gateway, user_token, token_request, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "TRANSACTION_TOKENS": {**settings.OAUTH_EXT["TRANSACTION_TOKENS"], "ENABLED": False}}
    status, body, _ = token_request(exchange(gateway, user_token[0]))
    assert (status, body["error"]) == (400, "unsupported_grant_type")


def test_a_txn_token_is_not_an_access_token(gateway, user_token, token_request, client):
    status, body, _ = token_request(exchange(gateway, user_token[0]))
    assert status == 200
    refused = client.get("/api/ping/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"


def sign(claims, typ="txntoken+jwt"):
    return active_key().sign(claims, typ=typ)


def valid_claims(**overrides):
    now = int(time.time())
    claims = {"iat": now, "aud": TRUST_DOMAIN, "exp": now + 60, "txn": "97053963-771d-49cc-a4e3-20aad399c312",
              "sub": "d084sdrt234fsaw34tr23t", "req_wl": "apigateway.trust-domain.example", "scope": "trade.stocks"}
    return {**claims, **overrides}


# RFC 6750 §3.1 as the Txn-Token header uses it: a missing or bad token is 401 invalid_token, two tokens in one header 400 invalid_request.
@pytest.mark.parametrize(("header", "reason", "expected"), [
    (None, "missing", (401, "invalid_token")),
    (lambda: sign(valid_claims(aud="other-domain.example")), "other trust domain", (401, "invalid_token")),
    (lambda: sign(valid_claims(exp=int(time.time()) - 1)), "expired", (401, "invalid_token")),
    (lambda: sign(valid_claims(), typ="at+jwt"), "not a Txn-Token", (401, "invalid_token")),
    (lambda: sign({k: v for k, v in valid_claims().items() if k != "txn"}), "no txn", (401, "invalid_token")),
    (lambda: jose.sign(valid_claims(), key=jose.generate_private_key("ES256"), alg="ES256",
                       headers={"typ": "txntoken+jwt", "kid": active_key().kid}), "forged", (401, "invalid_token")),
    (lambda: sign(valid_claims()) + ", " + sign(valid_claims()), "two tokens", (400, "invalid_request")),
])
def test_internal_service_refuses(client, db, header, reason, expected):
    headers = {} if header is None else {"HTTP_TXN_TOKEN": header()}
    response = client.get(INTERNAL_API, **headers)
    assert (response.status_code, response.json()["error"]) == expected, reason
    assert response["WWW-Authenticate"].startswith("Txn-Token ")


def test_internal_service_accepts_the_drafts_example_claims(client, db):
    """The draft's example body (its // comments removed), signed by the AS key."""
    now = int(time.time())
    example = {
        "iat": now, "aud": "trust-domain.example", "exp": now + 360,
        "txn": "97053963-771d-49cc-a4e3-20aad399c312", "sub": "d084sdrt234fsaw34tr23t",
        "req_wl": "apigateway.trust-domain.example", "rctx": {"req_ip": "69.151.72.123", "authn": "face"},
        "scope": "trade.stocks",
        "tctx": {"action": "BUY", "ticker": "MSFT", "quantity": "100", "customer_type": {"geo": "US", "level": "VIP"}},
    }
    response = client.get(INTERNAL_API, HTTP_TXN_TOKEN=sign(example))
    assert response.status_code == 200, response.content
    assert response.json()["tctx"]["customer_type"] == {"geo": "US", "level": "VIP"}


@pytest.mark.django_db(transaction=True)
def test_command_line_exchange_then_internal_call(live_server, make_client, tmp_path, settings):
    """A workload's whole path with the client helper: token, Txn-Token, internal call."""
    workload = make_client()
    enrol(settings, workload)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(workload.private_jwk))
    common = ["--issuer", "https://as.example.com", "--token-endpoint", f"{live_server.url}/o/token/",
              "--client-id", workload.client_id, "--key", str(key_file)]

    def cli(*args):
        done = subprocess.run([sys.executable, "-m", "oauth_ext.client_sdk", *args, *common], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr + done.stdout
        return json.loads(done.stdout)

    access_token = cli("token", "--scope", "read write")["access_token"]
    issued = cli("txn-token", "--subject-token", access_token, "--audience", TRUST_DOMAIN, "--scope", "read",
                 "--request-details", '{"action": "list"}')
    assert issued["issued_token_type"] == TXN_TOKEN_TYPE
    answer = requests.get(f"{live_server.url}{INTERNAL_API}", headers={"Txn-Token": issued["access_token"]}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["req_wl"] == workload.client_id and answer.json()["tctx"] == {"action": "list"}
