/*
 * qemu_state.h: where the QEMU driver keeps its domains, so that every
 * process sees the same ones: definitions in
 * CONFIG/qemu/NAME.xml (+ CONFIG/qemu/autostart/NAME), live state in
 * RUNTIME/qemu/ (NAME.xml, .state, .stop, .pid, .log, .lock; sockets as
 * UUID.qmp, since a socket path holds 108 bytes), managed-save images in
 * STATE/qemu/NAME.save.  Writes are atomic; operations on a domain hold its
 * lock (flock on NAME.lock), across processes.
 */
#ifndef QEMU_STATE_H
#define QEMU_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf/domain_conf.h"

struct qemu_dirs {
    char *cfg;      /* CONFIG/qemu */
    char *run;      /* RUNTIME/qemu */
    char *save;     /* STATE/qemu */
};

/* The directories for a scope (system: root's column; session: the user's),
 * created if missing (for a read-only connection only the runtime dir, for
 * the locks).  -1 with an error. */
int qemu_dirs_init(struct qemu_dirs *dirs, bool system, bool readonly);
void qemu_dirs_clear(struct qemu_dirs *dirs);

/* A domain's files. */
enum qemu_file {
    QEMU_FILE_DEF,          /* CONFIG/qemu/NAME.xml: the persistent definition */
    QEMU_FILE_AUTOSTART,    /* CONFIG/qemu/autostart/NAME */
    QEMU_FILE_SAVE,         /* STATE/qemu/NAME.save: the managed-save image */
    QEMU_FILE_SAVE_PARTIAL, /* STATE/qemu/NAME.save.partial: one being written */
    QEMU_FILE_NVRAM,        /* STATE/qemu/NAME_VARS.fd: its UEFI variables */
    QEMU_FILE_TPM_STATE,    /* STATE/qemu/NAME.tpm/: its TPM's state (swtpm) */
    QEMU_FILE_TPM_PID,      /* RUNTIME/qemu/NAME.swtpm.pid */
    QEMU_FILE_TPM_LOG,      /* RUNTIME/qemu/NAME.swtpm.log */
    QEMU_FILE_TPM_SOCK,     /* RUNTIME/qemu/UUID.tpm: swtpm's control socket */
    QEMU_FILE_LIVE_DEF,     /* RUNTIME/qemu/NAME.xml: the definition it runs with */
    QEMU_FILE_STATE,        /* RUNTIME/qemu/NAME.state: struct qemu_live */
    QEMU_FILE_STOP,         /* RUNTIME/qemu/NAME.stop: how it stopped */
    QEMU_FILE_PID,          /* RUNTIME/qemu/NAME.pid: QEMU's own, locked by QEMU */
    QEMU_FILE_LOG,          /* RUNTIME/qemu/NAME.log: QEMU's output */
    QEMU_FILE_LOCK,         /* RUNTIME/qemu/NAME.lock */
    QEMU_FILE_QMP,          /* RUNTIME/qemu/UUID.qmp */
};

/* The path of one of a domain's files (caller frees); uuid is used for
 * sockets only and may be NULL for the others. */
char *qemu_file(const struct qemu_dirs *dirs, enum qemu_file which, const char *name,
                const unsigned char *uuid);

/* A name that may be looked up: one that makes file names (not empty, no
 * '/').  Whether a definition's name is acceptable is the XML reader's
 * business.  -1 with invalid-arg. */
int qemu_check_name(const char *name);

/* Takes the domain's lock, waiting up to timeout_ms (another process may be
 * in the middle of an operation on it).  Returns the lock's fd, -1 with a
 * timeout or system error. */
int qemu_lock(const struct qemu_dirs *dirs, const char *name, int timeout_ms);
void qemu_unlock(int fd);

/* What an active domain's QEMU is doing, as far as virtmon's processes
 * are concerned. */
enum qemu_phase {
    QEMU_PHASE_RUNNING,     /* started: QEMU is the domain */
    QEMU_PHASE_STARTING,    /* recorded before QEMU was started, until it is up */
    QEMU_PHASE_SAVING,      /* a managed save is writing the image */
};

/* What RUNTIME/qemu/NAME.state says about an active domain. */
#define QEMU_LIVE_DEVS 16

struct qemu_live {
    int id;
    bool transient;
    bool reboot;            /* a reboot was asked: reset instead of quit at shutdown */
    int start_reason;       /* VM_RUNNING_BOOTED / RESTORED / UNPAUSED */
    bool start_paused;      /* started with its vCPUs paused (start --paused) */
    char save_to[1024];     /* phase saving: the caller's file ("" for a managed save) */
    int phase;              /* enum qemu_phase */
    int state, reason;      /* the last state QEMU reported: what an unresponsive
                             * monitor leaves us */
    /* the character devices on a pty, by QEMU id ("charserial0") */
    struct qemu_live_pty {
        char alias[32];
        char path[64];
    } ptys[QEMU_LIVE_DEVS];
    /* per interface: the tap the starter made for a bridge or network
     * interface ("" for the others) */
    char taps[QEMU_LIVE_DEVS][16];
};

/* 1 with *live filled when the state file exists, 0 when not, -1 (error)
 * when it is unreadable or garbled. */
int qemu_live_read(const struct qemu_dirs *dirs, const char *name, struct qemu_live *live);
int qemu_live_write(const struct qemu_dirs *dirs, const char *name, const struct qemu_live *live);

/* The record of how an inactive domain stopped: state, reason and the id
 * of the run it ended (-1 when unknown; *run_id may be NULL).  It is
 * written before the live files go, so a stopper killed in between leaves
 * a record that names the run its state file still shows. */
int qemu_stop_read(const struct qemu_dirs *dirs, const char *name, int *state, int *reason,
                   int *run_id);
int qemu_stop_write(const struct qemu_dirs *dirs, const char *name, int state, int reason,
                    int run_id);

/* Removes the live files (state, pid, socket, live xml) of a stopped domain. */
void qemu_live_cleanup(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid);

/* The next domain id (a counter shared by all processes). */
int qemu_next_id(const struct qemu_dirs *dirs);

/* Reads a definition virtmon wrote earlier: names that a later rule
 * refuses are still read (so such domains can be destroyed and undefined).
 * NULL with an error. */
struct vm_domain_def *qemu_def_read(const char *path);

/* Writes def's XML to path atomically. */
int qemu_def_write(const char *path, const struct vm_domain_def *def);

/* Every domain name known (persistent definitions and active transient
 * domains), sorted, deduplicated.  Free with qemu_names_free(). */
int qemu_names(const struct qemu_dirs *dirs, char ***names, size_t *n);
void qemu_names_free(char **names, size_t n);

bool qemu_file_exists(const char *path);

#endif /* QEMU_STATE_H */
