"""Every observation shape survives the one serialiser of what a scan stores
(measurement.evaluate.evidence) and pickling."""

import json
import pickle

from measurement.evaluate import evidence
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    MtaStsObservation,
    MxHost,
    MxObservation,
    Outcome,
    SmtpObservation,
    TlsaRecord,
    TlsRptObservation,
)


def answer(qname, rdtype, *records, status=DnssecStatus.SECURE):
    return DnsAnswer(
        qname,
        rdtype,
        "NOERROR",
        status,
        records=records,
        cname_chain=("x.test",),
        ede=((6, "bogus"),),
    )


def full_observation() -> DomainObservation:
    host = HostObservation(
        host="mx.d.test",
        a=answer("mx.d.test", "A", "192.0.2.1"),
        aaaa=answer("mx.d.test", "AAAA", status=DnssecStatus.INSECURE),
        tlsa=answer("_25._tcp.mx.d.test", "TLSA", "3 1 1 abcd"),
        tlsa_base_domain="mx.d.test",
        tlsa_records=(TlsaRecord(3, 1, 1, b"\xab\xcd\x00\xff"),),
    )
    return DomainObservation(
        domain="d.test",
        mx=MxObservation(
            domain="d.test",
            answer=answer("d.test", "MX", "10 mx.d.test."),
            hosts=(MxHost(10, "mx.d.test"),),
            skipped=2,
            untestable_hosts=("localhost",),
        ),
        hosts=(host,),
        mta_sts=MtaStsObservation(
            domain="d.test",
            txt=answer("_mta-sts.d.test", "TXT", "v=STSv1; id=1"),
            policy_url="https://mta-sts.d.test/.well-known/mta-sts.txt",
            fetch_outcome=Outcome.OK,
            http_status=200,
            policy_text="version: STSv1\r\nmode: enforce\r\n",
            chain=(b"\x30\x82leaf", b"\x30\x82ca"),
        ),
        tls_rpt=TlsRptObservation("d.test", answer("_smtp._tls.d.test", "TXT")),
        probes=(
            SmtpObservation(
                host="mx.d.test",
                address="192.0.2.1",
                outcome=Outcome.OK,
                starttls_offered=True,
                tls_version="TLSv1.3",
                chain=(b"\x00\x01",),
                transcript=("S: 220 hi",),
                attempts=2,
            ),
        ),
    )


def test_a_domain_observation_survives_a_json_round_trip():
    original = full_observation()
    text = evidence.encode(original)
    assert evidence.convert(json.loads(text), DomainObservation) == original
    assert json.loads(text) == json.loads(json.dumps(evidence.to_builtins(original)))


def test_enums_bytes_and_nested_tuples_come_back_with_their_types():
    back = evidence.convert(evidence.to_builtins(full_observation()), DomainObservation)
    assert back.probes[0].outcome is Outcome.OK
    assert back.hosts[0].a.status is DnssecStatus.SECURE
    assert back.hosts[0].tlsa_records[0].data == b"\xab\xcd\x00\xff"
    assert back.mx.answer.ede == ((6, "bogus"),)
    assert isinstance(back.mx.answer.ede[0], tuple)


def test_optional_fields_left_empty_stay_none():
    obs = DomainObservation("d.test", MxObservation("d.test", answer("d.test", "MX")))
    back = evidence.convert(evidence.to_builtins(obs), DomainObservation)
    assert back.mta_sts is None and back.tls_rpt is None
    probe = SmtpObservation("h", "a", Outcome.TIMEOUT)
    assert evidence.convert(evidence.to_builtins(probe), SmtpObservation).starttls_offered is None


def test_unknown_keys_are_ignored_and_missing_ones_take_defaults():
    data = {"host": "h", "address": "a", "outcome": "refused", "added_later": 1}
    assert evidence.convert(data, SmtpObservation) == SmtpObservation("h", "a", Outcome.REFUSED)


def test_a_stored_probe_that_does_not_fit_reads_as_none_and_is_logged(caplog):
    assert evidence.convert({"host": "h", "outcome": "refused"}, SmtpObservation) is None
    assert evidence.convert({"host": "h", "address": "a", "outcome": "?"}, SmtpObservation) is None
    assert "does not fit" in caplog.text


def test_a_nul_from_a_hostile_server_is_stored_as_text():
    probe = SmtpObservation(
        host="mx.example.nl",
        address="192.0.2.1",
        outcome=Outcome.PROTOCOL_ERROR,
        banner="\x00\x00garbage",
        transcript=("S: \x00",),
    )
    data = evidence.to_builtins(probe)
    assert data["banner"] == "\\x00\\x00garbage"
    assert data["transcript"] == ["S: \\x00"]
    assert data["outcome"] == "protocol_error"
    assert "\\u0000" not in evidence.encode(probe)
    assert json.loads(evidence.encode(probe)) == data


def test_a_domain_observation_survives_pickling_with_shared_objects_kept_shared():
    observation = full_observation()
    twice = [observation, observation.hosts[0]]
    back = pickle.loads(pickle.dumps(twice, protocol=pickle.HIGHEST_PROTOCOL))
    assert back[0] == observation
    assert back[0].hosts[0] is back[1]
    assert type(back[0].probes[0].outcome) is Outcome
