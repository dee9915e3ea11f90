#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_alloc.h"
#include "vm_dirs.h"
#include "vm_error.h"

static const struct {
    const char *override;   /* environment variable that wins */
    const char *system;     /* root's path */
    const char *xdg;        /* XDG variable for the user column */
    const char *home_rel;   /* under $HOME when the XDG variable is unset */
} dir_rules[] = {
    [VM_DIR_CONFIG] = {"VIRTMON_CONFIG_DIR", "/etc/virtmon", "XDG_CONFIG_HOME", ".config"},
    [VM_DIR_RUNTIME] = {"VIRTMON_RUNTIME_DIR", "/run/virtmon", "XDG_RUNTIME_DIR", NULL},
    [VM_DIR_STATE] = {"VIRTMON_STATE_DIR", "/var/lib/virtmon", "XDG_STATE_HOME", ".local/state"},
};

static char *home_dir(void)
{
    const char *home = getenv("HOME");
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (home && *home)
        return vm_strdup(home);
    if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_dir)
        return vm_strdup(res->pw_dir);
    vm_report_error(VM_ERR_SYSTEM, "cannot find the home directory: HOME is unset and user %u has "
                    "no password entry", (unsigned int)geteuid());
    return NULL;
}

char *vm_dir_get(enum vm_dir_kind kind, enum vm_dir_scope scope)
{
    const char *env = getenv(dir_rules[kind].override);
    const char *xdg;
    VM_AUTOFREE char *home = NULL;

    if (env && *env)
        return vm_strdup(env);
    if (scope == VM_DIR_SCOPE_AUTO)
        scope = geteuid() == 0 ? VM_DIR_SCOPE_SYSTEM : VM_DIR_SCOPE_USER;
    if (scope == VM_DIR_SCOPE_SYSTEM)
        return vm_strdup(dir_rules[kind].system);

    xdg = getenv(dir_rules[kind].xdg);
    if (xdg && *xdg)
        return vm_asprintf("%s/virtmon", xdg);
    if (!(home = home_dir()))
        return NULL;
    if (kind == VM_DIR_RUNTIME) /* XDG_RUNTIME_DIR has no home default */
        return vm_asprintf("%s/.cache/virtmon/run", home);
    return vm_asprintf("%s/%s/virtmon", home, dir_rules[kind].home_rel);
}

char *vm_dir_file(enum vm_dir_kind kind, enum vm_dir_scope scope, const char *name)
{
    VM_AUTOFREE char *dir = vm_dir_get(kind, scope);

    if (!dir)
        return NULL;
    return vm_asprintf("%s/%s", dir, name);
}

int vm_dir_make(const char *path, unsigned int mode)
{
    VM_AUTOFREE char *copy = vm_strdup(path);
    char *p = copy;

    for (;;) {
        p = strchr(p + 1, '/');
        if (p)
            *p = '\0';
        if (*copy && mkdir(copy, (mode_t)mode) < 0 && errno != EEXIST) {
            vm_report_system_error(errno, "cannot create directory '%s'", copy);
            return -1;
        }
        if (!p)
            break;
        *p = '/';
    }
    return 0;
}
