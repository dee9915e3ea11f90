/*
 * check_output.c: check_virt's output lines and exit status.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_output.h"
#include "util/vm_buf.h"

/* Nagios truncates plugin output; operators' NMS screens cut earlier. */
#define FIRST_LINE_MAX 1023

static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *cv_status_name(enum cv_status s)
{
    return s <= CV_UNKNOWN ? names[s] : "UNKNOWN";
}

int cv_status_parse(const char *name, enum cv_status *s)
{
    for (int i = CV_OK; i <= CV_UNKNOWN; i++) {
        if (strcasecmp(name, names[i]) == 0) {
            *s = (enum cv_status)i;
            return 0;
        }
    }
    return -1;
}

double cv_round(double x, int decimals)
{
    double scale = pow(10, decimals);

    return round(x * scale) / scale;
}

void cv_format_kib(char *buf, size_t size, unsigned long long kib)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)kib;
    size_t u = 0;

    if (kib < 1024) {
        snprintf(buf, size, "%llu KiB", kib);
        return;
    }
    while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024;
        u++;
    }
    snprintf(buf, size, "%.1f %s", v, units[u]);
}

enum cv_status cv_status_worse(enum cv_status a, enum cv_status b)
{
    /* monitoring-plugins' max_state_alt: an UNKNOWN part is not hidden by OK */
    static const int rank[] = {0, 2, 3, 1};   /* OK < UNKNOWN < WARNING < CRITICAL */

    return rank[a] >= rank[b] ? a : b;
}

enum cv_status cv_status_of(double x, const struct cv_range *warn, const struct cv_range *crit)
{
    if (crit && cv_range_alerts(crit, x))
        return CV_CRITICAL;
    if (warn && cv_range_alerts(warn, x))
        return CV_WARNING;
    return CV_OK;
}

/* label=value[uom];warn;crit;min;max, trailing empty fields dropped */
static void add_perf(struct vm_buf *b, const struct cv_perf *p)
{
    char num[64];
    const char *field[4] = {"", "", "", ""};
    char min[64] = "", max[64] = "";
    int last = -1;

    for (const char *c = p->label; *c; c++) {
        char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
        bool fine = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                    ch == '.' || ch == '-';
        vm_buf_add_len(b, fine ? &ch : "_", 1);
    }
    cv_format_number(num, sizeof(num), p->value);
    vm_buf_addf(b, "=%s%s", num, p->uom ? p->uom : "");
    if (p->warn && p->warn->set)
        field[0] = p->warn->text;
    if (p->crit && p->crit->set)
        field[1] = p->crit->text;
    if (p->has_min) {
        cv_format_number(min, sizeof(min), p->min);
        field[2] = min;
    }
    if (p->has_max) {
        cv_format_number(max, sizeof(max), p->max);
        field[3] = max;
    }
    for (int i = 0; i < 4; i++) {
        if (*field[i])
            last = i;
    }
    for (int i = 0; i <= last; i++)
        vm_buf_addf(b, ";%s", field[i]);
}

/* Text without '|': Nagios reads what follows one as perfdata, and a
 * domain may be named "a|b".  '/' stands in, as no domain name has one. */
static void add_text(struct vm_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        vm_buf_add_char(b, s[i] == '|' ? '/' : s[i]);
}

char *cv_format(const struct cv_result *r)
{
    struct vm_buf head = VM_BUF_INIT, perf = VM_BUF_INIT, out = VM_BUF_INIT;
    const char *text = r->text ? r->text : "";
    size_t room, tlen = strcspn(text, "\n");

    vm_buf_addf(&head, "VIRT %s%s%s - ", r->mode ? r->mode : "", r->mode ? " " : "",
                cv_status_name(r->status));
    for (size_t i = 0; i < r->nperf; i++) {
        vm_buf_add(&perf, i ? " " : " | ");
        add_perf(&perf, &r->perf[i]);
    }
    /* the text gives way, never the status or the perfdata */
    room = head.len + perf.len < FIRST_LINE_MAX ? FIRST_LINE_MAX - head.len - perf.len : 0;
    vm_buf_add(&out, vm_buf_str(&head));
    if (tlen <= room) {
        add_text(&out, text, tlen);
    } else if (room > 3) {
        add_text(&out, text, room - 3);
        vm_buf_add(&out, "...");
    }
    vm_buf_add(&out, vm_buf_str(&perf));
    vm_buf_add(&out, "\n");
    if (r->long_output && *r->long_output) {
        add_text(&out, r->long_output, strlen(r->long_output));
        if (r->long_output[strlen(r->long_output) - 1] != '\n')
            vm_buf_add(&out, "\n");
    }
    vm_buf_clear(&head);
    vm_buf_clear(&perf);
    return vm_buf_steal(&out);
}

_Noreturn void cv_exit_with(char *out, enum cv_status status)
{
    fputs(out, stdout);
    free(out);
    fflush(stdout);
    exit((int)status);
}

_Noreturn void cv_exit_unknown(const char *mode, const char *message, const char *usage)
{
    struct cv_result r = {.mode = mode, .status = CV_UNKNOWN, .text = message};
    struct vm_buf out = VM_BUF_INIT;
    char *line = cv_format(&r);

    /* the usage as written: its '|' separate choices, and there is no
     * perfdata on a usage error for Nagios to misread */
    vm_buf_add(&out, line);
    if (usage)
        vm_buf_add(&out, usage);
    free(line);
    cv_exit_with(vm_buf_steal(&out), CV_UNKNOWN);
}
