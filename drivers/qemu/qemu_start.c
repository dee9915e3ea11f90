/*
 * qemu_start.c: starting a domain's QEMU, and the managed save that stops
 * it into an image.  Nothing here runs a shell: the save image reaches
 * QEMU as a descriptor (QMP getfd, then an "fd:" migration), as libvirt
 * does.
 *
 * Both record what they are about to do before doing it (phase "starting"
 * or "saving" in the state file, under the domain's lock), so that a look
 * after a crash at any point knows what to set right (qemu_look.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qemu_command.h"
#include "qemu_devices.h"
#include "qemu_firmware.h"
#include "qemu_tap.h"
#include "qemu_tpm.h"
#include "util/vm_file.h"
#include "qemu_domain.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_log.h"

void qemu_test_pause(const char *point)
{
    const char *spec = getenv("VIRTMON_TEST_QEMU_PAUSE");
    size_t len = strlen(point);

    if (spec && strncmp(spec, point, len) == 0 && spec[len] == ':') {
        long ms = strtol(spec + len + 1, NULL, 10);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        if (ms > 0 && ms < 600000)
            nanosleep(&ts, NULL);
    }
}

/* Checks what QEMU cannot report clearly itself, before anything starts;
 * *exe gets the emulator's allowed absolute path. */
static int preflight(struct qemu_conn *p, const struct vm_domain_def *def, char **exe)
{
    if (!(*exe = qemu_conf_emulator(&p->conf, def)))
        return -1;
    if (def->type == VM_VIRT_KVM && access(qemu_kvm_device(), R_OK | W_OK) < 0) {
        vm_report_error(VM_ERR_OPERATION_FAILED,
                        "domain '%s' has type 'kvm' but KVM is not usable: %s: %s (use "
                        "type='qemu' for emulation)",
                        def->name, qemu_kvm_device(), strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < def->ndisks; i++) {
        const struct vm_disk_def *d = &def->disks[i];
        if (d->source && access(d->source, d->readonly ? R_OK : R_OK | W_OK) < 0) {
            vm_report_error(VM_ERR_OPERATION_FAILED, "disk '%s' of domain '%s': '%s': %s",
                            d->target_dev, def->name, d->source, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* A free TCP port for a SPICE display with autoport (QEMU has no search
 * of its own for SPICE, as it has for VNC): the first from 5900 that binds
 * on the display's address; 0 when there is no such display. */
static int spice_port(const struct qemu_devices *m, int first)
{
    for (size_t i = 0; i < m->ngraphics; i++) {
        const struct qemu_graphics *g = &m->graphics[i];
        if (strcmp(g->type, "spice") == 0 && g->port < 0)
            return qemu_free_tcp_port(g->listen ? g->listen : "127.0.0.1", first);
    }
    return 0;
}

/* The taps of the bridge and network interfaces (fds[i] -1 for the
 * others), their names in live->taps.  -1 with an error naming the
 * interface, every tap made so far closed. */
static int make_taps(struct qemu_conn *p, const struct vm_domain_def *def,
                     const struct qemu_devices *m, int *fds, struct qemu_live *live)
{
    for (size_t i = 0; i < m->nnets; i++) {
        const struct qemu_net *n = &m->nets[i];
        const char *bridge = n->source;
        fds[i] = -1;
        if (strcmp(n->type, "bridge") != 0 && strcmp(n->type, "network") != 0)
            continue;
        if (i >= QEMU_LIVE_DEVS) {
            vm_report_error(VM_ERR_NOT_SUPPORTED, "domain '%s': more than %d interfaces",
                            def->name, QEMU_LIVE_DEVS);
            goto error;
        }
        if (strcmp(n->type, "network") == 0 && !(bridge = qemu_conf_network_bridge(&p->conf, n->source)))
            goto named;
        if ((fds[i] = qemu_tap_open(n->tap, bridge, n->mac, live->taps[i])) < 0)
            goto named;
        continue;
named:
        {
            VM_AUTOFREE char *why = vm_error_take();
            vm_report_error(VM_ERR_OPERATION_FAILED, "domain '%s': interface %zu (%s '%s'): %s",
                            def->name, i, n->type, n->source ? n->source : "", why);
        }
        goto error;
    }
    return 0;
error:
    for (size_t k = 0; k < m->nnets; k++) {
        if (fds[k] >= 0)
            close(fds[k]);
        fds[k] = -1;
    }
    return -1;
}

/* What goes to QEMU over its monitor once it is up: display passwords
 * (never in argv, where every user could read them), and where its ptys
 * are (the runtime state records them, for the console). */
static int after_start(struct qemu_monitor *mon, const struct qemu_devices *m,
                       struct qemu_live *live)
{
    json_object *ret = NULL;
    size_t n = 0;

    for (size_t i = 0; i < m->ngraphics; i++) {
        const struct qemu_graphics *g = &m->graphics[i];
        json_object *args;
        if (!g->passwd)
            continue;
        args = json_object_new_object();
        json_object_object_add(args, "protocol", json_object_new_string(g->type));
        json_object_object_add(args, "password", json_object_new_string(g->passwd));
        if (qemu_monitor_command(mon, "set_password", args, NULL) < 0)
            return -1;
    }
    if (qemu_monitor_command(mon, "query-chardev", NULL, &ret) < 0)
        return -1;
    for (size_t i = 0; json_object_is_type(ret, json_type_array) &&
                       i < json_object_array_length(ret) && n < QEMU_LIVE_DEVS;
         i++) {
        json_object *e = json_object_array_get_idx(ret, i), *label, *file;
        if (json_object_object_get_ex(e, "label", &label) &&
            json_object_object_get_ex(e, "filename", &file) &&
            strncmp(json_object_get_string(file), "pty:", 4) == 0) {
            snprintf(live->ptys[n].alias, sizeof(live->ptys[n].alias), "%s",
                     json_object_get_string(label));
            snprintf(live->ptys[n].path, sizeof(live->ptys[n].path), "%s",
                     json_object_get_string(file) + 4);
            n++;
        }
    }
    json_object_put(ret);
    return 0;
}

/* The UEFI firmware of a domain (its <loader>, else the descriptors'
 * choice) and its variables: <nvram>, else STATE/qemu/NAME_VARS.fd, made
 * from the firmware's template the first time and kept after (a guest's
 * boot entries live there). */
static int firmware(struct qemu_conn *p, const struct vm_domain_def *def,
                    const struct qemu_devices *m, struct qemu_firmware *fw, char **nvram)
{
    const char *template;

    if (m->loader) {
        if (qemu_firmware_for_code(m->loader, fw) < 0) {
            memset(fw, 0, sizeof(*fw));
            fw->code = vm_strdup(m->loader);
        }
    } else if (qemu_firmware_select(def->os_machine, m->secure_boot, fw) < 0) {
        return -1;
    }
    if (fw->requires_smm && m->smm == 0) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "domain '%s': its firmware '%s' needs SMM, which <smm state='off'> "
                        "turns off",
                        def->name, fw->code);
        goto error;
    }
    *nvram = m->nvram ? vm_strdup(m->nvram) : qemu_file(&p->dirs, QEMU_FILE_NVRAM, def->name, NULL);
    if (access(*nvram, F_OK) == 0)
        return 0;
    template = m->nvram_template ? m->nvram_template : fw->vars_template;
    if (!template) {
        vm_report_error(VM_ERR_OPERATION_FAILED,
                        "domain '%s': no variables file '%s' and no template to make it from "
                        "(<nvram template=...>)",
                        def->name, *nvram);
        goto error;
    }
    {
        size_t len;
        VM_AUTOFREE char *data = vm_file_read(template, "UEFI variables template", 64 << 20, &len);
        if (!data || vm_file_write_atomic(*nvram, data, len, 0600) < 0)
            goto error;
    }
    return 0;
error:
    free(*nvram);
    *nvram = NULL;
    qemu_firmware_clear(fw);
    return -1;
}

static void close_taps(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

/* Waits until QEMU's monitor answers, or QEMU is gone (its log says why). */
static struct qemu_monitor *await_monitor(const char *qmp, pid_t pid, const char *logfile)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct qemu_monitor *mon;
        /* a short step: the start is done when the monitor answers, and a
         * look costs an access() */
        struct timespec ts = {0, 5 * 1000 * 1000};
        if (access(qmp, F_OK) == 0 && (mon = qemu_monitor_open(qmp, QMP_TIMEOUT_MS)))
            return mon;
        vm_error_reset();
        if (!qemu_process_exists(pid)) {
            VM_AUTOFREE char *tail = qemu_process_log_tail(logfile);
            vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU failed to start: %s", tail);
            return NULL;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
            START_TIMEOUT_MS)
            break;
        nanosleep(&ts, NULL);
    }
    vm_report_error(VM_ERR_TIMEOUT, "QEMU's monitor did not answer within %d ms of its start",
                    START_TIMEOUT_MS);
    return NULL;
}

/* Hands QEMU the image to restore, through a descriptor at the stream's
 * offset, and waits for it to run (or, started paused, to be ready). */
static int restore_image(struct qemu_monitor *mon, const char *save, long long offset,
                         bool paused)
{
    json_object *args;
    int fd = open(save, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int r;

    if (fd < 0) {
        vm_report_system_error(errno, "cannot open save image '%s'", save);
        return -1;
    }
    if (offset && lseek(fd, (off_t)offset, SEEK_SET) != (off_t)offset) {
        vm_report_system_error(errno, "cannot seek in save image '%s'", save);
        close(fd);
        return -1;
    }
    r = qemu_monitor_pass_fd(mon, fd, "incoming");
    close(fd);
    if (r < 0)
        return -1;
    args = json_object_new_object();
    json_object_object_add(args, "uri", json_object_new_string("fd:incoming"));
    if (qemu_monitor_command(mon, "migrate-incoming", args, NULL) < 0)
        return -1;
    return qemu_wait_status(mon, paused ? "paused" : "running", SAVE_TIMEOUT_MS);
}

/* One try at starting def's QEMU; a SPICE display with autoport gets the
 * first free port from spice_from (*spice_used: the one it got). */
static int start_once(struct qemu_conn *p, const struct vm_domain_def *def, bool transient,
                      const struct qemu_start_opts *opts, int *id_out, int *reason_out,
                      int spice_from, int *spice_used)
{
    const char *name = def->name;
    VM_AUTOFREE char *qmp = qemu_file(&p->dirs, QEMU_FILE_QMP, name, def->uuid);
    VM_AUTOFREE char *pidfile = qemu_file(&p->dirs, QEMU_FILE_PID, name, NULL);
    VM_AUTOFREE char *logfile = qemu_file(&p->dirs, QEMU_FILE_LOG, name, NULL);
    VM_AUTOFREE char *livexml = qemu_file(&p->dirs, QEMU_FILE_LIVE_DEF, name, NULL);
    VM_AUTOFREE char *stop = qemu_file(&p->dirs, QEMU_FILE_STOP, name, NULL);
    VM_AUTOFREE char *save = qemu_file(&p->dirs, QEMU_FILE_SAVE, name, NULL);
    VM_AUTOFREE char *exe = NULL;
    char uuid[VM_UUID_STRING_BUFLEN];
    struct qemu_ident ident = {uuid, pidfile};
    /* a file the caller names, else the managed save */
    const char *image = opts->image ? opts->image : !transient && qemu_file_exists(save) ? save
                                                                                        : NULL;
    bool restore = image != NULL;
    VM_AUTOFREE char *channels = NULL;
    VM_AUTOFREE char *tpm_sock = qemu_file(&p->dirs, QEMU_FILE_TPM_SOCK, name, def->uuid);
    struct qemu_paths paths = {qmp, pidfile, image, NULL, 0, NULL, NULL, false, NULL, NULL, 0,
                               opts->paused};
    struct qemu_firmware fw = {0};
    VM_AUTOFREE char *nvram = NULL;
    struct qemu_live live = {.transient = transient,
                             .start_reason = restore ? VM_RUNNING_RESTORED : VM_RUNNING_BOOTED,
                             .start_paused = opts->paused,
                             .phase = QEMU_PHASE_STARTING,
                             .state = opts->paused ? VM_DOMAIN_PAUSED : VM_DOMAIN_RUNNING};
    struct qemu_monitor *mon = NULL;
    struct qemu_devices *m = NULL;
    int taps[QEMU_LIVE_DEVS];
    char **argv = NULL;
    pid_t pid = -1;

    vm_uuid_format(def->uuid, uuid);
    paths.channels = channels = vm_asprintf("%s/%s", p->dirs.run, uuid);
    if (preflight(p, def, &exe) < 0 || !(m = qemu_devices_read(def)) ||
        (*spice_used = paths.spice_port = spice_port(m, spice_from)) < 0) {
        qemu_devices_free(m);
        return -1;
    }
    if (m->nnets > QEMU_LIVE_DEVS) {
        vm_report_error(VM_ERR_NOT_SUPPORTED, "domain '%s': more than %d interfaces", name,
                        QEMU_LIVE_DEVS);
        qemu_devices_free(m);
        return -1;
    }
    if ((m->efi || m->loader) && firmware(p, def, m, &fw, &nvram) < 0) {
        qemu_devices_free(m);
        return -1;
    }
    paths.firmware = fw.code;
    paths.nvram = nvram;
    paths.firmware_smm = fw.requires_smm;
    if (make_taps(p, def, m, taps, &live) < 0) {
        qemu_firmware_clear(&fw);
        qemu_devices_free(m);
        return -1;
    }
    paths.tap_fds = taps;
    paths.ntap_fds = m->nnets;
    paths.tpm_socket = m->tpm_model ? tpm_sock : NULL;
    if (!(argv = qemu_build_argv_from(def, m, &paths)))
        goto error;
    /* the TPM is there before QEMU connects to it */
    if (m->tpm_model && qemu_tpm_start(&p->dirs, name, def->uuid, m->tpm2) < 0)
        goto error;
    unlink(qmp);
    unlink(pidfile);
    /* what is about to start is on record before it starts */
    live.reason = opts->paused ? VM_PAUSED_USER : live.start_reason;
    if (qemu_def_write(livexml, def) < 0 || (live.id = qemu_next_id(&p->dirs)) < 0 ||
        qemu_live_write(&p->dirs, name, &live) < 0)
        goto error;
    qemu_test_pause("recorded");
    if (qemu_process_spawn(exe, argv, logfile, taps, m->nnets, &pid) < 0)
        goto error;
    /* QEMU holds the taps now: they go when it does */
    close_taps(taps, m->nnets);
    qemu_test_pause("spawned");
    if (!(mon = await_monitor(qmp, pid, logfile)))
        goto kill;
    if (def->cur_memory_kib < def->memory_kib) {
        json_object *args = json_object_new_object();
        json_object_object_add(args, "value",
                               json_object_new_int64((int64_t)(def->cur_memory_kib * 1024)));
        if (qemu_monitor_command(mon, "balloon", args, NULL) < 0)
            goto kill;
    }
    if (restore && restore_image(mon, image, opts->image ? opts->image_offset : 0,
                                 opts->paused) < 0)
        goto kill;
    if (after_start(mon, m, &live) < 0)
        goto kill;
    qemu_test_pause("up");
    live.phase = QEMU_PHASE_RUNNING;
    if (qemu_live_write(&p->dirs, name, &live) < 0)
        goto kill;
    /* the managed image is spent once the guest runs from it (a file the
     * caller named stays theirs) */
    if (restore && !opts->image)
        unlink(save);
    qemu_monitor_close(mon);
    unlink(stop);
    qemu_argv_free(argv);
    qemu_devices_free(m);
    qemu_firmware_clear(&fw);
    *id_out = live.id;
    *reason_out = live.start_reason;
    return 0;
kill:
    qemu_monitor_close(mon);
    {
        struct vm_error *err = vm_error_save();
        qemu_process_kill(pid, &ident, DESTROY_GRACE_MS);
        vm_error_restore(err);
    }
error:
    /* a failed start leaves nothing behind */
    close_taps(taps, m->nnets);
    qemu_live_cleanup(&p->dirs, name, def->uuid);
    qemu_argv_free(argv);
    qemu_devices_free(m);
    qemu_firmware_clear(&fw);
    return -1;
}

int qemu_start_process(struct qemu_conn *p, const struct vm_domain_def *def, bool transient,
                       const struct qemu_start_opts *opts, int *id_out, int *reason_out)
{
    static const struct qemu_start_opts boot = {0};
    int from = 5900;

    if (!opts)
        opts = &boot;

    /* A SPICE port found free can be taken before QEMU binds it (another
     * start, another program): then QEMU stops at once, and the start
     * tries the next free port, a few times. */
    for (int tries = 0;; tries++) {
        int used = 0;
        if (start_once(p, def, transient, opts, id_out, reason_out, from, &used) == 0)
            return 0;
        if (used <= 0 || tries >= 4 || !strstr(vm_error_message(), "Failed to open SPICE sockets"))
            return -1;
        VM_WARN("domain '%s': SPICE port %d was taken before QEMU bound it; trying the next",
                def->name, used);
        vm_error_reset();
        from = used + 1;
    }
}

/* query-migrate's status ("none" when there is none), -1 on error. */
static int migrate_status(struct qemu_monitor *mon, char *status, size_t size)
{
    json_object *ret = NULL, *v;

    if (qemu_monitor_command(mon, "query-migrate", NULL, &ret) < 0)
        return -1;
    snprintf(status, size, "%s",
             json_object_object_get_ex(ret, "status", &v) ? json_object_get_string(v) : "none");
    json_object_put(ret);
    return 0;
}

static bool migrate_active(const char *status)
{
    return strcmp(status, "setup") == 0 || strcmp(status, "active") == 0 ||
           strcmp(status, "device") == 0 || strcmp(status, "cancelling") == 0 ||
           strcmp(status, "pre-switchover") == 0 || strcmp(status, "wait-unplug") == 0;
}

/* Undoes a save that did not complete: no image, the guest runs on. */
static int save_undo(struct qemu_conn *p, struct qemu_look *l, const char *partial)
{
    char status[32];
    json_object *ret = NULL, *v;
    bool stopped_by_us;

    qemu_monitor_command(l->mon, "migrate_cancel", NULL, NULL);
    for (int waited = 0; waited <= QMP_TIMEOUT_MS; waited += 50) {
        if (migrate_status(l->mon, status, sizeof(status)) < 0)
            return -1;
        if (!migrate_active(status))
            break;
        usleep(50000);
    }
    unlink(partial);
    /* a migration that finished stops the guest (postmigrate): it runs
     * again, as it did before the save */
    if (qemu_monitor_command(l->mon, "query-status", NULL, &ret) < 0)
        return -1;
    stopped_by_us = json_object_object_get_ex(ret, "status", &v) &&
                    (strcmp(json_object_get_string(v), "postmigrate") == 0 ||
                     strcmp(json_object_get_string(v), "finish-migrate") == 0);
    json_object_put(ret);
    if (stopped_by_us && qemu_monitor_command(l->mon, "cont", NULL, NULL) < 0)
        return -1;
    l->live.phase = QEMU_PHASE_RUNNING;
    l->live.save_to[0] = '\0';
    if (qemu_live_write(&p->dirs, l->def->name, &l->live) < 0)
        return -1;
    ret = NULL;
    if (qemu_monitor_command(l->mon, "query-status", NULL, &ret) < 0 ||
        qemu_monitor_read_status(ret, &l->state, &l->reason) < 0) {
        json_object_put(ret);
        return -1;
    }
    json_object_put(ret);
    if (l->state == VM_DOMAIN_RUNNING)
        l->reason = l->live.start_reason;
    return 0;
}

/* Makes a complete image the managed save and stops QEMU. */
static int save_finish(struct qemu_conn *p, struct qemu_look *l, const char *partial,
                       const char *save)
{
    if (rename(partial, save) < 0) {
        vm_report_system_error(errno, "cannot store save image '%s'", save);
        return -1;
    }
    return qemu_quit_and_finish(p, l, VM_DOMAIN_SHUTOFF, VM_SHUTOFF_SAVED);
}

void qemu_save_files(struct qemu_conn *p, const struct qemu_look *l, char **partial,
                     char **final)
{
    if (l->live.save_to[0]) {
        *final = vm_strdup(l->live.save_to);
        *partial = vm_asprintf("%s.partial", l->live.save_to);
    } else {
        *final = qemu_file(&p->dirs, QEMU_FILE_SAVE, l->def->name, NULL);
        *partial = qemu_file(&p->dirs, QEMU_FILE_SAVE_PARTIAL, l->def->name, NULL);
    }
}

int qemu_save_reconcile(struct qemu_conn *p, struct qemu_look *l)
{
    VM_AUTOFREE char *save = NULL;
    VM_AUTOFREE char *partial = NULL;
    char status[32];

    qemu_save_files(p, l, &partial, &save);

    if (migrate_status(l->mon, status, sizeof(status)) < 0)
        return -1;
    if (strcmp(status, "completed") == 0) {
        VM_WARN("domain '%s': a managed save was interrupted after its image was complete; "
                "finishing it",
                l->def->name);
        return save_finish(p, l, partial, save);
    }
    VM_WARN("domain '%s': a managed save was interrupted (migration %s); the guest goes on",
            l->def->name, status);
    return save_undo(p, l, partial);
}

/* A save file's first line: what it is, the state it was saved in, and
 * the length of the definition after it; QEMU's stream follows that. */
#define SAVE_FILE_MAGIC "virtmon-save 1"

/* Writes the header of a save file (the definition, secrets too: the file
 * is the caller's, 0600). */
static int write_save_header(int fd, const struct qemu_look *l, const char *path)
{
    VM_AUTOFREE char *xml = vm_domain_def_format(l->def, VM_DOMAIN_FORMAT_INACTIVE |
                                                             VM_DOMAIN_FORMAT_SECURE);
    VM_AUTOFREE char *head = NULL;
    size_t len, off = 0;

    if (!xml)
        return -1;
    head = vm_asprintf("%s %s %zu\n%s", SAVE_FILE_MAGIC,
                       l->state == VM_DOMAIN_PAUSED ? "paused" : "running", strlen(xml), xml);
    len = strlen(head);
    while (off < len) {
        ssize_t w = write(fd, head + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            vm_report_system_error(errno, "cannot write save image '%s'", path);
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}

struct vm_domain_def *qemu_save_file_read(const char *path, long long *offset, bool *paused)
{
    char line[128];
    char state[16];
    unsigned long long xmllen;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    char *nl;
    VM_AUTOFREE char *xml = NULL;
    struct vm_domain_def *def;

    if (fd < 0) {
        vm_report_system_error(errno, "cannot read domain image '%s'", path);
        return NULL;
    }
    n = read(fd, line, sizeof(line) - 1);
    line[n > 0 ? n : 0] = '\0';
    if (n <= 0 || !(nl = strchr(line, '\n')) ||
        sscanf(line, SAVE_FILE_MAGIC " %15s %llu", state, &xmllen) != 2 ||
        (strcmp(state, "running") != 0 && strcmp(state, "paused") != 0) || xmllen == 0 ||
        xmllen > VM_FILE_MAX_XML) {
        close(fd);
        vm_report_error(VM_ERR_INVALID_ARG, "'%s' is not a save image of virtmon's QEMU driver",
                        path);
        return NULL;
    }
    *offset = (long long)(nl - line + 1) + (long long)xmllen;
    VM_NEW_N(xml, xmllen + 1);
    if (pread(fd, xml, xmllen, nl - line + 1) != (ssize_t)xmllen) {
        close(fd);
        vm_report_error(VM_ERR_INVALID_ARG, "save image '%s' is cut short", path);
        return NULL;
    }
    close(fd);
    *paused = strcmp(state, "paused") == 0;
    def = vm_domain_def_parse_string(xml, 0);
    return def;
}

int qemu_save_to_file(struct qemu_conn *p, struct qemu_look *l, const char *path)
{
    VM_AUTOFREE char *dir = NULL;
    VM_AUTOFREE char *real = NULL;
    VM_AUTOFREE char *abs = NULL;
    const char *slash = strrchr(path, '/');

    /* the path goes on record for whoever finds an interrupted save: an
     * absolute one, whatever the caller's directory */
    dir = slash ? vm_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : vm_strdup(".");
    if (!(real = realpath(dir, NULL))) {
        vm_report_system_error(errno, "cannot save to '%s'", path);
        return -1;
    }
    abs = vm_asprintf("%s/%s", real, slash ? slash + 1 : path);
    if (strlen(abs) + 9 > sizeof(l->live.save_to) || !*(slash ? slash + 1 : path)) {
        vm_report_error(VM_ERR_INVALID_ARG, "cannot save to '%s': %s", path,
                        *(slash ? slash + 1 : path) ? "the path is too long" : "not a file name");
        return -1;
    }
    snprintf(l->live.save_to, sizeof(l->live.save_to), "%s", abs);
    return qemu_save_process(p, l);
}

int qemu_save_process(struct qemu_conn *p, struct qemu_look *l)
{
    const char *name = l->def->name;
    VM_AUTOFREE char *save = NULL;
    VM_AUTOFREE char *partial = NULL;
    json_object *args;
    char status[32];
    int fd, r;

    qemu_save_files(p, l, &partial, &save);
    /* on record first: a saver killed from here on is set right by the
     * next look */
    l->live.phase = QEMU_PHASE_SAVING;
    if (qemu_live_write(&p->dirs, name, &l->live) < 0)
        return -1;
    if ((fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
        vm_report_system_error(errno, "cannot create save image '%s'", partial);
        goto undo;
    }
    if (l->live.save_to[0] && write_save_header(fd, l, partial) < 0) {
        close(fd);
        goto undo;
    }
    /* QEMU writes into a descriptor we opened: no shell, no path in a URI */
    r = qemu_monitor_pass_fd(l->mon, fd, "migrate");
    close(fd);
    if (r < 0)
        goto undo;
    args = json_object_new_object();
    json_object_object_add(args, "uri", json_object_new_string("fd:migrate"));
    if (qemu_monitor_command(l->mon, "migrate", args, NULL) < 0)
        goto undo;
    qemu_test_pause("saving");
    for (int waited = 0;; waited += 50) {
        json_object *ret = NULL;
        int done;
        if (qemu_monitor_command(l->mon, "query-migrate", NULL, &ret) < 0)
            goto undo;
        done = qemu_monitor_read_migrate(ret);
        json_object_put(ret);
        if (done < 0)
            goto undo;
        if (done)
            break;
        if (waited > SAVE_TIMEOUT_MS) {
            vm_report_error(VM_ERR_TIMEOUT, "saving domain '%s' took more than %d ms", name,
                            SAVE_TIMEOUT_MS);
            goto undo;
        }
        usleep(50000);
    }
    /* only a complete image counts as a managed save */
    return save_finish(p, l, partial, save);
undo:
    {
        struct vm_error *err = vm_error_save();
        if (l->mon && migrate_status(l->mon, status, sizeof(status)) == 0)
            save_undo(p, l, partial);
        else
            unlink(partial);
        vm_error_restore(err);
    }
    return -1;
}
