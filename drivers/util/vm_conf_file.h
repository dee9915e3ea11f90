/*
 * vm_conf_file.h: libvirt-style configuration files (virtmon.conf,
 * virtmond.conf): `key = value` lines, values being "quoted strings",
 * integers or [ "lists", "of", "strings" ], '#' comments.
 */
#ifndef VM_CONF_FILE_H
#define VM_CONF_FILE_H

#include <stdbool.h>
#include <stddef.h>

enum vm_conf_type {
    VM_CONF_STRING,
    VM_CONF_INT,
    VM_CONF_LIST,
};

struct vm_conf_entry {
    char *key;
    enum vm_conf_type type;
    char *str;          /* VM_CONF_STRING */
    long long num;      /* VM_CONF_INT */
    char **list;        /* VM_CONF_LIST: strings */
    size_t nlist;
    int line;
};

struct vm_conf {
    char *filename;
    struct vm_conf_entry *entries;
    size_t nentries, alloc;
};

/* Parses data (name used in errors); NULL with a config error that names
 * the file and line. Free with vm_conf_free(). */
struct vm_conf *vm_conf_parse(const char *data, size_t len, const char *name);

/* Reads and parses path.  A missing file gives an empty config when
 * missing_ok, an error otherwise. */
struct vm_conf *vm_conf_read_file(const char *path, bool missing_ok);

void vm_conf_free(struct vm_conf *conf);

/* The last entry for key, or NULL. */
const struct vm_conf_entry *vm_conf_lookup(const struct vm_conf *conf, const char *key);

/* *out = the string value of key (owned by conf) or untouched when absent.
 * Returns 1 found, 0 absent, -1 wrong type (reported). */
int vm_conf_get_string(const struct vm_conf *conf, const char *key, const char **out);
int vm_conf_get_int(const struct vm_conf *conf, const char *key, long long *out);
int vm_conf_get_list(const struct vm_conf *conf, const char *key, char ***list, size_t *n);

/* Fails naming the first key not in the NULL-terminated known list. */
int vm_conf_check_keys(const struct vm_conf *conf, const char *const *known);

#endif /* VM_CONF_FILE_H */
