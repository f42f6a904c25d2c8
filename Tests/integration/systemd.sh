#!/usr/bin/env bash
# Checks the systemd units of deploy/systemd/ with `systemd-analyze verify` (no systemd runs
# here): each unit is installed into a scratch root next to a copy of the system's own units
# and a stand-in /usr/local/bin/eos, and must verify with status 0 and no output at all
# (verify reports unknown keys and bad values on stderr but still exits 0).
# EOS names the eos binary (default .build/release/eos), whose --help checks the units' options.
# Needs systemd-analyze (Debian package systemd, installed when missing). Ends "N passed, M failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
eos=${EOS:-$repo/.build/release/eos}
passed=0
failed=0
root=$(mktemp -d /tmp/eos-systemd.XXXXXX)

finish() {
    rm -rf "$root"
    echo "$passed passed, $failed failed"
}
trap finish EXIT

source "$(dirname "$0")/checks.sh"

if ! command -v systemd-analyze >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null \
        || { fail "install systemd (for systemd-analyze)"; exit 1; }
fi
units=$(systemd-analyze --system unit-paths | grep -m1 '^/usr/lib/systemd/system$\|^/lib/systemd/system$')
units=${units:-/lib/systemd/system}

mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system" "$root/usr/local/bin"
cp -a "$(readlink -f "$units")" "$root/usr/lib/systemd/system"
printf '#!/bin/sh\n' > "$root/usr/local/bin/eos" && chmod 755 "$root/usr/local/bin/eos"
cp "$repo"/deploy/systemd/*.service "$root/etc/systemd/system/"

# verify UNIT LABEL: status 0 and nothing printed.
verify() {
    local output
    output=$(systemd-analyze verify --root="$root" "$1" 2>&1)
    local status=$?
    if (( status == 0 )) && [[ -z $output ]]; then pass "$2"; else fail "$2: $output"; fi
}

verify eos-coordinator.service "eos-coordinator.service verifies cleanly"
verify eos-worker@1.service "eos-worker@.service verifies cleanly as instance 1"
verify eos-worker@gpu-a.service "eos-worker@.service verifies cleanly as instance gpu-a"

# The check itself must be able to fail: a misspelt key in a copy of the worker unit is reported.
sed 's/^Restart=always/Restrat=always/' "$repo/deploy/systemd/eos-worker@.service" \
    > "$root/etc/systemd/system/eos-broken@.service"
if systemd-analyze verify --root="$root" eos-broken@1.service 2>&1 | grep -q "Unknown key 'Restrat'"; then
    pass "a misspelt key is reported (the check can fail)"
else
    fail "a misspelt key went unreported"
fi
rm "$root/etc/systemd/system/eos-broken@.service"

# Every option an ExecStart passes is one its eos subcommand knows (the stand-in cannot check).
if [[ -x $eos ]]; then
    for unit in "$repo"/deploy/systemd/*.service; do
        line=$(grep '^ExecStart=' "$unit")
        command=$(awk '{print $2}' <<< "$line")
        help=$("$eos" "$command" --help 2>&1)
        for option in $(grep -o -- ' --[a-z-]*' <<< "$line"); do
            if grep -q -- "$option " <<< "$help"; then
                pass "$(basename "$unit"): eos $command knows $option"
            else
                fail "$(basename "$unit"): eos $command has no option $option"
            fi
        done
    done
else
    fail "no eos binary at $eos to check the ExecStart options (swift build -c release --product eos)"
fi
(( failed == 0 ))
