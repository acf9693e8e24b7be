#!/bin/sh
# Healthy only when the resolver validates, as the scanner's pre-flight demands: a signed
# name comes back with the AD flag, and a name with a broken signature is refused
# (SERVFAIL). drill is ldnsutils' dig; `dig +dnssec` shows the same "ad" flag.
# The tests run this very script against the lab's resolver (other names, another port).
set -eu
resolver=${RESOLVER:-127.0.0.1}
port=${RESOLVER_PORT:-53}
signed_name=${SIGNED_NAME:-nlnetlabs.nl}
bogus_name=${BOGUS_NAME:-dnssec-failed.org}
signed=$(drill -D -p "$port" "$signed_name" @"$resolver" SOA) || { echo "no answer from $resolver"; exit 1; }
echo "$signed" | grep -Eq '^;; flags: .*\<ad\>' || { echo "no AD flag on $signed_name: not validating"; exit 1; }
bogus=$(drill -D -p "$port" "$bogus_name" @"$resolver" A || true)
echo "$bogus" | grep -q 'rcode: SERVFAIL' || { echo "$bogus_name was not refused: not validating"; exit 1; }
echo "validating"
