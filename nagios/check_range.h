/*
 * check_range.h: the threshold ranges of the monitoring-plugins guidelines
 * ([@]start:end, ~ for minus infinity), parsed strictly: anything the
 * guidelines do not define is refused rather than read as 0.
 */
#ifndef CHECK_RANGE_H
#define CHECK_RANGE_H

#include <stdbool.h>

struct cv_range {
    bool set;           /* false: no threshold (an empty -w / -c) */
    bool inside;        /* '@': alert inside [start, end], else outside */
    bool no_start;      /* '~': no lower bound */
    bool no_end;        /* "N:": no upper bound */
    double start, end;
    char text[128];     /* the normalised form, for perfdata */
};

/* Parses text (NULL or "" is no threshold) into *r: 0, or -1 with the
 * per-thread error saying what is wrong. */
int cv_range_parse(const char *text, struct cv_range *r);

/* Whether value x is outside the range's OK zone (an unset range never
 * alerts). */
bool cv_range_alerts(const struct cv_range *r, double x);

/* The shortest plain decimal that reads back as v ("10", "0.5", "-3"):
 * never an exponent, which perfdata consumers do not all read. */
void cv_format_number(char *buf, size_t size, double v);

#endif /* CHECK_RANGE_H */
