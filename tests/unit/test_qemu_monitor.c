/*
 * test_qemu_monitor.c: the QMP client against a scripted fake QEMU.  A
 * transcript in tests/data/qmp/NAME.txt has lines "S: json" (the peer
 * sends it), "C: json" (the client must send exactly this), "S-RAW: text"
 * (sent as is), "S-SPLIT: json" (sent in two writes), "S-CLOSE"; the peer
 * checks the client's lines and plays the rest.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemu/qemu_monitor_priv.h"
#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

struct peer {
    char *script;
    char *sock_path;
    int listen_fd;
    pthread_t thread;
    char failure[512];   /* empty when the client said what the script expects */
};

static char *read_client_line(int fd)
{
    char c;
    char buf[65536];
    size_t n = 0;

    while (n + 1 < sizeof(buf)) {
        ssize_t r = read(fd, &c, 1);
        if (r <= 0)
            return NULL;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return vm_strdup(buf);
}

static void write_str(int fd, const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

static void *peer_main(void *arg)
{
    struct peer *p = arg;
    int fd = accept(p->listen_fd, NULL, NULL);
    char *save = NULL;
    char *copy = vm_strdup(p->script);

    if (fd < 0) {
        snprintf(p->failure, sizeof(p->failure), "accept: %s", strerror(errno));
        free(copy);
        return NULL;
    }
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || !*line)
            continue;
        if (strncmp(line, "S: ", 3) == 0 || strncmp(line, "S-RAW: ", 7) == 0) {
            write_str(fd, strchr(line, ' ') + 1);
            write_str(fd, "\r\n");
        } else if (strncmp(line, "S-SPLIT: ", 9) == 0) {
            const char *msg = line + 9;
            size_t half = strlen(msg) / 2;
            char *first = vm_strndup(msg, half);
            write_str(fd, first);
            usleep(20000);
            write_str(fd, msg + half);
            write_str(fd, "\r\n");
            free(first);
        } else if (strncmp(line, "S-REPEAT: ", 10) == 0) {
            /* "S-REPEAT: N MSG": MSG sent N times */
            char *msg;
            long n = strtol(line + 10, &msg, 10);
            for (long i = 0; i < n; i++) {
                write_str(fd, msg + 1);
                write_str(fd, "\r\n");
            }
        } else if (strcmp(line, "S-CLOSE") == 0) {
            break;
        } else if (strncmp(line, "C: ", 3) == 0) {
            char *got = read_client_line(fd);
            json_object *want = json_tokener_parse(line + 3);
            json_object *have = got ? json_tokener_parse(got) : NULL;
            if (!have || !json_object_equal(want, have))
                snprintf(p->failure, sizeof(p->failure), "expected %s, got %s", line + 3,
                         got ? got : "(nothing)");
            json_object_put(want);
            json_object_put(have);
            free(got);
            if (p->failure[0])
                break;
        }
    }
    close(fd);
    free(copy);
    return NULL;
}

static struct peer *peer_start(const char *transcript, const char *dir)
{
    struct peer *p;
    char *rel = vm_asprintf("tests/data/qmp/%s.txt", transcript);
    char *path = vm_test_srcpath(rel);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    VM_NEW(p);
    p->script = vm_test_read_file(path);
    if (!p->script)
        fail_msg("cannot read %s", path);
    p->sock_path = vm_asprintf("%s/%s.qmp", dir, transcript);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p->sock_path);
    p->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(p->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(p->listen_fd, 1) < 0)
        fail_msg("cannot listen on %s: %s", p->sock_path, strerror(errno));
    pthread_create(&p->thread, NULL, peer_main, p);
    free(rel);
    free(path);
    return p;
}

/* Joins the peer and fails the test if the client strayed from the script. */
static void peer_finish(struct peer *p)
{
    pthread_join(p->thread, NULL);
    close(p->listen_fd);
    unlink(p->sock_path);
    if (p->failure[0])
        fail_msg("fake QEMU: %s", p->failure);
    free(p->script);
    free(p->sock_path);
    free(p);
}

static char *tmpdir;

static int setup(void **state)
{
    tmpdir = vm_test_mkdtemp();
    return 0;
}

static int teardown(void **state)
{
    vm_test_rmtree(tmpdir);
    free(tmpdir);
    return 0;
}

/* query-status answers, and its state is want. */
static void assert_status(struct qemu_monitor *mon, int want)
{
    json_object *ret = NULL;
    int st, reason;

    assert_int_equal(qemu_monitor_command(mon, "query-status", NULL, &ret), 0);
    assert_int_equal(qemu_monitor_read_status(ret, &st, &reason), 0);
    assert_int_equal(st, want);
    json_object_put(ret);
}

static void test_status_events(void **state)
{
    struct peer *p = peer_start("status-events", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 2000);
    json_object *events;

    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "stop", NULL, NULL), 0);
    assert_status(mon, VM_DOMAIN_PAUSED);
    assert_status(mon, VM_DOMAIN_RUNNING);
    /* events are kept apart from replies, in order */
    events = qemu_monitor_take_events(mon);
    assert_int_equal(json_object_array_length(events), 2);
    assert_string_equal(json_object_get_string(json_object_object_get(
                            json_object_array_get_idx(events, 0), "event")),
                        "STOP");
    assert_string_equal(json_object_get_string(json_object_object_get(
                            json_object_array_get_idx(events, 1), "event")),
                        "RESUME");
    json_object_put(events);
    qemu_monitor_close(mon);
    peer_finish(p);
}

/* A flood of events while a command waits neither loses the reply nor
 * grows the queue past its bound. */
static void test_event_flood(void **state)
{
    struct peer *p = peer_start("event-flood", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 5000);
    json_object *events;

    assert_non_null(mon);
    assert_status(mon, VM_DOMAIN_RUNNING);
    events = qemu_monitor_take_events(mon);
    assert_int_equal(json_object_array_length(events), QMP_MAX_EVENTS);
    json_object_put(events);
    qemu_monitor_close(mon);
    peer_finish(p);
}

static void test_error_reply(void **state)
{
    struct peer *p = peer_start("error-reply", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 2000);
    json_object *ret = (json_object *)1;

    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "query-balloon", NULL, &ret), -1);
    assert_null(ret);
    assert_int_equal(vm_error_code(), VM_ERR_OPERATION_FAILED);
    assert_string_equal(vm_error_message(), "QEMU refused 'query-balloon': No balloon device "
                                            "has been activated (DeviceNotActive)");
    qemu_monitor_close(mon);
    peer_finish(p);
}

static void test_closed(void **state)
{
    struct peer *p = peer_start("closed", tmpdir);

    assert_null(qemu_monitor_open(p->sock_path, 2000));
    assert_int_equal(vm_error_code(), VM_ERR_CONNECTION_LOST);
    assert_non_null(strstr(vm_error_message(), "closed the connection"));
    peer_finish(p);
}

static void test_garbled(void **state)
{
    struct peer *p = peer_start("garbled", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 2000);

    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "query-status", NULL, NULL), -1);
    assert_int_equal(vm_error_code(), VM_ERR_PROTOCOL);
    assert_non_null(strstr(vm_error_message(), "malformed QMP message"));
    qemu_monitor_close(mon);
    peer_finish(p);
}

static void test_not_object(void **state)
{
    struct peer *p = peer_start("not-object", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 2000);

    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "query-status", NULL, NULL), -1);
    assert_string_equal(vm_error_message(), "malformed QMP message: not a JSON object");
    qemu_monitor_close(mon);
    peer_finish(p);
}

static void test_stale_and_split(void **state)
{
    struct peer *p = peer_start("stale-and-split", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 2000);
    json_object *ret = NULL;
    int st, reason;

    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "query-status", NULL, &ret), 0);
    assert_int_equal(qemu_monitor_read_status(ret, &st, &reason), 0);
    assert_int_equal(st, VM_DOMAIN_RUNNING);   /* not the stale id 99's "paused" */
    json_object_put(ret);
    qemu_monitor_close(mon);
    peer_finish(p);
}

static void test_counters(void **state)
{
    struct peer *p = peer_start("counters", tmpdir);
    struct qemu_monitor *mon = qemu_monitor_open(p->sock_path, 2000);
    json_object *ret = NULL;
    int *tids;
    size_t n;
    struct qemu_blockstat *bs;
    uint64_t kib;

    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "query-cpus-fast", NULL, &ret), 0);
    assert_int_equal(qemu_monitor_read_cpus(ret, &tids, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(tids[0], 10975);
    assert_int_equal(tids[1], 10976);
    free(tids);
    json_object_put(ret);
    assert_int_equal(qemu_monitor_command(mon, "query-blockstats", NULL, &ret), 0);
    assert_int_equal(qemu_monitor_read_blockstats(ret, &bs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(bs[0].device, "drive-vda");
    assert_true(bs[0].rd_bytes == 512);     /* the top-level stats, not parent's */
    assert_true(bs[0].rd_reqs == 1);
    assert_true(bs[0].wr_bytes == UINT64_MAX);  /* uint64 kept exact */
    qemu_blockstats_free(bs, n);
    json_object_put(ret);
    assert_int_equal(qemu_monitor_command(mon, "query-balloon", NULL, &ret), 0);
    assert_int_equal(qemu_monitor_read_balloon(ret, &kib), 0);
    assert_true(kib == 65536);              /* bytes -> KiB at the boundary */
    json_object_put(ret);
    qemu_monitor_close(mon);
    peer_finish(p);
}

static void test_no_greeting(void **state)
{
    /* a listener that never speaks: the greeting wait must time out */
    char *path = vm_asprintf("%s/silent.qmp", tmpdir);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_null(qemu_monitor_open(path, 200));
    assert_int_equal(vm_error_code(), VM_ERR_TIMEOUT);
    assert_non_null(strstr(vm_error_message(), "no greeting"));
    close(fd);
    assert_null(qemu_monitor_open(path, 200));  /* nobody listens now */
    assert_int_equal(vm_error_code(), VM_ERR_CONNECTION_LOST);
    unlink(path);
    free(path);
}

static void test_readers_refuse_garbage(void **state)
{
    json_object *bad = json_tokener_parse("{\"status\": 5}");
    json_object *arr = json_tokener_parse("[{\"thread-id\": -4}]");
    json_object *neg = json_tokener_parse("{\"actual\": -1}");
    json_object *bs = json_tokener_parse("[{\"device\": \"d\", \"stats\": {}}]");
    int st, reason, *tids;
    size_t n;
    uint64_t kib;
    struct qemu_blockstat *b;

    assert_int_equal(qemu_monitor_read_status(bad, &st, &reason), -1);
    assert_int_equal(vm_error_code(), VM_ERR_PROTOCOL);
    assert_int_equal(qemu_monitor_read_cpus(arr, &tids, &n), -1);
    assert_int_equal(qemu_monitor_read_balloon(neg, &kib), -1);
    assert_int_equal(qemu_monitor_read_blockstats(bs, &b, &n), -1);
    assert_int_equal(qemu_monitor_read_status(NULL, &st, &reason), -1);
    json_object_put(bad);
    json_object_put(arr);
    json_object_put(neg);
    json_object_put(bs);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_status_events), T(test_error_reply),   T(test_closed),
    T(test_garbled),       T(test_not_object),    T(test_stale_and_split),
    T(test_counters),      T(test_no_greeting),   T(test_readers_refuse_garbage),
    T(test_event_flood),
};

VM_TEST_MAIN(tests)
