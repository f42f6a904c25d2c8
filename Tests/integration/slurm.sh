#!/usr/bin/env bash
# The Slurm deployment against a real Slurm: installs Debian's Slurm and munge when missing,
# brings up a one-node cluster on this machine (everything under one scratch folder, daemons on
# 127.0.0.1 ports 26817/26818), and checks, with tiny sweeps on the bundled digits:
#   1. deploy/slurm/eos-sweep.sbatch (coordinator + `srun` workers, CURVE on loopback) completes a
#      sweep: every task done in one attempt, by both workers;
#   2. the same script, requeued mid-sweep (`scontrol requeue`): the re-run finishes the sweep, the
#      tasks done before the requeue are not run again, the interrupted ones cost no attempt and
#      continue from their checkpoints;
#   3. deploy/slurm/eos-workers.sbatch (a job array of workers dialing out with CURVE to a
#      coordinator outside Slurm): one array task cancelled and the other requeued mid-task,
#      the sweep still completes with every task done in one attempt.
# Needs root (Slurm runs as root here) and a release build: swift build -c release --product eos
# (or EOS=path/to/eos). Cleans up every daemon and job it started, by PID, even on failure.
# Ends with "N passed, M failed"; exit status 0 only when nothing failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
eos=${EOS:-$repo/.build/release/eos}
node=$(hostname -s)
passed=0
failed=0
coordinator_pid=
base=$(mktemp -d /tmp/eos-slurm.XXXXXX)
chmod 755 "$base"
export SLURM_CONF=$base/slurm.conf
started=$SECONDS

source "$(dirname "$0")/checks.sh"
# A running daemon's pid from its pid file, or nothing.
pid_of() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null && cat "$1"; }
# stop_pid PID SECONDS: SIGTERM, then SIGKILL after SECONDS.
stop_pid() {
    [[ -n $1 ]] || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    wait_for "$2" eval "! kill -0 $1 2>/dev/null" || kill -KILL "$1" 2>/dev/null
}

cleanup() {
    set +e
    if [[ -n $(pid_of "$base/run/slurmctld.pid") ]]; then
        scancel --full --quiet --user=root 2>/dev/null
        wait_for 40 eval '[[ -z $(squeue -h 2>/dev/null) ]]'
        scontrol shutdown >/dev/null 2>&1
    fi
    stop_pid "$coordinator_pid" 10
    for file in slurmd slurmctld; do stop_pid "$(pid_of "$base/run/$file.pid")" 15; done
    # Job steps outlive slurmd: end whatever still runs from this scratch folder.
    for proc in /proc/[0-9]*; do
        if { tr '\0' ' ' < "$proc/cmdline"; } 2>/dev/null | grep -qF "$base"; then kill -KILL "${proc#/proc/}" 2>/dev/null; fi
    done
    if [[ -S $base/run/munge.socket ]]; then munged -s -S "$base/run/munge.socket" >/dev/null 2>&1; fi
    stop_pid "$(pid_of "$base/run/munged.pid")" 5
    if (( failed > 0 )) && [[ -d $base/log ]]; then
        for log in "$base"/log/*.log "$base"/*/*.log; do
            [[ -f $log ]] && { echo "--- $log (last 30 lines)"; tail -n 30 "$log"; }
        done
        for journal in "$base"/*/out/journal.sqlite; do
            [[ -f $journal ]] && { echo "--- $journal: tasks"; sql "$journal" "SELECT key, state, attempts FROM task"; }
        done
    fi
    rm -rf "$base"
    echo "slurm.sh: $((SECONDS - started)) s"
    echo "$passed passed, $failed failed"
}
trap cleanup EXIT
trap 'fail "interrupted by a signal"; exit 130' INT TERM

if (( EUID != 0 )); then fail "needs root (a one-node Slurm runs as root)"; exit 1; fi
if [[ ! -x $eos ]]; then fail "no eos binary at $eos: swift build -c release --product eos"; exit 1; fi
export PATH=$PATH:/usr/sbin:/sbin
missing=0
for tool in slurmctld slurmd sbatch munged mungekey python3; do command -v "$tool" >/dev/null || missing=1; done
if (( missing )); then
    packages=(slurmctld slurmd slurm-client munge python3)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; } \
        || { fail "install ${packages[*]}"; exit 1; }
fi

# ---- A one-node cluster (docs/ARCHITECTURE.md §8) ----
mkdir -p "$base"/{munge,run,state,spool,log}
chmod 700 "$base/munge"
cat > "$SLURM_CONF" <<EOF
ClusterName=eosci
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=26817
SlurmdPort=26818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$base/run/munge.socket,cred_expire=10
MailProg=/bin/true
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/run/slurmctld.pid
SlurmdPidFile=$base/run/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=1
MpiDefault=none
ReturnToService=1
SlurmdTimeout=30
MinJobAge=600
KillWait=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
mungekey -c -k "$base/munge/munge.key" >/dev/null 2>&1
munged -S "$base/run/munge.socket" --key-file="$base/munge/munge.key" --pid-file="$base/run/munged.pid" \
    --log-file="$base/log/munged.log" --seed-file="$base/munge/munged.seed" \
    || { fail "munged starts"; exit 1; }
slurmctld -f "$SLURM_CONF" -i || { fail "slurmctld starts"; exit 1; }
slurmd -f "$SLURM_CONF" -N "$node" || { fail "slurmd starts"; exit 1; }
node_idle() { [[ $(sinfo -h -n "$node" -o %t 2>/dev/null) == idle ]]; }
check "the one-node Slurm cluster comes up (node $node idle)" wait_for 60 node_idle
(( failed == 0 )) || exit 1

# ---- Helpers on sweeps and journals ----
# write_spec FILE NAME STEPS LRS: a tiny digits sweep, lr × width {8, 16}, one task ≈ STEPS steps.
write_spec() {
    cat > "$1" <<EOF
[sweep]
name = "$2"
heartbeat_interval = 0.5
liveness = 10
checkpoint_every = 300
[sweep.grid]
"train.lr" = $4
"model.width" = [8, 16]
[data]
name = "digits"
n = 200
[model]
depth = 2
activation = "tanh"
[train]
steps = $3
[sharpness]
every = 0
EOF
}
# seed_dataset_cache OUT: puts the sweeps' dataset into OUT/datasets/<sha256>.safetensors before
# any worker starts. Works around a race outside deploy/: workers sharing an --out that write the
# same new cache file at once (RunDirectory.write's fixed ".NAME.partial" temporary) can fail a
# task with "cannot write", costing it an attempt; these checks are about Slurm, not that race.
seed_dataset_cache() {
    if [[ ! -f $base/seed/data.safetensors ]]; then
        printf '[data]\nname = "digits"\nn = 200\n[train]\nsteps = 1\n[sharpness]\nevery = 0\n' > "$base/seed.toml"
        "$eos" run "$base/seed.toml" --out "$base/seed" >/dev/null 2>&1
    fi
    mkdir -p "$1/datasets"
    cp "$base/seed/data.safetensors" "$1/datasets/$(sha256sum < "$base/seed/data.safetensors" | cut -d' ' -f1).safetensors"
}
# sql JOURNAL QUERY: rows as text, fields joined by '|'.
sql() {
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}
count() { sql "$1" "$2" | head -n 1; }
job_gone() { [[ -z $(squeue -h -j "$1" 2>/dev/null) ]]; }
job_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2; }
job_exit() { scontrol show job "$1" 2>/dev/null | grep -o ' ExitCode=[0-9:]*' | head -n 1 | cut -d= -f2; }
journal_has() { [[ -f $1 ]] && (( $(count "$1" "$2") > 0 )); }
# every_task_done JOURNAL N: N tasks, all done, each in exactly one attempt.
every_task_done() {
    [[ $(count "$1" "SELECT count(*) FROM task WHERE state = 'done' AND attempts = 1") == "$2" &&
        $(count "$1" "SELECT count(*) FROM task") == "$2" ]]
}
export EOS=$eos

# ---- 1. eos-sweep.sbatch: a whole sweep in one allocation, CURVE on loopback ----
one=$base/one
mkdir -p "$one" && cd "$one" || exit 1
write_spec spec.toml slurm-one 300 "[0.1, 0.2]"
seed_dataset_cache out
job=$(EOS_CURVE=on EOS_HOST=127.0.0.1 EOS_PORT=25801 sbatch --parsable --ntasks=2 --cpus-per-task=1 \
    --output="$one/job.log" "$repo/deploy/slurm/eos-sweep.sbatch" spec.toml out)
check "sbatch eos-sweep.sbatch is accepted (job $job)" test -n "$job"
check "job $job ends within 180 s" wait_for 180 job_gone "$job"
check "job $job COMPLETED with exit code 0:0" test "$(job_state "$job"):$(job_exit "$job")" = "COMPLETED:0:0"
check "journal: all 4 tasks done, each in one attempt" every_task_done out/journal.sqlite 4
check "journal: both srun workers joined and ran tasks" test "$(count out/journal.sqlite \
    "SELECT count(DISTINCT worker) FROM event WHERE kind = 'task_completed'")" = 2
check "CURVE: key pairs made in out/keys, secret keys mode 600" \
    test "$(stat -c %a out/keys/coordinator.key out/keys/worker.key | sort -u)" = 600
check "CURVE: the coordinator accepted the workers' key" grep -q "accepted worker key worker" job.log
check "export: 4 rows done,1,completed" test "$("$eos" export out/journal.sqlite --format csv | grep -c ',done,1,completed,')" = 4

# ---- 2. eos-sweep.sbatch requeued mid-sweep ----
two=$base/two
mkdir -p "$two" && cd "$two" || exit 1
write_spec spec.toml slurm-requeue 60000 "[0.05, 0.1]"
seed_dataset_cache out
job=$(EOS_PORT=25802 sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$two/job.log" \
    "$repo/deploy/slurm/eos-sweep.sbatch" spec.toml out)
one_done_one_running() {
    journal_has out/journal.sqlite "SELECT count(*) FROM task WHERE state = 'done'" &&
        journal_has out/journal.sqlite "SELECT count(*) FROM task WHERE state = 'leased'"
}
if check "job $job: a task done and another running" wait_for 240 one_done_one_running; then
    sleep 1 # let the running task get past its first steps
    before=$(sql out/journal.sqlite "SELECT key, received FROM task WHERE summary_json IS NOT NULL ORDER BY key")
    check "scontrol requeue $job mid-sweep" scontrol requeue "$job"
    check "job $job runs again and ends within 300 s" wait_for 300 eval \
        "grep -q 'run 2 on' job.log && job_gone $job"
    check "job $job COMPLETED with exit code 0:0 after the requeue" \
        test "$(job_state "$job"):$(job_exit "$job")" = "COMPLETED:0:0"
    check "journal: all 4 tasks done, each in one attempt (the requeue cost none)" every_task_done out/journal.sqlite 4
    after=$(sql out/journal.sqlite "SELECT key, received FROM task WHERE summary_json IS NOT NULL ORDER BY key")
    check "journal: the $(wc -l <<< "$before") result(s) recorded before the requeue are kept as they were" \
        test -z "$(grep -Fxv -f <(printf '%s\n' "$after") <<< "$before")"
    check "journal: tasks done before the requeue were leased only once" test -z "$(sql out/journal.sqlite \
        "SELECT task_key FROM event WHERE kind = 'task_leased' AND task_key IN ($(cut -d'|' -f1 <<< "$before" | sed "s/.*/'&'/" | paste -sd,))
         GROUP BY task_key HAVING count(*) > 1")"
    check "journal: the running tasks were given back" journal_has out/journal.sqlite \
        "SELECT count(*) FROM event WHERE kind = 'task_given_back'"
    check "journal: no lease expired, no attempt failed" test "$(count out/journal.sqlite \
        "SELECT count(*) FROM event WHERE kind IN ('lease_expired', 'attempt_failed', 'task_failed')")" = 0
    check "journal: an interrupted task continued from its checkpoint" journal_has out/journal.sqlite \
        "SELECT count(*) FROM task WHERE resumed_from_checkpoint = 1"
fi

# ---- 3. eos-workers.sbatch: a job array dialing out to a coordinator outside Slurm ----
three=$base/three
mkdir -p "$three" && cd "$three" || exit 1
write_spec spec.toml slurm-array 60000 "[0.05, 0.1, 0.2]"
seed_dataset_cache work
# The key layout of deploy/CURVE.md: coordinator side and the cluster's worker side.
"$eos" keys generate --name coordinator --out coordinator-keys >/dev/null
"$eos" keys generate --name worker --out cluster-keys >/dev/null
mkdir -p coordinator-keys/allowed
cp cluster-keys/worker.pub coordinator-keys/allowed/cluster.pub
cp coordinator-keys/coordinator.pub cluster-keys/
"$eos" coordinator spec.toml --bind tcp://127.0.0.1:25803 --out out \
    --curve-secret coordinator-keys/coordinator.key --curve-allow coordinator-keys/allowed > coordinator.log 2>&1 &
coordinator_pid=$!
array=$(EOS_OUT="$three/work" EOS_SILENCE_TIMEOUT=20 sbatch --parsable --array=0-1 --cpus-per-task=1 \
    --output="$three/array-%a.log" "$repo/deploy/slurm/eos-workers.sbatch" tcp://127.0.0.1:25803 "$three/cluster-keys")
both_running() {
    [[ -f out/journal.sqlite && $(count out/journal.sqlite "SELECT count(*) FROM task WHERE state = 'leased'") == 2 ]]
}
if check "array $array: both workers hold a task" wait_for 120 both_running; then
    sleep 1
    check "scancel ${array}_1 mid-task" scancel "${array}_1"
    check "scontrol requeue ${array}_0 mid-task" scontrol requeue "${array}_0"
    check "the coordinator finishes the sweep (exit 0) within 300 s" exits_within 300 "$coordinator_pid"
    wait "$coordinator_pid"
    check "coordinator exit status 0" test $? = 0
    coordinator_pid=
    check "journal: all 6 tasks done, each in one attempt" every_task_done out/journal.sqlite 6
    check "journal: both interrupted tasks were given back on SIGTERM" test "$(count out/journal.sqlite \
        "SELECT count(*) FROM event WHERE kind = 'task_given_back' AND detail = 'SIGTERM'")" -ge 2
    check "array task 0 ran twice (requeued) and COMPLETED 0:0" eval \
        "grep -q 'run 2 on' array-0.log && wait_for 60 job_gone ${array}_0 && [[ \$(job_state ${array}_0):\$(job_exit ${array}_0) == COMPLETED:0:0 ]]"
    check "array task 1 is CANCELLED" test "$(job_state "${array}_1")" = CANCELLED
fi
cd "$base" || exit 1
(( failed == 0 ))
