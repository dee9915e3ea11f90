#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm_alloc.h"
#include "vm_buf.h"
#include "vm_conf_file.h"
#include "vm_error.h"
#include "vm_file.h"

struct cursor {
    const char *p, *end;
    int line;
    const char *name;
};

static void entry_clear(struct vm_conf_entry *e)
{
    free(e->key);
    free(e->str);
    for (size_t i = 0; i < e->nlist; i++)
        free(e->list[i]);
    free(e->list);
}

void vm_conf_free(struct vm_conf *conf)
{
    if (!conf)
        return;
    for (size_t i = 0; i < conf->nentries; i++)
        entry_clear(&conf->entries[i]);
    free(conf->entries);
    free(conf->filename);
    free(conf);
}

VM_DEFINE_AUTOPTR(vm_conf)

/* Skips blanks and comments; stops at a newline unless multiline. */
static void skip_space(struct cursor *c, bool multiline)
{
    while (c->p < c->end) {
        if (*c->p == '#') {
            while (c->p < c->end && *c->p != '\n')
                c->p++;
        } else if (*c->p == '\n' && multiline) {
            c->line++;
            c->p++;
        } else if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r') {
            c->p++;
        } else {
            break;
        }
    }
}

static int syntax_error(struct cursor *c, const char *what)
{
    vm_report_error(VM_ERR_CONFIG, "%s:%d: %s", c->name, c->line, what);
    return -1;
}

static char *parse_string(struct cursor *c)
{
    struct vm_buf buf = VM_BUF_INIT;
    char quote = *c->p++;

    while (c->p < c->end && *c->p != quote) {
        if (*c->p == '\n')
            break;
        if (*c->p == '\\' && quote == '"' && c->p + 1 < c->end && c->p[1] != '\n')
            c->p++;
        vm_buf_add_char(&buf, *c->p++);
    }
    if (c->p >= c->end || *c->p != quote) {
        vm_buf_clear(&buf);
        syntax_error(c, "unterminated string");
        return NULL;
    }
    c->p++;
    return vm_buf_steal(&buf);
}

static int parse_value(struct cursor *c, struct vm_conf_entry *e)
{
    if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
        e->type = VM_CONF_STRING;
        return (e->str = parse_string(c)) ? 0 : -1;
    }
    if (c->p < c->end && *c->p == '[') {
        size_t alloc = 0;
        e->type = VM_CONF_LIST;
        c->p++;
        for (;;) {
            skip_space(c, true);
            if (c->p < c->end && *c->p == ']') {
                c->p++;
                return 0;
            }
            if (c->p >= c->end || (*c->p != '"' && *c->p != '\''))
                return syntax_error(c, "expected a quoted string or ']' in a list");
            VM_GROW(e->list, e->nlist, alloc);
            if (!(e->list[e->nlist - 1] = parse_string(c)))
                return -1;
            skip_space(c, true);
            if (c->p < c->end && *c->p == ',')
                c->p++;
            else if (c->p >= c->end || *c->p != ']')
                return syntax_error(c, "expected ',' or ']' after a list item");
        }
    }
    if (c->p < c->end && (isdigit((unsigned char)*c->p) || *c->p == '-')) {
        char *endp;
        VM_AUTOFREE char *text = NULL;
        const char *start = c->p;
        if (*c->p == '-')
            c->p++;
        while (c->p < c->end && isdigit((unsigned char)*c->p))
            c->p++;
        text = vm_strndup(start, (size_t)(c->p - start));
        errno = 0;
        e->type = VM_CONF_INT;
        e->num = strtoll(text, &endp, 10);
        if (errno || *endp || endp == text || (text[0] == '-' && !text[1]))
            return syntax_error(c, "invalid integer");
        return 0;
    }
    return syntax_error(c, "expected a quoted string, an integer or a list");
}

struct vm_conf *vm_conf_parse(const char *data, size_t len, const char *name)
{
    VM_AUTOPTR(vm_conf) conf = NULL;
    struct cursor c = {data, data + len, 1, name};

    VM_NEW(conf);
    conf->filename = vm_strdup(name);
    for (;;) {
        struct vm_conf_entry *e;
        const char *key;

        skip_space(&c, true);
        if (c.p >= c.end)
            break;
        if (!isalpha((unsigned char)*c.p) && *c.p != '_') {
            syntax_error(&c, "expected a setting name");
            return NULL;
        }
        key = c.p;
        while (c.p < c.end && (isalnum((unsigned char)*c.p) || *c.p == '_'))
            c.p++;
        VM_GROW(conf->entries, conf->nentries, conf->alloc);
        e = &conf->entries[conf->nentries - 1];
        e->key = vm_strndup(key, (size_t)(c.p - key));
        e->line = c.line;
        skip_space(&c, false);
        if (c.p >= c.end || *c.p != '=') {
            vm_report_error(VM_ERR_CONFIG, "%s:%d: expected '=' after '%s'", name, c.line,
                            e->key);
            return NULL;
        }
        c.p++;
        skip_space(&c, false);
        if (parse_value(&c, e) < 0)
            return NULL;
        skip_space(&c, false);
        if (c.p < c.end && *c.p != '\n') {
            syntax_error(&c, "unexpected text after the value");
            return NULL;
        }
    }
    return vm_steal_ptr(&conf);
}

struct vm_conf *vm_conf_read_file(const char *path, bool missing_ok)
{
    size_t len;
    VM_AUTOFREE char *data = missing_ok ? vm_file_read_if_exists(path, "configuration file",
                                                                 VM_FILE_MAX_CONFIG, &len)
                                        : vm_file_read(path, "configuration file",
                                                       VM_FILE_MAX_CONFIG, &len);
    struct vm_conf *conf;

    if (!data) {
        if (errno == ENOENT && missing_ok) {
            conf = vm_calloc(1, sizeof(*conf));
            conf->filename = vm_strdup(path);
            return conf;
        }
        return NULL;
    }
    return vm_conf_parse(data, len, path);
}

const struct vm_conf_entry *vm_conf_lookup(const struct vm_conf *conf, const char *key)
{
    for (size_t i = conf->nentries; i-- > 0;) {
        if (strcmp(conf->entries[i].key, key) == 0)
            return &conf->entries[i];
    }
    return NULL;
}

/* 1 with *e set when key is there with the wanted type, 0 when absent, -1
 * (reported) when it has another type. */
static int lookup_typed(const struct vm_conf *conf, const char *key, enum vm_conf_type type,
                        const char *what, const struct vm_conf_entry **e)
{
    *e = vm_conf_lookup(conf, key);
    if (!*e)
        return 0;
    if ((*e)->type != type) {
        vm_report_error(VM_ERR_CONFIG, "%s:%d: '%s' must be %s", conf->filename, (*e)->line, key,
                        what);
        return -1;
    }
    return 1;
}

int vm_conf_get_string(const struct vm_conf *conf, const char *key, const char **out)
{
    const struct vm_conf_entry *e;
    int r = lookup_typed(conf, key, VM_CONF_STRING, "a quoted string", &e);

    if (r == 1)
        *out = e->str;
    return r;
}

int vm_conf_get_int(const struct vm_conf *conf, const char *key, long long *out)
{
    const struct vm_conf_entry *e;
    int r = lookup_typed(conf, key, VM_CONF_INT, "an integer", &e);

    if (r == 1)
        *out = e->num;
    return r;
}

int vm_conf_get_list(const struct vm_conf *conf, const char *key, char ***list, size_t *n)
{
    const struct vm_conf_entry *e;
    int r = lookup_typed(conf, key, VM_CONF_LIST, "a list of strings", &e);

    if (r == 1) {
        *list = e->list;
        *n = e->nlist;
    }
    return r;
}

int vm_conf_check_keys(const struct vm_conf *conf, const char *const *known)
{
    for (size_t i = 0; i < conf->nentries; i++) {
        const char *const *k;
        for (k = known; *k; k++) {
            if (strcmp(*k, conf->entries[i].key) == 0)
                break;
        }
        if (!*k) {
            vm_report_error(VM_ERR_CONFIG, "%s:%d: unknown setting '%s'", conf->filename,
                            conf->entries[i].line, conf->entries[i].key);
            return -1;
        }
    }
    return 0;
}
