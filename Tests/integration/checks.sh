# Shared by the integration scripts (sourced, not run): counting checks and waiting.
# The sourcing script sets passed=0 failed=0 and prints "$passed passed, $failed failed" at exit.

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
# check LABEL COMMAND...: one test.
check() { local label=$1; shift; if "$@"; then pass "$label"; else fail "$label"; fi; }
# wait_for SECONDS COMMAND...: polls every 0.5 s; false on timeout.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do (( SECONDS < deadline )) || return 1; sleep 0.5; done
}
# exits_within SECONDS PID: whether PID, a child of this shell, exits within SECONDS. One that
# does not is killed, so that the `wait` for its status that follows never blocks the script.
exits_within() {
    wait_for "$1" eval "! kill -0 $2 2>/dev/null" && return 0
    kill -KILL "$2" 2>/dev/null
    return 1
}
