/*
 * qemu_state.c: the QEMU driver's files and locks (see qemu_state.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qemu_state.h"
#include "qemu_tpm.h"
#include "util/vm_alloc.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

int qemu_dirs_init(struct qemu_dirs *dirs, bool system, bool readonly)
{
    enum vm_dir_scope scope = system ? VM_DIR_SCOPE_SYSTEM : VM_DIR_SCOPE_USER;
    VM_AUTOFREE char *autostart = NULL;

    memset(dirs, 0, sizeof(*dirs));
    if (!(dirs->cfg = vm_dir_file(VM_DIR_CONFIG, scope, "qemu")) ||
        !(dirs->run = vm_dir_file(VM_DIR_RUNTIME, scope, "qemu")) ||
        !(dirs->save = vm_dir_file(VM_DIR_STATE, scope, "qemu")))
        goto error;
    /* the runtime dir holds the locks every look takes */
    if (vm_dir_make(dirs->run, 0700) < 0)
        goto error;
    /* read-only work creates nothing where definitions and images live (a
     * read-only state dir must not stop 'virtmon -r list'); what is
     * missing there is simply empty */
    if (readonly)
        return 0;
    autostart = vm_asprintf("%s/autostart", dirs->cfg);
    if (vm_dir_make(autostart, 0755) < 0 || vm_dir_make(dirs->save, 0700) < 0)
        goto error;
    return 0;
error:
    qemu_dirs_clear(dirs);
    return -1;
}

void qemu_dirs_clear(struct qemu_dirs *dirs)
{
    free(dirs->cfg);
    free(dirs->run);
    free(dirs->save);
    memset(dirs, 0, sizeof(*dirs));
}

char *qemu_file(const struct qemu_dirs *dirs, enum qemu_file which, const char *name,
                const unsigned char *uuid)
{
    char u[VM_UUID_STRING_BUFLEN];

    switch (which) {
    case QEMU_FILE_DEF: return vm_asprintf("%s/%s.xml", dirs->cfg, name);
    case QEMU_FILE_AUTOSTART: return vm_asprintf("%s/autostart/%s", dirs->cfg, name);
    case QEMU_FILE_SAVE: return vm_asprintf("%s/%s.save", dirs->save, name);
    case QEMU_FILE_SAVE_PARTIAL: return vm_asprintf("%s/%s.save.partial", dirs->save, name);
    case QEMU_FILE_NVRAM: return vm_asprintf("%s/%s_VARS.fd", dirs->save, name);
    case QEMU_FILE_TPM_STATE: return vm_asprintf("%s/%s.tpm", dirs->save, name);
    case QEMU_FILE_TPM_PID: return vm_asprintf("%s/%s.swtpm.pid", dirs->run, name);
    case QEMU_FILE_TPM_LOG: return vm_asprintf("%s/%s.swtpm.log", dirs->run, name);
    case QEMU_FILE_TPM_SOCK:
        vm_uuid_format(uuid, u);
        return vm_asprintf("%s/%s.tpm", dirs->run, u);
    case QEMU_FILE_LIVE_DEF: return vm_asprintf("%s/%s.xml", dirs->run, name);
    case QEMU_FILE_STATE: return vm_asprintf("%s/%s.state", dirs->run, name);
    case QEMU_FILE_STOP: return vm_asprintf("%s/%s.stop", dirs->run, name);
    case QEMU_FILE_PID: return vm_asprintf("%s/%s.pid", dirs->run, name);
    case QEMU_FILE_LOG: return vm_asprintf("%s/%s.log", dirs->run, name);
    case QEMU_FILE_LOCK: return vm_asprintf("%s/%s.lock", dirs->run, name);
    case QEMU_FILE_QMP:
        vm_uuid_format(uuid, u);
        return vm_asprintf("%s/%s.qmp", dirs->run, u);
    }
    return NULL;
}

int qemu_check_name(const char *name)
{
    if (!name || !*name || strchr(name, '/')) {
        vm_report_error(VM_ERR_INVALID_ARG, "invalid QEMU domain name '%s'", name ? name : "");
        return -1;
    }
    return 0;
}

bool qemu_file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* flock()s path, waiting up to timeout_ms; what names the thing locked. */
static int lock_path(const char *path, const char *what, int timeout_ms)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    struct timespec pause = {0, 10 * 1000 * 1000};

    if (fd < 0) {
        vm_report_system_error(errno, "cannot open lock file '%s'", path);
        return -1;
    }
    for (int waited = 0;; waited += 10) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            vm_report_system_error(errno, "cannot lock '%s'", path);
            break;
        }
        if (waited >= timeout_ms) {
            vm_report_error(VM_ERR_TIMEOUT, "%s is busy: another operation held it for %d ms",
                            what, timeout_ms);
            break;
        }
        nanosleep(&pause, NULL);
    }
    close(fd);
    return -1;
}

int qemu_lock(const struct qemu_dirs *dirs, const char *name, int timeout_ms)
{
    VM_AUTOFREE char *path = qemu_file(dirs, QEMU_FILE_LOCK, name, NULL);
    VM_AUTOFREE char *what = vm_asprintf("domain '%s'", name);

    return lock_path(path, what, timeout_ms);
}

void qemu_unlock(int fd)
{
    if (fd >= 0)
        close(fd);  /* closing drops the flock */
}

/* Reads a small JSON file; NULL (no error) when absent, NULL + error when
 * unreadable or garbled. */
static json_object *read_json(const char *path, bool *absent)
{
    char *text = vm_file_read_if_exists(path, "state file", VM_FILE_MAX_STATE, NULL);
    json_object *obj;

    *absent = false;
    if (!text) {
        *absent = errno == ENOENT;
        return NULL;
    }
    obj = json_tokener_parse(text);
    free(text);
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        vm_report_error(VM_ERR_INTERNAL, "state file '%s' is garbled", path);
        return NULL;
    }
    return obj;
}

static int write_json(const char *path, json_object *obj)
{
    const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    int r = vm_file_write_atomic(path, text, strlen(text), 0600);

    json_object_put(obj);
    return r;
}

static int get_int(json_object *obj, const char *key, int dflt)
{
    json_object *v;

    return json_object_object_get_ex(obj, key, &v) ? json_object_get_int(v) : dflt;
}

int qemu_live_read(const struct qemu_dirs *dirs, const char *name, struct qemu_live *live)
{
    VM_AUTOFREE char *path = qemu_file(dirs, QEMU_FILE_STATE, name, NULL);
    bool absent;
    json_object *obj = read_json(path, &absent), *v;

    if (!obj)
        return absent ? 0 : -1;
    memset(live, 0, sizeof(*live));
    live->id = get_int(obj, "id", -1);
    live->transient = get_int(obj, "transient", 0) != 0;
    live->reboot = get_int(obj, "reboot", 0) != 0;
    live->start_reason = get_int(obj, "start_reason", VM_RUNNING_BOOTED);
    live->start_paused = get_int(obj, "start_paused", 0) != 0;
    if (json_object_object_get_ex(obj, "save_to", &v) && json_object_is_type(v, json_type_string))
        snprintf(live->save_to, sizeof(live->save_to), "%s", json_object_get_string(v));
    live->phase = get_int(obj, "phase", QEMU_PHASE_RUNNING);
    live->state = get_int(obj, "state", VM_DOMAIN_RUNNING);
    live->reason = get_int(obj, "reason", live->start_reason);
    if (json_object_object_get_ex(obj, "ptys", &v) && json_object_is_type(v, json_type_object)) {
        size_t n = 0;
        json_object_object_foreach(v, alias, ppath)
        {
            if (n < QEMU_LIVE_DEVS && json_object_is_type(ppath, json_type_string)) {
                snprintf(live->ptys[n].alias, sizeof(live->ptys[n].alias), "%s", alias);
                snprintf(live->ptys[n].path, sizeof(live->ptys[n].path), "%s",
                         json_object_get_string(ppath));
                n++;
            }
        }
    }
    if (json_object_object_get_ex(obj, "taps", &v) && json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v) && i < QEMU_LIVE_DEVS; i++)
            snprintf(live->taps[i], sizeof(live->taps[i]), "%s",
                     json_object_get_string(json_object_array_get_idx(v, i)));
    }
    json_object_put(obj);
    return 1;
}

int qemu_live_write(const struct qemu_dirs *dirs, const char *name, const struct qemu_live *live)
{
    VM_AUTOFREE char *path = qemu_file(dirs, QEMU_FILE_STATE, name, NULL);
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "id", json_object_new_int(live->id));
    json_object_object_add(obj, "transient", json_object_new_int(live->transient));
    json_object_object_add(obj, "reboot", json_object_new_int(live->reboot));
    json_object_object_add(obj, "start_reason", json_object_new_int(live->start_reason));
    if (live->start_paused)
        json_object_object_add(obj, "start_paused", json_object_new_int(1));
    if (live->save_to[0])
        json_object_object_add(obj, "save_to", json_object_new_string(live->save_to));
    json_object_object_add(obj, "phase", json_object_new_int(live->phase));
    json_object_object_add(obj, "state", json_object_new_int(live->state));
    json_object_object_add(obj, "reason", json_object_new_int(live->reason));
    {
        json_object *ptys = json_object_new_object(), *taps = json_object_new_array();
        size_t ntaps = 0;
        for (size_t i = 0; i < QEMU_LIVE_DEVS && live->ptys[i].alias[0]; i++)
            json_object_object_add(ptys, live->ptys[i].alias,
                                   json_object_new_string(live->ptys[i].path));
        for (size_t i = 0; i < QEMU_LIVE_DEVS; i++)
            if (live->taps[i][0])
                ntaps = i + 1;
        for (size_t i = 0; i < ntaps; i++)
            json_object_array_add(taps, json_object_new_string(live->taps[i]));
        json_object_object_add(obj, "ptys", ptys);
        json_object_object_add(obj, "taps", taps);
    }
    return write_json(path, obj);
}

int qemu_stop_read(const struct qemu_dirs *dirs, const char *name, int *state, int *reason,
                   int *run_id)
{
    VM_AUTOFREE char *path = qemu_file(dirs, QEMU_FILE_STOP, name, NULL);
    bool absent;
    json_object *obj = read_json(path, &absent);

    *state = VM_DOMAIN_SHUTOFF;
    *reason = VM_SHUTOFF_UNKNOWN;
    if (run_id)
        *run_id = -1;
    if (!obj)
        return absent ? 0 : -1;
    *state = get_int(obj, "state", VM_DOMAIN_SHUTOFF);
    *reason = get_int(obj, "reason", VM_SHUTOFF_UNKNOWN);
    if (run_id)
        *run_id = get_int(obj, "id", -1);
    json_object_put(obj);
    return 1;
}

int qemu_stop_write(const struct qemu_dirs *dirs, const char *name, int state, int reason,
                    int run_id)
{
    VM_AUTOFREE char *path = qemu_file(dirs, QEMU_FILE_STOP, name, NULL);
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "id", json_object_new_int(run_id));
    json_object_object_add(obj, "state", json_object_new_int(state));
    json_object_object_add(obj, "reason", json_object_new_int(reason));
    return write_json(path, obj);
}

void qemu_live_cleanup(const struct qemu_dirs *dirs, const char *name, const unsigned char *uuid)
{
    static const enum qemu_file files[] = {QEMU_FILE_STATE, QEMU_FILE_PID, QEMU_FILE_LIVE_DEF};
    char *qmp = qemu_file(dirs, QEMU_FILE_QMP, name, uuid);

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *p = qemu_file(dirs, files[i], name, uuid);
        unlink(p);
        free(p);
    }
    unlink(qmp);
    free(qmp);
    /* the unix channels without a path of their own (qemu_command.h): QEMU
     * removes them when it quits, not when it is killed; swtpm ends with
     * QEMU's connection, or here */
    if (uuid) {
        qemu_tpm_stop(dirs, name, uuid);
        char u[VM_UUID_STRING_BUFLEN];
        vm_uuid_format(uuid, u);
        for (int i = 0; i < 32; i++) {
            char *ch = vm_asprintf("%s/%s.channel%d", dirs->run, u, i);
            unlink(ch);
            free(ch);
        }
    }
}

int qemu_next_id(const struct qemu_dirs *dirs)
{
    /* the counter locks itself: a domain's NAME.lock can never be called
     * ".next-id" */
    VM_AUTOFREE char *path = vm_asprintf("%s/.next-id", dirs->run);
    int fd = lock_path(path, "the domain id counter", 10000);
    char text[32] = "";
    char out[32];
    ssize_t n;
    long id;

    if (fd < 0)
        return -1;
    n = pread(fd, text, sizeof(text) - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    id = strtol(text, NULL, 10);
    if (id < 1 || id >= 0x7fffffff)
        id = 1;
    snprintf(out, sizeof(out), "%ld\n", id + 1);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, out, strlen(out), 0) != (ssize_t)strlen(out)) {
        vm_report_system_error(errno, "cannot write the domain id counter '%s'", path);
        id = -1;
    }
    qemu_unlock(fd);
    return (int)id;
}

struct vm_domain_def *qemu_def_read(const char *path)
{
    VM_AUTOFREE char *xml =
        vm_file_read(path, "domain definition", VM_FILE_MAX_XML, NULL);

    return xml ? vm_domain_def_parse_string(xml, VM_DOMAIN_PARSE_LEGACY_NAME) : NULL;
}

int qemu_def_write(const char *path, const struct vm_domain_def *def)
{
    /* the stored definition is the whole of it, secrets too (the file is
     * root's, 0600): dumpxml leaves them out, not define */
    VM_AUTOFREE char *xml =
        vm_domain_def_format(def, VM_DOMAIN_FORMAT_INACTIVE | VM_DOMAIN_FORMAT_SECURE);

    return vm_file_write_atomic(path, xml, strlen(xml), 0600);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_names(const char *dir, const char *ext, char ***names, size_t *n, size_t *alloc)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t elen = strlen(ext);

    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        /* names may begin with a dot: ".x" is ".x.xml"; our own ".next-id"
         * ends with neither extension */
        if (len <= elen || strcmp(e->d_name + len - elen, ext) != 0)
            continue;
        VM_GROW(*names, *n, *alloc);
        (*names)[*n - 1] = vm_strndup(e->d_name, len - elen);
    }
    if (d)
        closedir(d);
}

int qemu_names(const struct qemu_dirs *dirs, char ***namesp, size_t *np)
{
    char **names = NULL;
    size_t n = 0, alloc = 0, k = 0;

    add_names(dirs->cfg, ".xml", &names, &n, &alloc);
    add_names(dirs->run, ".state", &names, &n, &alloc);
    /* a running transient domain whose state file was lost is still there */
    add_names(dirs->run, ".xml", &names, &n, &alloc);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(names[k - 1], names[i]) == 0) {
            free(names[i]);
            continue;
        }
        names[k++] = names[i];
    }
    *namesp = names;
    *np = k;
    return 0;
}

void qemu_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
