"""RFC 7591 registration and RFC 7592 management against the trust store."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.core import jose

from ..conftest import ipv6_forms

Application = get_application_model()


def instance_key():
    return jose.private_key_to_jwk(jose.generate_private_key("ES256"))


def body_for(vendor, key=None, **extra):
    key = key or instance_key()
    return {"software_statement": vendor.statement(), "jwks": {"keys": [jose.public_jwk(key)]}, **extra}


def test_statement_registration(vendor, register):
    key = instance_key()
    statement = vendor.statement()
    status, body = register({"software_statement": statement, "jwks": {"keys": [jose.public_jwk(key)]},
                             "device_label": "laptop", "client_name": "Evil Mail"})
    assert status == 201, body
    assert body["software_statement"] == statement  # echoed unchanged
    assert body["client_name"] == "Mail"  # the statement wins over the body
    assert body["software_id"] == "mail-app" and body["software_version"] == "1.2"
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    assert body["registration_client_uri"] == f"https://as.example.com/o/registration/{body['client_id']}"
    assert body["registration_access_token"] and "client_secret" not in body
    assert body["scope"] == "read write"  # clipped to the publisher's ceiling
    instance = ClientInstance.objects.get(application__client_id=body["client_id"])
    assert (instance.publisher, instance.device_label, instance.software_version) == (vendor.publisher, "laptop", "1.2")
    assert instance.registration_access_token_hash != body["registration_access_token"]  # stored hashed


def test_rfc7591_example_with_an_initial_access_token(register, make_client, token_request):
    """RFC 7591 §3.1, the second example request, verbatim but for its token."""
    issuer = make_client()
    status, tokens, _ = token_request({"grant_type": "client_credentials", "scope": "registration", **issuer.form()})
    assert status == 200, tokens
    example = {
        "redirect_uris": ["https://client.example.org/callback", "https://client.example.org/callback2"],
        "client_name": "My Example Client",
        "client_name#ja-Jpan-JP": "\u30AF\u30E9\u30A4\u30A2\u30F3\u30C8\u540D",
        "token_endpoint_auth_method": "client_secret_basic",
        "policy_uri": "https://client.example.org/policy.html",
        "jwks": {"keys": [{
            "e": "AQAB",
            "n": "nj3YJwsLUFl9BmpAbkOswCNVx17Eh9wMO-_AReZwBqfaWFcfGHrZXsIV2VMCNVNU8Tpb4obUaSXcRcQ-VMsfQPJm9IzgtRdAY8NN8Xb7PEcYyklBjvTtuPbpzIaqyiUepzUXNDFuAOOkrIol3WmflPUUgMKULBN0EUd1fpOD70pRM0rlp_gg_WNUKoW1V-3keYUJoXH9NztEDm_D2MQXj9eGOJJ8yPgGL8PAZMLe2R7jb9TxOCPDED7tY_TU4nFPlxptw59A42mldEmViXsKQt60s1SLboazxFKveqXC_jpLUt22OC6GUG63p-REw-ZOr3r845z50wMuzifQrMI9bQ",
            "kty": "RSA",
        }]},
        "example_extension_parameter": "example_value",
    }
    status, body = register(example)
    assert status == 401 and body["error"] == "invalid_token"  # open registration needs a statement
    status, body = register(example, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert status == 201, body
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    assert body["redirect_uris"] == example["redirect_uris"]
    assert body["client_name"] == "My Example Client"
    assert body["token_endpoint_auth_method"] == "client_secret_basic"


@pytest.mark.parametrize(("case", "error"), [
    ("unknown-key", "invalid_software_statement"),
    ("alg-none", "invalid_software_statement"),
    ("expired", "invalid_software_statement"),
    ("header-key", "invalid_software_statement"),
    ("untrusted-issuer", "unapproved_software_statement"),
    ("disabled", "unapproved_software_statement"),
    ("software-not-allowed", "unapproved_software_statement"),
    ("oversized", "invalid_software_statement"),
    ("malformed", "invalid_software_statement"),
])
def test_bad_statements(vendor, register, case, error):
    other = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    statements = {
        "unknown-key": lambda: vendor.statement(key=jose.load_private_jwk(other)),
        "alg-none": lambda: ".".join(jose.b64url_encode(json.dumps(p).encode()) for p in (
            {"alg": "none"}, {"iss": vendor.issuer, "software_id": "mail-app"})) + ".",
        "expired": lambda: vendor.statement(exp=1),
        "header-key": lambda: vendor.statement(key=jose.load_private_jwk(other), headers={"jwk": jose.public_jwk(other), "kid": None}),
        "untrusted-issuer": lambda: vendor.statement(iss="https://stranger.example.com"),
        "disabled": lambda: (type(vendor.publisher).objects.update(enabled=False), vendor.statement())[1],
        "software-not-allowed": lambda: vendor.statement(software_id="spy-app"),
        "oversized": lambda: vendor.statement(padding="x" * 20000),
        "malformed": lambda: "not-a-jwt",
    }
    before = (Application.objects.count(), ClientInstance.objects.count())
    status, body = register({**body_for(vendor), "software_statement": statements[case]()})
    assert (status, body["error"]) == (400, error), body
    assert (Application.objects.count(), ClientInstance.objects.count()) == before  # nothing half-written


@pytest.mark.parametrize(("change", "error"), [
    ({"jwks": {"keys": [instance_key()]}}, "invalid_client_metadata"),  # a private key
    ({"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}, "invalid_client_metadata"),
    ({"jwks": None, "jwks_uri": "https://10.0.0.1/jwks.json"}, "invalid_client_metadata"),
    ({"jwks": None, "jwks_uri": "https://169.254.169.254/latest"}, "invalid_client_metadata"),
    ({"jwks": None}, "invalid_client_metadata"),  # this publisher's instances must present a key
])
def test_bad_metadata(vendor, register, change, error):
    body = {**body_for(vendor), **change}
    body = {k: v for k, v in body.items() if v is not None}
    before = Application.objects.count()
    status, answer = register(body)
    assert (status, answer["error"]) == (400, error), answer
    assert Application.objects.count() == before


def test_statement_metadata_is_validated_too(vendor, register):
    status, body = register({**body_for(vendor), "software_statement": vendor.statement(redirect_uris="http://127.0.0.1/cb")})
    assert (status, body["error"]) == (400, "invalid_client_metadata")
    status, body = register({**body_for(vendor), "software_statement": vendor.statement(grant_types=["password"])})
    assert (status, body["error"]) == (400, "invalid_client_metadata")


def test_http_redirect_for_a_web_client(vendor, register):
    statement = vendor.statement(redirect_uris=["http://mail.example.com/cb"])
    status, body = register({**body_for(vendor), "software_statement": statement})
    assert (status, body["error"]) == (400, "invalid_redirect_uri")
    vendor.publisher.redirect_uri_forms = ["https"]
    vendor.publisher.save()
    status, body = register(body_for(vendor))  # loopback no longer allowed for this software
    assert (status, body["error"]) == (400, "invalid_redirect_uri")


def test_oversized_or_malformed_body(vendor, register):
    status, _ = register(json.dumps({**body_for(vendor), "x": "y" * 70000}))
    assert status == 413
    status, body = register("{not json")
    assert (status, body["error"]) == (400, "invalid_client_metadata")
    status, body = register([1, 2])
    assert (status, body["error"]) == (400, "invalid_client_metadata")


def test_management_read_replace_delete(vendor, register, client):
    status, created = register(body_for(vendor, device_label="laptop"))
    assert status == 201
    url = f"/o/registration/{created['client_id']}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {created['registration_access_token']}"}
    read = client.get(url, **auth)
    assert read.status_code == 200 and read.json()["device_label"] == "laptop"
    replaced = client.put(url, data=json.dumps({**body_for(vendor), "device_label": "work laptop"}),
                          content_type="application/json", **auth)
    assert replaced.status_code == 200 and replaced.json()["device_label"] == "work laptop"
    vendor.publisher.enabled = False  # the statement is verified again on replace
    vendor.publisher.save()
    refused = client.put(url, data=json.dumps(body_for(vendor)), content_type="application/json", **auth)
    assert (refused.status_code, refused.json()["error"]) == (400, "unapproved_software_statement")
    assert client.delete(url, **auth).status_code == 204
    assert client.get(url, **auth).status_code == 401
    assert not Application.objects.filter(client_id=created["client_id"]).exists()


def test_another_clients_registration_token(vendor, register, client):
    _, first = register(body_for(vendor))
    _, second = register(body_for(vendor))
    response = client.get(f"/o/registration/{first['client_id']}", HTTP_AUTHORIZATION=f"Bearer {second['registration_access_token']}")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_registration_endpoint_in_metadata(client, db):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["registration_endpoint"] == "https://as.example.com/o/registration/"


def test_trust_store_as_a_file(vendor, tmp_path, register):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("oauth_ext_publishers", "export", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported[0]["issuer"] == vendor.issuer and exported[0]["software_ids"] == ["mail-app"]
    exported[0]["enabled"] = False
    exported.append({**exported[0], "issuer": "https://second.example.com", "name": "Second", "enabled": True})
    (tmp_path / "trust.json").write_text(json.dumps(exported))
    call_command("oauth_ext_publishers", "import", str(tmp_path / "trust.json"), stdout=StringIO())
    status, body = register(body_for(vendor))
    assert (status, body["error"]) == (400, "unapproved_software_statement")  # disabled from the file, at once
    (tmp_path / "bad.json").write_text(json.dumps([{**exported[0], "enabled": True}, {"issuer": "x", "jwks": "nope"}]))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("oauth_ext_publishers", "import", str(tmp_path / "bad.json"), stdout=StringIO())
    status, body = register(body_for(vendor))
    assert status == 400  # the failed import changed nothing


def test_registrations_are_throttled_per_source(vendor, register, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REGISTRATION": {"THROTTLE_RATE": "3/min"}}
    address = {"REMOTE_ADDR": "192.0.2.77"}
    statuses = [register(body_for(vendor), **address)[0] for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert register(body_for(vendor), REMOTE_ADDR="192.0.2.78")[0] == 201  # another source is not affected


def test_key_clients_hold_no_usable_secret(vendor, register, token_request):
    """A private_key_jwt instance has no secret to present (and no password hash to pay for)."""
    _, created = register(body_for(vendor))
    application = Application.objects.get(client_id=created["client_id"])
    assert not application.hash_client_secret and application.client_secret.startswith("!")
    from ..conftest import basic_auth

    for guess in ("", application.client_secret):
        status, body, _ = token_request({"grant_type": "client_credentials"}, **basic_auth(created["client_id"], guess))
        assert (status, body["error"]) == (401, "invalid_client")


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["null", "true", "7", '"text"', "[]"])
def test_a_body_that_is_not_an_object(register, body):
    status, answer = register(body)
    assert (status, answer["error"]) == (400, "invalid_client_metadata")
    assert not ClientInstance.objects.exists()


@pytest.mark.parametrize("form", ["nat64", "nat64-local", "6to4", "ipv4-compatible", "ipv4-mapped", "teredo"])
@pytest.mark.parametrize("ipv4", ["169.254.169.254", "10.0.0.1", "127.0.0.1"])
def test_jwks_uri_at_an_ipv6_transition_address_of_a_private_ipv4(vendor, register, settings, form, ipv4):
    settings.DEBUG = False
    body = {**body_for(vendor), "jwks_uri": f"https://{ipv6_forms(ipv4)[form]}/jwks.json"}
    del body["jwks"]
    status, answer = register(body)
    assert (status, answer["error"]) == (400, "invalid_client_metadata"), answer
    assert not ClientInstance.objects.exists()


def test_client_ids_are_letters_and_digits_so_commands_take_them(vendor, register):
    """A client_id starting with "-" was read as an option by ``oauth_ext_revoke_instance``
    (one in about 32 registrations): ids come from DOT's generator, letters and digits."""
    ids = []
    for label in range(40):
        status, body = register({"software_statement": vendor.statement(), "device_label": f"device {label}",
                                 "jwks": {"keys": [jose.public_jwk(instance_key())]}})
        assert status == 201, body
        ids.append(body["client_id"])
    assert all(client_id.isascii() and client_id.isalnum() for client_id in ids), ids
    for client_id in ids[:3]:
        call_command("oauth_ext_revoke_instance", client_id, stdout=StringIO())
    assert ClientInstance.objects.filter(application__client_id__in=ids, revoked_at__isnull=False).count() == 3
