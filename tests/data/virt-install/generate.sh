#!/bin/sh
# generate.sh: how the definitions in this directory were made (at
# development time, not by the tests): Debian 12's virt-install
# (virtinst 1:4.1.0) printing what it would define (--print-xml), against a
# session libvirtd for QEMU guests (-c URI) and libvirt's test driver.
# Nobody here wrote their contents.  Usage: generate.sh LIBVIRT-URI
set -eu
U=$1
cd "$(dirname "$0")"
vi() {  # vi NAME OPTIONS...
    name=$1
    shift
    virt-install --connect "$U" --print-xml --name "$name" --noautoconsole "$@" > "$name.xml"
}
d() { echo "size=8,path=/srv/vm/$1.qcow2${2:+,$2}"; }
vi deb11-bios --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d deb11-bios)" --network user --graphics none --virt-type qemu
vi deb11-uefi --memory 2048 --vcpus 2 --osinfo debian11 --import --boot uefi --disk "$(d deb11-uefi)" --network network=default --graphics vnc --virt-type qemu
vi deb11-q35-spice --memory 4096 --vcpus 4 --osinfo debian11 --import --machine q35 --disk "$(d deb11-spice)" --network user --graphics spice --video qxl --virt-type qemu
vi deb11-pc-sata --memory 1024 --vcpus 1 --osinfo debian11 --import --machine pc --disk "$(d deb11-sata bus=sata)" --network user --graphics vnc --virt-type qemu
vi deb11-ide --memory 1024 --vcpus 1 --osinfo debian11 --import --machine pc --disk "$(d deb11-ide bus=ide)" --network user,model=e1000 --graphics none --virt-type qemu
vi ubuntu2204 --memory 4096 --vcpus 2 --osinfo ubuntu22.04 --import --disk "$(d ubuntu2204)" --network bridge=br0 --graphics vnc --virt-type qemu
vi ubuntu2204-agent --memory 4096 --vcpus 2 --osinfo ubuntu22.04 --import --disk "$(d ubuntu-agent)" --network user --channel unix,target.type=virtio,name=org.qemu.guest_agent.0 --rng /dev/urandom --graphics none --virt-type qemu
vi ubuntu2004 --memory 2048 --vcpus 2 --osinfo ubuntu20.04 --import --disk "$(d ubuntu2004)" --network user --graphics spice --virt-type qemu
vi fedora36 --memory 2048 --vcpus 2 --osinfo fedora36 --import --disk "$(d fedora36)" --network user --graphics vnc --virt-type qemu
vi fedora36-uefi --memory 2048 --vcpus 2 --osinfo fedora36 --import --boot uefi --disk "$(d fedora36-uefi)" --network user --graphics spice --virt-type qemu
vi rhel9 --memory 4096 --vcpus 4 --osinfo rhel9.0 --import --disk "$(d rhel9)" --network user --graphics none --virt-type qemu
vi win10 --memory 4096 --vcpus 2 --osinfo win10 --import --disk "$(d win10 bus=sata)" --network user,model=e1000e --graphics vnc --virt-type qemu
vi win10-uefi --memory 8192 --vcpus 4 --osinfo win10 --import --boot uefi --disk "$(d win10-uefi bus=sata)" --network network=default,model=e1000e --graphics spice --virt-type qemu
vi win2k22 --memory 8192 --vcpus 4 --osinfo win2k22 --import --boot uefi --disk "$(d win2k22 bus=sata)" --network user,model=e1000e --graphics vnc --virt-type qemu
vi win2k22-bios --memory 8192 --vcpus 4 --osinfo win2k22 --import --disk "$(d win2k22-bios bus=ide)" --network user,model=rtl8139 --graphics vnc --virt-type qemu
vi win2k19 --memory 4096 --vcpus 2 --osinfo win2k19 --import --disk "$(d win2k19 bus=sata)" --network user --graphics spice --virt-type qemu
vi cdrom-install --memory 2048 --vcpus 2 --osinfo debian11 --disk "$(d cdrom-install)" --cdrom /srv/vm/debian-11.iso --network user --graphics vnc --virt-type qemu
vi two-disks --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d two-a)" --disk "$(d two-b bus=scsi)" --network user --graphics none --virt-type qemu
vi two-nics --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d two-nics)" --network user --network network=default,mac=52:54:00:12:34:56 --graphics none --virt-type qemu
vi disk-options --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d disk-options cache=none,discard=unmap,io=native)" --network user --graphics none --virt-type qemu
vi cpu-host --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d cpu-host)" --cpu host-passthrough --network user --graphics none --virt-type qemu
vi cpu-topology --memory 2048 --vcpus 8,sockets=2,cores=2,threads=2 --osinfo debian11 --import --disk "$(d cpu-topology)" --network user --graphics none --virt-type qemu
vi vcpu-current --memory 2048 --vcpus 2,maxvcpus=8 --osinfo debian11 --import --disk "$(d vcpu-current)" --network user --graphics none --virt-type qemu
vi max-memory --memory 2048,maxmemory=8192 --vcpus 2 --osinfo debian11 --import --disk "$(d max-memory)" --network user --graphics none --virt-type qemu
vi clock-localtime --memory 2048 --vcpus 2 --osinfo win10 --import --disk "$(d clock)" --clock offset=localtime --network user --graphics vnc --virt-type qemu
vi sound-redir --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d sound)" --sound ich9 --redirdev usb,type=spicevmc --network user --graphics spice --virt-type qemu
vi no-balloon --memory 2048 --vcpus 2 --osinfo debian11 --import --disk "$(d no-balloon)" --memballoon none --network user --graphics none --virt-type qemu
vi serial-console --memory 1024 --vcpus 1 --osinfo debian11 --import --disk "$(d serial)" --serial pty --console pty,target_type=virtio --network user --graphics none --virt-type qemu
vi boot-order --memory 1024 --vcpus 1 --osinfo debian11 --import --disk "$(d boot-order boot.order=2)" --network user,boot.order=1 --graphics none --virt-type qemu
vi tpm --memory 4096 --vcpus 2 --osinfo win10 --import --boot uefi --disk "$(d tpm bus=sata)" --tpm emulator,model=tpm-crb --network user --graphics vnc --virt-type qemu
vi input-devices --memory 1024 --vcpus 1 --osinfo debian11 --import --disk "$(d input)" --input keyboard,bus=usb --input mouse,bus=usb --network user --graphics vnc --virt-type qemu
vi metadata-title --memory 1024 --vcpus 1 --osinfo debian11 --import --disk "$(d meta)" --metadata title=web,description="front web server" --network user --graphics none --virt-type qemu
# an install from a CD prints two definitions (the installation's, then the
# installed guest's): one file each
mv cdrom-install.xml cdrom.tmp
awk '/^<domain/ { n++ } { print > ("cdrom-install" (n > 1 ? "ed" : "") ".xml") }' cdrom.tmp
rm cdrom.tmp
vi test-driver-guest --memory 1024 --vcpus 1 --osinfo debian11 --import --disk "$(d test-guest)" --network network=default --graphics vnc --connect test:///default
# what libvirt itself writes back: virsh dumpxml of some of the above once
# defined in the same session libvirtd, and of libvirt's own default domain
for f in deb11-uefi win10-uefi ubuntu2204-agent; do
    n=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$f.xml" | head -n 1)
    virsh -c "$U" define "$f.xml" > /dev/null
    virsh -c "$U" dumpxml --inactive "$n" > "virsh-dumpxml-$f.xml"
    virsh -c "$U" undefine --nvram "$n" > /dev/null
done
virsh -c test:///default dumpxml test > virsh-dumpxml-test-default.xml
