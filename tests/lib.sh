# lib.sh: shared helpers for the shell integration tests.  Each test sources
# it, gets a private directory (the VIRTMON_*_DIR overrides keep it out of
# /etc and /run), prints TAP, and cleans up on any exit.

set -u

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
: "${VM_TEST_WRAPPER:=}"
export MIBS=

VM_TEST_N=0
VM_TEST_FAILED=0
VM_PIDS=""
VM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/virtmon-it-XXXXXX")
export VIRTMON_CONFIG_DIR="$VM_TMP/config"
export VIRTMON_RUNTIME_DIR="$VM_TMP/run"
export VIRTMON_STATE_DIR="$VM_TMP/state"
mkdir -p "$VIRTMON_CONFIG_DIR" "$VIRTMON_RUNTIME_DIR" "$VIRTMON_STATE_DIR"
unset VIRTMON_DEFAULT_URI VIRTMON_DEBUG

# Safe under set -e (the bench scripts use it): a daemon already gone
# must not stop the cleanup before the directory is removed.
vm_cleanup() {
    for pid in $VM_PIDS; do
        kill -TERM "$pid" 2>/dev/null || :
    done
    for pid in $VM_PIDS; do
        # bounded wait, then force
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || :
    done
    rm -rf "$VM_TMP"
}
trap vm_cleanup EXIT
trap 'exit 99' INT TERM

# The built programs, run through $VM_TEST_WRAPPER (valgrind for check-valgrind).
VIRTMON="$abs_top_builddir/cli/virtmon"

ok() {  # ok STATUS DESCRIPTION
    VM_TEST_N=$((VM_TEST_N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $VM_TEST_N - $2"
    else
        echo "not ok $VM_TEST_N - $2"
        VM_TEST_FAILED=$((VM_TEST_FAILED + 1))
    fi
}

is() {  # is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '# expected:\n%s\n# got:\n%s\n' "$2" "$1" | sed 's/^/#   /'
    fi
}

like() {  # like GOT EXTENDED-REGEX DESCRIPTION
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '# expected to match: %s\n# got:\n%s\n' "$2" "$1" | sed 's/^/#   /'
    fi
}

# vm_run PROGRAM ARGS...: sets OUT, ERR and RC.
vm_run() {
    # shellcheck disable=SC2086
    $VM_TEST_WRAPPER "$@" >"$VM_TMP/out" 2>"$VM_TMP/err"
    RC=$?
    OUT=$(cat "$VM_TMP/out")
    ERR=$(cat "$VM_TMP/err")
}

# wait_pid PID SECONDS: bounded wait for a child of this shell to exit;
# its exit status, or 124 when it is still running at the deadline.
wait_pid() {
    _deadline=$(( $(date +%s) + $2 ))
    while kill -0 "$1" 2>/dev/null; do
        [ "$(date +%s)" -ge "$_deadline" ] && return 124
        sleep 0.05
    done
    wait "$1"
}

# wait_count FILE EXTENDED-REGEX N SECONDS: bounded wait for N lines in
# FILE matching (more than were there, when N counts them); 1 at the
# deadline.
wait_count() {
    _deadline=$(( $(date +%s) + $4 ))
    while [ "$(grep -Ec -- "$2" "$1" 2>/dev/null)" -lt "$3" ]; do
        [ "$(date +%s)" -ge "$_deadline" ] && return 1
        sleep 0.05
    done
    return 0
}

# fifo_client NAME URI: virtmon on URI reading its commands from a FIFO
# held open on fd 3 (echo CMD >&3; exec 3>&- ends it), writing
# $VM_TMP/NAME.out; its pid in FIFO_PID.  Background processes started
# later should close fd 3 (3>&-), or the client never sees its input end.
fifo_client() {
    mkfifo "$VM_TMP/$1.cmd"
    $VIRTMON -c "$2" < "$VM_TMP/$1.cmd" > "$VM_TMP/$1.out" 2>&1 &
    FIFO_PID=$!
    VM_PIDS="$VM_PIDS $FIFO_PID"
    exec 3> "$VM_TMP/$1.cmd"
}

# wait_for FILE EXTENDED-REGEX SECONDS: bounded wait for a line in FILE.
wait_for() {
    _deadline=$(( $(date +%s) + $3 ))
    while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
        [ "$(date +%s)" -ge "$_deadline" ] && return 1
        sleep 0.05
    done
    return 0
}

# on_free_port STEP LOG LAUNCH [BANNER]: runs "LAUNCH PORT" (which
# backgrounds a daemon writing LOG) on up to 10 ports of 16400-16499,
# stepping by STEP so different daemons probe different ports, until one
# logs BANNER (default: net-snmp's) and stays up.  Sets FREE_PORT and
# FREE_PID; returns 1 if none started.  A port something already listens on
# (TCP or UDP) is skipped: some daemons (gnutls-serv) bind it anyway.
on_free_port() {
    for try in 1 2 3 4 5 6 7 8 9 10; do
        FREE_PORT=$((16400 + ($$ + try * $1) % 100))
        ss -Hlntu "sport = :$FREE_PORT" 2>/dev/null | grep -q . && continue
        "$3" "$FREE_PORT"
        FREE_PID=$!
        VM_PIDS="$VM_PIDS $FREE_PID"
        if wait_for "$2" "${4:-NET-SNMP version}" 10 && kill -0 "$FREE_PID" 2>/dev/null; then
            return 0
        fi
        kill "$FREE_PID" 2>/dev/null
    done
    return 1
}

# need PROGRAM...: a missing tool is a failure, never a skip: ./quickstart
# installs everything the tests use.
need() {
    for p in "$@"; do
        if ! command -v "$p" >/dev/null 2>&1; then
            echo "Bail out! $p is not installed (run ./quickstart check, which installs it)"
            exit 99
        fi
    done
}

done_testing() {
    echo "1..$VM_TEST_N"
    [ "$VM_TEST_FAILED" -eq 0 ]
}

# golden EXPECTED_FILE DESCRIPTION [FILTER]: compares the last vm_run's
# stdout (through FILTER, default cat), stderr and exit status with the
# golden file (VM_TEST_REGENERATE_OUTPUT=1 rewrites it for review first).
golden() {
    {
        ${3:-cat} < "$VM_TMP/out"
        [ -s "$VM_TMP/err" ] && { echo '--- stderr'; cat "$VM_TMP/err"; }
        echo "--- exit $RC"
    } > "$VM_TMP/actual"
    if [ "${VM_TEST_REGENERATE_OUTPUT:-}" = 1 ]; then
        cp "$VM_TMP/actual" "$1"
    fi
    if diff -u "$1" "$VM_TMP/actual" > "$VM_TMP/diff" 2>&1; then
        ok 0 "$2"
    else
        ok 1 "$2"
        sed 's/^/# /' "$VM_TMP/diff"
    fi
}
