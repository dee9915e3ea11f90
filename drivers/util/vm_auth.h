/*
 * vm_auth.h: credentials.  A driver that needs a username or a
 * password asks here: auth.conf first (libvirt's format), then the caller's
 * credential callback (the CLI prompts on a terminal; other tools have
 * none).  Secrets are wiped when freed and never put in messages.
 */
#ifndef VM_AUTH_H
#define VM_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "virtmon.h"

/* auth.conf, parsed.  Free with vm_auth_conf_free(). */
struct vm_auth_conf;

/* The auth.conf to use: $VIRTMON_AUTH_FILE, else authfile (a URI's
 * ?authfile=, may be NULL), else CONFIG/auth.conf.  Caller frees. */
char *vm_auth_conf_path(const char *authfile);

/* Reads auth.conf at path.  A missing file is an empty one;
 * one readable or writable by group or others is refused (its secrets are
 * not secret), as is anything malformed, with file and line.  NULL with an
 * error. */
struct vm_auth_conf *vm_auth_conf_read(const char *path);

/* Parses text (name for errors) in libvirt's auth.conf format:
 * [credentials-NAME] with username=, password=, realm=; [auth-SERVICE-HOST]
 * with credentials=NAME.  NULL with an error naming the line. */
struct vm_auth_conf *vm_auth_conf_parse(const char *text, size_t len, const char *name);

void vm_auth_conf_free(struct vm_auth_conf *conf);

/* What [auth-SERVICE-HOST] points to: the credentials' value of key
 * ("username", "password", "realm"), owned by conf, or NULL when auth.conf
 * has none.  HOST is the URI's host without port ("localhost" for UNIX
 * sockets). */
const char *vm_auth_conf_lookup(const struct vm_auth_conf *conf, const char *service,
                                const char *host, const char *key);

/* A username (type VM_CRED_USERNAME) or password (VM_CRED_PASSPHRASE) for
 * SERVICE on HOST: auth.conf at authfile_path first, then auth's callback
 * (may be NULL) with prompt.  Caller frees (vm_auth_secret_free for a
 * password).  NULL with an auth error saying what is missing and where it
 * was looked for, never the secret. */
char *vm_auth_get(const struct vm_connect_auth *auth, const char *authfile_path,
                  const char *service, const char *host, int type, const char *prompt,
                  const char *dflt);

/* Wipes and frees a secret. */
void vm_auth_secret_free(char *secret);

#endif /* VM_AUTH_H */
