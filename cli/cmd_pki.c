/*
 * cmd_pki.c: pki-check and pki-trust: what an operator needs to see
 * why a TLS server is or is not trusted, before anything else uses it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_handlers.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_tls.h"
#include "util/vm_uri.h"

#define PKI_PORT 16516          /* virtmond's TLS port */
#define PKI_TIMEOUT_MS 10000

static void print_time(FILE *out, const char *label, time_t t)
{
    char buf[64];
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
    fprintf(out, "%-20s %s\n", label, buf);
}

static void print_peer(FILE *out, const struct vm_tls_peer *peer)
{
    fprintf(out, "%-20s %s\n", "Subject:", peer->subject);
    fprintf(out, "%-20s %s\n", "Issuer:", peer->issuer);
    print_time(out, "Valid from:", peer->not_before);
    print_time(out, "Valid until:", peer->not_after);
    fprintf(out, "%-20s %s\n", "SHA-256:", peer->fingerprint);
}

/* What both commands do first: one TLS connection to the argument with
 * the PKI of --pki (or the config dir's).  0 with *cfg set (and *t, *peer
 * as vm_tls_connect left them), -1 after printing the error. */
struct probe {
    char *host;
    int port;
    struct vm_tls_config *cfg;
    struct vm_tls_peer *peer;
    struct vm_transport *t;
};

static int probe(const struct cli_args *args, struct probe *p)
{
    memset(p, 0, sizeof(*p));
    if (vm_host_port_parse(args->pos[0], PKI_PORT, &p->host, &p->port) < 0) {
        cli_error("%s", vm_error_message());
        return -1;
    }
    if (!(p->cfg = vm_tls_config_new(cli_arg(args, "pki")))) {
        cli_lib_error("no PKI directory");
        free(p->host);
        return -1;
    }
    p->t = vm_tls_connect(p->host, p->port, p->cfg, PKI_TIMEOUT_MS, &p->peer);
    return 0;
}

static void probe_clear(struct probe *p)
{
    vm_transport_close(p->t);
    vm_tls_peer_free(p->peer);
    vm_tls_config_free(p->cfg);
    free(p->host);
}

int cli_cmd_pki_check(struct cli_ctx *ctx, const struct cli_args *args)
{
    struct probe p;
    int ret = 1;

    if (probe(args, &p) < 0)
        return 1;
    if (p.peer)
        print_peer(ctx->out, p.peer);
    if (p.t) {
        fprintf(ctx->out, "trusted: %s\n",
                p.peer->verdict == VM_TLS_TRUSTED_CA       ? "CA"
                : p.peer->verdict == VM_TLS_TRUSTED_PINNED ? "pinned"
                                                           : "accepted");
        ret = 0;
    } else {
        fflush(ctx->out);
        cli_error("%s", vm_error_message());
    }
    probe_clear(&p);
    return ret;
}

/* Asks on the terminal (the CLI's credential prompt); false without one. */
static bool confirm(const char *question)
{
    struct vm_credential c = {.type = VM_CRED_CHALLENGE, .prompt = question, .defresult = "n"};
    bool yes = vm_auth_terminal_callback(&c, 1, NULL) == 0 && c.result &&
               (c.result[0] == 'y' || c.result[0] == 'Y');

    free(c.result);
    return yes;
}

int cli_cmd_pki_trust(struct cli_ctx *ctx, const struct cli_args *args)
{
    VM_AUTOFREE char *question = NULL;
    struct probe p;
    int ret = 1;

    if (probe(args, &p) < 0)
        return 1;
    if (!p.peer) {
        cli_error("%s", vm_error_message());
        goto out;
    }
    print_peer(ctx->out, p.peer);
    if (p.t) {
        fprintf(ctx->out, "trusted: %s (nothing to do)\n",
                p.peer->verdict == VM_TLS_TRUSTED_CA ? "CA" : "pinned");
        ret = 0;
        goto out;
    }
    fprintf(ctx->out, "not trusted: %s\n", p.peer->why ? p.peer->why : "no reason given");
    fflush(ctx->out);
    question = vm_asprintf("Trust this certificate for %s:%d? (y/n)", p.host, p.port);
    if (!cli_flag(args, "yes") && !confirm(question)) {
        cli_error("not trusted: give --yes, or answer y on a terminal");
        goto out;
    }
    if (vm_tls_pin(p.cfg, p.peer, p.host, p.port) < 0) {
        cli_lib_error("cannot pin the certificate");
        goto out;
    }
    cli_info(ctx, "Certificate pinned for %s:%d in %s", p.host, p.port,
             p.cfg->file[VM_TLS_TRUSTED]);
    ret = 0;
out:
    vm_error_reset();
    probe_clear(&p);
    return ret;
}
