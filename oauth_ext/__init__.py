"""oauth_ext: a modern OAuth 2.0 authorization server on top of django-oauth-toolkit."""

__version__ = "0.1.0"
