/*
 * cli_commands.c: the command table (declared once: it drives parsing, help
 * and the man page's command list) and the dispatcher.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "cli_handlers.h"
#include "util/vm_alloc.h"

#define OPT_JSON {"json", CLI_OPT_BOOL, "print one JSON document", NULL}

#define DOMAIN_OP(cmdname, fn, summary_, desc, done, fail)                                  \
    {                                                                                       \
        .name = cmdname, .summary = summary_, .description = desc, .arg = "DOMAIN",         \
        .needs_conn = true, .handler = cli_cmd_domain_op, .domain_op = fn, .done_what = done, \
        .fail_verb = fail,                                                                   \
    }

const struct cli_cmd cli_commands[] = {
    {.name = "list", .summary = "list domains",
     .description = "Lists active domains (with --all, every domain; with --inactive or "
                    "--state-shutoff, the shut-off ones) as virsh does: active domains by id, "
                    "then inactive ones by name.  The filters narrow that down: within each "
                    "group (state, persistence, autostart, managed save) a domain must match "
                    "one that is given, and it must pass every group.",
     .opts = {{"all", CLI_OPT_BOOL, "list active and inactive domains", NULL},
              {"inactive", CLI_OPT_BOOL, "list inactive domains only", NULL},
              {"state-running", CLI_OPT_BOOL, "running domains", NULL},
              {"state-paused", CLI_OPT_BOOL, "paused domains", NULL},
              {"state-shutoff", CLI_OPT_BOOL, "shut-off domains", NULL},
              {"state-other", CLI_OPT_BOOL, "domains in any other state", NULL},
              {"persistent", CLI_OPT_BOOL, "persistent domains", NULL},
              {"transient", CLI_OPT_BOOL, "transient domains", NULL},
              {"autostart", CLI_OPT_BOOL, "domains marked for autostart", NULL},
              {"no-autostart", CLI_OPT_BOOL, "domains not marked for autostart", NULL},
              {"with-managed-save", CLI_OPT_BOOL, "domains with a managed-save image", NULL},
              {"without-managed-save", CLI_OPT_BOOL, "domains without one", NULL},
              {"managed-save", CLI_OPT_BOOL,
               "show shut-off domains with a managed-save image as saved", NULL},
              {"name", CLI_OPT_BOOL, "print names only, one per line", NULL},
              {"uuid", CLI_OPT_BOOL, "print UUIDs only, one per line", NULL},
              {"id", CLI_OPT_BOOL, "print ids of active domains only, one per line", NULL},
              OPT_JSON},
     .needs_conn = true, .handler = cli_cmd_list},
    {.name = "dominfo", .summary = "domain information",
     .description = "Prints the domain's id, name, UUID, OS type, state, vCPUs, CPU time, "
                    "memory (KiB), persistence, autostart and managed-save image.",
     .opts = {OPT_JSON}, .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_dominfo},
    {.name = "domstate", .summary = "domain state",
     .description = "Prints the domain's state, with --reason followed by why it is in it.",
     .opts = {{"reason", CLI_OPT_BOOL, "also print the reason for the state", NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_domstate},
    {.name = "domcontrol", .summary = "whether the hypervisor answers for a domain",
     .description = "Prints ok, or 'error: monitor not responding' for a domain whose QEMU "
                    "does not answer within the timeout (its state is then the last known, "
                    "its counters unknown; destroy still works).",
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_domcontrol},
    {.name = "domiflist", .summary = "list all domain virtual interfaces",
     .description = "Prints the domain's interfaces as virsh does: target device, type, "
                    "source (network, bridge or device), model and MAC; - where the "
                    "definition has none.",
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_domiflist},
    {.name = "domblklist", .summary = "list all domain blocks",
     .description = "Prints the domain's disks as virsh does: target and source, with "
                    "--details their type and device too; - where there is no source.",
     .opts = {{"details", CLI_OPT_BOOL, "also print the disk type and device", NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_domblklist},
    {.name = "domdisplay", .summary = "domain display connection URI",
     .description = "Prints the URI of a running domain's graphical display as virsh does: "
                    "vnc://HOST:DISPLAY, or spice://HOST:PORT when it has no VNC display.",
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_domdisplay},
    {.name = "domid", .summary = "convert a domain name or UUID to its id",
     .description = "Prints the domain's id, or - when it is not running.", .arg = "DOMAIN",
     .needs_conn = true, .handler = cli_cmd_domid},
    {.name = "domname", .summary = "convert a domain id or UUID to its name",
     .description = "Prints the domain's name.", .arg = "DOMAIN", .needs_conn = true,
     .handler = cli_cmd_domname},
    {.name = "domuuid", .summary = "convert a domain name or id to its UUID",
     .description = "Prints the domain's UUID.", .arg = "DOMAIN", .needs_conn = true,
     .handler = cli_cmd_domuuid},
    {.name = "dumpxml", .summary = "domain information in XML",
     .description = "Prints the domain's definition as canonical domain XML (libvirt's "
                    "format, memory in KiB).  A running domain shows its live id; with "
                    "--inactive, the persistent definition it will boot next time.  Secrets "
                    "(graphics passwords) are left out unless --security-info is given on a "
                    "read-write connection.",
     .opts = {{"inactive", CLI_OPT_BOOL, "show the definition used at the next boot", NULL},
              {"security-info", CLI_OPT_BOOL, "include secrets (read-write connections only)",
               NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_dumpxml},
    {.name = "define", .summary = "define (but don't start) a domain from an XML file",
     .description = "Defines a persistent domain from FILE (- for standard input).  The "
                    "document is validated against the domain schema: an element or "
                    "attribute virtmon does not understand is refused with its name and line, "
                    "and nothing is defined.  Defining an existing name with its UUID updates "
                    "the definition (a running domain picks it up when it next stops).",
     .arg = "FILE", .needs_conn = true, .handler = cli_cmd_define},
    {.name = "create", .summary = "create a domain from an XML file",
     .description = "Starts a transient domain from FILE (- for standard input); it "
                    "disappears when it stops.",
     .arg = "FILE", .needs_conn = true, .handler = cli_cmd_create},
    {.name = "start", .summary = "start a (previously defined) inactive domain",
     .description = "Starts a shut-off domain, restoring its managed-save image when it has "
                    "one.  With --all-autostart, starts every shut-off domain marked for "
                    "autostart (what the shipped systemd unit runs at boot).",
     .opts = {{"all-autostart", CLI_OPT_BOOL, "start every autostart domain that is off", NULL},
              {"paused", CLI_OPT_BOOL, "leave its vCPUs paused (resume starts them)", NULL}},
     .arg = "DOMAIN", .arg_optional = true, .needs_conn = true, .handler = cli_cmd_start,
     .domain_op = vm_domain_start, .done_what = "started", .fail_verb = "start"},
    {.name = "shutdown", .summary = "gracefully shut down a domain",
     .description = "Asks the guest to shut down, with --mode acpi (the default) by its ACPI "
                    "power button, with --mode agent through its guest agent; the guest may "
                    "ignore the request.",
     .opts = {{"mode", CLI_OPT_STRING, "acpi or agent", "MODE"}}, .arg = "DOMAIN",
     .needs_conn = true, .handler = cli_cmd_domain_op, .domain_op = vm_domain_shutdown,
     .done_what = "is being shutdown", .fail_verb = "shut down"},
    {.name = "destroy", .summary = "destroy (stop) a domain",
     .description = "Forces the domain off at once, like pulling the power cord.  With "
                    "--graceful its hypervisor process is asked to stop (SIGTERM) and given "
                    "time to, and never killed: if it does not stop, that is an error.",
     .opts = {{"graceful", CLI_OPT_BOOL, "ask the process to stop; do not kill it", NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_domain_op,
     .domain_op = vm_domain_destroy, .done_what = "destroyed", .fail_verb = "destroy"},
    DOMAIN_OP("suspend", vm_domain_suspend, "suspend a domain",
              "Pauses the domain's vCPUs; memory stays allocated.", "suspended",
              "suspend"),
    DOMAIN_OP("resume", vm_domain_resume, "resume a domain",
              "Resumes a paused domain.", "resumed", "resume"),
    {.name = "reboot", .summary = "reboot a domain",
     .description = "Asks the guest to reboot, with --mode acpi (the default) by a power-off "
                    "that restarts it, with --mode agent through its guest agent; the guest "
                    "may ignore the request.",
     .opts = {{"mode", CLI_OPT_STRING, "acpi or agent", "MODE"}}, .arg = "DOMAIN",
     .needs_conn = true, .handler = cli_cmd_domain_op, .domain_op = vm_domain_reboot,
     .done_what = "is being rebooted", .fail_verb = "reboot"},
    DOMAIN_OP("reset", vm_domain_reset, "reset a domain",
              "Resets the domain at once, like the reset button.", "was reset",
              "reset"),
    DOMAIN_OP("managedsave", vm_domain_managed_save, "managed save of a domain state",
              "Saves the running domain's state to an image the hypervisor manages and stops "
              "it; the next start restores it.",
              "state saved by virtmon", "save the state of"),
    {.name = "save", .summary = "save a domain state to a file",
     .description = "Saves the running domain's memory and device state, with its "
                    "definition, to FILE (created or replaced, mode 0600) and stops it; "
                    "restore brings it back.",
     .arg = "DOMAIN", .arg2 = "FILE", .needs_conn = true, .handler = cli_cmd_save},
    {.name = "restore", .summary = "restore a domain from a saved state in a file",
     .description = "Starts the domain saved in FILE from its saved state: a defined domain "
                    "of that UUID runs it and keeps its definition for the next boot; "
                    "otherwise it runs as a transient domain.",
     .arg = "FILE", .needs_conn = true, .handler = cli_cmd_restore},
    {.name = "setmem", .summary = "change memory allocation",
     .description = "Sets the domain's current memory (the balloon's target), at most its "
                    "maximum: SIZE in KiB unless a unit follows (512M, 2G).  Without an "
                    "option, of the running domain, as virsh.",
     .opts = {{"live", CLI_OPT_BOOL, "of the running domain", NULL},
              {"config", CLI_OPT_BOOL, "of its definition (the next boot)", NULL},
              {"current", CLI_OPT_BOOL, "of the running domain, or the definition when off",
               NULL}},
     .arg = "DOMAIN", .arg2 = "SIZE", .needs_conn = true, .handler = cli_cmd_setmem},
    {.name = "setmaxmem", .summary = "change maximum memory limit",
     .description = "Sets the domain's maximum memory in its definition (a running domain's "
                    "cannot change): SIZE in KiB unless a unit follows; a current memory "
                    "above it comes down to it.",
     .opts = {{"live", CLI_OPT_BOOL, "of the running domain (refused)", NULL},
              {"config", CLI_OPT_BOOL, "of its definition", NULL},
              {"current", CLI_OPT_BOOL, "of the running domain, or the definition when off",
               NULL}},
     .arg = "DOMAIN", .arg2 = "SIZE", .needs_conn = true, .handler = cli_cmd_setmaxmem},
    {.name = "setvcpus", .summary = "change number of virtual CPUs",
     .description = "Sets how many vCPUs the domain has online, at most its maximum: of the "
                    "running domain through vCPU hotplug where its machine allows it, or of "
                    "its definition; with --maximum --config, the definition's maximum.",
     .opts = {{"maximum", CLI_OPT_BOOL, "the maximum (with --config)", NULL},
              {"live", CLI_OPT_BOOL, "of the running domain", NULL},
              {"config", CLI_OPT_BOOL, "of its definition (the next boot)", NULL},
              {"current", CLI_OPT_BOOL, "of the running domain, or the definition when off",
               NULL}},
     .arg = "DOMAIN", .arg2 = "COUNT", .needs_conn = true, .handler = cli_cmd_setvcpus},
    {.name = "edit", .summary = "edit XML configuration for a domain",
     .description = "Opens the domain's definition in $VISUAL or $EDITOR (vi without either) "
                    "and defines what is saved; an unchanged file changes nothing.  When the "
                    "edited definition is refused, offers (on a terminal) to edit it again.",
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_edit},
    {.name = "console", .summary = "connect to the guest console",
     .description = "Attaches the terminal to the guest's serial console (raw mode); Ctrl+] "
                    "leaves.  One console at a time: a second is refused while one is "
                    "attached.",
     .opts = {{"devname", CLI_OPT_STRING, "the console's alias (serial0, ...)", "ALIAS"}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_console},
    {.name = "undefine", .summary = "undefine a domain",
     .description = "Removes the domain's persistent definition; a running domain goes on as "
                    "a transient one.  A domain with a managed-save image is refused unless "
                    "--managed-save removes the image too; one with UEFI variables unless "
                    "--nvram removes them or --keep-nvram keeps them.",
     .opts = {{"managed-save", CLI_OPT_BOOL, "remove the managed-save image too", NULL},
              {"nvram", CLI_OPT_BOOL, "remove its UEFI variables too", NULL},
              {"keep-nvram", CLI_OPT_BOOL, "keep its UEFI variables", NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_undefine},
    {.name = "autostart", .summary = "autostart a domain",
     .description = "Marks the domain to be started at host boot (with --disable, unmarks it).",
     .opts = {{"disable", CLI_OPT_BOOL, "disable autostarting", NULL}}, .arg = "DOMAIN",
     .needs_conn = true, .handler = cli_cmd_autostart},
    {.name = "domstats", .summary = "get statistics about one or multiple domains",
     .description = "Prints state, CPU time (ns), balloon (KiB), vCPU, interface and block "
                    "figures of the named domains, or of every domain in one bulk call, with "
                    "virsh's keys.  The group options pick what is printed (all of it when "
                    "none is given); the --list-* options pick domains as virsh's do.  Values "
                    "the hypervisor does not provide are left out (null in JSON).",
     .opts = {OPT_JSON,
              {"state", CLI_OPT_BOOL, "the state and its reason", NULL},
              {"cpu-total", CLI_OPT_BOOL, "the CPU time (and utilisation where given)", NULL},
              {"balloon", CLI_OPT_BOOL, "the balloon's current and maximum size", NULL},
              {"vcpu", CLI_OPT_BOOL, "the vCPU counts and times", NULL},
              {"interface", CLI_OPT_BOOL, "the NICs' counters", NULL},
              {"block", CLI_OPT_BOOL, "the disks' counters", NULL},
              {"guest", CLI_OPT_BOOL,
               "also ask the guest agents (all at once, within agent_timeout)", NULL},
              {"list-active", CLI_OPT_BOOL, "only active domains", NULL},
              {"list-inactive", CLI_OPT_BOOL, "only inactive domains", NULL},
              {"list-persistent", CLI_OPT_BOOL, "only persistent domains", NULL},
              {"list-transient", CLI_OPT_BOOL, "only transient domains", NULL},
              {"list-running", CLI_OPT_BOOL, "only running domains", NULL},
              {"list-paused", CLI_OPT_BOOL, "only paused domains", NULL},
              {"list-shutoff", CLI_OPT_BOOL, "only shut-off domains", NULL},
              {"list-other", CLI_OPT_BOOL, "only domains in other states", NULL}},
     .arg = "DOMAIN", .arg_optional = true, .arg_repeats = true,
     .needs_conn = true, .handler = cli_cmd_domstats},
    {.name = "domifstat", .summary = "get network interface stats for a domain",
     .description = "Prints the counters of a running domain's interface, named by its "
                    "target device or its MAC, as virsh does: rx_bytes, rx_packets, rx_errs, "
                    "rx_drop, tx_bytes, tx_packets, tx_errs, tx_drop, as the guest sees them.",
     .arg = "DOMAIN", .arg2 = "INTERFACE", .needs_conn = true, .handler = cli_cmd_domifstat},
    {.name = "domblkstat", .summary = "get device block stats for a domain",
     .description = "Prints the counters of a running domain's disk, named by its target or "
                    "its source path, or, with no device, summed over its disks, as virsh "
                    "does: rd_req, rd_bytes, wr_req, wr_bytes, errs and, where the hypervisor "
                    "gives them, flush_operations and the total times of reads, writes and "
                    "flushes (ns).",
     .opts = {{"human", CLI_OPT_BOOL, "say what each figure is", NULL}},
     .arg = "DOMAIN", .arg2 = "DEVICE", .arg2_optional = true, .needs_conn = true,
     .handler = cli_cmd_domblkstat},
    {.name = "dommemstat", .summary = "get memory statistics for a domain",
     .description = "Prints what a running domain's balloon and host process tell, with "
                    "virsh's names (actual, swap_in, swap_out, major_fault, minor_fault, "
                    "unused, available, usable, last_update, disk_caches, hugetlb_pgalloc, "
                    "hugetlb_pgfail, rss; sizes in KiB), those the source gives.",
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_dommemstat},
    {.name = "vcpuinfo", .summary = "detailed domain vcpu information",
     .description = "Prints each vCPU's number, the host CPU it last ran on, its state, CPU "
                    "time and affinity (y for each host CPU it may run on), as virsh does; of "
                    "a domain that is off, its pinning.",
     .opts = {{"pretty", CLI_OPT_BOOL, "print the affinity as ranges", NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_vcpuinfo},
    {.name = "vcpucount", .summary = "domain vcpu counts",
     .description = "Prints the domain's maximum and current vCPU counts of its definition "
                    "(config) and, while it runs, of the running domain (live); an option "
                    "picks one count.",
     .opts = {{"maximum", CLI_OPT_BOOL, "the maximum count", NULL},
              {"active", CLI_OPT_BOOL, "the current count", NULL},
              {"live", CLI_OPT_BOOL, "of the running domain", NULL},
              {"config", CLI_OPT_BOOL, "of the definition used at the next boot", NULL},
              {"current", CLI_OPT_BOOL, "of the running domain, or the definition when off",
               NULL}},
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_vcpucount},
    {.name = "guestinfo", .summary = "what the guest agent tells",
     .description = "Prints what the domain's guest agent reports, with libvirt's keys: "
                    "os.id, os.version-id, hostname, fs.count, fs.N.mountpoint, fs.N.fstype, "
                    "fs.N.total-bytes, fs.N.used-bytes, if.count, if.N.name, if.N.hwaddr, "
                    "if.N.addr.M.addr, if.N.addr.M.prefix.  The agent has agent_timeout "
                    "(virtmon.conf, default 2 s) to answer.",
     .arg = "DOMAIN", .needs_conn = true, .handler = cli_cmd_guestinfo},
    {.name = "nodeinfo", .summary = "node information",
     .description = "Prints the host's CPU model, CPUs, frequency, topology and memory (KiB).",
     .opts = {OPT_JSON}, .needs_conn = true, .handler = cli_cmd_nodeinfo},
    {.name = "nodecpustats", .summary = "prints cpu stats of the node",
     .description = "Prints the host's CPU time (ns) in user, system, idle and iowait, of all "
                    "CPUs or of one; with --percent, shares of one second, as virsh does.",
     .opts = {{"percent", CLI_OPT_BOOL, "shares of one second, in %", NULL}},
     .arg = "CPU", .arg_optional = true, .needs_conn = true, .handler = cli_cmd_nodecpustats},
    {.name = "nodememstats", .summary = "prints memory stats of the node",
     .description = "Prints the host's memory (KiB): total, free, buffers and cached, of the "
                    "whole host or of one NUMA cell.",
     .arg = "CELL", .arg_optional = true, .needs_conn = true, .handler = cli_cmd_nodememstats},
    {.name = "uri", .summary = "print the hypervisor canonical URI",
     .description = "Prints the URI of the connection, as the driver understood it.",
     .needs_conn = true, .handler = cli_cmd_uri},
    {.name = "hostname", .summary = "print the hypervisor hostname",
     .description = "Prints the name of the host the connection talks to.", .needs_conn = true,
     .handler = cli_cmd_hostname},
    {.name = "version", .summary = "show version",
     .description = "Prints the virtmon library version this program was built with, the one "
                    "it runs with, and the hypervisor's name and version.",
     .needs_conn = true, .handler = cli_cmd_version},
    {.name = "bridge", .summary = "relay stdio to virtmond (the far end of +ssh URIs)",
     .description = "Connects to virtmond's socket on this host (the runtime dir's "
                    "virtmond-sock, virtmond-sock-ro with --readonly, or --socket PATH) and "
                    "relays standard input and output to it until either ends.  "
                    "DRIVER+ssh://host/ URIs run it through ssh; it is not for people.",
     .opts = {{"socket", CLI_OPT_STRING, "the daemon's socket", "PATH"},
              {"readonly", CLI_OPT_BOOL, "the read-only socket", NULL}},
     .handler = cli_cmd_bridge},
    {.name = "pki-check", .summary = "check a TLS server's certificate",
     .description = "Connects to HOST[:PORT] (port 16516, virtmond's, when omitted) with TLS, "
                    "presenting the client certificate if there is one, and prints the "
                    "server certificate's subject, issuer, validity and SHA-256 fingerprint, "
                    "then 'trusted: CA' or 'trusted: pinned'; an untrusted or unreachable "
                    "server is an error saying why (exit 1).  --pki DIR instead of the "
                    "config dir's pki/.",
     .opts = {{"pki", CLI_OPT_STRING, "the PKI directory", "DIR"}}, .arg = "HOST[:PORT]",
     .handler = cli_cmd_pki_check},
    {.name = "pki-trust", .summary = "pin a TLS server's certificate",
     .description = "Shows the certificate of HOST[:PORT] and, when no CA vouches for it, "
                    "asks on the terminal (or takes --yes) and appends it to "
                    "server/trusted.pem, pinned for that host and port only.",
     .opts = {{"pki", CLI_OPT_STRING, "the PKI directory", "DIR"},
              {"yes", CLI_OPT_BOOL, "trust without asking", NULL}},
     .arg = "HOST[:PORT]", .handler = cli_cmd_pki_trust},
    {.name = "connect", .summary = "(re)connect to hypervisor",
     .description = "Closes the connection and opens one to URI (the default URI without "
                    "one), read-only with --readonly: the commands after it use the new one.",
     .opts = {{"readonly", CLI_OPT_BOOL, "open it read-only", NULL}},
     .arg = "URI", .arg_optional = true, .handler = cli_cmd_connect},
    {.name = "help", .summary = "print help",
     .description = "Lists the commands, or describes one.", .arg = "COMMAND",
     .arg_optional = true, .handler = cli_cmd_help},
    {.name = NULL},
};

const struct cli_cmd *cli_command_find(const char *name)
{
    for (const struct cli_cmd *c = cli_commands; c->name; c++) {
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

/* "list [--all] [--json] DOMAIN" */
static char *synopsis(const struct cli_cmd *c, const char *bold_on, const char *bold_off)
{
    char *s = vm_asprintf("%s%s%s", bold_on, c->name, bold_off);

    for (int i = 0; i < CLI_MAX_OPTS && c->opts[i].name; i++) {
        char *n = c->opts[i].type == CLI_OPT_BOOL
                      ? vm_asprintf("%s [%s--%s%s]", s, bold_on, c->opts[i].name, bold_off)
                      : vm_asprintf("%s [%s--%s%s %s]", s, bold_on, c->opts[i].name, bold_off,
                                    c->opts[i].metavar);
        free(s);
        s = n;
    }
    if (c->arg) {
        char *n = vm_asprintf(c->arg_optional ? "%s [%s%s]" : "%s %s%s", s, c->arg,
                              c->arg_repeats ? "..." : "");
        free(s);
        s = n;
    }
    if (c->arg2) {
        char *n = vm_asprintf(c->arg2_optional ? "%s [%s]" : "%s %s", s, c->arg2);
        free(s);
        s = n;
    }
    return s;
}

int cli_cmd_help(struct cli_ctx *ctx, const struct cli_args *args)
{
    if (args->npos) {
        const struct cli_cmd *c = cli_command_find(args->pos[0]);
        char *syn;

        if (!c) {
            cli_error("command '%s' doesn't exist", args->pos[0]);
            return 1;
        }
        syn = synopsis(c, "", "");
        fprintf(ctx->out, "  NAME\n    %s - %s\n\n  SYNOPSIS\n    %s\n\n  DESCRIPTION\n    %s\n",
                c->name, c->summary, syn, c->description);
        free(syn);
        if (c->opts[0].name) {
            fprintf(ctx->out, "\n  OPTIONS\n");
            for (int i = 0; i < CLI_MAX_OPTS && c->opts[i].name; i++) {
                char *opt = c->opts[i].type == CLI_OPT_BOOL
                                ? vm_asprintf("--%s", c->opts[i].name)
                                : vm_asprintf("--%s %s", c->opts[i].name, c->opts[i].metavar);
                fprintf(ctx->out, "    %-20s %s\n", opt, c->opts[i].help);
                free(opt);
            }
        }
        return 0;
    }
    fprintf(ctx->out, "Usage: virtmon [-c URI] [-r] [-q] COMMAND [ARGS]\n\nCommands:\n");
    for (const struct cli_cmd *c = cli_commands; c->name; c++)
        fprintf(ctx->out, "    %-16s %s\n", c->name, c->summary);
    fprintf(ctx->out, "\nSeveral commands may be given in one argument, separated by ';'.\n"
                      "Without a command, commands are read from standard input.\n");
    return 0;
}

void cli_print_man_commands(FILE *out)
{
    for (const struct cli_cmd *c = cli_commands; c->name; c++) {
        char *syn = synopsis(c, "\\fB", "\\fR");
        fprintf(out, ".TP\n%s\n%s\n", syn, c->description);
        free(syn);
        for (int i = 0; i < CLI_MAX_OPTS && c->opts[i].name; i++)
            fprintf(out, ".br\n\\fB\\-\\-%s\\fR%s%s: %s\n", c->opts[i].name,
                    c->opts[i].metavar ? " " : "", c->opts[i].metavar ? c->opts[i].metavar : "",
                    c->opts[i].help);
    }
}

int cli_run_command(struct cli_ctx *ctx, char **words, size_t nwords)
{
    const struct cli_cmd *cmd;
    struct cli_args args;
    char *err = NULL;
    int ret;

    if (nwords == 0)
        return 0;
    if (!(cmd = cli_command_find(words[0]))) {
        cli_error("unknown command: '%s' (try 'virtmon help')", words[0]);
        return 1;
    }
    if (cli_parse_args(cmd, words, nwords, &args, &err) < 0) {
        cli_error("%s", err);
        free(err);
        return 1;
    }
    ctx->no_trailer = false;
    ret = cmd->handler(ctx, &args);
    /* virsh ends each successful command's output with a blank line */
    if (ret == 0 && !ctx->quiet && !ctx->no_trailer)
        fputc('\n', ctx->out);
    fflush(ctx->out);
    free(args.pos);
    return ret;
}
