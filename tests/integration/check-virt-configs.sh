#!/bin/sh
# check-virt-configs.sh: the Nagios and Icinga 2 examples in docs/ are
# real configuration.  A real Nagios 4 runs docs/nagios-check_virt.cfg
# (pointed at test:///default) and executes every service's check; its
# results must be what check_virt answers when run by hand with the
# arguments the definitions mean.  Icinga 2 validates
# docs/icinga2-check_virt.conf.
. "$abs_top_srcdir/tests/lib.sh"
need nagios4 icinga2

N="$VM_TMP/nagios"
mkdir -p "$N/plugins" "$N/results"
for m in state domains mem cpu node; do
    ln -s "$abs_top_builddir/nagios/check_virt" "$N/plugins/check_virt_$m"
done
# what a stock Nagios has and the example relies on: the linux-server and
# generic-service templates, a contact, 24x7
{
    printf 'define timeperiod {\n    timeperiod_name 24x7\n    alias always\n'
    for d in monday tuesday wednesday thursday friday saturday sunday; do
        printf '    %s 00:00-24:00\n' "$d"
    done
    printf '}\n'
    cat <<'CFG'
define command {
    command_name    nothing
    command_line    /bin/true
}
define contact {
    contact_name                    admin
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      nothing
    service_notification_commands   nothing
}
define host {
    name                    linux-server
    check_command           nothing
    max_check_attempts      3
    check_period            24x7
    notification_period     24x7
    contacts                admin
    register                0
}
define service {
    name                    generic-service
    max_check_attempts      3
    check_interval          600
    retry_interval          600
    check_period            24x7
    notification_period     24x7
    contacts                admin
    register                0
}
CFG
} > "$N/templates.cfg"
# the example, with the test driver for the host's hypervisor
sed 's|qemu:///system|test:///default|' "$abs_top_srcdir/docs/nagios-check_virt.cfg" > "$N/virt.cfg"
echo "\$USER1\$=$N/plugins" > "$N/resource.cfg"
cat > "$N/nagios.cfg" <<CFG
log_file=$N/nagios.log
cfg_file=$N/templates.cfg
cfg_file=$N/virt.cfg
resource_file=$N/resource.cfg
temp_file=$N/nagios.tmp
lock_file=$N/nagios.lock
status_file=$N/status.dat
state_retention_file=$N/retention.dat
object_cache_file=$N/objects.cache
precached_object_file=$N/objects.precache
check_result_path=$N/results
command_file=$N/nagios.cmd
query_socket=$N/nagios.qh
nagios_user=$(id -un)
nagios_group=$(id -gn)
check_external_commands=0
execute_host_checks=0
enable_notifications=0
service_inter_check_delay_method=n
interval_length=1
status_update_interval=1
check_result_reaper_frequency=1
illegal_macro_output_chars=\`~\$&|'"<>
CFG

vm_run nagios4 -v "$N/nagios.cfg"
like "$OUT" "Total Errors: +0" "nagios4 -v: the example has no errors"
like "$OUT" "Checked 6 services" "and its 6 services"

nagios4 "$N/nagios.cfg" > "$N/run.log" 2>&1 &
VM_PIDS="$VM_PIDS $!"
deadline=$(( $(date +%s) + 30 ))
while [ "$(grep -c '^	plugin_output=VIRT' "$N/status.dat" 2>/dev/null)" != 6 ] &&
    [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.1
done
is "$(grep -c '^	plugin_output=VIRT' "$N/status.dat" 2>/dev/null)" 6 "Nagios ran all 6 checks"

# field SERVICE NAME: one field of a service's entry in status.dat
field() {
    awk -v s="$1" -v f="$2" '
        /^servicestatus \{/ { inside = 1; mine = 0 }
        inside && $0 == "\tservice_description=" s { mine = 1 }
        inside && mine && index($0, "\t" f "=") == 1 { print substr($0, length(f) + 3) }
        /^\t\}/ { inside = 0 }' "$N/status.dat"
}
# same SERVICE ARGS...: Nagios' result is the plugin's own, run by hand
same() {
    _svc=$1
    shift
    vm_run "$@"
    _line=$(printf '%s\n' "$OUT" | head -n 1)
    _perf=$(field "$_svc" performance_data)
    is "$(field "$_svc" plugin_output)${_perf:+ | $_perf}" "$_line" \
        "$_svc: the line Nagios got"
    is "$(field "$_svc" current_state)" "$RC" "$_svc: the state Nagios got"
}
P="$N/plugins"
U=test:///default
same "VIRT domains" "$P/check_virt_domains" -U $U -w 2: -c 1: --expect-running=web1,db1
same "VIRT node" "$P/check_virt_node" -U $U -w 20: -c 10:
same "VIRT web1 state" "$P/check_virt_state" -U $U -d web1
same "VIRT standby1 state" "$P/check_virt_state" -U $U -d standby1 --expect=shutoff --state-map=paused=ok
same "VIRT web1 memory" "$P/check_virt_mem" -U $U -d web1 -w 80 -c 90
# the cpu figure is a measurement: the form, and the thresholds passed
like "$(field "VIRT web1 cpu" plugin_output)" "^VIRT CPU OK - web1 uses [0-9.]+% of its 4 vCPUs over 1\.[0-9] s\$" \
    "VIRT web1 cpu: measured by Nagios' run"
like "$(field "VIRT web1 cpu" performance_data)" "^cpu_pct=[0-9.]+%;80;95;0;100\$" \
    "VIRT web1 cpu: with the example's thresholds"
ls "$VIRTMON_STATE_DIR"/check_virt/cpu-* > /dev/null 2>&1
ok $? "the cpu sample went to the state dir of Nagios' environment"

# Icinga 2: the example validates as a stock icinga2.conf would include it.
# The validation drops to the icinga user: it needs to reach its files.
I="$VM_TMP/icinga2"
mkdir -p "$I/cache"
chmod o+x "$VM_TMP"
chmod 1777 "$I/cache"
# a copy: the checkout may lie where icinga cannot enter (/root/src/...)
cp "$abs_top_srcdir/docs/icinga2-check_virt.conf" "$I/check_virt.conf"
chmod 0644 "$I/check_virt.conf"
cat > "$I/icinga2.conf" <<CFG
include <itl>
include <plugins>
const PluginDir = "$N/plugins"
include "$I/check_virt.conf"
CFG
vm_run icinga2 daemon -C -c "$I/icinga2.conf" -DCacheDir="$I/cache"
like "$OUT" "Finished validating the configuration" "icinga2 daemon -C: the example is valid"
like "$OUT" "Instantiated 8 Services" "and applies its 8 services"
is "$RC" 0 "icinga2 exits 0"
done_testing
