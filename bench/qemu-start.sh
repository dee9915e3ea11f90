#!/bin/sh
# bench/qemu-start.sh: start to QMP-ready of a virt-install-style q35 guest
# (tests/data/virt-install/deb11-q35-spice.xml made runnable here: its own
# image, a user NIC; SPICE, QXL, agent and SPICE channels, USB, sound,
# redirection, RNG, 14 root ports), in one run:
#   virtmon start  (the CLI: reads the definition, builds the argv, spawns
#                   QEMU, waits for QMP, sets it up, records the state)
#   the floor:     QEMU started by hand with the same argv (read from
#                  /proc of virtmon's QEMU) until its monitor answers
#                  qmp_capabilities.
# Medians of RUNS (default 11) each.  Goal (issue 21): at most floor + 50 ms.
# Run from the build directory: sh ../bench/qemu-start.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(pwd)
runs=${RUNS:-11}
abs_top_srcdir=$top abs_top_builddir=$build
. "$top/tests/lib.sh"
. "$top/tests/qemu-lib.sh"
vtype=qemu
[ -r /dev/kvm ] && [ -w /dev/kvm ] && vtype=kvm
mkdir -p "$VM_TMP/img"
python3 "$top/tests/corpus-runnable.py" "$top/tests/data/virt-install/deb11-q35-spice.xml" \
    "$VM_TMP/g.xml" "$vtype" "$VM_TMP/img"
$V define "$VM_TMP/g.xml" > /dev/null || exit 1
name=deb11-q35-spice
echo "guest: $name ($vtype)"

ms() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: > "$VM_TMP/virtmon.ms"
for i in $(seq "$runs"); do
    t0=$(ms)
    $V start "$name" > /dev/null || exit 1
    t1=$(ms)
    echo $((t1 - t0)) >> "$VM_TMP/virtmon.ms"
    if [ "$i" = 1 ]; then
        tr '\0' '\n' < "/proc/$(cat "$RUN/$name.pid")/cmdline" > "$VM_TMP/argv"
    fi
    $V destroy "$name" > /dev/null
done

# the floor: the same argv by hand, until the monitor answers
python3 - "$VM_TMP/argv" "$runs" > "$VM_TMP/floor.ms" <<'EOF'
import json, os, socket, subprocess, sys, time
argv = open(sys.argv[1]).read().split("\n")[:-1]
qmp = [a for o, a in zip(argv, argv[1:]) if o == "-qmp"][0].split(",")[0][len("unix:"):]
for _ in range(int(sys.argv[2])):
    if os.path.exists(qmp):
        os.unlink(qmp)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(qmp)
            break
        except OSError:
            s.close()
            time.sleep(0.005)
    f = s.makefile("rw")
    f.readline()
    f.write('{"execute":"qmp_capabilities"}\n')
    f.flush()
    f.readline()
    t1 = time.monotonic()
    print(int((t1 - t0) * 1000))
    f.write('{"execute":"quit"}\n')
    f.flush()
    p.wait()
EOF
v=$(median < "$VM_TMP/virtmon.ms")
f=$(median < "$VM_TMP/floor.ms")
echo "virtmon start: median $v ms ($(tr '\n' ' ' < "$VM_TMP/virtmon.ms")ms)"
echo "QEMU by hand:  median $f ms ($(tr '\n' ' ' < "$VM_TMP/floor.ms")ms)"
echo "overhead: $((v - f)) ms (goal: at most 50 ms)"
$V undefine "$name" > /dev/null
