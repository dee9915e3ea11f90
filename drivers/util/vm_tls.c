/*
 * vm_tls.c: the TLS client on gnutls (see vm_tls.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_dirs.h"
#include "vm_error.h"
#include "vm_file.h"
#include "vm_log.h"
#include "vm_tls.h"

/* PKI files are small; a larger one is not a PKI file. */
#define PKI_FILE_MAX (1024 * 1024)

static const char *const item_path[VM_TLS_ITEM_LAST] = {
    "ca/cert.pem",        "ca/crl.pem",      "client/cert.pem", "client/key.pem",
    "server/trusted.pem", "server/cert.pem", "server/key.pem",
};
static const char *const item_name[VM_TLS_ITEM_LAST] = {
    "CA certificate",       "CRL",                "client certificate", "client key",
    "trusted certificates", "server certificate", "server key",
};

struct vm_tls_config *vm_tls_config_new(const char *pki_dir)
{
    struct vm_tls_config *cfg;
    VM_AUTOFREE char *dir = NULL;

    if (pki_dir)
        dir = vm_strdup(pki_dir);
    else if (!(dir = vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO, "pki")))
        return NULL;
    VM_NEW(cfg);
    cfg->dir = vm_strdup(dir);
    for (int i = 0; i < VM_TLS_ITEM_LAST; i++) {
        char *path = vm_asprintf("%s/%s", dir, item_path[i]);
        /* trusted.pem is where pins go, whether it exists yet or not */
        if (i == VM_TLS_TRUSTED || access(path, F_OK) == 0)
            cfg->file[i] = path;
        else
            free(path);
    }
    return cfg;
}

void vm_tls_config_free(struct vm_tls_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->dir);
    for (int i = 0; i < VM_TLS_ITEM_LAST; i++) {
        free(cfg->file[i]);
        if (cfg->data[i])
            memset(cfg->data[i], 0, strlen(cfg->data[i]));
        free(cfg->data[i]);
    }
    free(cfg);
}

char *vm_tls_config_path(const struct vm_tls_config *cfg, enum vm_tls_item item)
{
    if (cfg->file[item])
        return vm_strdup(cfg->file[item]);
    return vm_asprintf("%s/%s", cfg->dir ? cfg->dir : ".", item_path[item]);
}

void vm_tls_config_set_file(struct vm_tls_config *cfg, enum vm_tls_item item, const char *path)
{
    free(cfg->file[item]);
    cfg->file[item] = path ? vm_strdup(path) : NULL;
}

void vm_tls_config_set_data(struct vm_tls_config *cfg, enum vm_tls_item item, const char *pem)
{
    free(cfg->data[item]);
    cfg->data[item] = pem ? vm_strdup(pem) : NULL;
}

void vm_tls_peer_free(struct vm_tls_peer *peer)
{
    if (!peer)
        return;
    free(peer->subject);
    free(peer->issuer);
    free(peer->pem);
    free(peer->why);
    free(peer);
}

/* Wipes (a key's bytes are not left in freed memory) and frees *pem. */
static void wipe_free(char **pem, size_t len)
{
    if (*pem)
        memset(*pem, 0, len);
    free(*pem);
    *pem = NULL;
}

int vm_tls_config_load(const struct vm_tls_config *cfg, enum vm_tls_item item, char **pem,
                       size_t *len)
{
    *pem = NULL;
    *len = 0;
    if (cfg->data[item]) {
        *pem = vm_strdup(cfg->data[item]);
        *len = strlen(*pem);
        return 0;
    }
    if (!cfg->file[item])
        return 0;
    if (item == VM_TLS_KEY || item == VM_TLS_SERVER_KEY) {
        struct stat st;
        if (stat(cfg->file[item], &st) == 0 && (st.st_mode & 077)) {
            vm_report_error(VM_ERR_TLS,
                            "private key '%s' is readable by others (mode %04o): refused; "
                            "chmod 600 it",
                            cfg->file[item], (unsigned int)(st.st_mode & 07777));
            return -1;
        }
    }
    if (!(*pem = vm_file_read_if_exists(cfg->file[item], item_name[item], PKI_FILE_MAX, len)))
        return errno == ENOENT ? 0 : -1;
    return 0;
}

static int tls_error(const char *peer, const char *what, int r)
{
    vm_report_error(VM_ERR_TLS, "%s: %s: %s", peer, what, gnutls_strerror(r));
    return -1;
}

/* Hands one loaded item to gnutls: 0, or a gnutls error. */
static int set_item(gnutls_certificate_credentials_t cred, enum vm_tls_item item,
                    gnutls_datum_t *d, gnutls_datum_t *key)
{
    int r;

    switch (item) {
    case VM_TLS_CA:
        r = gnutls_certificate_set_x509_trust_mem(cred, d, GNUTLS_X509_FMT_PEM);
        return r == 0 ? GNUTLS_E_NO_CERTIFICATE_FOUND : r < 0 ? r : 0;
    case VM_TLS_CRL:
        r = gnutls_certificate_set_x509_crl_mem(cred, d, GNUTLS_X509_FMT_PEM);
        return r < 0 ? r : 0;
    default:
        return gnutls_certificate_set_x509_key_mem(cred, d, key, GNUTLS_X509_FMT_PEM);
    }
}

int vm_tls_load_credentials(const struct vm_tls_config *cfg,
                            struct gnutls_certificate_credentials_st *cred, bool server,
                            const char *peer)
{
    const enum vm_tls_item items[] = {VM_TLS_CA, VM_TLS_CRL,
                                      server ? VM_TLS_SERVER_CERT : VM_TLS_CERT};
    const enum vm_tls_item key_item = server ? VM_TLS_SERVER_KEY : VM_TLS_KEY;
    char *pem = NULL, *key = NULL;
    size_t len = 0, keylen = 0;
    int ret = -1;

    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        enum vm_tls_item it = items[i];
        bool with_key = it == VM_TLS_CERT || it == VM_TLS_SERVER_CERT;
        gnutls_datum_t d, k;
        int r;
        if (vm_tls_config_load(cfg, it, &pem, &len) < 0 ||
            (with_key && vm_tls_config_load(cfg, key_item, &key, &keylen) < 0))
            goto out;
        /* a client goes without what it lacks; virtmond needs all but the CRL */
        if (!pem || (with_key && !key)) {
            if (server && it != VM_TLS_CRL) {
                enum vm_tls_item missing = pem ? key_item : it;
                VM_AUTOFREE char *path = vm_tls_config_path(cfg, missing);
                vm_report_error(VM_ERR_TLS, "no %s (%s) at %s", item_name[missing],
                                item_path[missing], path);
                goto out;
            }
        } else {
            d = (gnutls_datum_t){(unsigned char *)pem, (unsigned int)len};
            k = (gnutls_datum_t){(unsigned char *)key, (unsigned int)keylen};
            if ((r = set_item(cred, it, &d, &k)) < 0) {
                VM_AUTOFREE char *what = vm_asprintf("cannot load the %s", item_name[it]);
                VM_AUTOFREE char *path = peer ? NULL : vm_tls_config_path(cfg, it);
                tls_error(peer ? peer : path, what, r);
                goto out;
            }
        }
        wipe_free(&pem, len);
        wipe_free(&key, keylen);
    }
    ret = 0;
out:
    wipe_free(&pem, len);
    wipe_free(&key, keylen);
    return ret;
}

static char *datum_string(gnutls_datum_t *d)
{
    char *s = vm_strndup((const char *)d->data, d->size);

    gnutls_free(d->data);
    return s;
}

/* What the handshake's peer certificate says; NULL when it sent none. */
static struct vm_tls_peer *peer_of(gnutls_session_t s, gnutls_datum_t *der_out)
{
    unsigned int n = 0;
    const gnutls_datum_t *list = gnutls_certificate_get_peers(s, &n);
    gnutls_x509_crt_t crt;
    struct vm_tls_peer *peer;
    gnutls_datum_t d;
    unsigned char fp[32];
    size_t fplen = sizeof(fp);

    if (!list || !n || gnutls_x509_crt_init(&crt) < 0)
        return NULL;
    if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) < 0) {
        gnutls_x509_crt_deinit(crt);
        return NULL;
    }
    VM_NEW(peer);
    peer->subject = gnutls_x509_crt_get_dn3(crt, &d, 0) == 0 ? datum_string(&d) : vm_strdup("?");
    peer->issuer =
        gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) == 0 ? datum_string(&d) : vm_strdup("?");
    peer->not_before = gnutls_x509_crt_get_activation_time(crt);
    peer->not_after = gnutls_x509_crt_get_expiration_time(crt);
    if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &fplen) == 0) {
        for (size_t i = 0; i < fplen; i++)
            snprintf(peer->fingerprint + 3 * i, 4, i + 1 < fplen ? "%02X:" : "%02X", fp[i]);
    }
    if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d) == 0)
        peer->pem = datum_string(&d);
    gnutls_x509_crt_deinit(crt);
    *der_out = list[0];
    return peer;
}

/* "HOST:PORT" as trusted.pem writes it ("[::1]:16516" for IPv6). */
static char *pin_label(const char *host, int port)
{
    return vm_asprintf(strchr(host, ':') ? "# [%s]:%d" : "# %s:%d", host, port);
}

/* Whether trusted.pem pins der for host:port: 1 yes (within its dates), 0
 * no, -1 pinned but outside its dates (*why set). */
static int pinned(const struct vm_tls_config *cfg, const char *host, int port,
                  const gnutls_datum_t *der, char **why)
{
    char *text = NULL;
    size_t len = 0;
    VM_AUTOFREE char *label = pin_label(host, port);
    bool for_us = false;
    int found = 0;

    if (vm_tls_config_load(cfg, VM_TLS_TRUSTED, &text, &len) < 0 || !text) {
        vm_error_reset();
        return 0;
    }
    for (char *line = text; line && *line && found == 0;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == '#') {
            for_us = strcmp(line, label) == 0;
        } else if (for_us && strncmp(line, "-----BEGIN CERTIFICATE-----", 27) == 0) {
            /* the block runs to its END line */
            char *end = next ? strstr(next, "-----END CERTIFICATE-----") : NULL;
            VM_AUTOFREE char *block = NULL;
            gnutls_x509_crt_t crt;
            gnutls_datum_t pem, mine;
            if (!end)
                break;
            end += strlen("-----END CERTIFICATE-----");
            block = vm_asprintf("-----BEGIN CERTIFICATE-----\n%.*s\n", (int)(end - next), next);
            pem = (gnutls_datum_t){(unsigned char *)block, (unsigned int)strlen(block)};
            if (gnutls_x509_crt_init(&crt) == 0) {
                if (gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM) == 0 &&
                    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &mine) == 0) {
                    if (mine.size == der->size && memcmp(mine.data, der->data, der->size) == 0) {
                        time_t now = time(NULL);
                        found = now >= gnutls_x509_crt_get_activation_time(crt) &&
                                        now <= gnutls_x509_crt_get_expiration_time(crt)
                                    ? 1
                                    : -1;
                    }
                    gnutls_free(mine.data);
                }
                gnutls_x509_crt_deinit(crt);
            }
            next = strchr(end, '\n');
            if (next)
                next++;
        }
        line = next;
    }
    free(text);
    if (found < 0)
        *why = vm_asprintf("it is pinned for %s in '%s', but outside its validity dates",
                           label + 2, cfg->file[VM_TLS_TRUSTED] ? cfg->file[VM_TLS_TRUSTED]
                                                                : "trusted certificates");
    return found;
}

int vm_tls_pin(const struct vm_tls_config *cfg, const struct vm_tls_peer *peer, const char *host,
               int port)
{
    const char *path = cfg->file[VM_TLS_TRUSTED];
    VM_AUTOFREE char *label = pin_label(host, port);
    VM_AUTOFREE char *dir = NULL;
    VM_AUTOFREE char *entry = NULL;
    int fd;
    ssize_t n;

    if (!path || !peer->pem) {
        vm_report_error(VM_ERR_INVALID_ARG, "no trusted.pem to pin the certificate in");
        return -1;
    }
    dir = vm_strdup(path);
    if (strrchr(dir, '/'))
        *strrchr(dir, '/') = '\0';
    if (vm_dir_make(dir, 0755) < 0)
        return -1;
    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
        vm_report_system_error(errno, "cannot open '%s'", path);
        return -1;
    }
    entry = vm_asprintf("%s\n%s%s", label, peer->pem,
                        peer->pem[strlen(peer->pem) - 1] == '\n' ? "" : "\n");
    n = write(fd, entry, strlen(entry));
    if (n != (ssize_t)strlen(entry) || fsync(fd) < 0) {
        vm_report_system_error(errno, "cannot write '%s'", path);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

struct tls_transport {
    struct vm_transport base;
    gnutls_session_t session;
    gnutls_certificate_credentials_t cred;
};

/* Waits for what gnutls needs next (to read or to write). */
static int wait_gnutls(struct tls_transport *t, const char *what)
{
    return vm_transport_wait(&t->base, gnutls_record_get_direction(t->session) ? POLLOUT : POLLIN,
                             what);
}

static ssize_t tls_read(struct vm_transport *base, void *buf, size_t len)
{
    struct tls_transport *t = (struct tls_transport *)base;

    for (;;) {
        ssize_t n = gnutls_record_recv(t->session, buf, len);
        if (n >= 0)
            return n;
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            if (wait_gnutls(t, "answer") < 0)
                return -1;
            continue;
        }
        if (n == GNUTLS_E_PREMATURE_TERMINATION)
            return 0;
        /* TLS 1.3: a refused client certificate shows here, on the first
         * read, as the server's alert */
        if (n == GNUTLS_E_FATAL_ALERT_RECEIVED)
            vm_report_error(VM_ERR_TLS, "%s sent TLS alert '%s'", base->peer,
                            gnutls_alert_get_name(gnutls_alert_get(t->session)));
        else
            vm_report_error(VM_ERR_TLS, "%s: %s", base->peer, gnutls_strerror((int)n));
        return -1;
    }
}

static int tls_write(struct vm_transport *base, const void *buf, size_t len)
{
    struct tls_transport *t = (struct tls_transport *)base;
    const char *p = buf;

    while (len > 0) {
        ssize_t n = gnutls_record_send(t->session, p, len);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            if (wait_gnutls(t, "room to write") < 0)
                return -1;
            continue;
        }
        if (n < 0) {
            vm_report_error(VM_ERR_TLS, "%s: %s", base->peer, gnutls_strerror((int)n));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void tls_close(struct vm_transport *base)
{
    struct tls_transport *t = (struct tls_transport *)base;

    if (t->session) {
        /* best effort, never waiting on the peer */
        gnutls_bye(t->session, GNUTLS_SHUT_WR);
        gnutls_deinit(t->session);
    }
    if (t->cred)
        gnutls_certificate_free_credentials(t->cred);
    if (base->fd >= 0)
        close(base->fd);
    free(base->peer);
    free(t);
}

static size_t tls_pending(struct vm_transport *base)
{
    return gnutls_record_check_pending(((struct tls_transport *)base)->session);
}

static const struct vm_transport_ops tls_ops = {tls_read, tls_write, tls_close, tls_pending};

static bool ip_literal(const char *host)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* The handshake, bounded by the transport's timeout as a whole. */
static int handshake(struct tls_transport *t)
{
    struct timespec start, now;
    int r;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        long left;
        r = gnutls_handshake(t->session);
        if (r == 0)
            return 0;
        if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED && !gnutls_error_is_fatal(r) &&
            r != GNUTLS_E_WARNING_ALERT_RECEIVED)
            return tls_error(t->base.peer, "TLS handshake failed", r);
        if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
            return tls_error(t->base.peer, "TLS handshake failed", r);
        clock_gettime(CLOCK_MONOTONIC, &now);
        left = t->base.timeout_ms - ((now.tv_sec - start.tv_sec) * 1000L +
                                     (now.tv_nsec - start.tv_nsec) / 1000000L);
        if (left <= 0) {
            vm_report_error(VM_ERR_TIMEOUT, "%s: no TLS handshake within %d ms (is it a TLS "
                                            "server?)",
                            t->base.peer, t->base.timeout_ms);
            return -1;
        }
        {
            struct pollfd p = {t->base.fd,
                               gnutls_record_get_direction(t->session) ? POLLOUT : POLLIN, 0};
            if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
                vm_report_system_error(errno, "%s: poll", t->base.peer);
                return -1;
            }
        }
    }
}

/* The verdict on the peer's certificate; *why when not trusted by the CA. */
static void judge(const struct vm_tls_config *cfg, struct tls_transport *t, const char *host,
                  int port, struct vm_tls_peer *peer, const gnutls_datum_t *der)
{
    unsigned int status = 0;
    int r = gnutls_certificate_verify_peers3(t->session, host, &status);

    if (r == 0 && status == 0) {
        peer->verdict = VM_TLS_TRUSTED_CA;
        return;
    }
    if (r < 0) {
        peer->why = vm_strdup(gnutls_strerror(r));
    } else {
        gnutls_datum_t out;
        if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) == 0) {
            size_t n;
            peer->why = datum_string(&out);
            n = strlen(peer->why);
            while (n && peer->why[n - 1] == ' ')
                peer->why[--n] = '\0';
        }
        else
            peer->why = vm_asprintf("verification status 0x%x", status);
    }
    r = pinned(cfg, host, port, der, &peer->why);
    if (r > 0) {
        peer->verdict = VM_TLS_TRUSTED_PINNED;
        return;
    }
    if (r < 0)
        return;     /* pinned, but expired: the validator is not asked */
    if (cfg->no_verify) {
        VM_WARN("%s: the server certificate is not verified (no_verify=1): %s", t->base.peer,
                peer->why);
        peer->verdict = VM_TLS_NOT_VERIFIED;
        return;
    }
    if (cfg->validator) {
        int v = cfg->validator(peer, host, port, cfg->validator_opaque);
        if (v == 2 && vm_tls_pin(cfg, peer, host, port) < 0)
            VM_WARN("%s", vm_error_message());
        if (v >= 1)
            peer->verdict = VM_TLS_TRUSTED_CALLBACK;
    }
}

struct vm_transport *vm_tls_connect(const char *host, int port, const struct vm_tls_config *cfg,
                                    int timeout_ms, struct vm_tls_peer **peer_out)
{
    struct vm_transport *tcp;
    struct tls_transport *t;
    struct vm_tls_peer *peer = NULL;
    gnutls_datum_t der = {NULL, 0};
    int r;

    if (peer_out)
        *peer_out = NULL;
    if (!(tcp = vm_transport_tcp(host, port, timeout_ms)))
        return NULL;
    /* the TCP transport becomes the TLS one: same socket, peer, timeout */
    VM_NEW(t);
    t->base = *tcp;
    t->base.ops = &tls_ops;
    free(tcp);
    if ((r = gnutls_certificate_allocate_credentials(&t->cred)) < 0) {
        tls_error(t->base.peer, "cannot allocate credentials", r);
        goto error;
    }
    if (vm_tls_load_credentials(cfg, t->cred, false, t->base.peer) < 0)
        goto error;
    /* GNUTLS_NO_SIGNAL: a peer gone mid-write is an error, not a SIGPIPE */
    if ((r = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL)) < 0 ||
        (r = gnutls_set_default_priority(t->session)) < 0 ||
        (r = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred)) < 0) {
        tls_error(t->base.peer, "cannot set up TLS", r);
        goto error;
    }
    /* SNI carries DNS names only */
    if (!ip_literal(host))
        gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, host, strlen(host));
    gnutls_transport_set_int(t->session, t->base.fd);
    if (handshake(t) < 0)
        goto error;
    if (!(peer = peer_of(t->session, &der))) {
        vm_report_error(VM_ERR_TLS, "%s: the server sent no certificate", t->base.peer);
        goto error;
    }
    judge(cfg, t, host, port, peer, &der);
    if (peer->verdict == VM_TLS_UNTRUSTED) {
        vm_report_error(VM_ERR_TLS, "the certificate of %s is not trusted: %s", t->base.peer,
                        peer->why ? peer->why : "no reason given");
        goto error;
    }
    if (peer_out)
        *peer_out = peer;
    else
        vm_tls_peer_free(peer);
    return &t->base;
error:
    if (peer_out)
        *peer_out = peer;
    else
        vm_tls_peer_free(peer);
    tls_close(&t->base);
    return NULL;
}
