/*
 * vm_auth.c: auth.conf (libvirt's format) and asking for credentials.
 *
 *   [credentials-admin]
 *   username=root
 *   password=secret
 *
 *   [auth-xenapi-xen1.example.com]
 *   credentials=admin
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_auth.h"
#include "vm_dirs.h"
#include "vm_error.h"
#include "vm_file.h"

struct entry {
    char *group;    /* "credentials-admin", "auth-xenapi-host" */
    char *key;
    char *value;
};

struct vm_auth_conf {
    struct entry *e;
    size_t n, alloc;
};

void vm_auth_secret_free(char *secret)
{
    if (secret) {
        /* volatile: the wipe is not optimised away */
        volatile char *p = secret;
        while (*p)
            *p++ = '\0';
        free(secret);
    }
}

void vm_auth_conf_free(struct vm_auth_conf *conf)
{
    if (!conf)
        return;
    for (size_t i = 0; i < conf->n; i++) {
        free(conf->e[i].group);
        free(conf->e[i].key);
        vm_auth_secret_free(conf->e[i].value);
    }
    free(conf->e);
    free(conf);
}

static char *trimmed(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    return vm_strndup(s, len);
}

struct vm_auth_conf *vm_auth_conf_parse(const char *text, size_t len, const char *name)
{
    struct vm_auth_conf *conf;
    char *group = NULL;
    const char *end = text + len;
    int line = 0;

    VM_NEW(conf);
    for (const char *p = text; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        bool nul = memchr(p, '\0', l) != NULL;
        VM_AUTOFREE char *t = trimmed(p, l);
        p += l + (nl ? 1 : 0);
        if (nul)
            goto malformed;
        if (!*t || *t == '#' || *t == ';')
            continue;
        if (*t == '[') {
            size_t tl = strlen(t);
            if (tl < 3 || t[tl - 1] != ']')
                goto malformed;
            free(group);
            group = vm_strndup(t + 1, tl - 2);
            if (strncmp(group, "credentials-", 12) != 0 && strncmp(group, "auth-", 5) != 0) {
                vm_report_error(VM_ERR_CONFIG,
                                "%s:%d: unknown group '[%s]' (expected [credentials-NAME] or "
                                "[auth-SERVICE-HOST])",
                                name, line + 1, group);
                goto error;
            }
            continue;
        }
        {
            char *eq = strchr(t, '=');
            struct entry *e;
            VM_AUTOFREE char *key = NULL;
            if (!eq || eq == t)
                goto malformed;
            if (!group) {
                vm_report_error(VM_ERR_CONFIG, "%s:%d: a setting before any [group]", name,
                                line + 1);
                goto error;
            }
            key = trimmed(t, (size_t)(eq - t));
            if (strcmp(key, "username") != 0 && strcmp(key, "password") != 0 &&
                strcmp(key, "realm") != 0 && strcmp(key, "credentials") != 0) {
                vm_report_error(VM_ERR_CONFIG, "%s:%d: unknown key '%s'", name, line + 1, key);
                goto error;
            }
            VM_GROW(conf->e, conf->n, conf->alloc);
            e = &conf->e[conf->n - 1];
            e->group = vm_strdup(group);
            e->key = vm_steal_ptr(&key);
            e->value = trimmed(eq + 1, strlen(eq + 1));
            /* the line held a secret: wipe the copy */
            memset(t, 0, strlen(t));
        }
    }
    free(group);
    return conf;
malformed:
    /* the line is not quoted back: it may hold a password */
    vm_report_error(VM_ERR_CONFIG, "%s:%d: malformed line (expected [group], key=value or "
                                   "# comment)",
                    name, line + 1);
error:
    free(group);
    vm_auth_conf_free(conf);
    return NULL;
}

char *vm_auth_conf_path(const char *authfile)
{
    const char *env = getenv("VIRTMON_AUTH_FILE");

    if (env && *env)
        return vm_strdup(env);
    if (authfile && *authfile)
        return vm_strdup(authfile);
    return vm_dir_file(VM_DIR_CONFIG, VM_DIR_SCOPE_AUTO, "auth.conf");
}

struct vm_auth_conf *vm_auth_conf_read(const char *path)
{
    struct stat st;
    char *text;
    size_t len = 0;
    struct vm_auth_conf *conf;

    if (lstat(path, &st) < 0) {
        if (errno == ENOENT) {
            struct vm_auth_conf *empty;
            VM_NEW(empty);
            return empty;
        }
        vm_report_system_error(errno, "cannot read auth.conf '%s'", path);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (st.st_mode & 077)) {
        vm_report_error(VM_ERR_AUTH,
                        "auth.conf '%s' is readable or writable by others (mode %04o): "
                        "refused; chmod 600 it",
                        path, (unsigned int)(st.st_mode & 07777));
        return NULL;
    }
    if (!(text = vm_file_read(path, "auth.conf", VM_FILE_MAX_STATE, &len)))
        return NULL;
    conf = vm_auth_conf_parse(text, len, path);
    memset(text, 0, len);
    free(text);
    return conf;
}

static const char *group_value(const struct vm_auth_conf *conf, const char *group,
                               const char *key)
{
    const char *found = NULL;

    /* the last one wins, as in libvirt */
    for (size_t i = 0; i < conf->n; i++) {
        if (strcmp(conf->e[i].group, group) == 0 && strcmp(conf->e[i].key, key) == 0)
            found = conf->e[i].value;
    }
    return found;
}

const char *vm_auth_conf_lookup(const struct vm_auth_conf *conf, const char *service,
                                const char *host, const char *key)
{
    VM_AUTOFREE char *auth = vm_asprintf("auth-%s-%s", service, host ? host : "localhost");
    VM_AUTOFREE char *cred = NULL;
    const char *name = group_value(conf, auth, "credentials");

    if (!name)
        return NULL;
    cred = vm_asprintf("credentials-%s", name);
    return group_value(conf, cred, key);
}

char *vm_auth_get(const struct vm_connect_auth *auth, const char *authfile_path,
                  const char *service, const char *host, int type, const char *prompt,
                  const char *dflt)
{
    const char *key = type == VM_CRED_USERNAME     ? "username"
                      : type == VM_CRED_PASSPHRASE ? "password"
                      : type == VM_CRED_REALM      ? "realm"
                                                   : NULL;
    struct vm_auth_conf *conf = NULL;
    const char *v;
    char *result = NULL;

    if (key && authfile_path) {
        if (!(conf = vm_auth_conf_read(authfile_path)))
            return NULL;
        if ((v = vm_auth_conf_lookup(conf, service, host, key))) {
            result = vm_strdup(v);
            vm_auth_conf_free(conf);
            return result;
        }
        vm_auth_conf_free(conf);
    }
    if (auth && auth->callback) {
        struct vm_credential c = {.type = type, .prompt = prompt, .defresult = dflt};
        if (auth->callback(&c, 1, auth->opaque) == 0 && c.result)
            return c.result;
        vm_auth_secret_free(c.result);
    } else if (dflt && type != VM_CRED_PASSPHRASE) {
        return vm_strdup(dflt);
    }
    vm_report_error(VM_ERR_AUTH, "no %s for %s on '%s': none in [auth-%s-%s] of auth.conf '%s'%s",
                    key ? key : "answer", service, host ? host : "localhost", service,
                    host ? host : "localhost", authfile_path ? authfile_path : "(none)",
                    auth && auth->callback ? ", and none was given" : "");
    return NULL;
}
