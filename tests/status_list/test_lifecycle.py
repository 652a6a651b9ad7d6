"""Status claims in access tokens, revocation, serving and checking the lists."""

import hashlib

import jwt
import pytest
from oauth2_provider.models import get_access_token_model

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose
from oauth_ext.status_list import client as status_client
from oauth_ext.status_list import services
from oauth_ext.status_list.encoding import INVALID, SUSPENDED, StatusArray
from oauth_ext.status_list.models import StatusEntry, StatusList

from ..conftest import ISSUER


@pytest.fixture(autouse=True)
def _fresh_cache():
    status_client.forget()
    yield
    status_client.forget()


def reference(token):
    return jwt.decode(token, options={"verify_signature": False})["status"]["status_list"]


def served_list(client, uri):
    response = client.get(uri.replace("https://as.example.com", ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/statuslist+jwt"
    jwks = client.get("/o/jwks/").json()["keys"]
    header = jwt.get_unverified_header(response.content.decode())
    key = jose.load_public_jwk(jose.select_key(jwks, kid=header["kid"], alg=header["alg"]))
    claims = jwt.decode(response.content, key=key, algorithms=[header["alg"]])
    return response, header, claims, StatusArray.from_lst(claims["status_list"]["lst"], claims["status_list"]["bits"])


def test_tokens_carry_a_status_reference(issue):
    token = issue()
    ref = reference(token)
    assert ref["uri"].startswith("https://as.example.com/o/statuslists/")
    assert 0 <= ref["idx"] < 1_048_576
    assert StatusEntry.objects.get(token_checksum=hashlib.sha256(token.encode()).hexdigest()).idx == ref["idx"]


def test_indices_are_distinct_and_spread(issue):
    indices = [reference(issue())["idx"] for _ in range(12)]
    assert len(set(indices)) == 12
    assert sorted(indices) != indices or max(indices) - min(indices) > 1000  # not handed out in sequence


def test_served_list_token(client, issue):
    token = issue()
    ref = reference(token)
    response, header, claims, array = served_list(client, ref["uri"])
    assert header["typ"] == "statuslist+jwt"
    assert claims["sub"] == ref["uri"] and claims["iss"] == ISSUER
    assert claims["ttl"] == 300 and claims["exp"] > claims["iat"]
    assert array[ref["idx"]] == 0
    assert response["ETag"] and "max-age=" in response["Cache-Control"]
    again = client.get(ref["uri"].replace("https://as.example.com", ""), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    historical = client.get(ref["uri"].replace("https://as.example.com", "") + "?time=1686925000")
    assert historical.status_code == 501  # §8.4: unsupported
    assert client.get("/o/statuslists/999999").status_code == 404


def test_revocation_sets_the_bit(client, issue, make_client, django_capture_on_commit_callbacks):
    registered = make_client()
    token, other = issue(client=registered), issue()
    ref = reference(token)
    before, *_ = served_list(client, ref["uri"])
    with django_capture_on_commit_callbacks(execute=True):  # the rebuild is queued after commit
        assert client.post("/o/revoke_token/", {"token": token, **registered.form()}).status_code == 200
    after, _, _, array = served_list(client, ref["uri"])
    assert array[ref["idx"]] == INVALID
    assert after["ETag"] != before["ETag"]
    assert served_list(client, reference(other)["uri"])[3][reference(other)["idx"]] == 0


def test_suspension_needs_two_bits(issue, settings, django_capture_on_commit_callbacks):
    token = issue()
    checksum = hashlib.sha256(token.encode()).hexdigest()
    with pytest.raises(ValueError, match="SUSPENDED"):
        services.set_status([checksum], SUSPENDED)
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": {"BITS": 2}}
    token2 = issue()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_status([hashlib.sha256(token2.encode()).hexdigest()], SUSPENDED)
    ref = reference(token2)
    assert StatusList.objects.get(pk=int(ref["uri"].rsplit("/", 1)[1])).bits == 2
    assert status_client.token_status({"status": {"status_list": ref}}, keys=_keys()) == SUSPENDED


def _keys():
    from oauth_ext.core.keys import signing_keys

    return [key.public_jwk for key in signing_keys()]


def test_resource_server_with_only_the_status_list_refuses_revoked_tokens(client, issue, make_client, settings,
                                                                           django_capture_on_commit_callbacks):
    """jwt mode: no database lookup of the token, only its signature and the list."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": "jwt"}}
    key = DPoPKey.generate()
    registered = make_client()
    token = issue(key, client=registered)
    api = "http://testserver/api/me/"

    def call():
        return client.get("/api/me/", HTTP_AUTHORIZATION=f"DPoP {token}", HTTP_DPOP=key.proof("GET", api, access_token=token))

    assert call().status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        get_access_token_model().objects.get(token_checksum=hashlib.sha256(token.encode()).hexdigest()).revoke()
    assert call().status_code == 200  # the RS still holds the list it cached, for ttl
    status_client.forget()  # ttl over
    response = call()
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_out_of_range_or_unverifiable_lists_are_rejected(issue):
    token = issue()
    ref = reference(token)
    with pytest.raises(status_client.StatusUnknown, match="outside"):
        status_client.token_status({"status": {"status_list": {**ref, "idx": 1_048_576}}}, keys=_keys())
    other_key = [jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))]
    status_client.forget()
    with pytest.raises(status_client.StatusUnknown):
        status_client.token_status({"status": {"status_list": ref}}, keys=other_key)
    with pytest.raises(status_client.StatusUnknown, match="malformed"):
        status_client.token_status({"status": {"status_list": {"idx": "0", "uri": ref["uri"]}}}, keys=_keys())


def test_lists_roll_over_when_full(issue, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": {"SIZE": 3}}
    refs = [reference(issue()) for _ in range(7)]
    uris = [r["uri"] for r in refs]
    assert len(set(uris)) == 3
    for uri in set(uris):
        indices = [r["idx"] for r in refs if r["uri"] == uri]
        assert len(indices) == len(set(indices)) and set(indices) <= {0, 1, 2}
    assert sorted(uris.count(uri) for uri in set(uris)) == [1, 3, 3]  # two full lists, one opened


def test_aggregation_and_metadata(client, issue):
    token = issue()
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["status_list_aggregation_endpoint"] == "https://as.example.com/o/statuslists/"
    lists = client.get("/o/statuslists/").json()["status_lists"]
    assert reference(token)["uri"] in lists


def test_reissue_command_rebuilds_what_is_due(issue):
    from io import StringIO

    from django.core.management import call_command

    token = issue()
    list_id = int(reference(token)["uri"].rsplit("/", 1)[1])
    StatusList.objects.filter(pk=list_id).update(expires_at=None)
    out = StringIO()
    call_command("oauth_ext_reissue_status_lists", stdout=out)
    assert str(list_id) in out.getvalue()
    assert StatusList.objects.get(pk=list_id).expires_at is not None
    out = StringIO()
    call_command("oauth_ext_reissue_status_lists", stdout=out)
    assert out.getvalue().startswith("0 status list(s)")
