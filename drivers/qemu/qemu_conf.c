/*
 * qemu_conf.c: the QEMU driver's settings (see qemu_conf.h).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_command.h"
#include "qemu_conf.h"
#include "qemu_process.h"
#include "util/vm_alloc.h"
#include "util/vm_buf.h"
#include "util/vm_conf_file.h"
#include "util/vm_dirs.h"
#include "util/vm_error.h"

/* Debian's and a local build's QEMUs, nothing a user can write to. */
static const char *const default_emulators[] = {"/usr/bin/qemu-system-*",
                                                "/usr/local/bin/qemu-system-*"};

static void set_list(struct qemu_conf *conf, const char *const *list, size_t n)
{
    VM_NEW_N(conf->emulators, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        conf->emulators[i] = vm_strdup(list[i]);
    conf->nemulators = n;
}

int qemu_conf_load(struct qemu_conf *conf, bool system)
{
    VM_AUTOFREE char *path = NULL;
    struct vm_conf *file;
    char **list = NULL;
    size_t n = 0;
    int r;

    memset(conf, 0, sizeof(*conf));
    if (!(path = vm_dir_file(VM_DIR_CONFIG, system ? VM_DIR_SCOPE_SYSTEM : VM_DIR_SCOPE_USER,
                             "virtmon.conf")) ||
        !(file = vm_conf_read_file(path, true)))
        return -1;
    if ((r = vm_conf_get_list(file, "emulators", &list, &n)) < 0) {
        vm_conf_free(file);
        return -1;
    }
    for (size_t i = 0; r == 1 && i < n; i++) {
        if (list[i][0] != '/') {
            const struct vm_conf_entry *e = vm_conf_lookup(file, "emulators");
            vm_report_error(VM_ERR_CONFIG,
                            "%s:%d: emulators: '%s' is not an absolute path pattern", path,
                            e ? e->line : 0, list[i]);
            vm_conf_free(file);
            return -1;
        }
    }
    if (r == 1)
        set_list(conf, (const char *const *)list, n);
    else
        set_list(conf, default_emulators, sizeof(default_emulators) / sizeof(*default_emulators));
    conf->file = file;
    conf->agent_timeout_ms = 2000;
    {
        long long secs;
        int g = vm_conf_get_int(file, "agent_timeout", &secs);
        if (g < 0 || (g == 1 && (secs < 1 || secs > 60))) {
            const struct vm_conf_entry *e = vm_conf_lookup(file, "agent_timeout");
            vm_report_error(VM_ERR_CONFIG, "%s:%d: agent_timeout: seconds from 1 to 60", path,
                            e ? e->line : 0);
            qemu_conf_clear(conf);
            return -1;
        }
        if (g == 1)
            conf->agent_timeout_ms = (int)secs * 1000;
    }
    return 0;
}

void qemu_conf_clear(struct qemu_conf *conf)
{
    for (size_t i = 0; i < conf->nemulators; i++)
        free(conf->emulators[i]);
    free(conf->emulators);
    vm_conf_free(conf->file);
    memset(conf, 0, sizeof(*conf));
}

const char *qemu_conf_network_bridge(const struct qemu_conf *conf, const char *network)
{
    VM_AUTOFREE char *key = vm_asprintf("network_%s", network);
    const char *bridge = NULL;

    if (conf->file && vm_conf_get_string(conf->file, key, &bridge) == 1 && bridge && *bridge)
        return bridge;
    vm_report_error(VM_ERR_OPERATION_INVALID,
                    "network '%s' is not mapped to a bridge: virtmon has no virtual networks; "
                    "set %s = \"BRIDGE\" in virtmon.conf",
                    network, key);
    return NULL;
}

char *qemu_conf_emulator(const struct qemu_conf *conf, const struct vm_domain_def *def)
{
    VM_AUTOFREE char *name = qemu_emulator(def);
    char *path;

    if (!(path = qemu_find_binary(name)))
        return NULL;
    /* a path with ".." in it would match a pattern as text */
    if (strstr(path, "/./") || strstr(path, "/../") || strstr(path, "//")) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "emulator '%s' of domain '%s' is not a plain absolute path", path,
                        def->name);
        free(path);
        return NULL;
    }
    for (size_t i = 0; i < conf->nemulators; i++) {
        if (fnmatch(conf->emulators[i], path, FNM_PATHNAME) == 0)
            return path;
    }
    {
        struct vm_buf allowed = VM_BUF_INIT;
        for (size_t i = 0; i < conf->nemulators; i++)
            vm_buf_addf(&allowed, "%s'%s'", i ? ", " : "", conf->emulators[i]);
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "emulator '%s' of domain '%s' is not allowed: virtmon.conf's "
                        "'emulators' allows %s",
                        path, def->name, allowed.len ? allowed.data : "none");
        vm_buf_clear(&allowed);
    }
    free(path);
    return NULL;
}

const char *qemu_kvm_device(void)
{
    const char *dev = getenv("VIRTMON_TEST_KVM_DEVICE");

    return dev && *dev ? dev : "/dev/kvm";
}
