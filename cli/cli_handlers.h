/*
 * cli_handlers.h: the command handlers the table points at.
 */
#ifndef CLI_HANDLERS_H
#define CLI_HANDLERS_H

#include "cli.h"

int cli_cmd_list(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_dominfo(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domstate(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domcontrol(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domdisplay(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domiflist(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domblklist(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_guestinfo(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_pki_check(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_bridge(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_pki_trust(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domid(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domname(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domuuid(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_define(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_create(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_dumpxml(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_start(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_undefine(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_autostart(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domstats(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domifstat(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_domblkstat(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_dommemstat(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_vcpuinfo(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_vcpucount(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_nodecpustats(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_nodememstats(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_setmem(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_setmaxmem(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_setvcpus(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_save(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_restore(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_edit(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_console(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_connect(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_nodeinfo(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_uri(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_hostname(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_version(struct cli_ctx *ctx, const struct cli_args *args);
int cli_cmd_help(struct cli_ctx *ctx, const struct cli_args *args);

#endif /* CLI_HANDLERS_H */
