import hashlib

import pytest
from cryptography.hazmat.primitives import serialization

from measurement.evaluate import dane
from measurement.evaluate.dane import TlsaRecord
from tests.measurement.evaluate.conftest import NOW

MX = ("mx1.example.nl",)


def record_for(issued, usage=3, selector=1, matching_type=1) -> TlsaRecord:
    if selector == 0:
        content = issued.cert.public_bytes(serialization.Encoding.DER)
    else:
        content = issued.cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    data = {
        0: content,
        1: hashlib.sha256(content).digest(),
        2: hashlib.sha512(content).digest(),
    }[matching_type]
    return TlsaRecord(usage, selector, matching_type, data)


@pytest.mark.parametrize("selector", [0, 1])
@pytest.mark.parametrize("matching_type", [0, 1, 2])
def test_a_dane_ee_record_matches_the_leaf_for_every_selector_and_matching_type(
    pki, selector, matching_type
):
    record = record_for(pki.leaf, 3, selector, matching_type)
    result = dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW)
    assert result.matched
    assert result.matched_record == dane.presentation(record)


@pytest.mark.parametrize("selector", [0, 1])
@pytest.mark.parametrize("matching_type", [0, 1, 2])
def test_a_dane_ee_record_for_another_key_does_not_match(pki, selector, matching_type):
    record = record_for(pki.leaf_next_key, 3, selector, matching_type)
    result = dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW)
    assert not result.matched
    assert result.reason == "tlsa_no_match"
    assert result.records[0].reason == "leaf_mismatch"


@pytest.mark.parametrize("selector", [0, 1])
@pytest.mark.parametrize("matching_type", [0, 1, 2])
def test_a_dane_ta_record_matches_the_issuing_ca_for_every_selector_and_matching_type(
    pki, selector, matching_type
):
    record = record_for(pki.intermediate, 2, selector, matching_type)
    assert dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW).matched


@pytest.mark.parametrize(
    ("usage", "selector", "matching_type", "data", "reason"),
    [
        (0, 1, 1, bytes(32), "pkix_usage"),
        (1, 1, 1, bytes(32), "pkix_usage"),
        (4, 1, 1, bytes(32), "unknown_usage"),
        (255, 1, 1, bytes(32), "unknown_usage"),
        (3, 2, 1, bytes(32), "unknown_selector"),
        (3, 1, 3, bytes(32), "unknown_matching_type"),
        (3, 1, 1, bytes(31), "wrong_digest_length"),
        (3, 1, 1, bytes(33), "wrong_digest_length"),
        (3, 1, 1, bytes(64), "wrong_digest_length"),
        (3, 1, 2, bytes(32), "wrong_digest_length"),
        (3, 1, 2, bytes(65), "wrong_digest_length"),
        (3, 1, 1, b"", "wrong_digest_length"),
        (3, 0, 0, b"not a certificate", "malformed_data"),
        (3, 1, 0, b"not a key", "malformed_data"),
        (2, 1, 0, b"", "malformed_data"),
        (3, 1, 1, bytes(32), ""),
        (2, 0, 2, bytes(64), ""),
    ],
)
def test_tlsa_usability_follows_rfc_7672(usage, selector, matching_type, data, reason):
    assert dane.unusable_reason(TlsaRecord(usage, selector, matching_type, data)) == reason


def test_a_digest_of_the_wrong_length_never_matches_even_as_a_prefix(pki):
    good = record_for(pki.leaf, 3, 1, 2)
    truncated = TlsaRecord(3, 1, 2, good.data[:32])
    result = dane.match_chain((truncated,), pki.chain(pki.leaf), MX, NOW)
    assert (result.matched, result.reason) == (False, "no_usable_tlsa")


@pytest.mark.parametrize("usage", [0, 1])
def test_pkix_usages_matching_the_chain_leave_nothing_usable(pki, usage):
    target = pki.leaf if usage == 1 else pki.intermediate
    result = dane.match_chain(
        (record_for(target, usage, 1, 1),), pki.chain(pki.leaf, with_root=True), MX, NOW
    )
    assert (result.matched, result.reason) == (False, "no_usable_tlsa")
    assert result.records[0].reason == "pkix_usage"


def test_an_unknown_matching_type_beside_a_good_record_is_ignored(pki):
    unknown = TlsaRecord(3, 1, 7, bytes(32))
    good = record_for(pki.leaf)
    result = dane.match_chain((unknown, good), pki.chain(pki.leaf), MX, NOW)
    assert result.matched
    assert [c.usable for c in result.records] == [False, True]
    assert result.records[0].reason == "unknown_matching_type"


def test_an_expired_leaf_with_a_matching_dane_ee_record_passes(pki):
    result = dane.match_chain((record_for(pki.expired_leaf),), pki.chain(pki.expired_leaf), MX, NOW)
    assert result.matched


def test_dane_ee_ignores_the_names_in_the_certificate(pki):
    chain = pki.chain(pki.wrong_name_leaf)
    assert dane.match_chain((record_for(pki.wrong_name_leaf),), chain, MX, NOW).matched


def test_dane_ee_matches_a_self_signed_leaf(pki):
    chain = (pki.self_signed.der,)
    assert dane.match_chain((record_for(pki.self_signed),), chain, MX, NOW).matched


def test_dane_ee_does_not_match_an_intermediate(pki):
    record = record_for(pki.intermediate, usage=3)
    result = dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW)
    assert not result.matched


def test_dane_ta_with_the_root_in_the_chain_passes(pki):
    record = record_for(pki.root, 2, 0, 1)
    chain = pki.chain(pki.leaf, with_root=True)
    assert dane.match_chain((record,), chain, MX, NOW).matched


def test_dane_ta_digest_of_a_ca_the_server_omits_fails(pki):
    record = record_for(pki.root, 2, 1, 1)
    result = dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW)
    assert not result.matched
    assert result.detail == "dane_ta_anchor_not_found"


@pytest.mark.parametrize("selector", [0, 1])
def test_dane_ta_with_the_full_ca_key_in_the_record_works_when_the_server_omits_it(pki, selector):
    # RFC 7671 section 5.2.2: with matching type 0 the record itself carries the anchor.
    record = record_for(pki.root, 2, selector, 0)
    assert dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW).matched


def test_dane_ta_with_the_full_issuing_key_works_with_the_leaf_alone(pki):
    record = record_for(pki.intermediate, 2, 1, 0)
    assert dane.match_chain((record,), (pki.leaf.der,), MX, NOW).matched


def test_dane_ta_with_a_leaf_for_another_name_fails_on_the_name(pki):
    record = record_for(pki.intermediate, 2, 1, 1)
    result = dane.match_chain((record,), pki.chain(pki.wrong_name_leaf), MX, NOW)
    assert not result.matched
    assert result.detail == "dane_ta_name_mismatch"


def test_dane_ta_accepts_the_tlsa_base_domain_as_a_reference_name(pki):
    record = record_for(pki.intermediate, 2, 1, 1)
    names = ("mx.provider.nl", "mail.elders.nl")  # MX host, CNAME-expanded base domain
    assert dane.match_chain((record,), pki.chain(pki.wrong_name_leaf), names, NOW).matched


@pytest.mark.parametrize(
    ("leaf_attr", "names", "matched"),
    [
        ("wildcard_leaf", ("mx1.example.nl",), True),
        ("wildcard_leaf", ("example.nl",), False),
        ("wildcard_leaf", ("a.mx1.example.nl",), False),
        ("partial_wildcard_leaf", ("mx1.example.nl",), False),
    ],
)
def test_dane_ta_allows_a_wildcard_only_as_the_whole_left_most_label(
    pki, leaf_attr, names, matched
):
    leaf = getattr(pki, leaf_attr)
    record = record_for(pki.intermediate, 2, 1, 1)
    assert dane.match_chain((record,), pki.chain(leaf), names, NOW).matched is matched


def test_dane_ta_checks_the_expiry_of_the_leaf(pki):
    record = record_for(pki.intermediate, 2, 1, 1)
    result = dane.match_chain((record,), pki.chain(pki.expired_leaf), MX, NOW)
    assert (result.matched, result.detail) == (False, "dane_ta_certificate_expired")


def test_dane_ta_does_not_accept_a_chain_the_anchor_did_not_sign(pki):
    record = record_for(pki.other_root, 2, 0, 1)
    chain = (*pki.chain(pki.leaf), pki.other_root.der)
    result = dane.match_chain((record,), chain, MX, NOW)
    assert (result.matched, result.detail) == (False, "dane_ta_chain_invalid")


def test_dane_ta_full_key_of_an_unrelated_ca_does_not_match(pki):
    record = record_for(pki.other_root, 2, 1, 0)
    result = dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW)
    assert (result.matched, result.detail) == (False, "dane_ta_chain_invalid")


def test_dane_ta_record_matching_only_the_leaf_is_not_a_trust_anchor(pki):
    record = record_for(pki.leaf, 2, 1, 1)
    result = dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW)
    assert not result.matched


def test_dane_ta_verifies_rsa_signatures(pki):
    record = record_for(pki.rsa_root, 2, 1, 1)
    chain = (pki.rsa_leaf.der, pki.rsa_root.der)
    assert dane.match_chain((record,), chain, MX, NOW).matched


def test_a_chain_of_garbage_is_reported_not_raised(pki):
    result = dane.match_chain((record_for(pki.leaf),), (b"garbage",), MX, NOW)
    assert (result.matched, result.reason) == (False, "bad_certificate")


def test_no_chain_is_no_match(pki):
    assert dane.match_chain((record_for(pki.leaf),), (), MX, NOW).reason == "no_chain"


def test_the_record_to_publish_is_3_1_1_of_the_presented_leaf(pki):
    record = dane.tlsa_record_for(pki.chain(pki.leaf))
    assert record == record_for(pki.leaf, 3, 1, 1)
    assert dane.presentation(record).startswith("3 1 1 ")
    assert dane.match_chain((record,), pki.chain(pki.leaf), MX, NOW).matched


def test_no_record_to_publish_without_a_chain():
    assert dane.tlsa_record_for(()) is None
    assert dane.tlsa_record_for((b"junk",)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 1 1 ABCDEF", TlsaRecord(3, 1, 1, bytes.fromhex("abcdef"))),
        ("2 0 2 ab cd", TlsaRecord(2, 0, 2, bytes.fromhex("abcd"))),
    ],
)
def test_tlsa_presentation_format_parses(text, expected):
    assert dane.parse_tlsa(text) == expected


@pytest.mark.parametrize("text", ["3 1", "3 1 1 xyz", "300 1 1 ab", "", "a b c d"])
def test_bad_tlsa_presentation_format_raises_value_error(text):
    with pytest.raises(ValueError):
        dane.parse_tlsa(text)


def test_rollover_holds_with_a_second_dane_ee_for_the_next_key(pki):
    records = (record_for(pki.leaf), record_for(pki.leaf_next_key))
    assert dane.judge_rollover(records, [pki.leaf.der]).holds


def test_rollover_holds_with_a_dane_ta_beside_the_dane_ee(pki):
    records = (record_for(pki.leaf), record_for(pki.intermediate, 2, 1, 1))
    assert dane.judge_rollover(records, [pki.leaf.der]).holds


def test_rollover_fails_with_one_record(pki):
    result = dane.judge_rollover((record_for(pki.leaf),), [pki.leaf.der])
    assert (result.holds, result.reason) == (False, "rollover_single_record")


def test_rollover_fails_when_both_records_pin_the_current_certificate(pki):
    # 3 0 1 and 3 1 1 of one certificate: two records, both gone with the next key.
    records = (record_for(pki.leaf, 3, 0, 1), record_for(pki.leaf, 3, 1, 1))
    result = dane.judge_rollover(records, [pki.leaf.der])
    assert (result.holds, result.reason) == (False, "rollover_no_independent_record")


def test_rollover_does_not_count_unusable_records(pki):
    records = (record_for(pki.leaf), TlsaRecord(1, 1, 1, bytes(32)), TlsaRecord(3, 1, 1, b"x"))
    assert dane.judge_rollover(records, [pki.leaf.der]).reason == "rollover_single_record"


# --- digest agility (RFC 7671 section 9) -----------------------------------------------


def test_a_good_sha256_beside_a_stale_sha512_for_the_same_usage_and_selector_fails(pki):
    good = record_for(pki.leaf, 3, 1, 1)
    stale = record_for(pki.leaf_next_key, 3, 1, 2)
    result = dane.match_chain((good, stale), pki.chain(pki.leaf), MX, NOW)
    assert not result.matched
    assert result.detail == "digest_superseded"
    by_record = {c.record: c for c in result.records}
    assert by_record[dane.presentation(good)].reason == "digest_superseded"
    assert by_record[dane.presentation(stale)].reason == "leaf_mismatch"


def test_the_strongest_digest_matching_passes_beside_a_weaker_one(pki):
    weaker = record_for(pki.leaf_next_key, 3, 1, 1)
    strongest = record_for(pki.leaf, 3, 1, 2)
    result = dane.match_chain((weaker, strongest), pki.chain(pki.leaf), MX, NOW)
    assert result.matched
    assert result.matched_record == dane.presentation(strongest)


@pytest.mark.parametrize(
    "other",
    [
        pytest.param((3, 0, 2), id="another-selector"),
        pytest.param((2, 1, 2), id="another-usage"),
        pytest.param((3, 1, 0), id="full-is-no-digest"),
    ],
)
def test_digests_compete_only_within_one_usage_and_selector(pki, other):
    good = record_for(pki.leaf, 3, 1, 1)
    usage, selector, matching_type = other
    unrelated = record_for(pki.other_root, usage, selector, matching_type)
    result = dane.match_chain((good, unrelated), pki.chain(pki.leaf), MX, NOW)
    assert result.matched
    assert result.matched_record == dane.presentation(good)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(dane.TlsaRecord(3, 1, 2, b"\x01" * 32), id="sha512-of-32-bytes"),
        pytest.param(dane.TlsaRecord(3, 1, 2, b""), id="sha512-empty"),
        # A matching type no client supports is no digest a client could prefer.
        pytest.param(dane.TlsaRecord(3, 1, 3, b"\x01" * 64), id="unknown-matching-type"),
        pytest.param(dane.TlsaRecord(3, 1, 255, b"\x01" * 64), id="private-matching-type"),
    ],
)
def test_a_stronger_digest_that_is_unusable_does_not_supersede(pki, broken):
    # RFC 7671 section 9 picks the strongest digest among the records the client can use:
    # a malformed record or an unknown matching type is discarded first (as OpenSSL does
    # when it loads the RRset), so the good SHA-256 record still counts.
    good = record_for(pki.leaf, 3, 1, 1)
    assert dane.superseded_digests((good, broken)) == frozenset()
    result = dane.match_chain((good, broken), pki.chain(pki.leaf), MX, NOW)
    assert result.matched and result.matched_record == dane.presentation(good)


def test_a_superseded_digest_does_not_count_for_rollover(pki):
    current = record_for(pki.leaf, 3, 1, 2)
    next_weaker = record_for(pki.leaf_next_key, 3, 1, 1)
    rollover = dane.judge_rollover((current, next_weaker), (pki.leaf.der,))
    assert rollover == dane.Rollover(False, "rollover_single_record")
