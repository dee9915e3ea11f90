#!/bin/sh
# xenapi.sh: the xenapi:// driver against the XenAPI simulator over TLS on
# loopback (tests/xenapi-sim.py): the pool as the CLI lists it (Domain-0
# named and in KiB, no template, no snapshot), lifecycle calls as XenAPI
# defines them, define through VM.create, dumpxml, the certificate checks,
# and what a wrong password, HOST_IS_SLAVE, an expired session, garbled,
# truncated, failing and silent replies do.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/pki-lib.sh"
. "$abs_top_srcdir/tests/xenapi-lib.sh"

xen_sim good
V="$VIRTMON -c $XS_URI"

# 1. the pool: control domains, the driver domain, the guests; no template,
# no snapshot; memory in KiB = bytes / 1024
vm_run $V list --all
is "$RC" 0 "list --all works"
names=$(printf '%s\n' "$OUT" | awk 'NR > 2 && NF { print $1 ":" $2 }' | sort | tr '\n' ' ')
is "$names" "-:idle -:saved 0:Domain-0 0:Domain-0@xs2 5:drv-net 7:web 8:db 9:big " \
    "Domain-0 (id 0), Domain-0@xs2, the driver domain with its id, the guests"
case $OUT in *Template*|*web-snap*) ok 1 "a template or snapshot is listed" ;;
*) ok 0 "no template, no snapshot" ;; esac

kib() { echo $(( $(sim_vm "$1" "$2") / 1024 )); }
vm_run $V dominfo web
like "$OUT" "Max memory: +$(kib web memory_static_max) KiB" "web: max memory is static_max / 1024"
like "$OUT" "Used memory: +3670016 KiB" "web: used memory is VM_metrics' memory_actual / 1024"
vm_run $V dominfo big
is "$(printf '%s\n' "$OUT" | sed -n 's/^Max memory: *//p')" "$(kib big memory_static_max) KiB" \
    "a guest above 4 TiB: $(kib big memory_static_max) KiB, no overflow"
vm_run $V dominfo Domain-0
like "$OUT" "^Id: +0$" "Domain-0 has id 0"
like "$OUT" "Max memory: +268435456 KiB" \
    "Domain-0 with no usable limit shows the host's total (256 GiB), not a sentinel"
like "$OUT" "Used memory: +4194304 KiB" "and what it uses"
vm_run $V dominfo Domain-0@xs2
like "$OUT" "Max memory: +4194304 KiB" "the other host's Domain-0 has its own limit"
vm_run $V nodeinfo
like "$OUT" "Memory size: +268435456 KiB" "nodeinfo: the master's memory in KiB"
like "$OUT" "CPU frequency: +2400 MHz" "nodeinfo: the CPU speed"

# rates from /rrd_updates; counters XenAPI lacks are not shown
vm_run $V domstats web
like "$OUT" "cpu.utilization=25.00" "domstats: CPU utilisation from the RRDs"
like "$OUT" "block.0.rd.bytes.rate=4096" "a disk's read rate"
like "$OUT" "net.0.tx.bytes.rate=2000" "a NIC's transmit rate"
case $OUT in *cpu.time=*|*rd.bytes=*|*rx.pkts=*) ok 1 "a counter XenAPI lacks is shown" ;;
*) ok 0 "no counter XenAPI lacks is shown" ;; esac

# 2. lifecycle as XenAPI defines it
power() { sim_vm "$1" power_state; }
vm_run $V start idle
is "$RC:$(power idle)" "0:Running" "start = VM.start"
vm_run $V suspend web
is "$RC:$(power web)" "0:Paused" "suspend = VM.pause"
vm_run $V resume web
is "$RC:$(power web)" "0:Running" "resume = VM.unpause"
vm_run $V managedsave web
is "$RC:$(power web)" "0:Suspended" "managedsave = VM.suspend"
vm_run $V domstate --reason web
is "$OUT" "shut off (saved)" "a suspended VM is shut off (saved)"
vm_run $V start web
is "$RC:$(power web)" "0:Running" "start of a suspended VM = VM.resume"
vm_run $V shutdown idle
is "$RC:$(power idle)" "0:Halted" "shutdown = VM.clean_shutdown"
vm_run $V destroy big
is "$RC:$(power big)" "0:Halted" "destroy = VM.hard_shutdown"
vm_run $V undefine big
is "$RC" 0 "undefine = VM.destroy"
is "$(sim state | grep -c '"big"')" 0 "the record is gone"
vm_run $V undefine saved
like "$RC:$ERR" "^1:.*managed-save image" "undefine of a suspended VM wants --managed-save"
vm_run $V destroy Domain-0
like "$RC:$ERR" "^1:.*OPERATION_NOT_ALLOWED" "Domain-0 cannot be destroyed: XenAPI's error named"
vm_run $V start web
like "$RC:$ERR" "^1:.*VM_BAD_POWER_STATE" "starting a running VM: XenAPI's VM_BAD_POWER_STATE"

# define through VM.create: a complete record; disks and NICs refused
cat > "$VM_TMP/new.xml" <<EOF
<domain type='xen'>
  <name>new1</name>
  <description>made by virtmon</description>
  <memory unit='MiB'>1024</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu>2</vcpu>
  <os><type>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>
</domain>
EOF
vm_run $V define "$VM_TMP/new.xml"
is "$RC" 0 "define through VM.create"
is "$(sim_vm new1 memory_static_max):$(sim_vm new1 memory_dynamic_max)" "1073741824:536870912" \
    "memory in bytes, as digit strings: static max and dynamic max"
is "$(sim_vm new1 VCPUs_max):$(sim_vm new1 HVM_boot_policy)" "2:BIOS order" \
    "vCPUs and the HVM boot policy"
is "$(sim_vm new1 HVM_boot_params)" "{'order': 'dc'}" "the boot order from os/boot"
is "$(sim_vm new1 name_description)" "made by virtmon" "the description"
sed 's|</os>|</os><devices><disk type="file"><source file="/x.img"/><target dev="xvda"/></disk></devices>|; s/new1/new2/' \
    "$VM_TMP/new.xml" > "$VM_TMP/new2.xml"
vm_run $V define "$VM_TMP/new2.xml"
like "$RC:$ERR" "^1:.*disk xvda cannot be defined through XenAPI" "a disk is refused by name"
is "$(sim state | grep -c '"new2"')" 0 "and nothing was created"
vm_run $V define "$VM_TMP/new.xml"
like "$RC:$ERR" "^1:.*already exists" "a second VM of the same name is refused"
sed 's|</os>|</os><features><acpi/></features>|; s/new1/new3/' "$VM_TMP/new.xml" > "$VM_TMP/new3.xml"
vm_run $V define "$VM_TMP/new3.xml"
like "$RC:$ERR" "^1:.*VM.create cannot carry <features> \\(line 7\\)" \
    "content VM.create cannot carry is refused by name, not dropped"

vm_run $V dumpxml web
like "$OUT" "<target dev='xvda' bus='xen'/>" "dumpxml: the VBD xvda as a disk"
like "$OUT" "<disk type='block' device='cdrom'>" "the CD VBD as a cdrom"
like "$OUT" "<mac address='aa:bb:cc:00:00:07'/>" "the VIF as an interface, with its MAC"
like "$OUT" "<source bridge='xenbr0'/>" "on its network's bridge"
sim lose-vbd:web POST > /dev/null
vm_run $V dumpxml web
like "$RC:$ERR" "^0:.*domain 'web': disk 0 left out of its definition: .*HANDLE_INVALID" \
    "a VBD the host no longer has is said, not silently missing"
like "$OUT" "<disk type='block' device='cdrom'>" "and the other devices are still shown"

# 3. certificates: the password goes only to a server that passed
for n in other name revoked expired; do
    xen_sim "$n"
    vm_run "$VIRTMON" -c "$XS_URI" list
    like "$RC:$ERR" "^1:.*not trusted" "a server with the $n certificate is refused"
    is "$(sim calls)" "{}" "and it got no call at all (no password sent)"
    kill "$XS_PID"
done
xen_sim other
{ echo "# 127.0.0.1:$XS_PORT"; cat "$PKI/other.crt"; } > "$PKI/pki/server/trusted.pem"
vm_run "$VIRTMON" -c "$XS_URI" list
is "$RC" 0 "a pinned certificate is accepted for its HOST:PORT"
rm -f "$PKI/pki/server/trusted.pem"
vm_run "$VIRTMON" -c "xenapi://127.0.0.1:$XS_PORT/?pki=$PKI/pki&no_verify=1" list
is "$RC" 0 "no_verify=1 connects to a server of another CA"
like "$ERR" "warning: .*not verified \\(no_verify=1\\)" "and warns"
kill "$XS_PID"

# 4. wrong password, HOST_IS_SLAVE, an expired session, bad replies
xen_sim good other-password
vm_run "$VIRTMON" -c "$XS_URI" list
like "$RC:$ERR" "^1:.*refused user 'root': wrong user name or password" \
    "a wrong password is an auth error"
case $ERR in *"$XS_PASSWORD"*|*other-password*) ok 1 "a password appears in the error" ;;
*) ok 0 "no password in the error" ;; esac
kill "$XS_PID"

xen_sim good
slave_port=$XS_PORT
# the master on another loopback address, same port, with a certificate
# for that address
(
    cd "$PKI" || exit 1
    printf 'cn = "127.0.0.2"\nip_address = "127.0.0.2"\ntls_www_server\nsigning_key\nencryption_key\nexpiration_days = 30\n' > m.tmpl
    certtool --generate-privkey --key-type=ecdsa --outfile master.key 2>/dev/null &&
        certtool --generate-certificate --load-privkey master.key --load-ca-certificate ca.crt \
            --load-ca-privkey ca.key --template m.tmpl --outfile master.crt 2>/dev/null
) || echo "Bail out! certtool"
python3 "$abs_top_srcdir/tests/xenapi-sim.py" "$slave_port" "$PKI/master.crt" "$PKI/master.key" \
    "$XS_PASSWORD" 127.0.0.2 > "$VM_TMP/sim-master.log" 2>&1 &
VM_PIDS="$VM_PIDS $!"
wait_for "$VM_TMP/sim-master.log" listening 10
ok $? "a master on 127.0.0.2:$slave_port"
sim slave:127.0.0.2 POST > /dev/null
printf '[auth-xenapi-127.0.0.2]\ncredentials=xen\n' >> "$VIRTMON_AUTH_FILE"
vm_run "$VIRTMON" -c "$XS_URI" "list --all; domstate web"
is "$RC" 0 "HOST_IS_SLAVE is followed to the master"
like "$OUT" "running" "and the master answers"
sim slave: POST > /dev/null

sim expire POST > /dev/null
vm_run "$VIRTMON" -c "$XS_URI" "domstate web"
is "$RC:$OUT" "0:running" "a fresh process logs in after the sessions were dropped"

sim slow POST > /dev/null
t0=$(date +%s%N)
vm_run "$VIRTMON" -c "$XS_URI" domstate web
t1=$(date +%s%N)
is "$RC:$OUT" "0:running" "a reply 3 s late, within the deadline, is waited for"
[ $(( (t1 - t0) / 1000000 )) -ge 3000 ]
ok $? "(it took $(( (t1 - t0) / 1000000 )) ms)"
for mode in garble truncate http500; do
    sim "$mode" POST > /dev/null
    vm_run "$VIRTMON" -c "$XS_URI" list
    case $mode in
    garble) like "$RC:$ERR" "^1:.*malformed XenAPI reply" "a garbled reply is a clear error" ;;
    truncate) like "$RC:$ERR" "^1:.*closed the connection before the end of the reply" \
        "a truncated reply is a clear error" ;;
    http500) like "$RC:$ERR" "^1:.*HTTP status 500" "an HTTP 500 is a clear error" ;;
    esac
done
sim silent POST > /dev/null
t0=$(date +%s)
vm_run "$VIRTMON" -c "$XS_URI" list
t1=$(date +%s)
like "$RC:$ERR" "^1:.*no answer within 10000 ms" "a server that never answers times out"
[ $((t1 - t0)) -le 15 ]
ok $? "within the 10 s deadline and its margin ($((t1 - t0)) s)"
done_testing
