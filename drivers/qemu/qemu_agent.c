/*
 * qemu_agent.c: the guest agent protocol (see qemu_agent.h): JSON commands
 * over the channel's socket, after a guest-sync-delimited exchange that
 * skips whatever an earlier client left unread.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qemu_agent.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

#define MAX_ITEMS 256   /* file systems, interfaces, addresses of one */

struct agent {
    int fd;
    long long deadline;
    const char *sock;
};

long long qemu_agent_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail(const struct agent *a, const char *what)
{
    vm_report_error(VM_ERR_TIMEOUT, "guest agent at '%s': %s", a->sock, what);
    return -1;
}

/* Waits for events on the socket until the deadline: 1 ready, -1 (error
 * set) when the time is up. */
static int wait_fd(const struct agent *a, short events)
{
    for (;;) {
        long long left = a->deadline - qemu_agent_now_ms();
        struct pollfd p = {a->fd, events, 0};
        int r;
        if (left <= 0)
            return fail(a, "no answer within the agent timeout");
        r = poll(&p, 1, (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR) {
            vm_report_system_error(errno, "guest agent at '%s'", a->sock);
            return -1;
        }
    }
}

static int send_all(const struct agent *a, const char *data, size_t len)
{
    while (len) {
        ssize_t n;
        if (wait_fd(a, POLLOUT) < 0)
            return -1;
        n = send(a->fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0) {
            vm_report_system_error(errno, "cannot write to the guest agent at '%s'", a->sock);
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One reply: a JSON object, after skipping up to the 0xFF delimiter when
 * delimited.  At most QEMU_AGENT_REPLY_MAX bytes are read for it. */
static json_object *read_reply(const struct agent *a, bool delimited)
{
    struct json_tokener *tok = json_tokener_new();
    json_object *o = NULL;
    size_t total = 0;
    bool in_json = !delimited;

    while (!o) {
        char buf[4096];
        ssize_t n;
        size_t start = 0;
        if (wait_fd(a, POLLIN) < 0)
            break;
        n = recv(a->fd, buf, sizeof(buf), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            fail(a, n == 0 ? "it closed the connection" : "cannot read");
            break;
        }
        total += (size_t)n;
        if (total > QEMU_AGENT_REPLY_MAX) {
            fail(a, "a reply over 1 MiB");
            break;
        }
        if (!in_json) {
            char *ff = memchr(buf, 0xff, (size_t)n);
            if (!ff)
                continue;
            in_json = true;
            start = (size_t)(ff - buf) + 1;
            total = (size_t)n - start;
        }
        if (start == (size_t)n)
            continue;
        o = json_tokener_parse_ex(tok, buf + start, (int)((size_t)n - start));
        if (!o && json_tokener_get_error(tok) != json_tokener_continue) {
            fail(a, "a reply that is not JSON");
            break;
        }
        if (o && !json_object_is_type(o, json_type_object)) {
            json_object_put(o);
            o = NULL;
            fail(a, "a reply that is not a JSON object");
            break;
        }
    }
    json_tokener_free(tok);
    return o;
}

static int agent_open(struct agent *a, const char *sock, long long deadline)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char sync[96];
    long id = (long)(qemu_agent_now_ms() & 0x7fffffff);
    json_object *reply, *ret;
    bool ok;

    a->sock = sock;
    a->deadline = deadline;
    if (strlen(sock) >= sizeof(sa.sun_path)) {
        vm_report_error(VM_ERR_INVALID_ARG, "guest agent socket path too long: '%s'", sock);
        return -1;
    }
    strcpy(sa.sun_path, sock);
    if ((a->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
        (connect(a->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS &&
         errno != EAGAIN)) {
        vm_report_system_error(errno, "cannot connect to the guest agent at '%s'", sock);
        if (a->fd >= 0)
            close(a->fd);
        a->fd = -1;
        return -1;
    }
    /* 0xFF resets the agent's parser; the delimited sync skips what an
     * earlier client left unread */
    snprintf(sync, sizeof(sync),
             "\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":%ld}}\n", id);
    if (send_all(a, sync, strlen(sync)) < 0 || !(reply = read_reply(a, true)))
        goto error;
    ok = json_object_object_get_ex(reply, "return", &ret) && json_object_is_type(ret, json_type_int) &&
         json_object_get_int64(ret) == id;
    json_object_put(reply);
    if (!ok) {
        fail(a, "it did not sync");
        goto error;
    }
    return 0;
error:
    close(a->fd);
    a->fd = -1;
    return -1;
}

/* The "return" of command (owned by the caller), NULL when the agent
 * refused it (no error set) or did not answer (error set: *dead). */
static json_object *command(struct agent *a, const char *cmd, bool *dead)
{
    VM_AUTOFREE char *msg = vm_asprintf("{\"execute\":\"%s\"}\n", cmd);
    json_object *reply, *ret = NULL;

    if (send_all(a, msg, strlen(msg)) < 0 || !(reply = read_reply(a, false))) {
        *dead = true;
        return NULL;
    }
    if (json_object_object_get_ex(reply, "return", &ret))
        json_object_get(ret);
    else
        ret = NULL;
    json_object_put(reply);
    return ret;
}

static char *str_of(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? vm_strdup(json_object_get_string(v))
               : NULL;
}

static uint64_t u64_of(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) < 0)
        return VM_STAT_UNKNOWN;
    return (uint64_t)json_object_get_int64(v);
}

static size_t array_len(json_object *o)
{
    size_t n = json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 0;
    return n > MAX_ITEMS ? MAX_ITEMS : n;
}

static void read_fs(struct vm_guest_info *g, json_object *list)
{
    size_t n = array_len(list);

    VM_NEW_N(g->fs, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(list, i);
        struct vm_guest_fs *f = &g->fs[g->nfs];
        if (!json_object_is_type(e, json_type_object))
            continue;
        f->mountpoint = str_of(e, "mountpoint");
        f->fstype = str_of(e, "type");
        f->total_bytes = u64_of(e, "total-bytes");
        f->used_bytes = u64_of(e, "used-bytes");
        g->nfs++;
    }
}

static void read_ifs(struct vm_guest_info *g, json_object *list)
{
    size_t n = array_len(list);

    VM_NEW_N(g->ifs, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(list, i), *addrs = NULL;
        struct vm_guest_if *f = &g->ifs[g->nifs];
        size_t na;
        if (!json_object_is_type(e, json_type_object))
            continue;
        f->name = str_of(e, "name");
        f->hwaddr = str_of(e, "hardware-address");
        json_object_object_get_ex(e, "ip-addresses", &addrs);
        na = array_len(addrs);
        VM_NEW_N(f->addrs, na ? na : 1);
        VM_NEW_N(f->addr_types, na ? na : 1);
        for (size_t k = 0; k < na; k++) {
            json_object *ad = json_object_array_get_idx(addrs, k);
            VM_AUTOFREE char *ip = str_of(ad, "ip-address");
            uint64_t prefix = u64_of(ad, "prefix");
            if (!ip || prefix > 128)
                continue;
            f->addrs[f->naddrs] = vm_asprintf("%s/%u", ip, (unsigned int)prefix);
            f->addr_types[f->naddrs] = str_of(ad, "ip-address-type");
            f->naddrs++;
        }
        g->nifs++;
    }
}

struct vm_guest_info *qemu_agent_guest_info(const char *sock, long long deadline_ms)
{
    struct agent a;
    struct vm_guest_info *g;
    json_object *r;
    bool dead = false;

    if (agent_open(&a, sock, deadline_ms) < 0)
        return NULL;
    VM_NEW(g);
    if ((r = command(&a, "guest-get-osinfo", &dead))) {
        g->os_id = str_of(r, "id");
        g->os_version_id = str_of(r, "version-id");
        json_object_put(r);
    }
    if (!dead && (r = command(&a, "guest-get-host-name", &dead))) {
        g->hostname = str_of(r, "host-name");
        json_object_put(r);
    }
    if (!dead && (r = command(&a, "guest-get-fsinfo", &dead))) {
        read_fs(g, r);
        json_object_put(r);
    }
    if (!dead && (r = command(&a, "guest-network-get-interfaces", &dead))) {
        read_ifs(g, r);
        json_object_put(r);
    }
    close(a.fd);
    if (dead) {
        vm_guest_info_free(g);
        return NULL;
    }
    return g;
}

int qemu_agent_shutdown(const char *sock, bool reboot, long long deadline_ms)
{
    struct agent a;
    const char *msg = reboot ? "{\"execute\":\"guest-shutdown\",\"arguments\":{\"mode\":\"reboot\"}}\n"
                             : "{\"execute\":\"guest-shutdown\",\"arguments\":{\"mode\":\"powerdown\"}}\n";
    int r;

    if (agent_open(&a, sock, deadline_ms) < 0)
        return -1;
    r = send_all(&a, msg, strlen(msg));
    close(a.fd);
    return r;
}
