"""The scan machinery: plan, run, store, shared probes, the observer process, the limiter.

Views, commands and tasks call measurement.scan.door only; see docs/architecture.md.
"""
