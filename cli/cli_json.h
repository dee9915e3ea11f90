/*
 * cli_json.h: --json output through json-c.
 */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <json-c/json.h>
#include <stdint.h>

#include "cli.h"

/* A JSON number for v, or NULL (JSON null) when v is VM_STAT_UNKNOWN. */
json_object *cli_json_u64(uint64_t v);

/* Prints obj as one pretty JSON document and drops the reference. */
void cli_json_print(struct cli_ctx *ctx, json_object *obj);

#endif /* CLI_JSON_H */
