"""The audit log: entries that outlive their actor, and an admin nobody can edit."""

import pytest

from oauth_ext.audit import services
from oauth_ext.audit.models import AuditEntry
from oauth_ext.software_statements.models import SoftwarePublisher


def test_an_entry_keeps_who_and_what_after_both_are_gone(db, django_user_model, vendor):
    admin = django_user_model.objects.create_user("root", is_staff=True)
    publisher = vendor.publisher
    entry = services.record(admin, "software_publisher.disable", publisher, {"enabled": True}, {"enabled": False})
    SoftwarePublisher.objects.filter(pk=publisher.pk).delete()
    admin.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_repr, entry.target_repr) == (None, "root", "Vendor")
    assert (entry.before, entry.after) == ({"enabled": True}, {"enabled": False})


def test_system_actions_and_changed_fields(db, vendor):
    entry = services.record(None, "software_publisher.refresh_keys", vendor.publisher)
    assert entry.actor_repr == "system"
    before = services.snapshot(vendor.publisher, ("name", "enabled", "created_at"))
    assert isinstance(before["created_at"], str)
    assert services.changed(before, {**before, "enabled": False}) == ({"enabled": True}, {"enabled": False})


@pytest.mark.parametrize("perms", [("oauth_ext.view_auditentry",), ()])
def test_the_log_is_read_only_in_the_admin(client, vendor, make_staff, perms):
    entry = services.record(None, "software_publisher.disable", vendor.publisher, {"enabled": True}, {"enabled": False})
    client.force_login(make_staff("auditor", *perms))
    listing = client.get("/admin/oauth_ext/auditentry/")
    assert listing.status_code == (200 if perms else 403)
    if perms:
        assert "enabled: True → False" in listing.content.decode()
        assert client.get(f"/admin/oauth_ext/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/oauth_ext/auditentry/add/").status_code == 403
    assert client.post(f"/admin/oauth_ext/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.count() == 1
