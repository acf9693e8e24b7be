"""The one TLS client context of the probes, and what a finished handshake shows.

DESIGN.md section 4: verification is off at the handshake so the presented chain is
always captured; PKIX and DANE are judged afterwards in measurement/evaluate.
"""

import functools
import ssl
import warnings


@functools.cache
def observation_context() -> ssl.SSLContext:
    """Built once per process: a client context that accepts any certificate.

    TLS 1.0 and security level 0 stay allowed so that old servers are seen as what they
    are (a weak handshake) rather than as a failed one.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pass  # this OpenSSL refuses: keep its defaults
    return context


def handshake_facts(ssl_object: ssl.SSLObject | None) -> tuple[str, str, tuple[bytes, ...]]:
    """Version, cipher name and the presented chain (DER, leaf first) of a handshake."""
    if ssl_object is None:
        return "", "", ()
    cipher = ssl_object.cipher()
    return (
        ssl_object.version() or "",
        cipher[0] if cipher else "",
        tuple(ssl_object.get_unverified_chain() or ()),
    )
