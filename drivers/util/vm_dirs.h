/*
 * vm_dirs.h: the config, runtime and state directories (virtmon.conf(5)).
 */
#ifndef VM_DIRS_H
#define VM_DIRS_H

enum vm_dir_kind {
    VM_DIR_CONFIG,
    VM_DIR_RUNTIME,
    VM_DIR_STATE,
};

enum vm_dir_scope {
    VM_DIR_SCOPE_AUTO,      /* the system column for root, the user column otherwise */
    VM_DIR_SCOPE_SYSTEM,    /* /etc/virtmon, /run/virtmon, /var/lib/virtmon */
    VM_DIR_SCOPE_USER,      /* XDG locations (qemu:///session, even for root) */
};

/* The directory's path ($VIRTMON_*_DIR wins in every scope).  Caller frees
 * with free(); NULL with an error when no home directory can be found. */
char *vm_dir_get(enum vm_dir_kind kind, enum vm_dir_scope scope);

/* vm_dir_get() + "/" + name.  Caller frees with free(). */
char *vm_dir_file(enum vm_dir_kind kind, enum vm_dir_scope scope, const char *name);

/* mkdir -p with mode for the directories it creates. */
int vm_dir_make(const char *path, unsigned int mode);

#endif /* VM_DIRS_H */
