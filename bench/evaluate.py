"""Judgement cost: CPU per domain of judge_domain, with shared and with unshared probes.

Run: .venv/bin/python bench/evaluate.py [N]. Prints figures; asserts nothing.
"""

import dataclasses
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # development mode: the development key, no HTTPS redirect

import django  # noqa: E402

django.setup()

from measurement.evaluate import dane, pkix  # noqa: E402
from measurement.evaluate.verdicts import judge_domain  # noqa: E402
from tests.measurement.evaluate import conftest  # noqa: E402
from tests.measurement.evaluate import observation_builders as cases  # noqa: E402


def main(n: int) -> None:
    pki = conftest.pki.__wrapped__()
    store = pkix.TrustStore([pki.root.cert])
    observation = cases.fully_secured_domain(pki)
    now = conftest.NOW

    start = time.process_time()
    for i in range(n):
        renamed = dataclasses.replace(observation, domain=f"d{i}.nl")
        judge_domain(renamed, trust_store=store, now=now)
    shared = (time.process_time() - start) / n * 1000

    cold_n = max(1, n // 10)
    start = time.process_time()
    for _ in range(cold_n):
        pkix.validate.cache_clear()
        dane.match_chain.cache_clear()
        judge_domain(observation, trust_store=store, now=now)
    cold = (time.process_time() - start) / cold_n * 1000

    verdicts = judge_domain(observation, trust_store=store, now=now)
    start = time.process_time()
    for _ in range(n):
        verdicts.to_dict()
    to_dict = (time.process_time() - start) / n * 1000

    print(f"domains judged:                      {n}")
    print(f"CPU ms per domain, probes shared:    {shared:.3f}")
    print(f"CPU ms per domain, nothing cached:   {cold:.3f}")
    print(f"CPU ms per to_dict():                {to_dict:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
