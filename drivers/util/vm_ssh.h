/*
 * vm_ssh.h: a transport through the user's own ssh: it runs
 * "ssh [-p PORT] -- [USER@]HOST WORD..." (ssh found in PATH, so the user's
 * keys, agent, known_hosts and config apply) and talks to the remote
 * command over the child's standard input and output.  What ssh says on
 * standard error becomes the error when the connection fails.
 */
#ifndef VM_SSH_H
#define VM_SSH_H

#include "vm_transport.h"

/* Runs ssh to [user@]host (port <= 0: ssh's own default) with the remote
 * command words (NULL-terminated), each shell-quoted since ssh hands them
 * to the remote shell.  A user or host beginning with '-' is refused (it
 * would be an option to ssh).  Reads and writes wait at most timeout_ms.
 * NULL with an error. */
struct vm_transport *vm_ssh_connect(const char *user, const char *host, int port,
                                    const char *const *words, int timeout_ms);

/* word quoted for a POSIX shell ('...', a ' as '\''); caller frees. */
char *vm_shell_quote(const char *word);

#endif /* VM_SSH_H */
