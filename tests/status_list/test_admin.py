"""The status-list admin: counts an operator needs, and rebuilding on demand."""

from oauth_ext.audit.models import AuditEntry
from oauth_ext.status_list import services
from oauth_ext.status_list.models import StatusEntry, StatusList


def test_changelist_and_rebuild_action(admin_client, db):
    list_id, idx = services.allocate()
    services.record(list_id, idx, "some-token")
    StatusEntry.objects.filter(status_list_id=list_id).update(status=1)
    StatusList.objects.filter(pk=list_id).update(changes=1)
    page = admin_client.get("/admin/oauth_ext/statuslist/")
    assert page.status_code == 200
    assert b"Revoked or suspended" in page.content
    assert b"Last rebuild" in page.content and b"Served exp" in page.content and b"never" in page.content
    response = admin_client.post("/admin/oauth_ext/statuslist/", {"action": "rebuild_now", "_selected_action": [list_id]}, follow=True)
    assert b"1 status list(s) rebuilt." in response.content
    rebuilt = StatusList.objects.get(pk=list_id)
    assert rebuilt.token and rebuilt.built_changes == 1
    entry = AuditEntry.objects.get(action="status_list.rebuild")
    assert entry.before == {"issued_at": None} and entry.after["issued_at"][:19] == rebuilt.issued_at.isoformat()[:19]


def test_non_staff_gets_nothing(client, django_user_model, db):
    user = django_user_model.objects.create_user("plain", password="pw")
    client.force_login(user)
    assert client.get("/admin/oauth_ext/statuslist/").status_code == 302
