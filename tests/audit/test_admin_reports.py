"""Admin actions say what they did: enable / disable / fetch keys with names and
counts, a withdrawal of a consent already ended, a deletion blocked by devices;
and the User admin links to each user's devices and consents."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from oauth_ext.attestation.models import Attester
from oauth_ext.audit.models import AuditEntry
from oauth_ext.audit.user_admin import UserLinksMixin, link_user_admin
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.core import jose
from oauth_ext.software_statements.models import SoftwarePublisher

PUBLISHERS = "/admin/oauth_ext/softwarepublisher/"
ATTESTERS = "/admin/oauth_ext/attester/"


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_enable_and_disable_name_what_changed_and_what_already_was(client, vendor, make_staff):
    other = SoftwarePublisher.objects.create(name="Other", issuer="https://other.example", enabled=False,
                                             jwks=vendor.publisher.jwks)
    client.force_login(make_staff("it", "oauth_ext.view_softwarepublisher", "oauth_ext.change_softwarepublisher"))
    both = [vendor.publisher.pk, other.pk]
    response = client.post(PUBLISHERS, {"action": "disable", "_selected_action": both}, follow=True)
    assert said(response) == ["1 software publisher disabled: Vendor.", "Already disabled, nothing changed: Other."]
    response = client.post(PUBLISHERS, {"action": "enable", "_selected_action": both}, follow=True)
    assert said(response) == ["2 software publishers enabled: Other, Vendor."]
    assert SoftwarePublisher.objects.filter(enabled=True).count() == 2
    assert AuditEntry.objects.filter(action="software_publisher.disable").count() == 1


def test_fetch_keys_says_what_was_fetched_what_is_inline_and_what_failed(client, make_staff, make_attester, http_server,
                                                                      settings):
    settings.DEBUG = True  # plain http to loopback is fetched only while DEBUG
    http_server.serve_json("/jwks.json", {"keys": [jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))]})
    remote = Attester.objects.create(name="Remote", jwks_uri=http_server.url("/jwks.json"))
    broken = Attester.objects.create(name="Broken", jwks_uri=http_server.url("/missing.json"))
    inline = make_attester().model
    client.force_login(make_staff("it", "oauth_ext.view_attester", "oauth_ext.change_attester"))
    response = client.post(ATTESTERS, {"action": "refresh_keys", "_selected_action": [remote.pk, broken.pk, inline.pk]},
                           follow=True)
    messages = said(response)
    assert any(m.startswith("Broken: fetch failed") for m in messages)
    assert "Fetched keys of 1: Remote." in messages
    assert f"Nothing to fetch for {inline}: keys given inline, not at a URL." in messages
    assert [e.target_repr for e in AuditEntry.objects.filter(action="attester.refresh_keys")] == ["Remote"]


def test_a_publisher_with_devices_says_revoke_its_devices_first(client, vendor, install, make_staff):
    install(vendor, "laptop")
    client.force_login(make_staff("it", "oauth_ext.view_softwarepublisher", "oauth_ext.delete_softwarepublisher"))
    page = client.get(f"{PUBLISHERS}{vendor.publisher.pk}/delete/").content.decode()
    assert "revoke its devices first" in page and "1 registered device(s), 1 still active" in page
    assert "permission" not in page.split('id="content"')[1]
    client.post(f"{PUBLISHERS}{vendor.publisher.pk}/delete/", {"post": "yes"})
    assert SoftwarePublisher.objects.filter(pk=vendor.publisher.pk).exists()


def test_a_publisher_without_devices_is_deleted(client, vendor, make_staff):
    client.force_login(make_staff("it", "oauth_ext.view_softwarepublisher", "oauth_ext.delete_softwarepublisher"))
    assert client.post(f"{PUBLISHERS}{vendor.publisher.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not SoftwarePublisher.objects.exists()


def test_withdrawing_a_consent_already_withdrawn_says_so(client, enroll, make_staff, django_user_model):
    enroll(django_user_model.objects.create_user("alice", password="pw"), "laptop")
    grant = ConsentGrant.objects.get()
    client.force_login(make_staff("privacy", "oauth_ext.view_consentgrant", "oauth_ext.change_consentgrant"))
    form = {"action": "withdraw", "_selected_action": [grant.pk]}
    assert said(client.post("/admin/oauth_ext/consentgrant/", form, follow=True)) == [
        "1 consent(s) withdrawn; the tokens they backed no longer work."]
    assert said(client.post("/admin/oauth_ext/consentgrant/", form, follow=True)) == [
        "1 consent(s) had already ended (withdrawn or expired); nothing changed for them."]
    assert AuditEntry.objects.filter(action="consent.withdraw").count() == 1


def test_the_user_admin_links_to_devices_and_consents(client, enroll, make_staff, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    enroll(alice, "laptop", "phone")
    client.force_login(make_staff("helpdesk", "auth.view_user", "auth.change_user"))
    listing = client.get("/admin/auth/user/").content.decode()
    assert f"/admin/oauth_ext/clientinstance/?user__id__exact={alice.pk}" in listing
    page = client.get(f"/admin/auth/user/{alice.pk}/change/").content.decode()
    assert "2 device(s), 2 active" in page and "1 consent(s), 1 active" in page
    assert f"/admin/oauth_ext/consentgrant/?user__id__exact={alice.pk}" in page


class SiteUserAdmin(UserAdmin):
    """A site's own user admin, with a column and a fieldset of its own."""

    list_display = ("username", "email")
    fieldsets = ((None, {"fields": ("username", "password")}), ("Site", {"fields": ("email",)}))


@pytest.mark.django_db
def test_a_sites_custom_user_admin_keeps_its_own_and_gains_the_links(rf, admin_user):
    site = admin.AdminSite(name="site")
    site.register(get_user_model(), SiteUserAdmin)
    link_user_admin(site)
    link_user_admin(site)  # once only
    registered = site._registry[get_user_model()]
    assert isinstance(registered, SiteUserAdmin) and isinstance(registered, UserLinksMixin)
    request = rf.get("/")
    request.user = admin_user
    assert registered.get_list_display(request) == ["username", "email", "oauth_ext_links"]
    assert [name for name, _ in registered.get_fieldsets(request, admin_user)] == [None, "Site", "Devices and permissions"]
    assert "Devices and permissions" not in [name for name, _ in registered.get_fieldsets(request, None)]  # add form
