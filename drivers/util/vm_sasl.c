/*
 * vm_sasl.c: SASL sessions on cyrus-sasl (see vm_sasl.h).
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <sasl/sasl.h>

#include "vm_alloc.h"
#include "vm_auth.h"
#include "vm_error.h"
#include "vm_log.h"
#include "vm_sasl.h"

struct vm_sasl {
    sasl_conn_t *conn;
    bool server;
    sasl_callback_t callbacks[3];
    /* the client's credentials, asked for when the mechanism wants them */
    const struct vm_connect_auth *auth;
    char *authfile, *host;
    char *username;
    sasl_secret_t *secret;
    int cb_code;                /* why a callback could not answer (0: it could) */
    char *cb_message;
    char *why;
};

/* The callback table's function type is int (*)(void); a cast through a
 * function type of no arguments keeps -Wcast-function-type quiet. */
#define SASL_PROC(fn) ((int (*)(void))(void (*)(void))(fn))

static char *server_conf_dir;
static int server_init_result = SASL_NOTINIT;

static int log_cb(void *context, int level, const char *message)
{
    (void)context;
    /* a failed login is the caller's to report, with the client's name */
    if (level <= SASL_LOG_ERR)
        VM_WARN("SASL: %s", message);
    else
        VM_DEBUG("SASL: %s", message);
    return SASL_OK;
}

/* The configuration file's directory: ours, so /etc/sasl2 is not read. */
static int confpath_cb(void *context, const char **path)
{
    (void)context;
    *path = server_conf_dir;
    return SASL_OK;
}

int vm_sasl_server_init(const char *app_name, const char *conf_dir)
{
    static sasl_callback_t callbacks[] = {
        {SASL_CB_GETCONFPATH, SASL_PROC(confpath_cb), NULL},
        {SASL_CB_LOG, SASL_PROC(log_cb), NULL},
        {SASL_CB_LIST_END, NULL, NULL},
    };

    if (server_init_result == SASL_OK)
        return 0;
    free(server_conf_dir);
    server_conf_dir = vm_strdup(conf_dir);
    if ((server_init_result = sasl_server_init(callbacks, app_name)) != SASL_OK) {
        vm_report_error(VM_ERR_AUTH, "cannot start SASL (configuration '%s/%s.conf'): %s",
                        conf_dir, app_name, sasl_errstring(server_init_result, NULL, NULL));
        return -1;
    }
    return 0;
}

void vm_sasl_free(struct vm_sasl *s)
{
    if (!s)
        return;
    if (s->conn)
        sasl_dispose(&s->conn);
    if (s->secret) {
        memset(s->secret->data, 0, s->secret->len);
        free(s->secret);
    }
    free(s->cb_message);
    free(s->authfile);
    free(s->host);
    free(s->username);
    free(s->why);
    free(s);
}

/* No security layer: the transport under SASL is already local or TLS, and
 * anonymous logins are no logins. */
static int set_props(struct vm_sasl *s, unsigned int external_ssf)
{
    sasl_security_properties_t props = {
        .min_ssf = 0,
        .max_ssf = 0,
        .maxbufsize = 0,
        .security_flags = SASL_SEC_NOANONYMOUS,
    };
    sasl_ssf_t ssf = external_ssf;
    int r;

    if ((r = sasl_setprop(s->conn, SASL_SEC_PROPS, &props)) != SASL_OK ||
        (ssf && (r = sasl_setprop(s->conn, SASL_SSF_EXTERNAL, &ssf)) != SASL_OK)) {
        vm_report_error(VM_ERR_AUTH, "cannot set SASL properties: %s",
                        sasl_errstring(r, NULL, NULL));
        return -1;
    }
    return 0;
}

struct vm_sasl *vm_sasl_server_new(const char *local, const char *remote,
                                   unsigned int external_ssf)
{
    struct vm_sasl *s;
    int r;

    if (server_init_result != SASL_OK) {
        vm_report_error(VM_ERR_INTERNAL, "SASL is not initialised");
        return NULL;
    }
    VM_NEW(s);
    s->server = true;
    /* the realm is the host's name, as saslpasswd2 stores users by default */
    if ((r = sasl_server_new(VM_SASL_SERVICE, NULL, NULL, local, remote, NULL, 0, &s->conn)) !=
        SASL_OK) {
        vm_report_error(VM_ERR_AUTH, "cannot start a SASL session: %s",
                        sasl_errstring(r, NULL, NULL));
        vm_sasl_free(s);
        return NULL;
    }
    if (set_props(s, external_ssf) < 0) {
        vm_sasl_free(s);
        return NULL;
    }
    return s;
}

char *vm_sasl_server_mechlist(struct vm_sasl *s)
{
    const char *list = NULL;
    unsigned int len = 0;
    int n = 0;
    int r = sasl_listmech(s->conn, NULL, "", ",", "", &list, &len, &n);

    if (r != SASL_OK || n == 0 || !list || !*list) {
        vm_report_error(VM_ERR_AUTH, "SASL offers no mechanism%s%s (see its configuration file)",
                        r != SASL_OK ? ": " : "", r != SASL_OK ? sasl_errdetail(s->conn) : "");
        return NULL;
    }
    return vm_strndup(list, len);
}

/* A step's outcome.  A failure's error: on the server one fit for the
 * client (what the library said kept for the log, *why), on the client a
 * credential callback's failure first.  mech names the mechanism (the
 * server) or the server's list (the client) for SASL_NOMECH. */
static int step_result(struct vm_sasl *s, int r, const char *o, unsigned int olen,
                       const char **out, size_t *outlen, const char *mech)
{
    *out = NULL;
    *outlen = 0;
    if (r == SASL_OK || r == SASL_CONTINUE) {
        *out = o;
        *outlen = olen;
        return r == SASL_OK ? VM_SASL_DONE : VM_SASL_CONTINUE;
    }
    if (s->server) {
        free(s->why);
        if (r == SASL_NOMECH) {
            s->why = vm_asprintf("mechanism '%s' not offered", mech);
            vm_report_error(VM_ERR_AUTH, "SASL mechanism '%s' is not offered", mech);
        } else {
            s->why = vm_strdup(sasl_errdetail(s->conn));
            vm_report_error(VM_ERR_AUTH,
                            "SASL authentication failed (wrong user name or password?)");
        }
    } else if (s->cb_code) {
        vm_report_error(s->cb_code, "%s", s->cb_message);
    } else if (r == SASL_NOMECH) {
        vm_report_error(VM_ERR_AUTH,
                        "none of virtmond's SASL mechanisms (%s) is available here (is the "
                        "plugin installed?)",
                        mech);
    } else if (r == SASL_INTERACT) {
        vm_report_error(VM_ERR_AUTH, "SASL needs a credential virtmon cannot give");
    } else {
        vm_report_error(VM_ERR_AUTH, "SASL: %s", sasl_errdetail(s->conn));
    }
    return -1;
}

int vm_sasl_server_start(struct vm_sasl *s, const char *mech, const char *in, size_t inlen,
                         const char **out, size_t *outlen)
{
    const char *o = NULL;
    unsigned int olen = 0;
    int r = sasl_server_start(s->conn, mech, in, (unsigned int)inlen, &o, &olen);

    return step_result(s, r, o, olen, out, outlen, mech);
}

int vm_sasl_server_step(struct vm_sasl *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen)
{
    const char *o = NULL;
    unsigned int olen = 0;
    int r = sasl_server_step(s->conn, in, (unsigned int)inlen, &o, &olen);

    return step_result(s, r, o, olen, out, outlen, NULL);
}

const char *vm_sasl_username(struct vm_sasl *s)
{
    const void *name = NULL;

    if (sasl_getprop(s->conn, SASL_USERNAME, &name) != SASL_OK || !name)
        return "?";
    return name;
}

const char *vm_sasl_why(struct vm_sasl *s)
{
    return s->why ? s->why : "no reason given";
}

/* ------------------------------------------------------------- client */

static pthread_once_t client_once = PTHREAD_ONCE_INIT;
static int client_init_result = SASL_NOTINIT;

static void client_init(void)
{
    client_init_result = sasl_client_init(NULL);
}

/* Keeps the first callback failure's error, reported after the library
 * has turned it into its own. */
static void keep_cb_error(struct vm_sasl *s)
{
    if (!s->cb_code) {
        s->cb_code = vm_error_code();
        s->cb_message = vm_strdup(vm_error_message());
    }
}

static int authname_cb(void *context, int id, const char **result, unsigned int *len)
{
    struct vm_sasl *s = context;

    if (id != SASL_CB_AUTHNAME)
        return SASL_BADPARAM;
    if (!s->username) {
        VM_AUTOFREE char *prompt = vm_asprintf("User name for virtmond on %s", s->host);
        s->username = vm_auth_get(s->auth, s->authfile, "virtmon", s->host, VM_CRED_USERNAME,
                                  prompt, NULL);
        if (!s->username) {
            keep_cb_error(s);
            return SASL_FAIL;
        }
    }
    *result = s->username;
    if (len)
        *len = (unsigned int)strlen(s->username);
    return SASL_OK;
}

static int pass_cb(sasl_conn_t *conn, void *context, int id, sasl_secret_t **secret)
{
    struct vm_sasl *s = context;

    (void)conn;
    if (id != SASL_CB_PASS)
        return SASL_BADPARAM;
    if (!s->secret) {
        VM_AUTOFREE char *prompt =
            vm_asprintf("Password for %s on virtmond at %s", s->username ? s->username : "?",
                        s->host);
        char *pw = vm_auth_get(s->auth, s->authfile, "virtmon", s->host, VM_CRED_PASSPHRASE,
                               prompt, NULL);
        size_t n;
        if (!pw) {
            keep_cb_error(s);
            return SASL_FAIL;
        }
        n = strlen(pw);
        s->secret = vm_calloc(1, sizeof(sasl_secret_t) + n + 1);
        s->secret->len = n;
        memcpy(s->secret->data, pw, n);
        vm_auth_secret_free(pw);
    }
    *secret = s->secret;
    return SASL_OK;
}

struct vm_sasl *vm_sasl_client_new(const char *host, const struct vm_connect_auth *auth,
                                   const char *authfile)
{
    struct vm_sasl *s;
    int r;

    pthread_once(&client_once, client_init);
    if (client_init_result != SASL_OK) {
        vm_report_error(VM_ERR_AUTH, "cannot start SASL: %s",
                        sasl_errstring(client_init_result, NULL, NULL));
        return NULL;
    }
    VM_NEW(s);
    s->auth = auth;
    s->authfile = authfile ? vm_strdup(authfile) : NULL;
    s->host = vm_strdup(host);
    s->callbacks[0] = (sasl_callback_t){SASL_CB_AUTHNAME, SASL_PROC(authname_cb), s};
    s->callbacks[1] = (sasl_callback_t){SASL_CB_PASS, SASL_PROC(pass_cb), s};
    s->callbacks[2] = (sasl_callback_t){SASL_CB_LIST_END, NULL, NULL};
    if ((r = sasl_client_new(VM_SASL_SERVICE, host, NULL, NULL, s->callbacks, 0, &s->conn)) !=
            SASL_OK ||
        set_props(s, 0) < 0) {
        if (r != SASL_OK)
            vm_report_error(VM_ERR_AUTH, "cannot start a SASL session: %s",
                            sasl_errstring(r, NULL, NULL));
        vm_sasl_free(s);
        return NULL;
    }
    return s;
}

int vm_sasl_client_start(struct vm_sasl *s, const char *mechlist, const char **mech,
                         const char **out, size_t *outlen)
{
    const char *o = NULL;
    unsigned int olen = 0;
    int r = sasl_client_start(s->conn, mechlist, NULL, &o, &olen, mech);

    return step_result(s, r, o, olen, out, outlen, mechlist);
}

int vm_sasl_client_step(struct vm_sasl *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen)
{
    const char *o = NULL;
    unsigned int olen = 0;
    int r = sasl_client_step(s->conn, in, (unsigned int)inlen, NULL, &o, &olen);

    return step_result(s, r, o, olen, out, outlen, NULL);
}
