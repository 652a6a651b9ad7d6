"""The OpenAPI schema: served by the example project, and the committed copy current."""

from pathlib import Path

import yaml
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_committed_schema_matches_the_code(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(fresh), "--validate", "--fail-on-warn")
    assert fresh.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: python manage.py spectacular --file docs/openapi.yaml --validate")


def test_the_example_project_serves_it_with_every_oauth_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema == yaml.safe_load(COMMITTED.read_text())
    for path in ("/o/token/", "/o/par/", "/o/registration/", "/o/registration/{client_id}", "/o/introspect/",
                 "/o/revoke_token/", "/o/jwks/", "/o/statuslists/{pk}", "/o/devices/", "/api/me/"):
        assert path in schema["paths"]
    assert schema["components"]["schemas"]["OAuthError"]["required"] == ["error"]
