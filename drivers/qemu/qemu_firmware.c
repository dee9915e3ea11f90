/*
 * qemu_firmware.c: reading QEMU's firmware descriptors (see
 * qemu_firmware.h).  Each is a small JSON file; anything malformed is
 * passed over, as QEMU's and libvirt's readers do.
 */
#include "config.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "qemu_firmware.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"
#include "util/vm_file.h"

#define DESCRIPTOR_MAX (64 * 1024)

/* Where descriptors live, the first hiding a same-named one of the next
 * (VIRTMON_TEST_FIRMWARE_DIRS, colon-separated, replaces them in tests). */
static const char *const default_dirs[] = {"/etc/qemu/firmware", "/usr/share/qemu/firmware"};

/* By file name, whatever the directory. */
static int cmp_base(const void *a, const void *b)
{
    return strcmp(strrchr(*(char *const *)a, '/'), strrchr(*(char *const *)b, '/'));
}

/* The descriptor files, by name, each name once (the first directory's). */
static size_t list_descriptors(char ***paths_out)
{
    const char *env = getenv("VIRTMON_TEST_FIRMWARE_DIRS");
    char **dirs = NULL, **names = NULL;
    size_t ndirs = 0, adirs = 0, n = 0, alloc = 0;

    if (env && *env) {
        VM_AUTOFREE char *copy = vm_strdup(env);
        for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
            VM_GROW(dirs, ndirs, adirs);
            dirs[ndirs - 1] = vm_strdup(d);
        }
    } else {
        for (size_t i = 0; i < sizeof(default_dirs) / sizeof(*default_dirs); i++) {
            VM_GROW(dirs, ndirs, adirs);
            dirs[ndirs - 1] = vm_strdup(default_dirs[i]);
        }
    }
    for (size_t i = 0; i < ndirs; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            bool seen = false;
            if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
                continue;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(strrchr(names[k], '/') + 1, e->d_name) == 0;
            if (seen)
                continue;
            VM_GROW(names, n, alloc);
            names[n - 1] = vm_asprintf("%s/%s", dirs[i], e->d_name);
        }
        if (d)
            closedir(d);
        free(dirs[i]);
    }
    free(dirs);
    if (n)
        qsort(names, n, sizeof(*names), cmp_base);
    *paths_out = names;
    return n;
}

static bool has_string(json_object *arr, const char *s)
{
    for (size_t i = 0; json_object_is_type(arr, json_type_array) && i < json_object_array_length(arr); i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), s) == 0)
            return true;
    }
    return false;
}

static const char *get_path(json_object *o, const char *a, const char *b)
{
    json_object *x, *y;

    if (!json_object_object_get_ex(o, a, &x) || !json_object_object_get_ex(x, b, &y) ||
        !json_object_is_type(y, json_type_string))
        return NULL;
    return json_object_get_string(y);
}

/* Whether descriptor o is a UEFI flash firmware for x86_64 and machine. */
static bool fits(json_object *o, const char *machine)
{
    json_object *targets, *device;
    char canon[64];

    if (!json_object_object_get_ex(o, "interface-types", &targets) ||
        !has_string(targets, "uefi"))
        return false;
    {
        json_object *mapping;
        if (!json_object_object_get_ex(o, "mapping", &mapping) ||
            !json_object_object_get_ex(mapping, "device", &device) ||
            strcmp(json_object_get_string(device), "flash") != 0)
            return false;
    }
    /* the aliases QEMU resolves to its newest versions */
    snprintf(canon, sizeof(canon), "%s",
             !machine || strcmp(machine, "pc") == 0 ? "pc-i440fx-any"
             : strcmp(machine, "q35") == 0          ? "pc-q35-any"
                                                    : machine);
    if (!json_object_object_get_ex(o, "targets", &targets) ||
        !json_object_is_type(targets, json_type_array))
        return false;
    for (size_t i = 0; i < json_object_array_length(targets); i++) {
        json_object *t = json_object_array_get_idx(targets, i), *arch, *machines;
        if (!json_object_object_get_ex(t, "architecture", &arch) ||
            strcmp(json_object_get_string(arch), "x86_64") != 0 ||
            !json_object_object_get_ex(t, "machines", &machines))
            continue;
        for (size_t k = 0; json_object_is_type(machines, json_type_array) &&
                           k < json_object_array_length(machines);
             k++) {
            if (fnmatch(json_object_get_string(json_object_array_get_idx(machines, k)), canon,
                        0) == 0)
                return true;
        }
    }
    return false;
}

static void fill(json_object *o, struct qemu_firmware *fw)
{
    json_object *features = NULL, *mapping = NULL;
    const char *vars;

    json_object_object_get_ex(o, "features", &features);
    json_object_object_get_ex(o, "mapping", &mapping);
    fw->code = vm_strdup(get_path(mapping, "executable", "filename"));
    vars = get_path(mapping, "nvram-template", "filename");
    fw->vars_template = vars ? vm_strdup(vars) : NULL;
    fw->requires_smm = has_string(features, "requires-smm");
    fw->secure_boot = has_string(features, "secure-boot");
}

/* Calls match(o, opaque) on each descriptor in order; fills fw from the
 * first it accepts.  0, or -1 when none did. */
static int find(bool (*match)(json_object *, const void *), const void *opaque,
                struct qemu_firmware *fw)
{
    char **paths;
    size_t n = list_descriptors(&paths);
    int r = -1;

    memset(fw, 0, sizeof(*fw));
    for (size_t i = 0; i < n; i++) {
        /* an unreadable descriptor describes no firmware */
        VM_AUTOFREE char *text =
            r < 0 ? vm_optional_ptr(vm_file_read(paths[i], "firmware descriptor", DESCRIPTOR_MAX,
                                                 NULL),
                                    "firmware descriptor")
                  : NULL;
        json_object *o = text ? json_tokener_parse(text) : NULL;
        json_object *mapping;
        if (o && json_object_is_type(o, json_type_object) && match(o, opaque) &&
            json_object_object_get_ex(o, "mapping", &mapping) &&
            get_path(mapping, "executable", "filename")) {
            fill(o, fw);
            r = 0;
        }
        json_object_put(o);
        free(paths[i]);
    }
    free(paths);
    return r;
}

struct want {
    const char *machine;
    int secure_boot;
    bool strict;    /* secure boot as asked, or (-1) without when there is one */
};

static bool match_select(json_object *o, const void *opaque)
{
    const struct want *w = opaque;
    json_object *features = NULL;
    bool sb;

    if (!fits(o, w->machine))
        return false;
    json_object_object_get_ex(o, "features", &features);
    sb = has_string(features, "secure-boot");
    if (w->secure_boot >= 0)
        return sb == (w->secure_boot == 1);
    return w->strict ? !sb : true;
}

int qemu_firmware_select(const char *machine, int secure_boot, struct qemu_firmware *fw)
{
    struct want w = {machine, secure_boot, true};

    if (find(match_select, &w, fw) == 0)
        return 0;
    w.strict = false;
    if (secure_boot < 0 && find(match_select, &w, fw) == 0)
        return 0;
    vm_report_error(VM_ERR_OPERATION_FAILED,
                    "no UEFI firmware %sfor x86_64 machine type '%s' among QEMU's firmware "
                    "descriptors (/usr/share/qemu/firmware: install ovmf)",
                    secure_boot == 1 ? "with secure boot " : secure_boot == 0 ? "without secure boot " : "",
                    machine ? machine : "pc");
    return -1;
}

static bool match_code(json_object *o, const void *opaque)
{
    json_object *mapping;
    const char *code;

    return json_object_object_get_ex(o, "mapping", &mapping) &&
           (code = get_path(mapping, "executable", "filename")) && strcmp(code, opaque) == 0;
}

int qemu_firmware_for_code(const char *code, struct qemu_firmware *fw)
{
    return find(match_code, code, fw);
}

void qemu_firmware_clear(struct qemu_firmware *fw)
{
    free(fw->code);
    free(fw->vars_template);
    memset(fw, 0, sizeof(*fw));
}
