/*
 * qemu_tap.c: making a tap for QEMU and attaching it to a bridge (see
 * qemu_tap.h).  Needs CAP_NET_ADMIN: qemu:///system.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu_tap.h"
#include "util/vm_error.h"

int qemu_tap_open(const char *name, const char *bridge, const unsigned char mac[6],
                  char name_out[IFNAMSIZ])
{
    struct ifreq ifr;
    int fd, s = -1;
    const char *step;

    if (strlen(bridge) >= IFNAMSIZ || (name && strlen(name) >= IFNAMSIZ)) {
        vm_report_error(VM_ERR_INVALID_ARG, "tap or bridge name '%s' is longer than %d bytes",
                        strlen(bridge) >= IFNAMSIZ ? bridge : name, IFNAMSIZ - 1);
        return -1;
    }
    if (!if_nametoindex(bridge)) {
        vm_report_system_error(errno, "bridge '%s'", bridge);
        return -1;
    }
    if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
        vm_report_system_error(errno, "cannot open /dev/net/tun for a tap on bridge '%s'",
                               bridge);
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name ? name : "vmtap%d");
    step = "create";
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        goto error;
    snprintf(name_out, IFNAMSIZ, "%s", ifr.ifr_name);
    step = "configure";
    if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        goto error;
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
    step = "set the MAC address of";
    if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0)
        goto error;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
    ifr.ifr_ifindex = (int)if_nametoindex(name_out);
    step = "attach to the bridge";
    if (ioctl(s, SIOCBRADDIF, &ifr) < 0)
        goto error;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name_out);
    step = "bring up";
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        goto error;
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        goto error;
    close(s);
    return fd;
error:
    vm_report_system_error(errno, "cannot %s tap '%s' for bridge '%s'", step,
                           name ? name : "vmtap%d", bridge);
    if (s >= 0)
        close(s);
    close(fd);
    return -1;
}
