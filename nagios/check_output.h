/*
 * check_output.h: what a check_virt run prints and its exit status, in the
 * monitoring-plugins form: "VIRT MODE STATUS - text | perfdata", then any
 * long-output lines.
 */
#ifndef CHECK_OUTPUT_H
#define CHECK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "check_range.h"

enum cv_status { CV_OK = 0, CV_WARNING = 1, CV_CRITICAL = 2, CV_UNKNOWN = 3 };

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *cv_status_name(enum cv_status s);

/* A status name, any case: 0, or -1 when it is none of the four. */
int cv_status_parse(const char *name, enum cv_status *s);

/* The worse of a and b (CRITICAL > WARNING > UNKNOWN > OK, as Nagios
 * orders them for a service's metrics). */
enum cv_status cv_status_worse(enum cv_status a, enum cv_status b);

/* x rounded to the given number of decimals: values are rounded once, so
 * that the text, the perfdata and the thresholds all see the same number. */
double cv_round(double x, int decimals);

/* KiB for a reader: "512 KiB", "2.0 GiB", "1.5 TiB". */
void cv_format_kib(char *buf, size_t size, unsigned long long kib);

/* What value x gives against warn and crit (critical first). */
enum cv_status cv_status_of(double x, const struct cv_range *warn, const struct cv_range *crit);

struct cv_perf {
    const char *label;              /* fixed per mode; sanitised anyway */
    double value;
    const char *uom;                /* "", "%", "KB", "c" */
    const struct cv_range *warn, *crit;   /* NULL: none */
    bool has_min, has_max;
    double min, max;
};

struct cv_result {
    const char *mode;               /* "STATE"...; NULL when the mode is unknown */
    enum cv_status status;
    const char *text;
    const struct cv_perf *perf;
    size_t nperf;
    const char *long_output;        /* NULL or lines (a final \n is added) */
};

/* The whole output; the first line stays under 1 KB (the text is cut,
 * never the perfdata).  Caller frees. */
char *cv_format(const struct cv_result *r);

/* Prints out (from cv_format; freed here) and exits with status: for modes
 * that free what the result pointed into before exiting. */
_Noreturn void cv_exit_with(char *out, enum cv_status status);

/* Prints "VIRT MODE UNKNOWN - message" (and the usage line when given)
 * and exits 3. */
_Noreturn void cv_exit_unknown(const char *mode, const char *message, const char *usage);

#endif /* CHECK_OUTPUT_H */
