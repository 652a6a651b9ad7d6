"""The trust store in the admin: testing a statement, enabling and disabling publishers."""

import time

import pytest

from oauth_ext.audit.models import AuditEntry
from oauth_ext.core import jose
from oauth_ext.software_statements.services import check_statement

TEST_PAGE = "/admin/oauth_ext/softwarepublisher/test-statement/"


def test_a_good_statement_is_accepted_with_the_metadata_it_would_register(vendor):
    result = check_statement(vendor.statement())
    assert result["accepted"] and result["publisher"] == vendor.publisher
    assert result["metadata"]["software_id"] == "mail-app" and "jwks" not in result["metadata"]


@pytest.mark.parametrize(("case", "error", "reason"), [
    ("other software", "unapproved_software_statement", "may not vouch for software 'other'"),
    ("disabled publisher", "unapproved_software_statement", "unknown or disabled"),
    ("expired", "invalid_software_statement", "expired"),
    ("foreign key", "invalid_software_statement", "signature verification failed"),
    ("policy", "invalid_client_metadata", "grant_types"),
])
def test_refusals_say_why(vendor, case, error, reason):
    statement = {
        "other software": lambda: vendor.statement(software_id="other"),
        "disabled publisher": vendor.statement,
        "expired": lambda: vendor.statement(exp=int(time.time()) - 3600),
        "foreign key": lambda: vendor.statement(key=jose.generate_private_key("ES256")),
        "policy": lambda: vendor.statement(grant_types=["client_credentials"]),
    }[case]()
    if case == "disabled publisher":
        vendor.publisher.enabled = False
        vendor.publisher.save()
    result = check_statement(statement)
    assert not result["accepted"] and result["error"] == error and reason in result["reason"], result["reason"]


def test_the_page_needs_view_permission_and_stores_nothing(client, vendor, make_staff):
    client.force_login(make_staff("stranger"))
    assert client.post(TEST_PAGE, {"statement": vendor.statement()}).status_code == 403
    client.force_login(make_staff("it", "oauth_ext.view_softwarepublisher"))
    page = client.post(TEST_PAGE, {"statement": vendor.statement()}).content.decode()
    assert "Accepted." in page and "mail-app" in page
    assert not AuditEntry.objects.exists()


def test_disable_and_enable_are_audited(client, vendor, make_staff):
    client.force_login(make_staff("it", "oauth_ext.view_softwarepublisher", "oauth_ext.change_softwarepublisher"))
    changelist = "/admin/oauth_ext/softwarepublisher/"
    client.post(changelist, {"action": "disable", "_selected_action": [vendor.publisher.pk]})
    vendor.publisher.refresh_from_db()
    assert not vendor.publisher.enabled
    assert check_statement(vendor.statement())["error"] == "unapproved_software_statement"
    client.post(changelist, {"action": "enable", "_selected_action": [vendor.publisher.pk]})
    assert [(e.action, e.before, e.after) for e in AuditEntry.objects.order_by("pk")] == [
        ("software_publisher.disable", {"enabled": True}, {"enabled": False}),
        ("software_publisher.enable", {"enabled": False}, {"enabled": True}),
    ]


def test_an_accepted_statement_lists_what_registration_would_drop(vendor):
    result = check_statement(vendor.statement(scope="read admin nonsense", favourite_colour="blue"))
    assert result["accepted"] and result["metadata"]["scope"] == "read"
    assert result["dropped"] == ["scope admin: above the publisher's scope ceiling",
                                 "scope nonsense: above the publisher's scope ceiling",
                                 "claim favourite_colour: not client metadata this server keeps"]
    vendor.publisher.scope_ceiling = []
    vendor.publisher.save()
    assert check_statement(vendor.statement(scope="read nonsense"))["dropped"] == ["scope nonsense: not a scope this server knows"]
    assert check_statement(vendor.statement())["dropped"] == []


@pytest.mark.parametrize("jwks", ['{"keys": [{"kty": "EC"}]}', '{"keys": [{"kty": "RSA", "n": 5}]}', '{"keys": "x"}', "[]"])
def test_a_malformed_jwks_is_a_form_error(client, admin_user, jwks):
    from oauth_ext.software_statements.models import SoftwarePublisher

    client.force_login(admin_user)
    response = client.post("/admin/oauth_ext/softwarepublisher/add/", {
        "name": "Broken", "issuer": "https://broken.example.com", "jwks": jwks, "jwks_uri": "",
        "software_ids": '["app"]', "scope_ceiling": '["read"]', "allowed_grant_types": '["authorization_code"]',
        "allowed_auth_methods": '["private_key_jwt"]', "redirect_uri_forms": '["loopback"]', "enabled": "on",
    })
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert "jwks" in errors, errors
    assert not SoftwarePublisher.objects.filter(issuer="https://broken.example.com").exists()
