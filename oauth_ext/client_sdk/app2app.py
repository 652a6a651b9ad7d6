"""Browser-less App2App for client apps (draft-zehavi-oauth-app2app-browserless-07 §3.5, §3.7).

The app is its own user agent: it calls the native authorization endpoint, follows
``call`` answers with GET (cookies kept), opens ``deep_link`` answers through the OS,
and, once its ``native_callback_uri`` is invoked, checks the returned ``redirect_uri``
against the domains it met on the way (§5.3) and follows it to its own redirect_uri.
Without the app claiming the deep link, or on ``native_app2app_unsupported``, it
falls back to the browser (§4.2)::

    flow = NativeFlow(open_deep_link=os_open, redirect_uri="https://app.example.com/cb")
    flow.start(native_authorization_endpoint, {"client_id": ..., "native_callback_uri": ..., ...})
    # later, the OS invokes native_callback_uri?redirect_uri=...
    code = flow.finish(invoked_url)["code"]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests


class NativeFlowFailed(Exception):
    """The native flow ended; ``fallback`` says the app may retry in the browser (§4.2)."""

    def __init__(self, message: str, *, fallback: bool = False, error: str | None = None):
        super().__init__(message)
        self.fallback = fallback
        self.error = error


class NativeFlow:
    """One native authorization at a time (§5.3: single-use allowlist)."""

    def __init__(self, *, open_deep_link: Callable[[str], bool], redirect_uri: str,
                 session: requests.Session | None = None, max_steps: int = 10, timeout: float = 30):
        self.open_deep_link = open_deep_link  # True when an app claimed and opened the url
        self.redirect_uri = redirect_uri
        self.session = session or requests.Session()  # keeps cookies (§3.7)
        self.max_steps = max_steps
        self.timeout = timeout
        self.allowlist: set[str] = set()

    def _host(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
            raise NativeFlowFailed(f"not an https url: {url!r}")
        return parts.hostname or ""

    def _get(self, url: str) -> dict[str, Any]:
        self.allowlist.add(self._host(url))
        response = self.session.get(url, allow_redirects=False, timeout=self.timeout)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind != "application/json" or 300 <= response.status_code < 400:
            raise NativeFlowFailed(f"{response.status_code} {kind}: not a native answer")  # §3.7
        body = response.json()
        if response.status_code != 200:
            error = body.get("error")
            raise NativeFlowFailed(f"{error}: {body.get('error_description', '')}", error=error,
                                   fallback=error == "native_app2app_unsupported")
        return body

    def _follow(self, url: str) -> str | None:
        """Follow ``call`` answers; the client's own redirect_uri when reached, None once
        a deep link was opened (the flow goes on at the callback)."""
        for _ in range(self.max_steps):
            if url.split("?")[0] == self.redirect_uri:
                return url
            body = self._get(url)
            action, next_url = body.get("action"), body.get("url")
            if not isinstance(next_url, str):
                raise NativeFlowFailed(f"answer without a url: {body!r}")
            url = next_url
            if action == "deep_link":
                self.allowlist.add(self._host(url))
                if not self.open_deep_link(url):
                    raise NativeFlowFailed("no app claims the deep link", fallback=True)
                return None
            if action != "call":
                raise NativeFlowFailed(f"cannot handle action {action!r}")  # e.g. prompt: not here
            self.allowlist.add(self._host(url))
        raise NativeFlowFailed("too many steps")

    def start(self, endpoint: str, params: dict[str, str]) -> str | None:
        request = requests.Request("GET", endpoint, params=params).prepare()
        self.allowlist = set()
        return self._follow(request.url or endpoint)

    def finish(self, invoked: str) -> dict[str, str]:
        """Handle the invocation of ``native_callback_uri``: the response parameters
        at the client's own redirect_uri (``code``, ``state``, ``iss`` or ``error``)."""
        query = parse_qs(urlsplit(invoked).query)
        if "error" in query or "redirect_uri" not in query:
            raise NativeFlowFailed("callback without a response", error=query["error"][0] if query.get("error") else None)
        redirect = query["redirect_uri"][0]
        if self._host(redirect) not in self.allowlist and redirect.split("?")[0] != self.redirect_uri:
            raise NativeFlowFailed(f"{redirect!r} is outside the flow's allowlist")  # §5.3
        final = self._follow(redirect)
        if final is None:
            raise NativeFlowFailed("the flow did not come back to the client")
        self.allowlist = set()
        return {k: v[0] for k, v in parse_qs(urlsplit(final).query).items()}
