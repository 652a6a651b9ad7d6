"""``make demo``'s users: the admin for staff pages, and an ordinary person for the
pages people use."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command


def test_the_demo_has_an_ordinary_user_who_signs_in_to_their_own_pages(db, client):
    call_command("demo_setup", stdout=io.StringIO())
    call_command("demo_setup", stdout=io.StringIO())  # run again by a second make demo: nothing doubles
    users = get_user_model().objects
    alice = users.get(username="alice")
    assert (alice.is_staff, alice.is_superuser, users.filter(username="alice").count()) == (False, False, 1)
    assert users.get(username="admin").is_staff
    signed_in = client.post("/accounts/login/", {"username": "alice", "password": "alice", "next": "/o/devices/"})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/o/devices/")
    page = client.get("/o/devices/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "alice" in page.content.decode()
    assert client.get("/admin/").status_code == 302  # not staff: the admin sends alice to its own login
