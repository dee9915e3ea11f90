/*
 * vm_tls_server.c: the TLS server side (see vm_tls_server.h).
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdatomic.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "vm_alloc.h"
#include "vm_error.h"
#include "vm_tls_server.h"

struct vm_tls_server {
    gnutls_certificate_credentials_t cred;
    atomic_int refs;
};

struct vm_tls_session {
    struct vm_tls_server *srv;
    gnutls_session_t session;
};

struct vm_tls_server *vm_tls_server_new(const struct vm_tls_config *cfg)
{
    struct vm_tls_server *srv;
    int r;

    VM_NEW(srv);
    atomic_init(&srv->refs, 1);
    if ((r = gnutls_certificate_allocate_credentials(&srv->cred)) < 0) {
        vm_report_error(VM_ERR_TLS, "cannot allocate TLS credentials: %s", gnutls_strerror(r));
        free(srv);
        return NULL;
    }
    if (vm_tls_load_credentials(cfg, srv->cred, true, NULL) < 0) {
        vm_tls_server_unref(srv);
        return NULL;
    }
    return srv;
}

void vm_tls_server_ref(struct vm_tls_server *srv)
{
    if (srv)
        atomic_fetch_add(&srv->refs, 1);
}

void vm_tls_server_unref(struct vm_tls_server *srv)
{
    if (!srv || atomic_fetch_sub(&srv->refs, 1) != 1)
        return;
    gnutls_certificate_free_credentials(srv->cred);
    free(srv);
}

struct vm_tls_session *vm_tls_session_new(struct vm_tls_server *srv, int fd)
{
    struct vm_tls_session *s;
    int r;

    VM_NEW(s);
    /* GNUTLS_NO_SIGNAL: a client gone mid-write is an error, not SIGPIPE */
    if ((r = gnutls_init(&s->session, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL)) < 0 ||
        (r = gnutls_set_default_priority(s->session)) < 0 ||
        (r = gnutls_credentials_set(s->session, GNUTLS_CRD_CERTIFICATE, srv->cred)) < 0) {
        vm_report_error(VM_ERR_TLS, "cannot set up a TLS session: %s", gnutls_strerror(r));
        if (s->session)
            gnutls_deinit(s->session);
        free(s);
        return NULL;
    }
    /* a client certificate from the CA, not revoked, within its dates;
     * the name is the allow-list's business */
    gnutls_certificate_server_set_request(s->session, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_cert(s->session, NULL, 0);
    gnutls_transport_set_int(s->session, fd);
    vm_tls_server_ref(srv);
    s->srv = srv;
    return s;
}

void vm_tls_session_free(struct vm_tls_session *s)
{
    if (!s)
        return;
    gnutls_deinit(s->session);
    vm_tls_server_unref(s->srv);
    free(s);
}

int vm_tls_session_handshake(struct vm_tls_session *s)
{
    int r = gnutls_handshake(s->session);
    unsigned int status;

    if (r == 0)
        return 0;
    if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal(r))
        return 1;
    /* the client learns why from the alert; best effort, never waiting */
    gnutls_alert_send_appropriate(s->session, r);
    status = gnutls_session_get_verify_cert_status(s->session);
    if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR && status != (unsigned int)-1) {
        gnutls_datum_t out;
        if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) ==
            0) {
            size_t n = out.size;
            while (n && (out.data[n - 1] == ' ' || out.data[n - 1] == '\0'))
                n--;
            vm_report_error(VM_ERR_TLS, "client certificate refused: %.*s", (int)n,
                            (const char *)out.data);
            gnutls_free(out.data);
            return -1;
        }
    }
    if (r == GNUTLS_E_CERTIFICATE_REQUIRED || r == GNUTLS_E_NO_CERTIFICATE_FOUND)
        vm_report_error(VM_ERR_TLS, "TLS handshake failed: the client sent no certificate "
                                    "(none, or none from this daemon's CA)");
    else
        vm_report_error(VM_ERR_TLS, "TLS handshake failed: %s", gnutls_strerror(r));
    return -1;
}

bool vm_tls_session_wants_write(struct vm_tls_session *s)
{
    return gnutls_record_get_direction(s->session) == 1;
}

/* A gnutls record result as the read()/write() convention has it. */
static ssize_t io_result(ssize_t n)
{
    if (n >= 0)
        return n;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
        errno = EAGAIN;
        return -1;
    }
    vm_report_error(VM_ERR_TLS, "TLS: %s", gnutls_strerror((int)n));
    errno = EPROTO;
    return -1;
}

ssize_t vm_tls_session_recv(struct vm_tls_session *s, void *buf, size_t len)
{
    ssize_t n = gnutls_record_recv(s->session, buf, len);

    /* a client that closes without a TLS goodbye has still gone */
    if (n == GNUTLS_E_PREMATURE_TERMINATION)
        return 0;
    return io_result(n);
}

ssize_t vm_tls_session_send(struct vm_tls_session *s, const void *buf, size_t len)
{
    return io_result(gnutls_record_send(s->session, buf, len));
}

size_t vm_tls_session_pending(struct vm_tls_session *s)
{
    return gnutls_record_check_pending(s->session);
}

char *vm_tls_session_peer_dn(struct vm_tls_session *s)
{
    unsigned int n = 0;
    const gnutls_datum_t *list = gnutls_certificate_get_peers(s->session, &n);
    gnutls_x509_crt_t crt;
    gnutls_datum_t dn = {NULL, 0};
    char *out = NULL;

    if (!list || !n || gnutls_x509_crt_init(&crt) < 0) {
        vm_report_error(VM_ERR_TLS, "the client sent no certificate");
        return NULL;
    }
    /* the traditional order, as libvirt's allow-lists write DNs */
    if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) == 0 &&
        gnutls_x509_crt_get_dn3(crt, &dn, GNUTLS_X509_DN_FLAG_COMPAT) == 0) {
        out = vm_strndup((const char *)dn.data, dn.size);
        gnutls_free(dn.data);
    } else {
        vm_report_error(VM_ERR_TLS, "cannot read the client certificate's DN");
    }
    gnutls_x509_crt_deinit(crt);
    return out;
}

unsigned int vm_tls_session_ssf(struct vm_tls_session *s)
{
    return (unsigned int)gnutls_cipher_get_key_size(gnutls_cipher_get(s->session)) * 8;
}

bool vm_tls_dn_allowed(const char *dn, char *const *patterns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fnmatch(patterns[i], dn, 0) == 0)
            return true;
    }
    return false;
}
