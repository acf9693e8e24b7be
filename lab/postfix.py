"""A real Postfix smtpd for one scenario: interop with a real MTA (own config dir, own master).

The instance has its own config directory STATE/postfix and its queue and data
directories under /var/spool/postfix-lab/<hash of STATE> (Postfix's daemons run as the
postfix user and must reach them, which a state directory in a private home might
not allow). It listens
only on its scenario's address, accepts no mail (every recipient is rejected) and
offers STARTTLS with a lab-CA certificate. Its master runs in the foreground
(`master -c DIR -d`), so the lab knows its pid; connections are logged by Postfix
itself in STATE/postfix.log, not in the lab's connection log.
"""

import hashlib
import shutil
import socket
import subprocess
from pathlib import Path

from lab import processes
from lab.pki import Issued
from lab.scenarios import Host

MASTER = "/usr/lib/postfix/sbin/master"
SPOOL = Path("/var/spool/postfix-lab")

MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
{smtp_services}cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def spool(state: Path) -> Path:
    """Queue and data directories for the instance of this state directory."""
    digest = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:12]
    return SPOOL / digest


def available() -> bool:
    return Path(MASTER).exists() and shutil.which("postfix") is not None


def _main_cf(state: Path, host: Host, issued: Issued) -> str:
    settings = {
        "compatibility_level": "3.6",
        "myhostname": host.name,
        "mydomain": host.name.split(".", 1)[1],
        "myorigin": "$myhostname",
        # Postfix insists that inet_interfaces are configured on an interface, which
        # 127.25.x.y is not (only routed to lo); the address goes on the service line.
        "inet_interfaces": "loopback-only",
        "inet_protocols": "all" if host.ipv6 else "ipv4",
        "mydestination": "",
        "relay_domains": "",
        "mynetworks": "",
        "local_recipient_maps": "",
        "alias_maps": "",
        "alias_database": "",
        "smtpd_relay_restrictions": "reject",
        "smtpd_recipient_restrictions": "reject",
        "queue_directory": f"{spool(state)}/queue",
        "data_directory": f"{spool(state)}/data",
        "maillog_file": f"{state}/postfix.log",
        "maillog_file_prefixes": str(state),
        "smtpd_banner": "$myhostname ESMTP Postfix (lab)",
        "smtpd_peername_lookup": "no",
        "smtpd_tls_security_level": "may",
        "smtpd_tls_chain_files": f"{issued.key_path}, {issued.chain_path}",
        "smtpd_tls_loglevel": "1",
        "smtpd_tls_session_cache_database": "",
        "smtputf8_enable": "no",
        "biff": "no",
        "disable_dns_lookups": "yes",
        "smtp_dns_support_level": "disabled",
    }
    return "".join(f"{key} = {value}\n" for key, value in settings.items())


def start(state: Path, host: Host, issued: Issued) -> processes.Started:
    directory = state / "postfix"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(spool(state), ignore_errors=True)
    (spool(state) / "queue").mkdir(parents=True, exist_ok=True)
    (spool(state) / "data").mkdir(parents=True, exist_ok=True)
    (directory / "main.cf").write_text(_main_cf(state, host, issued))
    services = "".join(
        f"{f'[{a}]' if ':' in a else a}:smtp inet n - n - - smtpd\n" for a in host.addresses
    )
    (directory / "master.cf").write_text(MASTER_CF.format(smtp_services=services))
    shutil.chown(spool(state) / "data", "postfix", "postfix")
    # Creates the queue's subdirectories with Postfix's owners and modes.
    done = subprocess.run(
        ["script", "-qec", f"postfix -c {directory} set-permissions", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        # Postfix reports to syslog unless stderr is a terminal, hence `script` above.
        raise RuntimeError(f"postfix set-permissions failed: {done.stdout.strip()[-500:]}")
    return processes.start(
        state,
        "postfix",
        [MASTER, "-c", str(directory), "-d"],
        str(directory),
        state / "postfix.out",
    )


def answers(host: Host) -> bool:
    """True when the smtpd greets with 220 on the host's first address."""
    try:
        with socket.create_connection((host.addresses[0], 25), timeout=1) as sock:
            return sock.recv(64).startswith(b"220 ")
    except OSError:
        return False
