#include "config.h"

#include "cli_json.h"

json_object *cli_json_u64(uint64_t v)
{
    return v == VM_STAT_UNKNOWN ? NULL : json_object_new_uint64(v);
}

void cli_json_print(struct cli_ctx *ctx, json_object *obj)
{
    fprintf(ctx->out, "%s\n",
            json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
    ctx->no_trailer = true;
}
