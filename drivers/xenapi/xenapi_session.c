/*
 * xenapi_session.c: XenAPI sessions and calls: login (HOST_IS_SLAVE
 * followed), a call that logs in again after SESSION_INVALID, XenAPI's
 * error codes mapped onto ours with the code and its parameters kept.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/vm_alloc.h"
#include "util/vm_auth.h"
#include "util/vm_buf.h"
#include "util/vm_error.h"
#include "xen_xmlrpc.h"
#include "xenapi_priv.h"

/* How many HOST_IS_SLAVE redirections a login follows. */
#define REDIRECTS_MAX 3

const char *xa_str(json_object *rec, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(rec, key, &v) || !json_object_is_type(v, json_type_string))
        return "";
    return json_object_get_string(v);
}

int64_t xa_int(json_object *rec, const char *key, int64_t dflt)
{
    json_object *v;
    const char *s;
    char *end;
    long long n;

    if (!json_object_object_get_ex(rec, key, &v))
        return dflt;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_string))
        return dflt;
    s = json_object_get_string(v);
    errno = 0;
    n = strtoll(s, &end, 10);
    return !*s || *end || errno ? dflt : n;
}

bool xa_bool(json_object *rec, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(rec, key, &v))
        return false;
    if (json_object_is_type(v, json_type_boolean))
        return json_object_get_boolean(v);
    /* an untyped "true"/"1" from a lax server */
    return json_object_is_type(v, json_type_string) &&
           (strcmp(json_object_get_string(v), "true") == 0 ||
            strcmp(json_object_get_string(v), "1") == 0);
}

/* XenAPI's error code onto ours. */
static int code_of(const char *xen)
{
    static const struct {
        const char *xen;
        int ours;
    } map[] = {
        {"SESSION_AUTHENTICATION_FAILED", VM_ERR_AUTH},
        {"SESSION_INVALID", VM_ERR_AUTH},
        {"RBAC_PERMISSION_DENIED", VM_ERR_AUTH},
        {"HANDLE_INVALID", VM_ERR_NO_DOMAIN},
        {"UUID_INVALID", VM_ERR_NO_DOMAIN},
        {"VM_BAD_POWER_STATE", VM_ERR_OPERATION_INVALID},
        {"VM_IS_TEMPLATE", VM_ERR_OPERATION_INVALID},
        {"OPERATION_NOT_ALLOWED", VM_ERR_OPERATION_INVALID},
        {"OTHER_OPERATION_IN_PROGRESS", VM_ERR_OPERATION_INVALID},
        {"MESSAGE_METHOD_UNKNOWN", VM_ERR_NOT_SUPPORTED},
        {"MESSAGE_PARAMETER_COUNT_MISMATCH", VM_ERR_NOT_SUPPORTED},
        {"FIELD_TYPE_ERROR", VM_ERR_INVALID_ARG},
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].xen, xen) == 0)
            return map[i].ours;
    }
    return VM_ERR_OPERATION_FAILED;
}

/* Reports a XenAPI Failure: "METHOD: CODE param1 param2"; returns -1. */
static int failure(const char *method, json_object *desc)
{
    struct vm_buf b = VM_BUF_INIT;
    const char *code = json_object_get_string(json_object_array_get_idx(desc, 0));

    for (size_t i = 0; i < json_object_array_length(desc); i++) {
        json_object *p = json_object_array_get_idx(desc, i);
        vm_buf_addf(&b, "%s%s", i ? " " : "",
                    json_object_is_type(p, json_type_string) ? json_object_get_string(p)
                                                             : json_object_to_json_string(p));
    }
    vm_report_error(code_of(code ? code : ""), "XenAPI %s failed: %s", method, vm_buf_str(&b));
    vm_buf_clear(&b);
    return -1;
}

static struct xen_http *http_of(struct xa_conn *x)
{
    if (!x->http)
        x->http = xen_http_new(x->host, x->port, x->tls, XA_TIMEOUT_MS);
    return x->http;
}

/* One XML-RPC exchange: 0 Success, 1 Failure (*result the description),
 * -1 with an error. */
static int exchange(struct xa_conn *x, const char *method, json_object *params,
                    json_object **result)
{
    VM_AUTOFREE char *req = xen_xmlrpc_call(method, params);
    VM_AUTOFREE char *reply = NULL;
    size_t len;
    int status;

    *result = NULL;
    if (!req)
        return -1;
    if (xen_http_request(http_of(x), "POST", "/", "text/xml", req, strlen(req), &status, &reply,
                         &len, XEN_XMLRPC_MAX) < 0)
        return -1;
    if (status != 200) {
        vm_report_error(VM_ERR_PROTOCOL, "XenAPI %s: HTTP status %d from %s:%d", method, status,
                        x->host, x->port);
        return -1;
    }
    return xen_xmlrpc_parse(reply, len, result);
}

/* The first string of a Failure's description. */
static const char *fail_code(json_object *desc)
{
    const char *c = json_object_get_string(json_object_array_get_idx(desc, 0));
    return c ? c : "";
}

int xa_login(struct xa_conn *x)
{
    for (int hops = 0;; hops++) {
        json_object *params = json_object_new_array(), *res = NULL;
        int r;
        json_object_array_add(params, json_object_new_string(x->user));
        json_object_array_add(params, json_object_new_string(x->password));
        json_object_array_add(params, json_object_new_string("2.0"));
        json_object_array_add(params, json_object_new_string("virtmon"));
        r = exchange(x, "session.login_with_password", params, &res);
        json_object_put(params);
        if (r == 0) {
            if (!json_object_is_type(res, json_type_string) || !*json_object_get_string(res)) {
                json_object_put(res);
                vm_report_error(VM_ERR_PROTOCOL, "XenAPI login at %s:%d returned no session",
                                x->host, x->port);
                return -1;
            }
            free(x->session);
            x->session = vm_strdup(json_object_get_string(res));
            json_object_put(res);
            return 0;
        }
        if (r < 0)
            return -1;
        if (strcmp(fail_code(res), "HOST_IS_SLAVE") == 0 && json_object_array_length(res) > 1 &&
            hops < REDIRECTS_MAX) {
            /* a pool member: the master's address is in the error */
            const char *master = json_object_get_string(json_object_array_get_idx(res, 1));
            free(x->host);
            x->host = vm_strdup(master ? master : "");
            json_object_put(res);
            xen_http_free(x->http);
            x->http = NULL;
            continue;
        }
        if (strcmp(fail_code(res), "SESSION_AUTHENTICATION_FAILED") == 0) {
            /* never the password, and not XenAPI's echo of the user name */
            vm_report_error(VM_ERR_AUTH, "XenAPI at %s:%d refused user '%s': wrong user name "
                            "or password",
                            x->host, x->port, x->user);
            json_object_put(res);
            return -1;
        }
        failure("session.login_with_password", res);
        json_object_put(res);
        return -1;
    }
}

static int call(struct xa_conn *x, const char *method, json_object *args, json_object **result,
                bool with_session)
{
    int r = -1;

    *result = NULL;
    pthread_mutex_lock(&x->lock);
    for (int attempt = 0; attempt < 2; attempt++) {
        json_object *params = json_object_new_array(), *res = NULL;
        if (with_session) {
            if (!x->session && xa_login(x) < 0)
                break;
            json_object_array_add(params, json_object_new_string(x->session));
        }
        for (size_t i = 0; args && i < json_object_array_length(args); i++)
            json_object_array_add(params, json_object_get(json_object_array_get_idx(args, i)));
        r = exchange(x, method, params, &res);
        json_object_put(params);
        if (r == 1 && with_session && attempt == 0 &&
            strcmp(fail_code(res), "SESSION_INVALID") == 0) {
            /* expired, or the server restarted: once more, logged in anew */
            json_object_put(res);
            free(x->session);
            x->session = NULL;
            continue;
        }
        if (r == 1) {
            r = failure(method, res);
            json_object_put(res);
        } else if (r == 0) {
            *result = res;
        }
        break;
    }
    pthread_mutex_unlock(&x->lock);
    json_object_put(args);
    return r;
}

int xa_call(struct xa_conn *x, const char *method, json_object *args, json_object **result)
{
    return call(x, method, args, result, true);
}

int xa_call_plain(struct xa_conn *x, const char *method, json_object *args,
                  json_object **result)
{
    return call(x, method, args, result, false);
}

int xa_get(struct xa_conn *x, const char *path, char **body, size_t *len)
{
    int status = 0, r = -1;

    *body = NULL;
    pthread_mutex_lock(&x->lock);
    for (int attempt = 0; attempt < 2; attempt++) {
        VM_AUTOFREE char *full = NULL;
        if (!x->session && xa_login(x) < 0)
            break;
        /* session refs are "OpaqueRef:" and hex: nothing to escape */
        full = vm_asprintf("%s%ssession_id=%s", path, strchr(path, '?') ? "&" : "?",
                           x->session);
        if ((r = xen_http_request(http_of(x), "GET", full, NULL, NULL, 0, &status, body, len,
                                  XEN_XMLRPC_MAX)) < 0)
            break;
        if (status == 401 && attempt == 0) {
            /* the session expired: once more, logged in anew */
            free(*body);
            *body = NULL;
            free(x->session);
            x->session = NULL;
            continue;
        }
        if (status != 200) {
            free(*body);
            *body = NULL;
            vm_report_error(status == 401 ? VM_ERR_AUTH : VM_ERR_PROTOCOL,
                            "GET %s: HTTP status %d from %s:%d", path, status, x->host, x->port);
            r = -1;
        }
        break;
    }
    pthread_mutex_unlock(&x->lock);
    return r;
}
