/*
 * qemu_control.c: changing a QEMU domain's memory and vCPUs (live through
 * the balloon and vCPU hotplug, in the definition for the next boot), and
 * its serial console.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "qemu_devices.h"
#include "qemu_domain.h"
#include "util/vm_alloc.h"
#include "util/vm_error.h"

#define VCPU_UNPLUG_TIMEOUT_MS 10000 /* for the guest to let a vCPU go */

/* Which sides a change touches (vm_domain_affected()), refused also where
 * the live side does not answer: 0 with *live and *config set, -1 with an
 * error. */
int qemu_affected_sides(const struct qemu_look *l, unsigned int flags, bool *live, bool *config)
{
    if (vm_domain_affected(flags, l->active, l->persistent, live, config) < 0)
        return -1;
    if (*live && l->unresponsive) {
        vm_report_error(VM_ERR_TIMEOUT, "domain '%s': monitor not responding", l->def->name);
        return -1;
    }
    return 0;
}

struct vm_domain_def *qemu_config_def(struct qemu_conn *p, const struct qemu_look *l)
{
    VM_AUTOFREE char *path = qemu_file(&p->dirs, QEMU_FILE_DEF, l->def->name, NULL);

    return l->active ? qemu_def_read(path) : vm_domain_def_copy(l->def);
}

static int store(struct qemu_conn *p, const struct qemu_look *l, enum qemu_file kind,
                 const struct vm_domain_def *def)
{
    VM_AUTOFREE char *path = qemu_file(&p->dirs, kind, l->def->name, NULL);

    return qemu_def_write(path, def);
}

int qemu_set_memory(struct qemu_conn *p, struct qemu_look *l, uint64_t kib, unsigned int flags)
{
    struct vm_domain_def *config = NULL;
    bool live, to_config, maximum = flags & VM_DOMAIN_MEM_MAXIMUM;
    int ret = -1;

    if (qemu_affected_sides(l, flags, &live, &to_config) < 0)
        return -1;
    if (maximum && live) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "cannot resize the maximum memory on an active domain");
        return -1;
    }
    if (to_config && !(config = qemu_config_def(p, l)))
        return -1;
    /* everything is checked before anything changes */
    if (!maximum && ((live && kib > l->def->memory_kib) || (config && kib > config->memory_kib))) {
        vm_report_error(VM_ERR_INVALID_ARG, "cannot set memory higher than max memory");
        goto out;
    }
    if (live) {
        struct qemu_devices *m = qemu_devices_read(l->def);
        bool balloon = m && (!m->balloon || strcmp(m->balloon, "none") != 0);
        json_object *args;
        qemu_devices_free(m);
        if (!balloon) {
            vm_report_error(VM_ERR_OPERATION_INVALID,
                            "domain '%s' has no balloon: its memory cannot change while it runs",
                            l->def->name);
            goto out;
        }
        args = json_object_new_object();
        json_object_object_add(args, "value", json_object_new_int64((int64_t)(kib * 1024)));
        if (qemu_monitor_command(l->mon, "balloon", args, NULL) < 0)
            goto out;
        l->def->cur_memory_kib = kib;
        if (store(p, l, QEMU_FILE_LIVE_DEF, l->def) < 0)
            goto out;
    }
    if (config) {
        vm_domain_def_set_memory(config, kib, maximum);
        if (store(p, l, QEMU_FILE_DEF, config) < 0)
            goto out;
    }
    ret = 0;
out:
    vm_domain_def_free(config);
    return ret;
}

/* QEMU's vCPU slots (query-hotpluggable-cpus), an array; NULL with an
 * error. */
static json_object *vcpu_slots(struct qemu_monitor *mon)
{
    json_object *ret = NULL;

    if (qemu_monitor_command(mon, "query-hotpluggable-cpus", NULL, &ret) < 0)
        return NULL;
    if (!json_object_is_type(ret, json_type_array)) {
        json_object_put(ret);
        vm_report_error(VM_ERR_OPERATION_FAILED, "query-hotpluggable-cpus: not an array");
        return NULL;
    }
    return ret;
}

/* How many vCPUs QEMU runs; -1 with an error. */
static int vcpus_now(struct qemu_monitor *mon)
{
    json_object *ret = NULL;
    int *tids = NULL;
    size_t n = 0;
    int r = -1;

    if (qemu_monitor_command(mon, "query-cpus-fast", NULL, &ret) == 0 &&
        qemu_monitor_read_cpus(ret, &tids, &n) == 0)
        r = (int)n;
    json_object_put(ret);
    free(tids);
    return r;
}

/* Plugs vCPUs into free slots until `want` run. */
static int plug_vcpus(struct qemu_monitor *mon, int have, int want)
{
    json_object *slots = vcpu_slots(mon);
    size_t n = slots ? json_object_array_length(slots) : 0;

    if (!slots)
        return -1;
    /* QEMU lists the slots from the last; the lowest free ones go first */
    for (size_t k = n; k-- > 0 && have < want;) {
        json_object *e = json_object_array_get_idx(slots, k), *v, *props, *args;
        char id[48];
        if (json_object_object_get_ex(e, "qom-path", &v) ||
            !json_object_object_get_ex(e, "type", &v) ||
            !json_object_object_get_ex(e, "props", &props))
            continue;
        args = json_object_new_object();
        json_object_object_add(args, "driver", json_object_new_string(json_object_get_string(v)));
        snprintf(id, sizeof(id), "vcpu%zu", k);
        json_object_object_add(args, "id", json_object_new_string(id));
        json_object_object_foreach(props, key, val)
        {
            if (strcmp(key, "node-id") != 0)
                json_object_object_add(args, key, json_object_get(val));
        }
        if (qemu_monitor_command(mon, "device_add", args, NULL) < 0) {
            json_object_put(slots);
            return -1;
        }
        have++;
    }
    json_object_put(slots);
    if (have < want) {
        vm_report_error(VM_ERR_OPERATION_FAILED, "QEMU has no free vCPU slot for %d more",
                        want - have);
        return -1;
    }
    return 0;
}

/* Asks the guest to let go of hotplugged vCPUs until `want` run, and waits
 * until it has: vCPUs online at boot cannot go. */
static int unplug_vcpus(struct qemu_monitor *mon, const char *name, int have, int want)
{
    json_object *slots = vcpu_slots(mon);
    size_t n = slots ? json_object_array_length(slots) : 0;
    int asked = 0;

    if (!slots)
        return -1;
    for (size_t k = 0; k < n && have - asked > want; k++) {
        json_object *e = json_object_array_get_idx(slots, k), *v, *args;
        const char *path;
        if (!json_object_object_get_ex(e, "qom-path", &v) ||
            strncmp(path = json_object_get_string(v), "/machine/peripheral/", 20) != 0)
            continue;
        args = json_object_new_object();
        json_object_object_add(args, "id", json_object_new_string(path + 20));
        if (qemu_monitor_command(mon, "device_del", args, NULL) < 0) {
            json_object_put(slots);
            return -1;
        }
        asked++;
    }
    json_object_put(slots);
    if (have - asked > want) {
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "domain '%s': vCPUs online at boot cannot be unplugged (%d of them "
                        "would have to go); lower the count with --config and restart it",
                        name, have - asked - want);
        return -1;
    }
    for (int waited = 0; waited <= VCPU_UNPLUG_TIMEOUT_MS; waited += 100) {
        int now = vcpus_now(mon);
        if (now < 0)
            return -1;
        if (now <= want)
            return 0;
        usleep(100000);
    }
    vm_report_error(VM_ERR_TIMEOUT,
                    "domain '%s': the guest did not let go of its vCPUs within %d s (it needs "
                    "ACPI CPU hotplug)",
                    name, VCPU_UNPLUG_TIMEOUT_MS / 1000);
    return -1;
}

int qemu_set_vcpus(struct qemu_conn *p, struct qemu_look *l, unsigned int count,
                   unsigned int flags)
{
    struct vm_domain_def *config = NULL;
    bool live, to_config, maximum = flags & VM_DOMAIN_VCPU_MAXIMUM;
    int ret = -1, have;

    if (qemu_affected_sides(l, flags, &live, &to_config) < 0)
        return -1;
    if (maximum && live) {
        vm_report_error(VM_ERR_INVALID_ARG,
                        "the maximum vCPUs of a running domain cannot change: set it in its "
                        "definition (config)");
        return -1;
    }
    if (to_config && !(config = qemu_config_def(p, l)))
        return -1;
    if ((live && count > l->def->vcpus) || (config && !maximum && count > config->vcpus)) {
        vm_report_error(VM_ERR_INVALID_ARG, "requested cpu amount exceeds maximum (%u > %u)",
                        count, live && count > l->def->vcpus ? l->def->vcpus : config->vcpus);
        goto out;
    }
    if (live) {
        if ((have = vcpus_now(l->mon)) < 0)
            goto out;
        if ((int)count > have && plug_vcpus(l->mon, have, (int)count) < 0)
            goto out;
        if ((int)count < have && unplug_vcpus(l->mon, l->def->name, have, (int)count) < 0)
            goto out;
        l->def->vcpus_current = count;
        if (store(p, l, QEMU_FILE_LIVE_DEF, l->def) < 0)
            goto out;
    }
    if (config) {
        vm_domain_def_set_vcpus(config, count, maximum);
        if (store(p, l, QEMU_FILE_DEF, config) < 0)
            goto out;
    }
    ret = 0;
out:
    vm_domain_def_free(config);
    return ret;
}

int qemu_open_console(struct qemu_look *l, const char *dev)
{
    const struct qemu_live_pty *pty = NULL;
    char want[40];
    int fd;

    if (!l->active) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' is not running", l->def->name);
        return -1;
    }
    /* QEMU names a device's backend "char" + its alias */
    snprintf(want, sizeof(want), "char%s", dev ? dev : "serial0");
    for (size_t i = 0; i < QEMU_LIVE_DEVS && l->live.ptys[i].alias[0]; i++) {
        if (strcmp(l->live.ptys[i].alias, want) == 0)
            pty = &l->live.ptys[i];
    }
    if (!pty && !dev && l->live.ptys[0].alias[0])
        pty = &l->live.ptys[0];
    if (!pty) {
        vm_report_error(VM_ERR_OPERATION_INVALID, "domain '%s' has no %s%s on a pty",
                        l->def->name, dev ? "console " : "serial console",
                        dev ? dev : "");
        return -1;
    }
    if ((fd = open(pty->path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        vm_report_system_error(errno, "cannot open the console of domain '%s' (%s)",
                               l->def->name, pty->path);
        return -1;
    }
    /* one console at a time: the lock goes with the descriptor */
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        vm_report_error(VM_ERR_OPERATION_INVALID,
                        "the console of domain '%s' is in use by another session",
                        l->def->name);
        return -1;
    }
    return fd;
}
