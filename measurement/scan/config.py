"""The scanner's settings as the probe engine takes them, and the objects made from them."""

from django.conf import settings

from measurement.probe import engine, preflight

_TRUST_STORE = None


def probe_config(**fields) -> engine.ProbeConfig:
    """The settings' ProbeConfig, with `fields` (the scan's own, such as its TLS quality
    check: measurement.scan.tls_quality.probe_settings) over them."""
    return engine.ProbeConfig(
        resolver=settings.SCANNER_RESOLVER,
        resolver_port=settings.SCANNER_RESOLVER_PORT,
        ehlo_name=settings.SCANNER_EHLO_NAME,
        lab_mode=settings.SCANNER_LAB_MODE,
        smtp_port=settings.SCANNER_SMTP_PORT,
        https_port=settings.SCANNER_HTTPS_PORT,
        greeting_timeout=settings.SCANNER_GREETING_TIMEOUT,
        command_timeout=settings.SCANNER_COMMAND_TIMEOUT,
        probe_timeout=settings.SCANNER_PROBE_TIMEOUT,
        concurrency=settings.SCANNER_CONCURRENCY,
        address_gap=settings.SCANNER_ADDRESS_GAP,
        retry_delay=settings.SCANNER_RETRY_DELAY,
        source_address=settings.SCANNER_SOURCE_ADDRESS or None,
        **fields,
    )


def require_validating_resolver() -> None:
    """The pre-flight of every scan and check_domain (measurement/probe/preflight.py):
    ResolverNotUsable, saying what is wrong and how to fix it, unless SCANNER_RESOLVER
    answers and validates DNSSEC."""
    preflight.require_validating_resolver(settings.SCANNER_RESOLVER, settings.SCANNER_RESOLVER_PORT)


def trust_store():
    global _TRUST_STORE
    if _TRUST_STORE is None:
        from measurement.evaluate import pkix

        _TRUST_STORE = pkix.load_trust_store(settings.SCANNER_TRUST_STORE or None)
    return _TRUST_STORE


def address_limiter():
    """Across workers, the per-address limit lives in Redis; in one process the engine's
    own (None) suffices."""
    if not settings.CELERY_BROKER_URL:
        return None
    from measurement.scan.limiter import RedisAddressLimiter

    # A worker killed mid-probe leaves its lock behind: it lapses once no probe could
    # still be running.
    return RedisAddressLimiter(
        settings.CELERY_BROKER_URL,
        gap_seconds=settings.SCANNER_ADDRESS_GAP,
        hold_seconds=settings.SCANNER_PROBE_TIMEOUT + 10,
    )
