"""Trust beyond publishers in the admin: attesters and SPIFFE trust domains show their
key fingerprints and policy, and every enable, disable, key fetch and edit is audited."""

import json

from oauth_ext.attestation.models import Attester
from oauth_ext.audit.models import AuditEntry
from oauth_ext.core import jose
from oauth_ext.spiffe.models import SpiffeTrustDomain

ATTESTERS = "/admin/oauth_ext/attester/"
DOMAINS = "/admin/oauth_ext/spiffetrustdomain/"


def public_key(**extra):
    return {**jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256"))), **extra}


def test_attesters_list_fingerprints_and_audit_every_action(client, make_staff, make_attester, http_server, settings):
    settings.DEBUG = True  # plain http to loopback is fetched only while DEBUG
    inline = make_attester(client_ids=["mail-ios"])
    key = public_key()
    http_server.serve_json("/attester/jwks.json", {"keys": [key]})
    remote = Attester.objects.create(name="Platform", jwks_uri=http_server.url("/attester/jwks.json"), software_ids=["mail-app"])
    client.force_login(make_staff("it", "oauth_ext.view_attester", "oauth_ext.change_attester"))
    listing = client.get(ATTESTERS).content.decode()
    assert jose.jwk_thumbprint(inline.private_jwk) in listing
    assert "clients mail-ios" in listing and "software mail-app" in listing and "fetched from http://" in listing

    client.post(ATTESTERS, {"action": "refresh_keys", "_selected_action": [remote.pk]})
    client.post(ATTESTERS, {"action": "disable", "_selected_action": [inline.model.pk, remote.pk]})
    assert not Attester.objects.filter(enabled=True).exists()
    refreshed = AuditEntry.objects.get(action="attester.refresh_keys")
    assert refreshed.before == {"keys_refreshed_at": None} and refreshed.after["keys_refreshed_at"]
    assert AuditEntry.objects.filter(action="attester.disable", actor_repr="it").count() == 2

    form = {"name": "Platform", "jwks_uri": remote.jwks_uri, "client_ids": "[]", "software_ids": json.dumps(["mail-app", "notes"]),
            "jwks": "null"}
    response = client.post(f"{ATTESTERS}{remote.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEntry.objects.get(action="attester.change")
    assert change.before == {"software_ids": ["mail-app"]} and change.after == {"software_ids": ["mail-app", "notes"]}


def test_trust_domains_show_their_bundle_and_audit_enable_disable(client, make_staff):
    domain = SpiffeTrustDomain.objects.create(trust_domain="example.org", bundle={"keys": [public_key(use="jwt-svid")]})
    client.force_login(make_staff("it", "oauth_ext.view_spiffetrustdomain"))
    listing = client.get(DOMAINS).content.decode()
    assert f"{jose.jwk_thumbprint(domain.bundle['keys'][0])} (jwt-svid)" in listing
    client.post(DOMAINS, {"action": "disable", "_selected_action": [domain.pk]})  # view-only: no effect
    domain.refresh_from_db()
    assert domain.enabled and not AuditEntry.objects.exists()

    client.force_login(make_staff("it2", "oauth_ext.view_spiffetrustdomain", "oauth_ext.change_spiffetrustdomain"))
    client.post(DOMAINS, {"action": "disable", "_selected_action": [domain.pk]})
    domain.refresh_from_db()
    assert not domain.enabled
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_repr, entry.before, entry.after) == (
        "spiffe_trust_domain.disable", "it2", {"enabled": True}, {"enabled": False})
