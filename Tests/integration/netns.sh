#!/usr/bin/env bash
# A multi-machine sweep with CURVE over a real network: three network namespaces stand for three
# hosts on one switch (a fourth namespace holding a bridge), with addresses 10.231.0.0/24 that
# exist only inside them and no route out. The coordinator runs on host c (10.231.0.1), one
# worker on each of w1 (.2) and w2 (.3). Checked:
#   - a worker whose key is not in the allow-list is refused (journaled) and exits on silence;
#   - w2's link is cut (`ip link set … down` on its switch port) mid-task: its lease expires, the
#     task is leased again and finished by w1;
#   - the link comes back: w2 rejoins (it reconnects, hands in what it held, takes new tasks);
#   - the sweep completes: every task done, nothing failed, and the cut cost one attempt only
#     (no TASK lost across w2's reconnects).
# Needs root, iproute2, python3 and a release build (swift build -c release --product eos, or
# EOS=path). Deletes its namespaces and kills what it started, by PID, even on failure.
# Ends with "N passed, M failed"; exit status 0 only when nothing failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
eos=${EOS:-$repo/.build/release/eos}
tag=eos$$
switch=$tag-sw
hosts=(c w1 w2)
declare -A address=([c]=10.231.0.1 [w1]=10.231.0.2 [w2]=10.231.0.3)
declare -A port=([c]=p1 [w1]=p2 [w2]=p3)
pids=()
passed=0
failed=0
base=$(mktemp -d /tmp/eos-netns.XXXXXX)
started=$SECONDS

source "$(dirname "$0")/checks.sh"

cleanup() {
    set +e
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        wait_for 10 eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null
    done
    for name in "${hosts[@]}"; do ip netns del "$tag-$name" 2>/dev/null; done
    ip netns del "$switch" 2>/dev/null
    if (( failed > 0 )); then
        for log in "$base"/*.log; do [[ -f $log ]] && { echo "--- $log (last 30 lines)"; tail -n 30 "$log"; }; done
    fi
    rm -rf "$base"
    echo "netns.sh: $((SECONDS - started)) s"
    echo "$passed passed, $failed failed"
}
trap cleanup EXIT
trap 'fail "interrupted by a signal"; exit 130' INT TERM

if (( EUID != 0 )); then fail "needs root (network namespaces)"; exit 1; fi
if [[ ! -x $eos ]]; then fail "no eos binary at $eos: swift build -c release --product eos"; exit 1; fi
for tool in ip python3; do command -v $tool >/dev/null || { fail "needs $tool"; exit 1; }; done

# ---- Three hosts on one switch (docs/ARCHITECTURE.md §8) ----
ip netns add "$switch" && ip -n "$switch" link add br0 type bridge && ip -n "$switch" link set br0 up \
    || { fail "create the switch namespace"; exit 1; }
for name in "${hosts[@]}"; do
    ns=$tag-$name
    ip netns add "$ns" &&
        ip -n "$switch" link add "${port[$name]}" type veth peer name eth0 netns "$ns" &&
        ip -n "$switch" link set "${port[$name]}" master br0 &&
        ip -n "$switch" link set "${port[$name]}" up &&
        ip -n "$ns" link set lo up &&
        ip -n "$ns" addr add "${address[$name]}/24" dev eth0 &&
        ip -n "$ns" link set eth0 up || { fail "create host $name"; exit 1; }
done
# reachable FROM TO: a TCP SYN from host FROM gets an answer from host TO (an accept or, with no
# listener on port 9, a reset) within a second; a cut link answers nothing.
reachable() {
    ip netns exec "$tag-$1" python3 -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], 9), timeout=1).close()
except ConnectionRefusedError:
    pass
except OSError:
    sys.exit(1)' "${address[$2]}"
}
check "w1 and w2 reach c over the switch" wait_for 10 eval "reachable w1 c && reachable w2 c"
check "no host has a route out of the switch" test -z "$(for n in "${hosts[@]}"; do ip -n "$tag-$n" route show default; done)"

# ---- Keys as deploy/CURVE.md lays them out: one folder per host ----
cd "$base" || exit 1
"$eos" keys generate --name coordinator --out c/keys >/dev/null
mkdir -p c/keys/allowed
for name in w1 w2; do
    "$eos" keys generate --name worker --out "$name/keys" >/dev/null
    cp "$name/keys/worker.pub" "c/keys/allowed/$name.pub"
    cp c/keys/coordinator.pub "$name/keys/"
done
"$eos" keys generate --name worker --out intruder/keys >/dev/null
cp c/keys/coordinator.pub intruder/keys/

# Eight tasks of a few seconds each on the bundled digits (60000 steps of a tiny MLP: long
# enough that a task is still running when the link is cut, even on a fast machine).
cat > spec.toml <<'EOF'
[sweep]
name = "netns"
heartbeat_interval = 0.5
liveness = 4
checkpoint_every = 300
[sweep.grid]
"train.lr" = [0.02, 0.05, 0.1, 0.2]
"model.width" = [8, 16]
[data]
name = "digits"
n = 200
[model]
depth = 2
activation = "tanh"
[train]
steps = 60000
[sharpness]
every = 0
EOF
journal=$base/c/out/journal.sqlite
sql() {
    python3 - "$journal" "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}
count() { [[ -f $journal ]] && sql "$1" | head -n 1; }
positive() { local n; n=$(count "$1"); [[ -n $n ]] && (( n > 0 )); }

# start HOST LOG COMMAND...: runs an eos command inside HOST's namespace, in HOST's folder.
start() {
    local host=$1 log=$2; shift 2
    (cd "$base/$host" && exec ip netns exec "$tag-$host" "$eos" "$@") > "$base/$log" 2>&1 &
    pids+=($!)
}
endpoint=tcp://${address[c]}:5555
start c coordinator.log coordinator ../spec.toml --bind "$endpoint" --out out \
    --curve-secret keys/coordinator.key --curve-allow keys/allowed
coordinator=${pids[-1]}
check "the coordinator binds ${address[c]}:5555 inside c" wait_for 20 positive "SELECT count(*) FROM task"

# ---- An unknown key is refused ----
mkdir -p "$base/w1/intruder-out"
(cd "$base" && exec ip netns exec "$tag-w1" "$eos" worker --connect "$endpoint" --out w1/intruder-out \
    --silence-timeout 3 --curve-secret intruder/keys/worker.key --curve-server intruder/keys/coordinator.pub) \
    > "$base/intruder.log" 2>&1
intruder_status=$?
check "a worker with a key not in the allow-list exits on silence (status 3)" test "$intruder_status" = 3
refused_without_task() {
    positive "SELECT count(*) FROM event WHERE kind = 'worker_refused'" &&
        [[ $(count "SELECT count(*) FROM task WHERE state <> 'queued'") == 0 ]]
}
check "its refusal is journaled (worker_refused) and it got no task" refused_without_task

# ---- Two workers; w2's link is cut mid-task ----
for name in w1 w2; do
    start "$name" "$name.log" worker --connect "$endpoint" --out out --silence-timeout 120 \
        --curve-secret keys/worker.key --curve-server keys/coordinator.pub
done
w1_name=$(hostname -s)-${pids[-2]}
w2_name=$(hostname -s)-${pids[-1]}
w2_task() { sql "SELECT key FROM task WHERE state = 'leased' AND worker = '$w2_name'"; }
both_hold_a_task() { [[ $(count "SELECT count(DISTINCT worker) FROM task WHERE state = 'leased'") == 2 && -n $(w2_task) ]]; }
check "both workers hold a task" wait_for 60 both_hold_a_task
cut_task=$(w2_task)
if [[ -n $cut_task ]]; then
    sleep 1
    cut_at=$(date +%s.%N)
    check "cut w2's link (${port[w2]} down on the switch)" ip -n "$switch" link set "${port[w2]}" down
    check "w2 is unreachable" eval '! reachable c w2'
    check "w2's lease expires" wait_for 30 positive \
        "SELECT count(*) FROM event WHERE kind = 'lease_expired' AND task_key = '$cut_task'"
    check "its task is leased again, to w1, and finished by w1" wait_for 120 positive \
        "SELECT count(*) FROM event WHERE kind = 'task_completed' AND task_key = '$cut_task' AND worker = '$w1_name'"
    restored_at=$(date +%s.%N)
    check "restore w2's link" ip -n "$switch" link set "${port[w2]}" up
    check "w2 rejoins: it asks for work again" wait_for 90 positive \
        "SELECT count(*) FROM event WHERE kind = 'worker_joined' AND worker = '$w2_name' AND time > $restored_at"
    check "w2 takes and finishes a new task after rejoining" wait_for 120 positive \
        "SELECT count(*) FROM event WHERE kind = 'task_completed' AND worker = '$w2_name' AND time > $restored_at"
    check "w2 completed nothing while cut off" test "$(count \
        "SELECT count(*) FROM event WHERE kind = 'task_completed' AND worker = '$w2_name' AND time BETWEEN $cut_at AND $restored_at")" = 0
fi

# ---- The sweep completes ----
check "the coordinator finishes the sweep within 240 s" exits_within 240 "$coordinator"
wait "$coordinator"
check "coordinator exit status 0" test $? = 0
check "journal: 8 tasks, all done" test "$(count "SELECT count(*) FROM task WHERE state = 'done'"):$(count \
    "SELECT count(*) FROM task")" = 8:8
check "journal: the cut task's expired lease counted an attempt (2 in all)" test \
    "$(sql "SELECT attempts FROM task WHERE key = '$cut_task'")" = 2
# The cut costs that one attempt and nothing else: no TASK is lost across w2's reconnects (a
# READY that waited on a socket w2 abandoned gets no task or hands its TASK to w2's newest
# connection, by the session token and connection number in READY; docs/ARCHITECTURE.md §4).
check "journal: every other task took one attempt" test \
    "$(count "SELECT count(*) FROM task WHERE attempts <> 1 AND key <> '$cut_task'")" = 0
check "journal: 9 leases in all (8 tasks + the cut task's second)" test \
    "$(count "SELECT count(*) FROM event WHERE kind = 'task_leased'")" = 9
for i in 1 2; do
    pid=${pids[$i]}
    check "worker w$i exits with status 0 (told the sweep is finished)" exits_within 30 "$pid"
    wait "$pid"
    status=$?
    check "worker w$i exit status 0" test "$status" = 0
done
(( failed == 0 ))
