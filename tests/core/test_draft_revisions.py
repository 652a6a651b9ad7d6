"""The draft revision each feature implements is what the docs say."""

from pathlib import Path

import pytest

from oauth_ext import app2app, consent, features, pop, token_context
from oauth_ext.client_sdk import tokens
from oauth_ext.resource_server import challenges

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("revision", [
    pop.KEY_DISTRIBUTION_DRAFT, consent.DRAFT, tokens.DRAFT, token_context.DRAFT, challenges.DRAFT,
    challenges.REMEDIATION_DRAFT, app2app.DRAFT,
])
def test_the_docs_name_the_revision(revision):
    for document in ("README.md", "docs/architecture.md"):
        assert revision in (ROOT / document).read_text(), f"{document} does not name {revision}"


@pytest.mark.parametrize("revision", sorted({d for f in features.features() for d in f.drafts}))
def test_the_docs_name_every_feature_draft(revision):
    for document in ("README.md", "docs/architecture.md"):
        assert revision in (ROOT / document).read_text(), f"{document} does not name {revision}"
