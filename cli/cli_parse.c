/*
 * cli_parse.c: splitting command lines into commands and words, and matching
 * words against a command's declared options and argument.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "cli.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"

void cli_split_free(char ***cmds, size_t *nwords, size_t ncmds)
{
    for (size_t i = 0; i < ncmds; i++) {
        for (size_t k = 0; k < nwords[i]; k++)
            free(cmds[i][k]);
        free(cmds[i]);
    }
    free(cmds);
    free(nwords);
}

struct splitter {
    char ***cmds;
    size_t *nwords;
    size_t ncmds, alloc_cmds;
    size_t alloc_words;     /* of the current (last) command */
    bool open;              /* the last command takes more words */
};

static void add_word(struct splitter *s, char *word)
{
    if (!s->open) {
        size_t alloc = s->alloc_cmds;
        VM_GROW(s->cmds, s->ncmds, s->alloc_cmds);
        vm_realloc_n(&s->nwords, s->alloc_cmds, sizeof(*s->nwords));
        for (size_t i = alloc; i < s->alloc_cmds; i++)
            s->nwords[i] = 0;
        s->alloc_words = 0;
        s->open = true;
    }
    VM_GROW(s->cmds[s->ncmds - 1], s->nwords[s->ncmds - 1], s->alloc_words);
    s->cmds[s->ncmds - 1][s->nwords[s->ncmds - 1] - 1] = word;
}

int cli_split(const char *line, char ****cmds, size_t **nwords, char **err)
{
    struct splitter s = {0};
    const char *p = line;

    *err = NULL;
    for (;;) {
        struct vm_buf word = VM_BUF_INIT;
        bool have = false;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p || *p == '#')
            break;
        if (*p == ';') {
            s.open = false;
            p++;
            continue;
        }
        while (*p && !strchr(" \t\n\r;", *p)) {
            have = true;
            if (*p == '\\' && p[1]) {
                vm_buf_add_char(&word, p[1]);
                p += 2;
            } else if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && p[1])
                        p++;
                    vm_buf_add_char(&word, *p++);
                }
                if (!*p) {
                    vm_buf_clear(&word);
                    cli_split_free(s.cmds, s.nwords, s.ncmds);
                    *err = vm_asprintf("missing closing %c quote", q);
                    return -1;
                }
                p++;
            } else {
                vm_buf_add_char(&word, *p++);
            }
        }
        if (have)
            add_word(&s, vm_buf_steal(&word));
    }
    *cmds = s.cmds;
    *nwords = s.nwords;
    return (int)s.ncmds;
}

static int find_opt(const struct cli_cmd *cmd, const char *name, size_t len)
{
    for (int i = 0; i < CLI_MAX_OPTS && cmd->opts[i].name; i++) {
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

/* "a DOMAIN", "an INTERFACE" */
static const char *article(const char *word)
{
    return strchr("AEIOU", word[0]) ? "an" : "a";
}

/* Whether --NAME (len bytes) names a positional argument ("DOMAIN"):
 * virsh accepts them by name too (--domain web1, --interface vnet0). */
static bool names_arg(const char *arg, const char *name, size_t len)
{
    return arg && strlen(arg) == len && strncasecmp(name, arg, len) == 0;
}

int cli_parse_args(const struct cli_cmd *cmd, char **words, size_t nwords, struct cli_args *args,
                   char **err)
{
    bool only_pos = false;
    const char **free_pos;
    const char *named[2] = {NULL, NULL};
    size_t nfree = 0, max_pos = cmd->arg ? (cmd->arg2 ? 2 : 1) : 0;

    memset(args, 0, sizeof(*args));
    args->cmd = cmd;
    VM_NEW_N(args->pos, nwords + 2);
    VM_NEW_N(free_pos, nwords + 1);
    for (size_t i = 1; i < nwords; i++) {
        const char *w = words[i];

        if (!only_pos && strcmp(w, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && strncmp(w, "--", 2) == 0) {
            const char *name = w + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            int o = find_opt(cmd, name, len);

            if (o < 0) {
                int which = names_arg(cmd->arg, name, len)    ? 0
                            : names_arg(cmd->arg2, name, len) ? 1
                                                              : -1;
                const char *v;
                if (which < 0) {
                    *err = vm_asprintf("command '%s' doesn't support option --%.*s", cmd->name,
                                       (int)len, name);
                    goto error;
                }
                v = eq ? eq + 1 : (i + 1 < nwords ? words[++i] : NULL);
                if (!v) {
                    *err = vm_asprintf("command '%s': option --%s needs a value", cmd->name,
                                       name);
                    goto error;
                }
                if (which == 0 && cmd->arg_repeats) {
                    free_pos[nfree++] = v;
                } else if (named[which]) {
                    *err = vm_asprintf("command '%s': option --%.*s given twice", cmd->name,
                                       (int)len, name);
                    goto error;
                } else {
                    named[which] = v;
                }
                continue;
            }
            if (args->opt_value[o]) {
                *err = vm_asprintf("command '%s': option --%s given twice", cmd->name,
                                   cmd->opts[o].name);
                goto error;
            }
            if (cmd->opts[o].type == CLI_OPT_BOOL) {
                if (eq) {
                    *err = vm_asprintf("command '%s': option --%s takes no value", cmd->name,
                                       cmd->opts[o].name);
                    goto error;
                }
                args->opt_value[o] = "1";
            } else {
                const char *v = eq ? eq + 1 : (i + 1 < nwords ? words[++i] : NULL);
                if (!v || !*v) {
                    *err = vm_asprintf("command '%s': option --%s needs a value", cmd->name,
                                       cmd->opts[o].name);
                    goto error;
                }
                args->opt_value[o] = v;
            }
            continue;
        }
        free_pos[nfree++] = w;
    }
    /* the named ones take their places; the others fill the rest in order */
    {
        size_t next = 0;
        if (cmd->arg_repeats) {
            for (; next < nfree; next++)
                args->pos[args->npos++] = free_pos[next];
        } else {
            for (int k = 0; k < 2; k++) {
                if (named[k])
                    args->pos[k] = named[k];
                else if (next < nfree && (size_t)k < max_pos)
                    args->pos[k] = free_pos[next++];
            }
            args->npos = args->pos[1] ? 2 : args->pos[0] ? 1 : 0;
            if (!args->pos[0] && args->pos[1]) {
                *err = vm_asprintf("command '%s' requires %s %s argument", cmd->name,
                                   article(cmd->arg), cmd->arg);
                goto error;
            }
        }
        if (next < nfree) {
            if (!cmd->arg)
                *err = vm_asprintf("command '%s' takes no argument, got '%s'", cmd->name,
                                   free_pos[next]);
            else if (cmd->arg2)
                *err = vm_asprintf("command '%s' takes a %s and a %s, got '%s' too", cmd->name,
                                   cmd->arg, cmd->arg2, free_pos[next]);
            else
                *err = vm_asprintf("command '%s' takes one %s, got '%s' too", cmd->name,
                                   cmd->arg, free_pos[next]);
            goto error;
        }
    }
    if (cmd->arg && !cmd->arg_optional && args->npos == 0) {
        *err = vm_asprintf("command '%s' requires %s %s argument", cmd->name, article(cmd->arg),
                           cmd->arg);
        goto error;
    }
    if (cmd->arg2 && !cmd->arg2_optional && args->npos < 2) {
        *err = vm_asprintf("command '%s' requires %s %s argument", cmd->name, article(cmd->arg2),
                           cmd->arg2);
        goto error;
    }
    free(free_pos);
    return 0;
error:
    free(free_pos);
    free(args->pos);
    args->pos = NULL;
    return -1;
}

const char *cli_arg2(const struct cli_args *args)
{
    return args->cmd->arg2 && args->npos > 1 ? args->pos[1] : NULL;
}

const char *cli_arg(const struct cli_args *args, const char *name)
{
    int o = find_opt(args->cmd, name, strlen(name));

    return o < 0 ? NULL : args->opt_value[o];
}

bool cli_flag(const struct cli_args *args, const char *name)
{
    return cli_arg(args, name) != NULL;
}
