/*
 * test_rpc.c: virtmond's codec: records survive the round trip, every
 * malformed body is refused with the reason (nothing read past it), and
 * docs/protocol.md lists every procedure with its number and its rights
 * on the read-only socket.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/vm_rpc_proto.h"
#include "testutil.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

/* The body of a finished message, past its header. */
static struct vm_rpc_dec body_of(uint8_t *msg, size_t len)
{
    struct vm_rpc_dec d;

    vm_rpc_dec_init(&d, msg + VM_RPC_HEADER_LEN, len - VM_RPC_HEADER_LEN);
    return d;
}

static void test_header(void **state)
{
    struct vm_rpc_enc e;
    struct vm_rpc_header h;
    const char *why = NULL;
    size_t len;
    uint8_t *msg;

    vm_rpc_enc_start(&e, VM_PROC_LIST_DOMAINS, VM_RPC_CALL, 42, VM_RPC_OK);
    vm_rpc_put_u32(&e, 7);
    msg = vm_rpc_enc_finish(&e, &len);
    assert_int_equal(len, VM_RPC_HEADER_LEN + 4);
    assert_int_equal(vm_rpc_header_decode(msg, &h, &why), 0);
    assert_int_equal(h.length, len);
    assert_int_equal(h.procedure, VM_PROC_LIST_DOMAINS);
    assert_int_equal(h.serial, 42);
    msg[3] = 10; /* shorter than a header */
    assert_int_equal(vm_rpc_header_decode(msg, &h, &why), -1);
    assert_string_equal(why, "a message length out of bounds");
    msg[3] = (uint8_t)len;
    msg[11] = 2; /* version */
    assert_int_equal(vm_rpc_header_decode(msg, &h, &why), -1);
    assert_string_equal(why, "a protocol version this side does not speak");
    free(msg);
}

static void test_stats_round_trip(void **state)
{
    struct vm_domain_stats st = {0}, *back;
    struct vm_block_stats b = {.name = "vda", .source = "/a b,c.img", .rd_reqs = 1,
                               .rd_bytes = UINT64_MAX - 1, .errs = VM_STAT_UNKNOWN,
                               .rd_bytes_rate = NAN, .wr_bytes_rate = 12.5};
    struct vm_net_stats n = {.name = NULL, .mac = "52:54:00:00:00:01", .tx_drop = 3,
                             .rx_bytes_rate = NAN, .tx_bytes_rate = NAN};
    uint64_t times[2] = {5, VM_STAT_UNKNOWN};
    char *addrs[1] = {"10.0.2.15/24"}, *types[1] = {"ipv4"};
    struct vm_guest_fs fs = {"/", "ext4", 1000, VM_STAT_UNKNOWN};
    struct vm_guest_if gif = {"eth0", "52:54:00:00:00:01", addrs, types, 1};
    struct vm_guest_info guest = {"debian", "12", "tg", &fs, 1, &gif, 1};
    struct vm_rpc_enc e;
    struct vm_rpc_dec d;
    size_t len;
    uint8_t *msg;

    st.name = "web'1,$(x)";
    st.uuid[15] = 9;
    st.id = -1;
    st.state = VM_DOMAIN_PAUSED;
    st.vcpus = 2;
    st.vcpus_max = 4;
    st.cpu_time_ns = VM_STAT_UNKNOWN;
    st.vcpu_time_ns = times;
    st.nvcpu_times = 2;
    st.cpu_util_pct = 37.5;
    st.block = &b;
    st.nblock = 1;
    st.net = &n;
    st.nnet = 1;
    st.guest = &guest;
    vm_rpc_enc_start(&e, VM_PROC_DOMAIN_GET_STATS, VM_RPC_REPLY, 1, VM_RPC_OK);
    vm_rpc_put_stats(&e, &st);
    msg = vm_rpc_enc_finish(&e, &len);
    d = body_of(msg, len);
    assert_non_null(back = vm_rpc_get_stats(&d));
    assert_int_equal(vm_rpc_dec_done(&d, "stats"), 0);
    assert_string_equal(back->name, st.name);
    assert_int_equal(back->uuid[15], 9);
    assert_int_equal(back->id, -1);
    assert_int_equal(back->state, VM_DOMAIN_PAUSED);
    assert_int_equal(back->vcpus_max, 4);
    assert_true(back->cpu_time_ns == VM_STAT_UNKNOWN);
    assert_true(back->vcpu_time_ns[1] == VM_STAT_UNKNOWN);
    assert_true(back->cpu_util_pct == 37.5);
    assert_string_equal(back->block[0].source, "/a b,c.img");
    assert_true(back->block[0].rd_bytes == UINT64_MAX - 1);
    assert_true(isnan(back->block[0].rd_bytes_rate));
    assert_true(back->block[0].wr_bytes_rate == 12.5);
    assert_null(back->net[0].name);
    assert_int_equal(back->net[0].tx_drop, 3);
    assert_non_null(back->guest);
    assert_string_equal(back->guest->hostname, "tg");
    assert_true(back->guest->fs[0].used_bytes == VM_STAT_UNKNOWN);
    assert_string_equal(back->guest->ifs[0].addrs[0], "10.0.2.15/24");
    assert_string_equal(back->guest->ifs[0].addr_types[0], "ipv4");
    vm_domain_stats_free(back);
    free(msg);
}

/* Every prefix of a good record is refused, as "cut short", and so is one
 * byte too many. */
static void test_cut_short(void **state)
{
    struct vm_vcpu_list l = {.host_cpus = 12, .n = 1};
    struct vm_vcpu_info v = {.number = 0, .state = 1, .cpu = 3, .cpu_time_ns = 99};
    unsigned char map[2] = {0xff, 0x0f};
    struct vm_rpc_enc e;
    size_t len;
    uint8_t *msg;

    v.cpumap = map;
    l.vcpus = &v;
    vm_rpc_enc_start(&e, VM_PROC_DOMAIN_GET_VCPUS, VM_RPC_REPLY, 1, VM_RPC_OK);
    vm_rpc_put_vcpus(&e, &l);
    msg = vm_rpc_enc_finish(&e, &len);
    for (size_t cut = VM_RPC_HEADER_LEN; cut < len; cut++) {
        struct vm_rpc_dec d = body_of(msg, cut);
        assert_null(vm_rpc_get_vcpus(&d));
        assert_int_equal(vm_rpc_dec_done(&d, "vCPUs"), -1);
        assert_int_equal(vm_error_code(), VM_ERR_PROTOCOL);
    }
    {
        struct vm_rpc_dec d = body_of(msg, len);
        struct vm_vcpu_list *back = vm_rpc_get_vcpus(&d);
        assert_non_null(back);
        assert_int_equal(back->vcpus[0].cpumap[1], 0x0f);
        vm_vcpu_list_free(back);
        assert_int_equal(vm_rpc_dec_done(&d, "vCPUs"), 0);
    }
    free(msg);
}

/* Strings: a NUL inside, a length over the limit, a bad flag. */
static void test_bad_strings(void **state)
{
    static const uint8_t nul[] = {0, 0, 0, 1, 0, 0, 0, 3, 'a', 0, 'b'};
    static const uint8_t big[] = {0, 0, 0, 1, 0, 0, 1, 0, 'a'};
    static const uint8_t flag[] = {0, 0, 0, 2};
    static const uint8_t count[] = {0, 0, 0, 9, 0, 0, 0, 0};
    struct vm_rpc_dec d;

    vm_rpc_dec_init(&d, nul, sizeof(nul));
    assert_null(vm_rpc_get_str(&d, 100));
    assert_string_equal(d.bad, "a string with a NUL inside");
    vm_rpc_dec_init(&d, big, sizeof(big));
    assert_null(vm_rpc_get_str(&d, 100));
    assert_string_equal(d.bad, "a string over its limit");
    vm_rpc_dec_init(&d, flag, sizeof(flag));
    assert_null(vm_rpc_get_str(&d, 100));
    assert_string_equal(d.bad, "a boolean neither 0 nor 1");
    /* a count beyond what the body can hold is refused before any
     * allocation */
    vm_rpc_dec_init(&d, count, sizeof(count));
    assert_int_equal(vm_rpc_get_count(&d, 1000), 0);
    assert_string_equal(d.bad, "an array count out of bounds");
}

/* Blobs (SASL tokens): NULs kept, absent differs from empty, the limit
 * and every cut-short prefix refused. */
static void test_blob(void **state)
{
    static const char token[] = {'n', ',', 0, 'x', 0};
    static const uint8_t big[] = {0, 0, 0, 1, 0, 0, 0, 9, 'a'};
    struct vm_rpc_enc e;
    struct vm_rpc_dec d;
    size_t len, n = 99;
    uint8_t *msg;
    char *back;

    vm_rpc_enc_start(&e, VM_PROC_AUTH_SASL_STEP, VM_RPC_CALL, 1, VM_RPC_OK);
    vm_rpc_put_blob(&e, token, sizeof(token));
    vm_rpc_put_blob(&e, "", 0);
    vm_rpc_put_blob(&e, NULL, 0);
    msg = vm_rpc_enc_finish(&e, &len);
    d = body_of(msg, len);
    back = vm_rpc_get_blob(&d, VM_RPC_SASL_MAX, &n);
    assert_int_equal(n, sizeof(token));
    assert_memory_equal(back, token, sizeof(token));
    free(back);
    back = vm_rpc_get_blob(&d, VM_RPC_SASL_MAX, &n);
    assert_non_null(back);
    assert_int_equal(n, 0);
    free(back);
    assert_null(vm_rpc_get_blob(&d, VM_RPC_SASL_MAX, &n));
    assert_int_equal(vm_rpc_dec_done(&d, "blobs"), 0);
    for (size_t cut = VM_RPC_HEADER_LEN + 1; cut < VM_RPC_HEADER_LEN + 8 + sizeof(token); cut++) {
        d = body_of(msg, cut);
        free(vm_rpc_get_blob(&d, VM_RPC_SASL_MAX, &n));
        assert_int_equal(vm_rpc_dec_done(&d, "blob"), -1);
    }
    free(msg);
    vm_rpc_dec_init(&d, big, sizeof(big));
    assert_null(vm_rpc_get_blob(&d, 4, &n));
    assert_string_equal(d.bad, "a blob over its limit");
    vm_error_reset();
}

/* docs/protocol.md's table: one row per procedure, in number order, with
 * its name and whether the read-only socket allows it. */
static void test_docs_list_every_procedure(void **state)
{
    char *path = vm_test_srcpath("docs/protocol.md");
    char *doc = vm_test_read_file(path);
    unsigned int rows = 0;

    assert_non_null(doc);
    for (uint32_t p = 1; p < VM_PROC_LAST; p++) {
        const struct vm_rpc_proc_info *info = vm_rpc_proc_info(p);
        char *row;
        char *line;
        assert_non_null(info);
        row = vm_asprintf("\n| %u | `%s` |", p, info->name);
        line = strstr(doc, row);
        if (!line)
            fail_msg("docs/protocol.md has no row '%s'", row + 1);
        line = strchr(line + 1, '\n');
        *line = '\0';
        if (!strstr(strstr(doc, row), info->mutating ? "| refused |" : "| allowed |"))
            fail_msg("docs/protocol.md: %s is %s on the read-only socket", info->name,
                     info->mutating ? "refused" : "allowed");
        *line = '\n';
        rows++;
        free(row);
    }
    assert_null(vm_rpc_proc_info(VM_PROC_LAST));
    assert_null(vm_rpc_proc_info(0));
    assert_int_equal(rows, VM_PROC_LAST - 1);
    free(doc);
    free(path);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_header),
    cmocka_unit_test(test_stats_round_trip),
    cmocka_unit_test(test_cut_short),
    cmocka_unit_test(test_bad_strings),
    cmocka_unit_test(test_blob),
    cmocka_unit_test(test_docs_list_every_procedure),
};

VM_TEST_MAIN(tests)
