# snmp-lib.sh: a private snmpd master and virtmon-agentx for the SNMP tests.
# Source after lib.sh.  Loopback only; the port is picked from 16400-16499
# and retried when taken, so parallel runs do not collide.

need snmpd snmpget snmpset snmpwalk snmpbulkwalk snmptable

AGENTX="$abs_top_builddir/agentx/virtmon-agentx"
MIBDIR="$abs_top_srcdir/mibs"
SNMP_OPTS="-M +$MIBDIR:/usr/share/snmp/mibs -m VM-MIB:VIRTMON-MIB -v2c -t 2 -r 1"
mkdir -p "$VM_TMP/snmp/persist"

# snmpd_start: starts the master; sets SNMP_PORT and SNMPD_PID.  With
# VM_SNMP_MODE=listen there is no snmpd: the same access settings go to
# virtmon-agentx's own settings file and agent_start adds --listen.
snmpd_start() {
    if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
        access_conf > "$VM_TMP/snmp/agent.conf"
        # IPv6 too where the loopback has it: SNMP_UDP6 says so
        SNMP_UDP6=
        if ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
            SNMP_UDP6=yes
            echo "rocommunity6 public ::1" >> "$VM_TMP/snmp/agent.conf"
        fi
        # a port nothing listens on now (the agent binds it at each start)
        for try in 1 2 3 4 5 6 7 8 9 10; do
            SNMP_PORT=$((16400 + ($$ + try * 7) % 100))
            ss -Hlun "sport = :$SNMP_PORT" | grep -q . || return 0
        done
        echo "Bail out! no free UDP port in 16400-16499"; exit 99
    fi
    cat > "$VM_TMP/snmp/snmpd.conf" <<EOC
master agentx
agentXSocket unix:$VM_TMP/snmp/agentx.sock
agentXPerms 0660 0770
agentxTimeout 5
EOC
    access_conf >> "$VM_TMP/snmp/snmpd.conf"
    on_free_port 7 "$VM_TMP/snmp/snmpd.log" launch_snmpd || {
        echo "Bail out! snmpd does not start (see $VM_TMP/snmp/snmpd.log)"; exit 99; }
    SNMP_PORT=$FREE_PORT SNMPD_PID=$FREE_PID
}
# access_conf: who may read and write, and where notifications go
access_conf() {
    cat <<EOC
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
createUser nmsadmin SHA-256 auth-secret-2 AES priv-secret-2
EOC
    # the write access the documentation recommends, exactly as written there
    grep -E '^(view|group|access) ' "$abs_top_srcdir/docs/snmpd.conf.example"
    if [ -n "${TRAP_PORT:-}" ]; then echo "trap2sink 127.0.0.1:$TRAP_PORT public"; fi
}
launch_snmpd() {
    rm -f "$VM_TMP/snmp/snmpd.pid"
    SNMP_PERSISTENT_DIR="$VM_TMP/snmp/persist" MIBS= snmpd -f -Lo -C \
        -c "$VM_TMP/snmp/snmpd.conf" -p "$VM_TMP/snmp/snmpd.pid" \
        "udp:127.0.0.1:$1" > "$VM_TMP/snmp/snmpd.log" 2>&1 &
}

# snmptrapd_start: a trap receiver logging to $VM_TMP/snmp/traps; sets
# TRAP_PORT (call before snmpd_start, whose config then sends there).
snmptrapd_start() {
    need snmptrapd
    printf 'authCommunity log public\ndoNotRetainNotificationLogs yes\n' > "$VM_TMP/snmp/snmptrapd.conf"
    on_free_port 13 "$VM_TMP/snmp/traps" launch_snmptrapd || {
        echo "Bail out! snmptrapd does not start"; exit 99; }
    TRAP_PORT=$FREE_PORT TRAPD_PID=$FREE_PID
}
launch_snmptrapd() {
    SNMP_PERSISTENT_DIR="$VM_TMP/snmp/persist" MIBS= snmptrapd -f -Lo -C -On \
        -c "$VM_TMP/snmp/snmptrapd.conf" "udp:127.0.0.1:$1" > "$VM_TMP/snmp/traps" 2>&1 &
}

# agent_start ARGS...: starts virtmon-agentx against the master; AGENT_PID.
agent_start() {
    if [ "${VM_SNMP_MODE:-agentx}" = listen ]; then
        set -- --listen "udp:127.0.0.1:$SNMP_PORT${SNMP_UDP6:+,udp6:[::1]:$SNMP_PORT}" \
            --config "$VM_TMP/snmp/agent.conf" "$@"
    else
        set -- -x "$VM_TMP/snmp/agentx.sock" "$@"
    fi
    $VM_TEST_WRAPPER "$AGENTX" -f "$@" > "$VM_TMP/snmp/agent.log" 2>&1 &
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

# snmpv3 COMMAND LEVEL ARGS...: as the documented SNMPv3 admin user at LEVEL
snmpv3() {
    _cmd=$1 _level=$2; shift 2
    $_cmd -M "+$MIBDIR:/usr/share/snmp/mibs" -m VM-MIB:VIRTMON-MIB -v3 -t 2 -r 1 \
        -l "$_level" -u nmsadmin -a SHA-256 -A auth-secret-2 -x AES -X priv-secret-2 \
        "127.0.0.1:$SNMP_PORT" "$@" 2>&1
}

# wait_value OID EXPECTED SECONDS: bounded wait until a GET gives EXPECTED.
wait_value() {
    _end=$(( $(date +%s) + $3 ))
    while [ "$(snmp snmpget -Oqv "$1")" != "$2" ]; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.2
    done
}
