"""Every endpoint in the committed OpenAPI schema under schemathesis, over HTTP to
the live server: valid and invalid inputs alike, no 5xx, and every OAuth error is
an RFC 6749 §5.2 body. ``OAUTH_EXT_FUZZ_EXAMPLES`` sets the examples per operation
and mode (default 50: the whole run takes well under a minute on two cores)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
OAUTH_TAGS = {"oauth", "registration"}
EXAMPLES = int(os.environ.get("OAUTH_EXT_FUZZ_EXAMPLES", "50"))

pytestmark = pytest.mark.django_db(transaction=True)


def check(case, response) -> None:
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:500]}"
    if response.status_code < 400 or not OAUTH_TAGS & set(case.operation.definition.raw.get("tags", [])):
        return
    content_type = {name.lower(): values for name, values in response.headers.items()}.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), (where, response.headers)
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], (where, body)
    assert set(body) <= {"error", "error_description", "error_uri"}, (where, body)
    assert isinstance(body.get("error_description", ""), str), (where, body)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_endpoint_survives_fuzzing(operation, live_server, settings):
    # One address sends every request: the throttles have their own tests.
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "PAR": {"THROTTLE_RATE": "1000000/min"}}
    strategy = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                         operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

    @settings_for_fuzzing
    @given(case=strategy)
    def fuzz(case):
        check(case, case.call(base_url=live_server.url))

    fuzz()


settings_for_fuzzing = settings(max_examples=2 * EXAMPLES, deadline=None, database=None,
                                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
