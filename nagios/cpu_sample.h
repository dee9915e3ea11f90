/*
 * cpu_sample.h: the cpu mode's memory between runs: one domain's CPU time
 * and when it was read, in a small file per (URI, UUID), so that two hosts
 * with a guest of the same name, or a renamed guest, never share a sample.
 */
#ifndef CPU_SAMPLE_H
#define CPU_SAMPLE_H

#include <stdint.h>

struct cv_cpu_sample {
    uint64_t time_ns;       /* CLOCK_REALTIME: runs are separate processes */
    uint64_t cpu_time_ns;   /* the domain's CPU time, all vCPUs */
    int id;                 /* the domain's id: a restart gives it a new one */
};

/* The default directory for samples: check_virt under virtmon's state
 * directory (the Nagios user's own when it is not root).  Caller frees. */
char *cv_cpu_sample_dir(void);

/* dir/cpu-UUID-HASH, HASH a digest of the URI (the file says the URI in
 * full, and load checks it).  Caller frees. */
char *cv_cpu_sample_path(const char *dir, const char *uri, const char *uuid);

/* 0 with *s filled when text (a sample file's content; changed in place)
 * is a sample of uri's uuid; -1 otherwise, with no error set. */
int cv_cpu_sample_parse(char *text, const char *uri, const char *uuid, struct cv_cpu_sample *s);

/* 0 with *s filled when path holds a sample of uri's uuid; -1 when it is
 * missing, damaged or another's, with no error set: the caller then
 * measures afresh, which is always safe. */
int cv_cpu_sample_load(const char *path, const char *uri, const char *uuid,
                       struct cv_cpu_sample *s);

/* Writes the sample atomically (a concurrent run reads the old or the new
 * one, never a mix), creating the directory.  -1 with an error. */
int cv_cpu_sample_save(const char *path, const char *uri, const char *uuid,
                       const struct cv_cpu_sample *s);

#endif /* CPU_SAMPLE_H */
