#include "config.h"

#include <ctype.h>
#include <string.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_error.h"
#include "vm_units.h"
#include "vm_uri.h"

static const struct {
    const char *name;
    enum vm_uri_param bit;
} uri_params[] = {
    {"no_verify", VM_URI_PARAM_NO_VERIFY},
    {"pki", VM_URI_PARAM_PKI},
    {"socket", VM_URI_PARAM_SOCKET},
    {"authfile", VM_URI_PARAM_AUTHFILE},
};

static const char *const transports[] = {"unix", "tls", "ssh"};

void vm_uri_free(struct vm_uri *uri)
{
    if (!uri)
        return;
    free(uri->scheme);
    free(uri->driver);
    free(uri->transport);
    free(uri->user);
    free(uri->host);
    free(uri->path);
    free(uri->pki);
    free(uri->socket);
    free(uri->authfile);
    free(uri);
}

VM_DEFINE_AUTOPTR(vm_uri)

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes %XX escapes of [s, s+len); NULL with an error naming the part. */
static char *decode(const char *uristr, const char *what, const char *s, size_t len)
{
    struct vm_buf buf = VM_BUF_INIT;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            int hi = i + 1 < len ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                vm_buf_clear(&buf);
                vm_report_error(VM_ERR_INVALID_URI,
                                "malformed URI '%s': bad percent escape in the %s", uristr, what);
                return NULL;
            }
            vm_buf_add_char(&buf, (char)(hi * 16 + lo));
            i += 2;
            continue;
        }
        if (c <= 0x20 || c >= 0x7f) {
            vm_buf_clear(&buf);
            vm_report_error(VM_ERR_INVALID_URI,
                            "malformed URI '%s': the %s contains a space or a non-ASCII "
                            "character (percent-encode it)",
                            uristr, what);
            return NULL;
        }
        vm_buf_add_char(&buf, (char)c);
    }
    return vm_buf_steal(&buf);
}

static int parse_scheme(struct vm_uri *uri, const char *str, const char *colon, const char *shown)
{
    const char *plus;

    for (const char *p = str; p < colon; p++) {
        bool ok = islower((unsigned char)*p) || (p > str && (isdigit((unsigned char)*p) ||
                                                             *p == '+' || *p == '-'));
        if (!ok) {
            vm_report_error(VM_ERR_INVALID_URI,
                            "malformed URI '%s': invalid character '%c' in the scheme", shown,
                            *p);
            return -1;
        }
    }
    uri->scheme = vm_strndup(str, (size_t)(colon - str));
    plus = strchr(uri->scheme, '+');
    if (!plus) {
        uri->driver = vm_strdup(uri->scheme);
        return 0;
    }
    uri->driver = vm_strndup(uri->scheme, (size_t)(plus - uri->scheme));
    if (!*uri->driver) {
        vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': no driver before '+'", shown);
        return -1;
    }
    for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
        if (strcmp(plus + 1, transports[i]) == 0) {
            uri->transport = vm_strdup(transports[i]);
            return 0;
        }
    }
    vm_report_error(VM_ERR_INVALID_URI,
                    "malformed URI '%s': unknown transport '%s' (expected unix, tls or ssh)",
                    shown, plus + 1);
    return -1;
}

static int parse_authority(struct vm_uri *uri, const char *str, const char *s, size_t len)
{
    const char *end = s + len;
    const char *at = NULL;
    const char *host, *hostend, *portstr = NULL;

    for (const char *p = s; p < end; p++) {
        if (*p == '@')
            at = p;
    }
    host = s;
    if (at) {
        if (at == s) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': empty user name before '@'",
                            str);
            return -1;
        }
        if (memchr(s, ':', (size_t)(at - s))) {
            vm_report_error(VM_ERR_INVALID_URI,
                            "malformed URI '%s': passwords do not belong in URIs (use auth.conf)",
                            str);
            return -1;
        }
        if (!(uri->user = decode(str, "user name", s, (size_t)(at - s))))
            return -1;
        host = at + 1;
    }
    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': '[' without ']' in the host",
                            str);
            return -1;
        }
        for (const char *p = host + 1; p < close; p++) {
            if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.') {
                vm_report_error(VM_ERR_INVALID_URI,
                                "malformed URI '%s': invalid IPv6 address in the host", str);
                return -1;
            }
        }
        if (close == host + 1) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': empty IPv6 address", str);
            return -1;
        }
        uri->host = vm_strndup(host + 1, (size_t)(close - host - 1));
        hostend = close + 1;
        if (hostend < end && *hostend != ':') {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': unexpected text after ']'",
                            str);
            return -1;
        }
    } else {
        hostend = memchr(host, ':', (size_t)(end - host));
        if (!hostend)
            hostend = end;
        for (const char *p = host; p < hostend; p++) {
            if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_') {
                vm_report_error(VM_ERR_INVALID_URI,
                                "malformed URI '%s': invalid character '%c' in the host name",
                                str, *p);
                return -1;
            }
        }
        if (hostend > host)
            uri->host = vm_strndup(host, (size_t)(hostend - host));
    }
    if (hostend < end) { /* *hostend == ':' */
        uint64_t port;
        VM_AUTOFREE char *text = vm_strndup(hostend + 1, (size_t)(end - hostend - 1));
        portstr = text;
        if (vm_parse_u64(portstr, &port) < 0 || port == 0 || port > 65535) {
            vm_report_error(VM_ERR_INVALID_URI,
                            "malformed URI '%s': invalid port '%s' (expected 1 to 65535)", str,
                            portstr);
            return -1;
        }
        if (!uri->host) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': a port without a host", str);
            return -1;
        }
        uri->port = (int)port;
    }
    if (uri->user && !uri->host) {
        vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': a user name without a host", str);
        return -1;
    }
    return 0;
}

static int set_param(struct vm_uri *uri, const char *str, const char *key, char *value)
{
    size_t i;

    for (i = 0; i < sizeof(uri_params) / sizeof(uri_params[0]); i++) {
        if (strcmp(key, uri_params[i].name) == 0)
            break;
    }
    if (i == sizeof(uri_params) / sizeof(uri_params[0])) {
        vm_report_error(VM_ERR_INVALID_URI,
                        "malformed URI '%s': unknown parameter '%s' (expected no_verify, pki, "
                        "socket or authfile)",
                        str, key);
        goto error;
    }
    if (uri->params & uri_params[i].bit) {
        vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': parameter '%s' given twice", str,
                        key);
        goto error;
    }
    uri->params |= uri_params[i].bit;
    switch (uri_params[i].bit) {
    case VM_URI_PARAM_NO_VERIFY:
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0) {
            vm_report_error(VM_ERR_INVALID_URI,
                            "malformed URI '%s': no_verify must be 0 or 1, not '%s'", str, value);
            goto error;
        }
        uri->no_verify = value[0] == '1';
        free(value);
        return 0;
    case VM_URI_PARAM_PKI: uri->pki = value; return 0;
    case VM_URI_PARAM_SOCKET: uri->socket = value; return 0;
    case VM_URI_PARAM_AUTHFILE: uri->authfile = value; return 0;
    }
error:
    free(value);
    return -1;
}

static int parse_query(struct vm_uri *uri, const char *str, const char *s)
{
    while (*s) {
        size_t len = strcspn(s, "&;");
        const char *eq = memchr(s, '=', len);
        VM_AUTOFREE char *key = NULL;
        char *value;

        if (len == 0) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': empty query parameter", str);
            return -1;
        }
        if (!eq) {
            VM_AUTOFREE char *name = vm_strndup(s, len);
            vm_report_error(VM_ERR_INVALID_URI,
                            "malformed URI '%s': parameter '%s' has no value (expected %s=VALUE)",
                            str, name, name);
            return -1;
        }
        if (!(key = decode(str, "query", s, (size_t)(eq - s))))
            return -1;
        if (!(value = decode(str, "query", eq + 1, (size_t)(s + len - eq - 1))))
            return -1;
        if (!*value) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': parameter '%s' is empty",
                            str, key);
            free(value);
            return -1;
        }
        if (set_param(uri, str, key, value) < 0)
            return -1;
        s += len;
        if (*s)
            s++;
        if (!*s && (s[-1] == '&' || s[-1] == ';')) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': empty query parameter", str);
            return -1;
        }
    }
    return 0;
}

/* str with a password in its user info replaced by "***", for messages:
 * secrets never appear in errors, not even ones the user typed. */
static char *redact(const char *str)
{
    const char *auth = strstr(str, "://");
    const char *end, *at = NULL, *colon;

    if (!auth)
        return vm_strdup(str);
    auth += 3;
    end = auth + strcspn(auth, "/?#");
    for (const char *p = auth; p < end; p++) {
        if (*p == '@')
            at = p;
    }
    if (!at || !(colon = memchr(auth, ':', (size_t)(at - auth))))
        return vm_strdup(str);
    return vm_asprintf("%.*s***%s", (int)(colon + 1 - str), str, at);
}

/* The host of a libvirt URI ("qemu+ssh://user@kvm1:22/system" -> "kvm1"),
 * or NULL for a local one. */
static char *libvirt_host(const char *luri)
{
    const char *p = strstr(luri, "://"), *end, *at;

    if (!p)
        return NULL;
    p += 3;
    end = p + strcspn(p, "/?");
    if ((at = memchr(p, '@', (size_t)(end - p))))
        p = at + 1;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        return close ? vm_strndup(p + 1, (size_t)(close - p - 1)) : NULL;
    }
    if (memchr(p, ':', (size_t)(end - p)))
        end = memchr(p, ':', (size_t)(end - p));
    return end > p ? vm_strndup(p, (size_t)(end - p)) : NULL;
}

struct vm_uri *vm_uri_parse(const char *str)
{
    VM_AUTOPTR(vm_uri) uri = NULL;
    VM_AUTOFREE char *shown = NULL;
    const char *colon, *p, *auth_end, *query;

    if (!str || !*str) {
        vm_report_error(VM_ERR_INVALID_URI,
                        "empty URI (expected e.g. 'qemu:///system' or 'test:///default')");
        return NULL;
    }
    shown = redact(str);
    VM_NEW(uri);
    uri->port = -1;

    colon = strchr(str, ':');
    if (!colon) {
        vm_report_error(VM_ERR_INVALID_URI,
                        "malformed URI '%s': no ':' after the scheme (expected e.g. "
                        "'qemu:///system')",
                        shown);
        return NULL;
    }
    if (colon == str) {
        vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': empty scheme before ':'", shown);
        return NULL;
    }
    if ((size_t)(colon - str) == 7 && strncmp(str, "libvirt", 7) == 0) {
        /* what follows "libvirt:" is libvirt's own URI, handed
         * to libvirt untouched; its host names the auth.conf entry */
        uri->scheme = vm_strdup("libvirt");
        uri->driver = vm_strdup("libvirt");
        uri->path = vm_strdup(colon + 1);
        uri->host = libvirt_host(colon + 1);
        return vm_steal_ptr(&uri);
    }
    if (parse_scheme(uri, str, colon, shown) < 0)
        return NULL;
    if (strncmp(colon + 1, "//", 2) != 0) {
        vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': expected '//' after '%s:'", shown,
                        uri->scheme);
        return NULL;
    }
    p = colon + 3;
    if (strchr(p, '#')) {
        vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': fragments ('#') are not allowed",
                        shown);
        return NULL;
    }
    auth_end = p + strcspn(p, "/?");
    if (parse_authority(uri, shown, p, (size_t)(auth_end - p)) < 0)
        return NULL;
    query = strchr(auth_end, '?');
    if (!query)
        query = auth_end + strlen(auth_end);
    if (!(uri->path = decode(shown, "path", auth_end, (size_t)(query - auth_end))))
        return NULL;
    if (*query == '?') {
        if (!query[1]) {
            vm_report_error(VM_ERR_INVALID_URI, "malformed URI '%s': empty query after '?'", shown);
            return NULL;
        }
        if (parse_query(uri, shown, query + 1) < 0)
            return NULL;
    }
    return vm_steal_ptr(&uri);
}

static void add_encoded(struct vm_buf *buf, const char *s, const char *keep)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~", c) || (c && strchr(keep, c)))
            vm_buf_add_char(buf, (char)c);
        else
            vm_buf_addf(buf, "%%%02X", c);
    }
}

char *vm_uri_format(const struct vm_uri *uri)
{
    struct vm_buf buf = VM_BUF_INIT;
    char sep = '?';
    const char *values[] = {NULL, uri->pki, uri->socket, uri->authfile};

    if (strcmp(uri->scheme, "libvirt") == 0)
        return vm_asprintf("libvirt:%s", uri->path);

    vm_buf_addf(&buf, "%s://", uri->scheme);
    if (uri->user) {
        add_encoded(&buf, uri->user, "");
        vm_buf_add_char(&buf, '@');
    }
    if (uri->host)
        vm_buf_addf(&buf, strchr(uri->host, ':') ? "[%s]" : "%s", uri->host);
    if (uri->port >= 0)
        vm_buf_addf(&buf, ":%d", uri->port);
    add_encoded(&buf, uri->path, "/");
    for (size_t i = 0; i < sizeof(uri_params) / sizeof(uri_params[0]); i++) {
        if (!(uri->params & uri_params[i].bit))
            continue;
        vm_buf_addf(&buf, "%c%s=", sep, uri_params[i].name);
        if (uri_params[i].bit == VM_URI_PARAM_NO_VERIFY)
            vm_buf_add(&buf, uri->no_verify ? "1" : "0");
        else
            add_encoded(&buf, values[i], "/");
        sep = '&';
    }
    return vm_buf_steal(&buf);
}

int vm_uri_check_params(const struct vm_uri *uri, unsigned int allowed)
{
    for (size_t i = 0; i < sizeof(uri_params) / sizeof(uri_params[0]); i++) {
        if ((uri->params & uri_params[i].bit) && !(allowed & uri_params[i].bit)) {
            vm_report_error(VM_ERR_INVALID_URI,
                            "URI parameter '%s' does not apply to '%s' URIs", uri_params[i].name,
                            uri->scheme);
            return -1;
        }
    }
    return 0;
}

int vm_host_port_parse(const char *arg, int default_port, char **host, int *port)
{
    const char *colon = strrchr(arg, ':');
    char *end;
    long p;

    *host = NULL;
    *port = default_port;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (!close || (close[1] && close[1] != ':'))
            goto error;
        *host = vm_strndup(arg + 1, (size_t)(close - arg - 1));
        colon = close[1] ? close + 1 : NULL;
    } else if (colon && strchr(arg, ':') == colon) {
        *host = vm_strndup(arg, (size_t)(colon - arg));
    } else {
        *host = vm_strdup(arg);     /* a name, or IPv6 without a port */
        colon = NULL;
    }
    if (!**host)
        goto error;
    if (colon) {
        p = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1 || p < 1 || p > 65535)
            goto error;
        *port = (int)p;
    }
    return 0;
error:
    free(*host);
    *host = NULL;
    vm_report_error(VM_ERR_INVALID_ARG, "'%s' is not HOST[:PORT]", arg);
    return -1;
}
