/*
 * check_range.c: threshold ranges (see check_range.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_range.h"
#include "util/vm_error.h"

/* A decimal number, optionally negative, read whole: "-1.5", "10", ".5".
 * strtod alone would take hex, exponents, "inf" and trailing text. */
static int number(const char *s, size_t len, double *out)
{
    size_t i = 0, digits = 0;
    char buf[64];

    if (len == 0 || len > 20)   /* more digits than a double keeps */
        return -1;
    if (s[i] == '-')
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    }
    if (i != len || digits == 0)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

void cv_format_number(char *buf, size_t size, double v)
{
    for (int prec = 0; prec <= 20; prec++) {
        snprintf(buf, size, "%.*f", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
}

static int bad(const char *text, const char *why)
{
    vm_report_error(VM_ERR_INVALID_ARG, "invalid range '%s': %s", text, why);
    return -1;
}

int cv_range_parse(const char *text, struct cv_range *r)
{
    const char *s = text ? text : "";
    const char *colon;
    size_t len;
    char a[48] = "", b[48] = "";

    memset(r, 0, sizeof(*r));
    while (*s == ' ' || *s == '\t')
        s++;
    len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return 0;   /* no threshold */
    if (*s == '@') {
        r->inside = true;
        s++;
        len--;
    }
    colon = memchr(s, ':', len);
    if (!colon) {
        /* "N" is 0:N */
        if (number(s, len, &r->end) < 0)
            return bad(text, "expected [@]START:END, START:, ~:END or END with decimal numbers");
    } else {
        size_t slen = (size_t)(colon - s), elen = len - slen - 1;
        if (slen == 1 && s[0] == '~')
            r->no_start = true;
        else if (slen > 0 && number(s, slen, &r->start) < 0)
            return bad(text, "the start is not a decimal number or ~");
        if (elen == 0)
            r->no_end = true;
        else if (number(colon + 1, elen, &r->end) < 0)
            return bad(text, "the end is not a decimal number");
        if (slen == 0 && elen == 0)
            return bad(text, "a range needs a start or an end");
    }
    if (!r->no_start && !r->no_end && r->start > r->end)
        return bad(text, "the start is greater than the end");

    if (!r->no_start)
        cv_format_number(a, sizeof(a), r->start);
    if (!r->no_end)
        cv_format_number(b, sizeof(b), r->end);
    if (r->no_start)
        snprintf(r->text, sizeof(r->text), "%s~:%s", r->inside ? "@" : "", b);
    else if (r->no_end)
        snprintf(r->text, sizeof(r->text), "%s%s:", r->inside ? "@" : "", a);
    else if (r->start == 0)
        snprintf(r->text, sizeof(r->text), "%s%s", r->inside ? "@" : "", b);
    else
        snprintf(r->text, sizeof(r->text), "%s%s:%s", r->inside ? "@" : "", a, b);
    r->set = true;
    return 0;
}

bool cv_range_alerts(const struct cv_range *r, double x)
{
    bool within;

    if (!r->set)
        return false;
    within = (r->no_start || x >= r->start) && (r->no_end || x <= r->end);
    return r->inside ? within : !within;
}
