# snmp-lib.sh: a private snmpd master and virtmon-agentx for the SNMP tests.
# Source after lib.sh.  Loopback only; the port is picked from 16400-16499
# and retried when taken, so parallel runs do not collide.

need snmpd snmpget snmpset snmpwalk snmpbulkwalk snmptable

AGENTX="$abs_top_builddir/agentx/virtmon-agentx"
MIBDIR="$abs_top_srcdir/mibs"
SNMP_OPTS="-M +$MIBDIR:/usr/share/snmp/mibs -m VM-MIB:VIRTMON-MIB -v2c -t 2 -r 1"
mkdir -p "$VM_TMP/snmp/persist"

# snmpd_start: starts the master; sets SNMP_PORT and SNMPD_PID.
snmpd_start() {
    cat > "$VM_TMP/snmp/snmpd.conf" <<EOC
master agentx
agentXSocket unix:$VM_TMP/snmp/agentx.sock
agentXPerms 0660 0770
agentxTimeout 5
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
EOC
    for try in 1 2 3 4 5 6 7 8 9 10; do
        SNMP_PORT=$((16400 + ($$ + try * 7) % 100))
        rm -f "$VM_TMP/snmp/snmpd.pid"
        SNMP_PERSISTENT_DIR="$VM_TMP/snmp/persist" MIBS= snmpd -f -Lo -C \
            -c "$VM_TMP/snmp/snmpd.conf" -p "$VM_TMP/snmp/snmpd.pid" \
            "udp:127.0.0.1:$SNMP_PORT" > "$VM_TMP/snmp/snmpd.log" 2>&1 &
        SNMPD_PID=$!
        VM_PIDS="$VM_PIDS $SNMPD_PID"
        if wait_for "$VM_TMP/snmp/snmpd.log" 'NET-SNMP version' 10 && kill -0 "$SNMPD_PID" 2>/dev/null; then
            return 0
        fi
        kill "$SNMPD_PID" 2>/dev/null
    done
    echo "Bail out! snmpd does not start (see $VM_TMP/snmp/snmpd.log)"
    exit 99
}

# agent_start ARGS...: starts virtmon-agentx against the master; AGENT_PID.
agent_start() {
    $VM_TEST_WRAPPER "$AGENTX" -f -x "$VM_TMP/snmp/agentx.sock" "$@" \
        > "$VM_TMP/snmp/agent.log" 2>&1 &
    AGENT_PID=$!
    VM_PIDS="$VM_PIDS $AGENT_PID"
}

# agent_stop: SIGTERM and a bounded wait; its exit status in AGENT_RC.
agent_stop() {
    kill -TERM "$AGENT_PID" 2>/dev/null
    wait "$AGENT_PID"
    AGENT_RC=$?
}

snmp() {  # snmp COMMAND [COMMUNITY] ARGS...: one net-snmp command on our agent
    _cmd=$1; shift
    _comm=public
    [ "${1:-}" = private ] && { _comm=private; shift; }
    # shellcheck disable=SC2086
    $_cmd $SNMP_OPTS -c "$_comm" "127.0.0.1:$SNMP_PORT" "$@" 2>&1
}

# wait_value OID EXPECTED SECONDS: bounded wait until a GET gives EXPECTED.
wait_value() {
    _end=$(( $(date +%s) + $3 ))
    while [ "$(snmp snmpget -Oqv "$1")" != "$2" ]; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.2
    done
}
