"""Browser-less App2App: the authorization server side of the native authorization
endpoint (draft-zehavi-oauth-app2app-browserless-07)."""

DRAFT = "draft-zehavi-oauth-app2app-browserless-07"
