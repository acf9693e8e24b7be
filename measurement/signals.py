"""Signals of the scan machinery: others react to a scan without it knowing them."""

from django.dispatch import Signal

# Sent once a scan is finished and its results and aggregates are stored (scan_id=...).
scan_stored = Signal()
