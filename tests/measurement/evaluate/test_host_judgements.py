"""HostJudgements: one judgement per shared MX host per scan, the same as judging alone."""

import dataclasses
from datetime import timedelta

from measurement.evaluate.verdicts import (
    HostJudgements,
    judge_domain,
)
from measurement.probe.observations import (
    IdentityCache,
)
from tests.measurement.evaluate.conftest import NOW
from tests.measurement.evaluate.observation_builders import (
    FAIL,
    PASS,
    domain_observation,
    host,
    probe,
)
from tests.measurement.evaluate.test_dane import record_for

# --- HostJudgements: one judgement per shared MX host per scan ---------------------------


def test_domains_sharing_a_host_share_its_judgement_and_match_judging_alone(pki, store):
    records = (record_for(pki.leaf),)
    shared_host = host("mx.provider.nl", "192.0.2.7", records)
    shared_probe = probe("mx.provider.nl", "192.0.2.7", pki.chain(pki.leaf))
    first = dataclasses.replace(domain_observation([shared_host], [shared_probe]), domain="a.nl")
    second = dataclasses.replace(first, domain="b.nl")
    judgements = HostJudgements()

    one = judge_domain(first, trust_store=store, now=NOW, hosts=judgements)
    two = judge_domain(second, trust_store=store, now=NOW, hosts=judgements)

    assert one.hosts[0] is two.hosts[0]
    alone = judge_domain(second, trust_store=store, now=NOW)
    assert two == alone
    assert two.to_dict(judgements.evidence) == alone.to_dict()
    assert judgements.evidence(one.hosts[0]) is judgements.evidence(two.hosts[0])


def test_a_host_judgement_is_not_reused_for_other_probes_preference_or_time(pki, store):
    records = (record_for(pki.leaf),)
    mx = host("mx.provider.nl", "192.0.2.7", records)
    matching = probe("mx.provider.nl", "192.0.2.7", pki.chain(pki.leaf))
    other_key = probe("mx.provider.nl", "192.0.2.7", pki.chain(pki.leaf_next_key))
    judgements = HostJudgements()

    def judged(probe_, preference=10, now=NOW):
        return judgements.judge(
            mx, preference, {(mx.host, "192.0.2.7"): probe_}, trust_store=store, now=now
        )

    assert judged(matching).dane.outcome is PASS
    assert judged(other_key).dane.outcome is FAIL
    assert judged(matching, preference=20).preference == 20
    assert judged(matching) is judged(matching)
    assert judged(matching, now=NOW + timedelta(days=1)) is not judged(matching)


def test_identity_cache_drops_the_oldest_entries_beyond_its_size():
    cache = IdentityCache(size=2)
    keys = [object() for _ in range(3)]
    calls = []

    def compute(i):
        calls.append(i)
        return i

    for i, key in enumerate(keys):
        assert cache.get((key,), (), lambda i=i: compute(i)) == i
    assert cache.get((keys[2],), (), lambda: compute(99)) == 2  # still cached
    assert cache.get((keys[0],), (), lambda: compute(0)) == 0  # evicted: computed again
    assert calls == [0, 1, 2, 0]
