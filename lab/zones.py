"""Zone building and offline DNSSEC signing for the root, the lab TLD and every scenario.

Signing is done here (dnspython), not by the name server, so a scenario can be
broken on purpose: a corrupted signature (bogus), only the TLSA signature corrupted,
or signatures that expired. A server that signs by itself would repair them.
"""

import base64
import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dns.dnssec
import dns.name
import dns.rdatatype
import dns.rrset
import dns.transaction
import dns.zone
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from lab import addresses
from lab.pki import Authority, Issued, sha256_hex, sha512_hex, spare_spki
from lab.scenarios import TLD, Host, Scenario, Zone

TTL = 300
ALGORITHM = dns.dnssec.Algorithm.ECDSAP256SHA256
NS_NAME = f"ns1.{TLD}."


@dataclass(frozen=True)
class ZoneKey:
    """One combined signing key (flags 257) per zone; enough for a lab."""

    private: ec.EllipticCurvePrivateKey
    dnskey: dns.rdata.Rdata

    def ds(self, zone: str) -> str:
        return dns.dnssec.make_ds(zone, self.dnskey, "SHA256").to_text()

    def ldns_private(self) -> str:
        """The key in the BIND/ldns private-key format, for ldns-signzone."""
        scalar = self.private.private_numbers().private_value.to_bytes(32, "big")
        return (
            "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
            f"PrivateKey: {base64.b64encode(scalar).decode()}\n"
        )


@dataclass(frozen=True)
class Delegation:
    """A child zone below the TLD: its name and DS (None: unsigned, so insecure)."""

    name: str
    ds: str | None


@dataclass(frozen=True)
class BuiltZones:
    files: dict[str, Path]  # zone name (no trailing dot, "." for the root) -> zone file
    root_ds: str


def make_key() -> ZoneKey:
    private = ec.generate_private_key(ec.SECP256R1())
    dnskey = dns.dnssec.make_dnskey(private.public_key(), ALGORITHM, flags=257)
    return ZoneKey(private=private, dnskey=dnskey)


def soa_and_ns(origin: str) -> list[str]:
    serial = int(time.time())
    return [
        f"{origin} {TTL} IN SOA {NS_NAME} hostmaster.{TLD}. {serial} 3600 600 86400 {TTL}",
        f"{origin} {TTL} IN NS {NS_NAME}",
    ]


def _flip(signature: bytes) -> bytes:
    return bytes([signature[0] ^ 0xFF]) + signature[1:]


def sign(text: str, origin: str, key: ZoneKey, state: str = "signed") -> str:
    """Sign zone text and return the signed zone text; `state` may break it on purpose."""
    zone = dns.zone.from_text(text, origin, relativize=False)
    now = datetime.datetime.now(datetime.UTC)
    inception, expiration = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=30)
    if state == "expired":
        # RFC 4035 section 5.3.1: a signature outside its validity period is bogus.
        inception, expiration = now - datetime.timedelta(days=60), now - datetime.timedelta(days=30)
    signer_name = dns.name.from_text(origin)

    def rrset_signer(txn: dns.transaction.Transaction, rrset: dns.rrset.RRset) -> None:
        rrsig = dns.dnssec.sign(
            rrset,
            key.private,
            signer_name,
            key.dnskey,
            inception=inception,
            expiration=expiration,
            origin=signer_name,
        )
        corrupt = state == "bogus" or (state == "bogus_tlsa" and rrset.rdtype == dns.rdatatype.TLSA)
        if corrupt:
            rrsig = rrsig.replace(signature=_flip(rrsig.signature))
        txn.add(rrset.name, rrset.ttl, rrsig)

    dns.dnssec.sign_zone(
        zone, keys=[(key.private, key.dnskey)], dnskey_ttl=TTL, rrset_signer=rrset_signer
    )
    return zone.to_text(relativize=False)


def tlsa_rdata(symbolic: str, leaf: Issued, authority: Authority, spare: bytes) -> str:
    """Turn "3 1 1 leaf" into TLSA rdata text with the real digest (RFC 6698 section 2.1)."""
    usage, selector, matching, subject = symbolic.split()
    if subject == "leaf":
        data = leaf.leaf_der if selector == "0" else leaf.spki_der
    elif subject == "ca":
        data = authority.der if selector == "0" else _spki(authority)
    elif subject in ("next", "other"):
        data = spare
    else:
        raise ValueError(f"unknown TLSA subject {subject!r}")
    digest = {"0": data.hex(), "1": sha256_hex(data), "2": sha512_hex(data)}.get(
        matching, sha256_hex(data)
    )
    return f"{usage} {selector} {matching} {digest}"


def _spki(authority: Authority) -> bytes:
    return authority.cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def host_records(host: Host, leaf: Issued, authority: Authority) -> list[str]:
    lines = []
    if host.ipv4:
        lines.append(f"{host.name}. {TTL} IN A {host.ipv4}")
    if host.ipv6:
        lines.append(f"{host.name}. {TTL} IN AAAA {host.ipv6}")
    for symbolic in host.tlsa:
        spare = spare_spki()
        lines.append(
            f"_25._tcp.{host.name}. {TTL} IN TLSA {tlsa_rdata(symbolic, leaf, authority, spare)}"
        )
    return lines


def _txt(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scenario_records(scenario: Scenario) -> list[str]:
    d = scenario.domain
    lines = []
    for preference, host in scenario.mx:
        target = "." if host == "." else f"{host}."
        lines.append(f"{d}. {TTL} IN MX {preference} {target}")
    if not scenario.mx:
        lines.append(f"{d}. {TTL} IN A {addresses.NOWHERE}")
    for alias, target in scenario.cnames:
        lines.append(f"{alias}. {TTL} IN CNAME {target}.")
    for txt in scenario.mta_sts_txt:
        lines.append(f"_mta-sts.{d}. {TTL} IN TXT {_txt(txt)}")
    if scenario.mta_sts_address:
        lines.append(f"mta-sts.{d}. {TTL} IN A {scenario.mta_sts_address}")
    for txt in scenario.tls_rpt_txt:
        lines.append(f"_smtp._tls.{d}. {TTL} IN TXT {_txt(txt)}")
    return lines


def _zone_of(name: str, zone_names: Iterable[str]) -> str:
    candidates = [z for z in zone_names if name == z or name.endswith("." + z)]
    return max(candidates, key=len)


def build(
    directory: Path,
    scenarios: Iterable[Scenario],
    provider_zones: Iterable[Zone],
    certificates: dict[str, Issued],
    authority: Authority,
    extra: Iterable[Delegation] = (),
) -> BuiltZones:
    """Write signed zone files for the root, the TLD and every scenario/provider zone."""
    directory.mkdir(parents=True, exist_ok=True)
    scenarios = tuple(scenarios)
    states = {s.domain: s.zone_state for s in scenarios}
    states.update({z.name: z.state for z in provider_zones})
    records: dict[str, list[str]] = {name: [] for name in states}
    for s in scenarios:
        records[s.domain] += scenario_records(s)
        for host in s.hosts:
            records[_zone_of(host.name, states)] += host_records(
                host, certificates[host.name], authority
            )
    files: dict[str, Path] = {}
    delegations = list(extra)
    for name, state in states.items():
        text = "\n".join(soa_and_ns(f"{name}.") + sorted(set(records[name]))) + "\n"
        if state == "unsigned":
            delegations.append(Delegation(name, None))
        else:
            key = make_key()
            text = sign(text, f"{name}.", key, state)
            # ds_mismatch: the parent's DS is for a key the zone does not use.
            ds_key = make_key() if state == "ds_mismatch" else key
            delegations.append(Delegation(name, ds_key.ds(f"{name}.")))
        files[name] = directory / f"{name}.zone"
        files[name].write_text(text)

    tld_key = make_key()
    tld_lines = soa_and_ns(f"{TLD}.") + [f"{NS_NAME} {TTL} IN A {addresses.AUTHORITATIVE}"]
    for d in delegations:
        tld_lines.append(f"{d.name}. {TTL} IN NS {NS_NAME}")
        if d.ds:
            tld_lines.append(f"{d.name}. {TTL} IN DS {d.ds}")
    files[TLD] = directory / f"{TLD}.zone"
    files[TLD].write_text(sign("\n".join(tld_lines) + "\n", f"{TLD}.", tld_key))

    root_key = make_key()
    root_lines = soa_and_ns(".") + [
        f"{TLD}. {TTL} IN NS {NS_NAME}",
        f"{TLD}. {TTL} IN DS {tld_key.ds(TLD + '.')}",
        f"{NS_NAME} {TTL} IN A {addresses.AUTHORITATIVE}",
    ]
    files["."] = directory / "root.zone"
    files["."].write_text(sign("\n".join(root_lines) + "\n", ".", root_key))
    return BuiltZones(files=files, root_ds=f". {TTL} IN DS {root_key.ds('.')}")
