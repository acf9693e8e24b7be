"""docker-compose.yml and the images it builds, checked without Docker (it does not run
on the build machine): pinned images, a healthcheck on every service, and a resolver
from Debian's unbound whose healthcheck is the scanner's resolver pre-flight. That very
command runs here against the lab's validating resolver and a server that does not validate.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
# name:1.2 or name:1.2.3-variant; never a bare major version or "latest".
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?[\w.-]*(@sha256:[0-9a-f]{64})?$")


def _dockerfile_bases() -> list[str]:
    bases = []
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for base in re.findall(r"^FROM\s+(\S+)", text, re.M):
        if base != "app":  # a stage of this Dockerfile
            bases.append(base)
    return bases


def test_every_image_is_pinned_to_a_version():
    images = [s["image"] for s in SERVICES.values() if "image" in s] + _dockerfile_bases()
    assert len(images) >= 3
    for image in images:
        assert PINNED.match(image), image


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
    assert unbound["build"] == {"context": ".", "target": "resolver"}
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    resolver_stage = dockerfile.split("AS resolver", 1)[1]
    assert "apt-get install" in resolver_stage and " unbound " in resolver_stage
    assert "COPY deploy/unbound/unbound.conf /etc/unbound/unbound.conf" in resolver_stage
    assert unbound["healthcheck"]["test"][1:4] == ["python", "-m", "measurement.probe.preflight"]


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


def _healthcheck(address: str, port: int) -> subprocess.CompletedProcess:
    """The resolver service's healthcheck command as compose runs it, aimed at `address`."""
    command = [c for c in SERVICES["unbound"]["healthcheck"]["test"][1:] if c != "127.0.0.1"]
    command[0] = sys.executable
    return subprocess.run(
        [*command, address, "--port", str(port)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("SCANNER_")},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.lab
def test_the_resolver_healthcheck_passes_a_validating_resolver(lab):
    run = _healthcheck(lab.resolver, lab.resolver_port)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.lab
def test_the_resolver_healthcheck_fails_a_server_that_does_not_validate(lab):
    # The lab's authoritative server answers, but sets no AD bit: not a validating resolver.
    run = _healthcheck(lab.authoritative, lab.resolver_port)
    assert run.returncode == 1
    assert run.stderr.strip()
