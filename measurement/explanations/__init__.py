"""Human explanations of every verdict reason: what is wrong, why it matters, how to fix it.

Dutch first (the msgids), English through Django i18n (locale/en). Where the fix is a DNS
record or a policy file we can compute, `record` holds the exact text to publish. The
texts are kept per standard (mx_texts, starttls_texts, dane_texts, certificate_texts,
policy_texts); reasons.py explains, records.py computes the records.
"""

from measurement.explanations.reasons import REASONS, Explanation, explain, explain_stored

__all__ = ["REASONS", "Explanation", "explain", "explain_stored"]
