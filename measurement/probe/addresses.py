"""Which addresses and MX names may be probed (DESIGN.md section 3, RFC 7505, RFC 6761)."""

import ipaddress

# Special-purpose space that Python's ipaddress still calls global (Python 3.13):
# deprecated IPv6 site-local (RFC 3879), IPv6 documentation (RFC 9637) and the 6to4
# relay anycast prefix (RFC 7526). None of them is a mail server's public address.
EXTRA_NOT_GLOBAL = tuple(
    ipaddress.ip_network(net) for net in ("fec0::/10", "3fff::/20", "192.88.99.0/24")
)


def not_allowed_reason(address: str, *, lab_mode: bool) -> str:
    """Why `address` must not be contacted, or "" when it may be.

    Outside lab mode we never connect to private, loopback, link-local, multicast or
    otherwise reserved space: such an MX address is a misconfiguration or a trap, and
    probing it would send traffic into our own or someone else's internal network.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    if lab_mode:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for flag in ("is_loopback", "is_private", "is_link_local", "is_multicast", "is_reserved"):
        if getattr(ip, flag):
            return f"{flag.removeprefix('is_').replace('_', '-')} address, not contacted"
    if ip.is_unspecified or not ip.is_global:
        return "non-global address, not contacted"
    if any(ip in network for network in EXTRA_NOT_GLOBAL if network.version == ip.version):
        return "special-purpose address, not contacted"
    return ""


def is_untestable_mx_name(host: str) -> bool:
    """True for MX targets no sender can use: localhost (RFC 6761 section 6.3) or IP literals."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    literal = name.strip("[]")
    if ":" not in literal and not literal.replace(".", "").isdigit():
        return False  # a host name: no IP literal has letters without colons (and no raise)
    try:
        ipaddress.ip_address(literal)
    except ValueError:
        return False
    return True
