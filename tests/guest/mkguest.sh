#!/bin/sh
# mkguest.sh OUTDIR: the test guest of the QEMU tests, made from Debian's
# kernel (linux-image-amd64) and busybox-static: OUTDIR/vmlinuz and
# OUTDIR/initrd.img, an initramfs with the virtio block, net, balloon,
# console and PCI drivers.  It prints "virtmon-guest: up" then
# "virtmon-guest: ready ..." on its serial console (console=ttyS0), and
# reads commands there: "read" reads all of /dev/vda, "send N" sends N
# 1000-byte frames on eth0, "poweroff" powers off, an empty line prints the
# ready line again.  OUTDIR/accel says whether it boots under KVM here
# ("kvm"), or only under TCG ("tcg": no /dev/kvm, or a KVM this kernel does
# not boot on, as a nested one may be).  Made once and kept (the files are
# newer than this script): later runs reuse them.
set -eu
out=$1
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "mkguest: no kernel in /boot (install linux-image-amd64)" >&2; exit 1; }
kver=${kernel#/boot/vmlinuz-}
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
    ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
    { echo "mkguest: /bin/busybox is not static (install busybox-static)" >&2; exit 1; }
if [ -s "$out/initrd.img" ] && [ -s "$out/vmlinuz" ] && [ "$out/initrd.img" -nt "$0" ] &&
    [ "$out/initrd.img" -nt "$kernel" ]; then
    exit 0
fi
mkdir -p "$out"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/mods"
cp /bin/busybox "$root/bin/busybox"
# the modules in the order modprobe would load them
for m in virtio_pci virtio_blk virtio_net virtio_console virtio_balloon; do
    modprobe --show-depends -S "$kver" "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' > "$root/order"
: > "$root/modules"
while read -r ko; do
    b=$(basename "$ko")
    case $ko in
    *.ko.xz) xz -dc "$ko" > "$root/mods/${b%.xz}"; b=${b%.xz} ;;
    *.ko.zst) zstd -qdc "$ko" > "$root/mods/${b%.zst}"; b=${b%.zst} ;;
    *) cp "$ko" "$root/mods/$b" ;;
    esac
    echo "/mods/$b" >> "$root/modules"
done < "$root/order"
rm "$root/order"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules); do insmod "$m"; done
echo "virtmon-guest: up $(uname -r)"
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
    ip link set eth0 up
    ip addr add 10.0.2.15/24 dev eth0
    # a neighbour that never answers: frames go out whatever the network
    arp -s 10.0.2.99 52:54:00:99:99:99
fi
case $(cat /proc/cmdline) in *virtmon.probe*) poweroff -f ;; esac
ready() {
    echo "virtmon-guest: ready disks=$(ls /sys/block | tr '\n' ' ')nics=$(ls /sys/class/net | tr '\n' ' ')"
}
ready
while read -r cmd arg; do
    case $cmd in
    banner)
        ready ;;
    read)
        echo 3 > /proc/sys/vm/drop_caches
        dd if=/dev/vda of=/dev/null bs=65536 2>/dev/null
        echo "virtmon-guest: read done" ;;
    send)
        ping -q -c "${arg:-100}" -i 0.01 -s 1000 -W 1 10.0.2.99 > /dev/null 2>&1
        echo "virtmon-guest: send done" ;;
    poweroff)
        poweroff -f ;;
    "")
        ready ;;
    *)
        echo "virtmon-guest: unknown command '$cmd'" ;;
    esac
done
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.img.tmp"
cp "$kernel" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
# does it boot under KVM here?  it powers off once up (virtmon.probe)
accel=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    timeout 10 qemu-system-x86_64 -machine pc,accel=kvm -m 128 -nodefaults -display none \
        -no-user-config -kernel "$out/vmlinuz" -initrd "$out/initrd.img.tmp" \
        -append "console=ttyS0 quiet panic=-1 virtmon.probe" -serial "file:$root/probe" \
        -no-reboot < /dev/null > /dev/null 2>&1 || true
    grep -q "virtmon-guest: up" "$root/probe" 2>/dev/null && accel=kvm
fi
echo "$accel" > "$out/accel"
mv "$out/initrd.img.tmp" "$out/initrd.img"
