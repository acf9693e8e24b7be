"""The lab's address plan on loopback (DESIGN.md section 6); clear of 127.0.0.53/54."""

AUTHORITATIVE = "127.53.0.1"  # NSD: root, TLD and every scenario zone
RESOLVER = "127.53.0.2"  # Unbound, validating, our root key as trust anchor
# Resolvers the scanner must refuse, started by the tests that need them
# (tests/measurement/test_resolver_preflight.py): validation off, and a wrong anchor.
PLAIN_RESOLVER = "127.53.0.3"
WRONG_ANCHOR_RESOLVER = "127.53.0.4"
NO_RESOLVER = "127.53.0.9"  # nothing listens here
DNS_PORT = 53
SMTP_PORT = 25
HTTPS_PORT = 443
NOWHERE = "127.25.0.254"  # an address nothing listens on: connection refused
SMTP_PREFIX = "127.25"  # catalogue 127.25.0.y, scale 127.25.1.y and up
HTTPS_PREFIX = "127.43"  # catalogue 127.43.0.y, scale 127.43.1.1
IPV6 = "::1"  # the only IPv6 loopback address; one scenario uses it
