/*
 * qemu_monitor.c: the QMP client.  QEMU writes one JSON object per line
 * ("\r\n"); replies carry the id we sent, events carry "event" and may come
 * before or after the reply they relate to.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qemu_monitor_priv.h"
#include "virtmon.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "util/vm_units.h"

/* A line longer than this is not QMP: refuse rather than grow forever. */
#define QMP_MAX_LINE (16 * 1024 * 1024)

struct qemu_monitor {
    int fd;
    int timeout_ms;
    char *path;
    struct vm_buf in;       /* bytes received, not yet a whole line */
    json_object *events;    /* array */
    long long next_id;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int qemu_monitor_parse_line(const char *line, size_t len, json_object **msg,
                            enum qemu_msg_kind *kind, long long *id)
{
    json_tokener *tok = json_tokener_new();
    json_object *obj, *v;
    enum json_tokener_error jerr;

    *msg = NULL;
    *id = -1;
    if (len > (size_t)0x7fffffff)
        len = 0x7fffffff;
    obj = json_tokener_parse_ex(tok, line, (int)len);
    jerr = json_tokener_get_error(tok);
    if (obj && tok->char_offset < (int)len) {
        /* trailing text after the object: only white space is allowed */
        for (size_t i = (size_t)tok->char_offset; i < len; i++) {
            if (!strchr(" \t\r\n", line[i])) {
                json_object_put(obj);
                obj = NULL;
                jerr = json_tokener_error_parse_unexpected;
                break;
            }
        }
    }
    json_tokener_free(tok);
    if (!obj || jerr != json_tokener_success) {
        json_object_put(obj);
        vm_report_error(VM_ERR_PROTOCOL, "malformed QMP message: %s",
                        jerr == json_tokener_continue ? "incomplete JSON"
                                                      : json_tokener_error_desc(jerr));
        return -1;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        vm_report_error(VM_ERR_PROTOCOL, "malformed QMP message: not a JSON object");
        return -1;
    }
    if (json_object_object_get_ex(obj, "id", &v) && json_object_is_type(v, json_type_int))
        *id = json_object_get_int64(v);
    if (json_object_object_get_ex(obj, "QMP", NULL))
        *kind = QEMU_MSG_GREETING;
    else if (json_object_object_get_ex(obj, "event", &v) && json_object_is_type(v, json_type_string))
        *kind = QEMU_MSG_EVENT;
    else if (json_object_object_get_ex(obj, "return", NULL))
        *kind = QEMU_MSG_RETURN;
    else if (json_object_object_get_ex(obj, "error", &v) && json_object_is_type(v, json_type_object))
        *kind = QEMU_MSG_ERROR;
    else {
        json_object_put(obj);
        vm_report_error(VM_ERR_PROTOCOL,
                        "malformed QMP message: neither a greeting, a reply nor an event");
        return -1;
    }
    *msg = obj;
    return 0;
}

/* Reads until a whole line is buffered or the deadline passes; returns the
 * line's length (the line starts at mon->in.data), -1 with an error. */
static ssize_t read_line(struct qemu_monitor *mon, long long deadline, const char *waiting_for)
{
    for (;;) {
        char *nl = mon->in.len ? memchr(mon->in.data, '\n', mon->in.len) : NULL;
        char chunk[4096];
        struct pollfd pfd = {mon->fd, POLLIN, 0};
        long long left = deadline - now_ms();
        ssize_t n;
        int r;

        if (nl)
            return nl - mon->in.data + 1;
        if (mon->in.len > QMP_MAX_LINE) {
            vm_report_error(VM_ERR_PROTOCOL, "QMP message from '%s' longer than %d bytes",
                            mon->path, QMP_MAX_LINE);
            return -1;
        }
        if (left <= 0) {
            vm_report_error(VM_ERR_TIMEOUT, "no %s from QEMU's monitor '%s' within %d ms",
                            waiting_for, mon->path, mon->timeout_ms);
            return -1;
        }
        r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            vm_report_system_error(errno, "poll on QEMU's monitor '%s'", mon->path);
            return -1;
        }
        if (r == 0)
            continue;   /* the deadline check reports */
        n = read(mon->fd, chunk, sizeof(chunk));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            /* EOF or ECONNRESET: both mean QEMU is gone */
            vm_report_error(VM_ERR_CONNECTION_LOST,
                            "QEMU's monitor '%s' closed the connection while waiting for %s",
                            mon->path, waiting_for);
            return -1;
        }
        vm_buf_add_len(&mon->in, chunk, (size_t)n);
    }
}

static void consume(struct qemu_monitor *mon, size_t n)
{
    memmove(mon->in.data, mon->in.data + n, mon->in.len - n);
    mon->in.len -= n;
    mon->in.data[mon->in.len] = '\0';
}

/* Reads messages until one of kind `want` (with id `id` for replies);
 * events are queued on the way. */
static json_object *await(struct qemu_monitor *mon, long long id, bool greeting,
                          const char *waiting_for)
{
    long long deadline = now_ms() + mon->timeout_ms;

    for (;;) {
        ssize_t n = read_line(mon, deadline, waiting_for);
        json_object *msg;
        enum qemu_msg_kind kind;
        long long got;
        bool blank = true;

        if (n < 0)
            return NULL;
        for (ssize_t i = 0; i < n; i++)
            blank = blank && strchr(" \t\r\n", mon->in.data[i]);
        if (blank) {
            consume(mon, (size_t)n);
            continue;
        }
        if (qemu_monitor_parse_line(mon->in.data, (size_t)n, &msg, &kind, &got) < 0)
            return NULL;
        consume(mon, (size_t)n);
        if (kind == QEMU_MSG_EVENT) {
            if (json_object_array_length(mon->events) < QMP_MAX_EVENTS)
                json_object_array_add(mon->events, msg);
            else
                json_object_put(msg);
            continue;
        }
        if (greeting ? kind == QEMU_MSG_GREETING : (kind != QEMU_MSG_GREETING && got == id))
            return msg;
        if (kind == QEMU_MSG_GREETING && !greeting) {
            json_object_put(msg);
            vm_report_error(VM_ERR_PROTOCOL, "unexpected QMP greeting from '%s'", mon->path);
            return NULL;
        }
        /* a reply to someone else's (or an earlier, timed-out) command */
        json_object_put(msg);
    }
}

/* Sends data; when pass_fd >= 0, the first byte carries it (SCM_RIGHTS),
 * which is how QMP's getfd receives a descriptor. */
static int send_all(struct qemu_monitor *mon, const char *data, size_t len, int pass_fd)
{
    while (len > 0) {
        struct iovec iov = {(void *)data, len};
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } ctl;
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n;

        if (pass_fd >= 0) {
            struct cmsghdr *c;
            memset(&ctl, 0, sizeof(ctl));
            msg.msg_control = ctl.buf;
            msg.msg_controllen = sizeof(ctl.buf);
            c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
        }
        n = sendmsg(mon->fd, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = {mon->fd, POLLOUT, 0};
            if (poll(&pfd, 1, mon->timeout_ms) <= 0) {
                vm_report_error(VM_ERR_TIMEOUT, "QEMU's monitor '%s' does not take input",
                                mon->path);
                return -1;
            }
            continue;
        }
        if (n < 0) {
            vm_report_error(VM_ERR_CONNECTION_LOST, "cannot write to QEMU's monitor '%s': %s",
                            mon->path, strerror(errno));
            return -1;
        }
        pass_fd = -1;   /* sent with the first byte that went out */
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int command(struct qemu_monitor *mon, const char *cmd, json_object *args, int pass_fd,
                   json_object **ret)
{
    json_object *req = json_object_new_object();
    long long id = mon->next_id++;
    json_object *reply, *v;
    const char *text;
    char *wire;
    int r;

    if (ret)
        *ret = NULL;
    json_object_object_add(req, "execute", json_object_new_string(cmd));
    if (args)
        json_object_object_add(req, "arguments", args);
    json_object_object_add(req, "id", json_object_new_int64(id));
    text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    wire = vm_asprintf("%s\r\n", text);
    json_object_put(req);
    r = send_all(mon, wire, strlen(wire), pass_fd);
    free(wire);
    if (r < 0)
        return -1;
    if (!(reply = await(mon, id, false, cmd)))
        return -1;
    if (json_object_object_get_ex(reply, "error", &v)) {
        json_object *cls = NULL, *desc = NULL;
        json_object_object_get_ex(v, "class", &cls);
        json_object_object_get_ex(v, "desc", &desc);
        vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU refused '%s': %s (%s)", cmd,
                        desc ? json_object_get_string(desc) : "no reason given",
                        cls ? json_object_get_string(cls) : "no class");
        json_object_put(reply);
        return -1;
    }
    if (ret && json_object_object_get_ex(reply, "return", &v))
        *ret = json_object_get(v);
    json_object_put(reply);
    return 0;
}

int qemu_monitor_command(struct qemu_monitor *mon, const char *cmd, json_object *args,
                         json_object **ret)
{
    return command(mon, cmd, args, -1, ret);
}

int qemu_monitor_pass_fd(struct qemu_monitor *mon, int fd, const char *fdname)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "fdname", json_object_new_string(fdname));
    return command(mon, "getfd", args, fd, NULL);
}

struct qemu_monitor *qemu_monitor_open(const char *path, int timeout_ms)
{
    struct qemu_monitor *mon;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    json_object *greeting;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vm_report_error(VM_ERR_INVALID_ARG, "QMP socket path '%s' is too long", path);
        return NULL;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    VM_NEW(mon);
    mon->path = vm_strdup(path);
    mon->timeout_ms = timeout_ms;
    mon->events = json_object_new_array();
    mon->next_id = 1;
    mon->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (mon->fd < 0) {
        vm_report_system_error(errno, "cannot create a socket for '%s'", path);
        goto error;
    }
    /* A non-blocking connect fails with EAGAIN when QEMU's backlog is full
     * (another client holds the monitor): that is "busy", not "gone". */
    if (connect(mon->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        if (errno == EAGAIN)
            vm_report_error(VM_ERR_TIMEOUT, "QEMU's monitor '%s' is busy", path);
        else
            vm_report_error(VM_ERR_CONNECTION_LOST, "cannot connect to QEMU's monitor '%s': %s",
                            path, strerror(errno));
        goto error;
    }
    /* connect() succeeding does not make us the monitor's client: the
     * greeting does. */
    if (!(greeting = await(mon, 0, true, "greeting")))
        goto error;
    json_object_put(greeting);
    if (qemu_monitor_command(mon, "qmp_capabilities", NULL, NULL) < 0)
        goto error;
    return mon;
error:
    qemu_monitor_close(mon);
    return NULL;
}

void qemu_monitor_close(struct qemu_monitor *mon)
{
    if (!mon)
        return;
    if (mon->fd >= 0)
        close(mon->fd);
    vm_buf_clear(&mon->in);
    json_object_put(mon->events);
    free(mon->path);
    free(mon);
}

json_object *qemu_monitor_take_events(struct qemu_monitor *mon)
{
    json_object *events = mon->events;

    mon->events = json_object_new_array();
    return events;
}

/* ---------------------------------------------------------------- readers */

static int protocol_error(const char *cmd, const char *what)
{
    vm_report_error(VM_ERR_PROTOCOL, "malformed reply to '%s': %s", cmd, what);
    return -1;
}

/* A non-negative integer member; json-c keeps values above INT64_MAX exact
 * through its uint64 API (balloon stats use 2^64-1 for "not available"). */
static int get_u64(json_object *obj, const char *key, uint64_t *out)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
        return -1;
    if (json_object_get_int64(v) < 0 && json_object_get_uint64(v) == 0)
        return -1;  /* negative */
    *out = json_object_get_uint64(v);
    return 0;
}

int qemu_monitor_read_status(json_object *ret, int *state, int *reason)
{
    static const struct {
        const char *status;
        int state, reason;
    } map[] = {
        {"running", VM_DOMAIN_RUNNING, VM_RUNNING_UNKNOWN},
        {"paused", VM_DOMAIN_PAUSED, VM_PAUSED_USER},
        {"prelaunch", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"inmigrate", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"postmigrate", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"finish-migrate", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"save-vm", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"restore-vm", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"debug", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"colo", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"suspended", VM_DOMAIN_PMSUSPENDED, 0},
        {"shutdown", VM_DOMAIN_SHUTDOWN, 0},
        {"io-error", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"watchdog", VM_DOMAIN_PAUSED, VM_PAUSED_UNKNOWN},
        {"guest-panicked", VM_DOMAIN_CRASHED, 0},
        {"internal-error", VM_DOMAIN_CRASHED, 0},
    };
    json_object *v;
    const char *status;

    if (!ret || !json_object_object_get_ex(ret, "status", &v) ||
        !json_object_is_type(v, json_type_string))
        return protocol_error("query-status", "no status");
    status = json_object_get_string(v);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].status, status) == 0) {
            *state = map[i].state;
            *reason = map[i].reason;
            return 0;
        }
    }
    /* a status newer than this code: don't guess */
    *state = VM_DOMAIN_NOSTATE;
    *reason = 0;
    return 0;
}

int qemu_monitor_read_cpus(json_object *ret, int **tids, size_t *ntids)
{
    size_t n;

    *tids = NULL;
    *ntids = 0;
    if (!ret || !json_object_is_type(ret, json_type_array))
        return protocol_error("query-cpus-fast", "not an array");
    n = json_object_array_length(ret);
    VM_NEW_N(*tids, n);
    for (size_t i = 0; i < n; i++) {
        json_object *cpu = json_object_array_get_idx(ret, i), *v;
        if (!json_object_is_type(cpu, json_type_object) ||
            !json_object_object_get_ex(cpu, "thread-id", &v) ||
            !json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0 ||
            json_object_get_int64(v) > 0x7fffffff) {
            free(*tids);
            *tids = NULL;
            return protocol_error("query-cpus-fast", "a CPU without a thread-id");
        }
        (*tids)[i] = (int)json_object_get_int64(v);
    }
    *ntids = n;
    return 0;
}

int qemu_monitor_read_balloon(json_object *ret, uint64_t *kib)
{
    uint64_t bytes;

    if (!ret || get_u64(ret, "actual", &bytes) < 0)
        return protocol_error("query-balloon", "no actual size");
    *kib = vm_bytes_to_kib(bytes);
    return 0;
}

void qemu_blockstats_free(struct qemu_blockstat *stats, size_t n)
{
    for (size_t i = 0; stats && i < n; i++)
        free(stats[i].device);
    free(stats);
}

int qemu_monitor_read_blockstats(json_object *ret, struct qemu_blockstat **stats, size_t *np)
{
    size_t n;
    struct qemu_blockstat *s;

    *stats = NULL;
    *np = 0;
    if (!ret || !json_object_is_type(ret, json_type_array))
        return protocol_error("query-blockstats", "not an array");
    n = json_object_array_length(ret);
    VM_NEW_N(s, n);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(ret, i), *dev = NULL, *st;
        /* the top-level stats are the guest's view; a disk given as
         * -blockdev has no device name, its format node is named */
        if (json_object_is_type(e, json_type_object) &&
            (!json_object_object_get_ex(e, "device", &dev) ||
             (json_object_is_type(dev, json_type_string) && !*json_object_get_string(dev))))
            json_object_object_get_ex(e, "node-name", &dev);
        if (!json_object_is_type(e, json_type_object) || !dev ||
            !json_object_is_type(dev, json_type_string) ||
            !json_object_object_get_ex(e, "stats", &st) ||
            !json_object_is_type(st, json_type_object) ||
            get_u64(st, "rd_operations", &s[i].rd_reqs) < 0 ||
            get_u64(st, "rd_bytes", &s[i].rd_bytes) < 0 ||
            get_u64(st, "wr_operations", &s[i].wr_reqs) < 0 ||
            get_u64(st, "wr_bytes", &s[i].wr_bytes) < 0) {
            qemu_blockstats_free(s, i);
            return protocol_error("query-blockstats", "an entry without device or counters");
        }
        s[i].device = vm_strdup(json_object_get_string(dev));
        if (get_u64(st, "flush_operations", &s[i].flush_reqs) < 0)
            s[i].flush_reqs = VM_STAT_UNKNOWN;
        if (get_u64(st, "rd_total_time_ns", &s[i].rd_total_ns) < 0)
            s[i].rd_total_ns = VM_STAT_UNKNOWN;
        if (get_u64(st, "wr_total_time_ns", &s[i].wr_total_ns) < 0)
            s[i].wr_total_ns = VM_STAT_UNKNOWN;
        if (get_u64(st, "flush_total_time_ns", &s[i].flush_total_ns) < 0)
            s[i].flush_total_ns = VM_STAT_UNKNOWN;
    }
    *stats = s;
    *np = n;
    return 0;
}

int qemu_monitor_read_migrate(json_object *ret)
{
    json_object *v;
    const char *status;

    if (!ret || !json_object_object_get_ex(ret, "status", &v) ||
        !json_object_is_type(v, json_type_string))
        return protocol_error("query-migrate", "no status");
    status = json_object_get_string(v);
    if (strcmp(status, "completed") == 0)
        return 1;
    if (strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0) {
        json_object *desc = NULL;
        json_object_object_get_ex(ret, "error-desc", &desc);
        vm_report_error(VM_ERR_OPERATION_FAILED, "migration to the save image %s: %s", status,
                        desc ? json_object_get_string(desc) : "no reason given");
        return -1;
    }
    return 0;
}
