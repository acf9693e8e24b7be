"""docker-compose.yml and the images it builds, checked without Docker (it does not run
on the build machine): pinned images, a healthcheck on every service, and a resolver
from Debian's unbound whose healthcheck demands validation. That healthcheck script runs
here against the lab's validating resolver and against a server that does not validate.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
HEALTHCHECK = ROOT / "deploy" / "unbound" / "healthcheck.sh"
# name:1.2 or name:1.2.3-variant; never a bare major version or "latest".
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?[\w.-]*(@sha256:[0-9a-f]{64})?$")


def _dockerfile_bases() -> list[str]:
    bases = []
    for dockerfile in (ROOT / "Dockerfile", ROOT / "deploy" / "unbound" / "Dockerfile"):
        bases += re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(encoding="utf-8"), re.M)
    return bases


def test_every_image_is_pinned_to_a_version():
    images = [s["image"] for s in SERVICES.values() if "image" in s] + _dockerfile_bases()
    assert len(images) >= 5
    for image in images:
        assert PINNED.match(image) or re.match(r"^debian:bookworm-\d{8}-slim$", image), image


def test_every_service_has_a_healthcheck():
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_the_application_waits_for_healthy_services():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert {d["condition"] for d in depends.values()} == {"service_healthy"}, name
        assert set(depends) == {"postgres", "redis", "unbound"}


def test_the_resolver_is_debians_unbound_in_an_image_of_our_own():
    unbound = SERVICES["unbound"]
    assert unbound["build"] == "deploy/unbound"
    dockerfile = (ROOT / "deploy" / "unbound" / "Dockerfile").read_text(encoding="utf-8")
    assert "apt-get install" in dockerfile and " unbound " in dockerfile
    assert unbound["healthcheck"]["test"] == ["CMD", "resolver-healthcheck"]
    assert "COPY healthcheck.sh /usr/local/bin/resolver-healthcheck" in dockerfile


def test_the_resolver_configuration_is_valid_unbound(tmp_path):
    anchor = tmp_path / "root.key"
    shutil.copy("/usr/share/dns/root.key", anchor)
    conf = (ROOT / "deploy" / "unbound" / "unbound.conf").read_text(encoding="utf-8")
    conf = conf.replace("/var/lib/unbound/root.key", str(anchor)).replace(
        'username: "unbound"', 'username: ""'
    )
    (tmp_path / "unbound.conf").write_text(conf, encoding="utf-8")
    check = subprocess.run(
        ["unbound-checkconf", str(tmp_path / "unbound.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def _healthcheck(resolver: str, port: int, signed: str, bogus: str):
    environment = {
        **os.environ,
        "RESOLVER": resolver,
        "RESOLVER_PORT": str(port),
        "SIGNED_NAME": signed,
        "BOGUS_NAME": bogus,
    }
    return subprocess.run(
        ["sh", str(HEALTHCHECK)], env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.lab
def test_the_resolver_healthcheck_passes_a_validating_resolver(lab):
    run = _healthcheck(
        lab.resolver,
        lab.resolver_port,
        lab.scenario("dane-ee").domain,
        lab.scenario("bogus-zone").domain,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "validating" in run.stdout


@pytest.mark.lab
def test_the_resolver_healthcheck_fails_a_server_that_does_not_validate(lab):
    # The lab's authoritative server answers, but sets no AD flag: not a validating resolver.
    run = _healthcheck(
        lab.authoritative,
        lab.resolver_port,
        lab.scenario("dane-ee").domain,
        lab.scenario("bogus-zone").domain,
    )
    assert run.returncode != 0
    assert "not validating" in run.stdout
