/*
 * shared_client [URI]: a program as a user of libvirtmon.so writes it:
 * only <virtmon.h>, linked against the shared library.  Lists every
 * domain with its state and memory (KiB), one per line, and exits 0; an
 * error is printed as the library reports it (exit 1).
 */
#include <stdio.h>

#include <virtmon.h>

int main(int argc, char **argv)
{
    struct vm_connect *conn = vm_connect_open(argc > 1 ? argv[1] : "test:///default", 0);
    struct vm_domain **doms = NULL;
    int n;

    if (!conn || (n = vm_connect_list_domains(conn, &doms, 0)) < 0) {
        fprintf(stderr, "shared_client: %s\n", vm_error_message());
        vm_connect_close(conn);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        struct vm_domain_info info;
        if (vm_domain_get_info(doms[i], &info, 0) < 0) {
            fprintf(stderr, "shared_client: %s\n", vm_error_message());
            vm_domain_list_free(doms, (size_t)n);
            vm_connect_close(conn);
            return 1;
        }
        printf("%s %d %llu\n", vm_domain_get_name(doms[i]), info.state,
               (unsigned long long)info.cur_mem_kib);
    }
    vm_domain_list_free(doms, (size_t)n);
    vm_connect_close(conn);
    return 0;
}
