"""RFC 9728 protected resource metadata for the site's own HTTP APIs, and the
``resource_metadata`` pointer in their 401 challenges (RFC 9728 §5.1)."""
