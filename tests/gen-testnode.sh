#!/bin/sh
# gen-testnode.sh - (virtmon test copy) emit a libvirt "test" driver node description with N domains.
#
# Usage: gen-testnode.sh N [uniform|mixed] [BIGMEM_EVERY] [devices] > node.xml
#   N             number of <domain> elements to generate (required)
#   uniform       every domain starts running (default)
#   mixed         ~1/10 paused, ~1/7 shut off, rest running
#   BIGMEM_EVERY  if > 0, every k-th domain gets 6 TiB of RAM (checks that
#                 KiB->MiB conversion and 32-bit SNMP types do not overflow);
#                 default 0 (off)
#   devices       give every domain one disk (vda, a file) and one NIC
#                 (network 'default', MAC 52:54:00:xx:xx:xx, target vnetN)
#
# Use the result with the URI  test:///ABSOLUTE/PATH/node.xml
# (e.g. virsh -c test:///ABS/PATH/node.xml list --all, or LIBVIRT_DEFAULT_URI).
#
# Domain i (1-based) is deterministic:
#   name  vm-00001 ...
#   uuid  0000000i-0000-4000-8000-00000000000i (hex, so it is stable per index)
#   vcpus 1 + (i % 4)
#   maxMemory  = 512 MiB * (1 + i % 8)      (expressed in KiB)
#   currentMemory = maxMemory minus 128 MiB when i is odd (balloon-like)
# Initial run state uses the test driver's own XML namespace (test:runstate,
# values are virDomainState numbers: 1 running, 3 paused, 5 shutoff).
set -eu

n=${1:?usage: gen-testnode.sh N [uniform|mixed] [BIGMEM_EVERY]}
mode=${2:-uniform}
bigmem=${3:-0}
devices=${4:-}

case $mode in uniform|mixed) ;; *) echo "bad mode: $mode" >&2; exit 2;; esac

awk -v n="$n" -v mode="$mode" -v bigmem="$bigmem" -v devices="$devices" 'BEGIN {
    print "<?xml version=\"1.0\"?>"
    print "<node>"
    print "  <cpu>"
    print "    <mhz>2400</mhz><model>x86_64</model><active>64</active>"
    print "    <nodes>1</nodes><sockets>2</sockets><cores>16</cores><threads>2</threads>"
    print "  </cpu>"
    # host RAM in KiB: 16 TiB, so that big guests are plausible
    print "  <memory>17179869184</memory>"
    for (i = 1; i <= n; i++) {
        state = 1
        if (mode == "mixed") {
            if (i % 7 == 0)       state = 5
            else if (i % 10 == 0) state = 3
        }
        maxkib = 524288 * (1 + i % 8)
        if (bigmem > 0 && i % bigmem == 0) maxkib = 6442450944   # 6 TiB
        curkib = (i % 2) ? maxkib - 131072 : maxkib
        printf "  <domain type=\"test\" xmlns:test=\"http://libvirt.org/schemas/domain/test/1.0\">\n"
        printf "    <name>vm-%05d</name>\n", i
        printf "    <uuid>%08x-0000-4000-8000-%012x</uuid>\n", i, i
        printf "    <memory unit=\"KiB\">%.0f</memory>\n", maxkib
        printf "    <currentMemory unit=\"KiB\">%.0f</currentMemory>\n", curkib
        printf "    <vcpu>%d</vcpu>\n", 1 + i % 4
        print  "    <os><type arch=\"x86_64\">hvm</type></os>"
        print  "    <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>"
        if (devices == "devices") {
            print  "    <devices>"
            printf "      <disk type=\"file\" device=\"disk\"><source file=\"/var/lib/guests/vm-%05d.img\"/><target dev=\"vda\" bus=\"virtio\"/></disk>\n", i
            printf "      <interface type=\"network\"><mac address=\"52:54:00:%02x:%02x:%02x\"/><source network=\"default\"/><target dev=\"vnet%d\"/><model type=\"virtio\"/></interface>\n", int(i/65536)%256, int(i/256)%256, i%256, i
            print  "    </devices>"
        }
        printf "    <test:runstate>%d</test:runstate>\n", state
        print  "  </domain>"
    }
    print "</node>"
}'
