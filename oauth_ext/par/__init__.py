"""RFC 9126 OAuth 2.0 Pushed Authorization Requests."""
