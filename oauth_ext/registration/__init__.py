"""RFC 7591 dynamic client registration and RFC 7592 management, where every
registration is one client instance. DOT's own DCR endpoint is left as it is."""
