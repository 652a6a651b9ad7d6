"""Deferred key binding: tokens bound to another party's key (draft-richer-oauth-tmb-claim-01)."""

DRAFT = "draft-richer-oauth-tmb-claim-01"
