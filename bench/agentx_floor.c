/*
 * agentx_floor.c: the floors virtmon-agentx is measured against.
 *
 *   agentx_floor serve SOCKET ROWS COLS   a minimal tdata subagent serving a
 *                                          static ROWS x COLS integer table at
 *                                          netSnmpPlaypen.237.1 (no snapshot,
 *                                          no hypervisor): the AgentX floor
 *   agentx_floor insert ROWS              inserts ROWS rows into a bare tdata
 *                                          table and prints ns per row: the
 *                                          rebuild floor
 */
#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t running = 1;
static long ncols;

static void stop(int sig)
{
    running = 0;
}

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    for (netsnmp_request_info *req = requests; req; req = req->next) {
        long *row = netsnmp_tdata_extract_entry(req);
        if (!row || reqinfo->mode != MODE_GET)
            continue;
        long v = row[netsnmp_extract_table_info(req)->colnum];
        snmp_set_var_typed_value(req->requestvb, ASN_INTEGER, &v, sizeof(v));
    }
    return SNMP_ERR_NOERROR;
}

static netsnmp_tdata *make_table(const char *name, const oid *o, size_t len, int cols)
{
    netsnmp_tdata *t = netsnmp_tdata_create_table(name, 0);
    if (o) {
        netsnmp_handler_registration *reg =
            netsnmp_create_handler_registration(name, handler, o, len, HANDLER_CAN_RONLY);
        netsnmp_table_registration_info *ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
        netsnmp_table_helper_add_index(ti, ASN_INTEGER);
        ti->min_column = 2;
        ti->max_column = (unsigned int)cols + 1;
        netsnmp_tdata_register(reg, t, ti);
    }
    return t;
}

static void fill(netsnmp_tdata *t, long rows, long cols)
{
    for (long r = 1; r <= rows; r++) {
        netsnmp_tdata_row *row = netsnmp_tdata_create_row();
        long *data = calloc((size_t)cols + 2, sizeof(long));
        for (long c = 0; c <= cols + 1; c++)
            data[c] = r * 100 + c;
        row->data = data;
        netsnmp_tdata_row_add_index(row, ASN_INTEGER, &r, sizeof(r));
        netsnmp_tdata_add_row(t, row);
    }
}

int main(int argc, char **argv)
{
    static const oid base[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 237, 1};

    if (argc == 3 && strcmp(argv[1], "insert") == 0) {
        long rows = atol(argv[2]);
        struct timespec a, b;
        netsnmp_tdata *t;
        init_agent("agentx-floor");
        t = make_table("floor", NULL, 0, 16);
        clock_gettime(CLOCK_MONOTONIC, &a);
        fill(t, rows, 16);
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / rows);
        return 0;
    }
    if (argc != 5 || strcmp(argv[1], "serve") != 0) {
        fprintf(stderr, "usage: agentx_floor serve SOCKET ROWS COLS | insert ROWS\n");
        return 2;
    }
    ncols = atol(argv[4]);
    setenv("MIBS", "", 1);
    snmp_enable_stderrlog();
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[2]);
    signal(SIGTERM, stop);
    signal(SIGPIPE, SIG_IGN);
    init_agent("agentx-floor");
    fill(make_table("floor", base, sizeof(base) / sizeof(oid), (int)ncols), atol(argv[3]),
         ncols);
    init_snmp("agentx-floor");
    while (running)
        agent_check_and_process(1);
    snmp_shutdown("agentx-floor");
    return 0;
}
