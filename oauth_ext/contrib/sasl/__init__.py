"""SASL ``OAUTHBEARER`` (RFC 7628) and ``XOAUTH2`` for Python mail servers.

An IMAP or SMTP server hands the decoded initial client response to
:func:`authenticate` with its own resource identifier as ``audience``; it gets the
user back, or a :class:`SASLFailure` whose :meth:`~SASLFailure.challenge` is the
RFC 7628 §3.2.2 error JSON to send. RFC 7628 §3.2.3: the client then answers with
a single ``%x01``, and the server fails the exchange::

    try:
        result = authenticate("OAUTHBEARER", base64.b64decode(line), audience="imap://mail.example.com")
    except SASLFailure as failure:
        send("+ " + base64.b64encode(failure.challenge()).decode())
        read()                                 # the client's %x01
        send(f"{tag} NO Authentication failed")
"""

from .mechanisms import (
    SASLFailure,
    SASLResult,
    authenticate,
    parse_oauthbearer,
    parse_xoauth2,
)

__all__ = ["SASLFailure", "SASLResult", "authenticate", "parse_oauthbearer", "parse_xoauth2"]
