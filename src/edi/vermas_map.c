/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vermas_map.c - VGM declarations as corrections (vermas_map.h)
 */
#include "compat.h"

#include <stdio.h>

#include "errors.h"
#include "mem.h"
#include "vermas_map.h"

static int warn(struct bol_vermas_mapped *out, const struct bol_edi_box *x, const char *what)
{
    char text[BOL_DIAG_MSG_MAX];

    snprintf(text, sizeof(text), "container %.24s: %s", x->id_text[0] ? x->id_text : "(none)",
             what);
    return bol_edi_mapped_note(&out->m, false, x->offset, x->segment, text);
}

static int map_box(const struct bol_edi_boxes *b, size_t i, const struct bol_vermas_ctx *ctx,
                   struct bol_vermas_mapped *out)
{
    const struct bol_edi_box *x = &b->v[i];
    struct bol_container c;
    const char *method = x->vgm_method;
    json_t *cmd, *set;
    int r;

    if (!x->id_ok)
        return warn(out, x, "no container number: its VGM is not recorded");
    if (!x->vgm_kg) {
        out->no_vgm++;
        return warn(out, x, "no VGM in its group: nothing recorded");
    }
    r = ctx->container(ctx->u, x->id.s, &c);
    if (r < 0)
        return r;
    if (r == 0) { /* declared before the box is announced: kept until it is registered */
        out->pending++;
        cmd = json_pack("{s:s, s:s, s:I}", "cmd", "vgm.declare", "id", x->id.s, "vgm_kg",
                        (json_int_t) x->vgm_kg);
        if (cmd && method[0] && json_object_set_new(cmd, "method", json_string(method)) != 0) {
            json_decref(cmd);
            cmd = NULL;
        }
        if (cmd && ctx->declarant && ctx->declarant[0] &&
            json_object_set_new(cmd, "declarant", json_string(ctx->declarant)) != 0) {
            json_decref(cmd);
            cmd = NULL;
        }
        if (cmd && ctx->ref && ctx->ref[0] &&
            json_object_set_new(cmd, "ref", json_string(ctx->ref)) != 0) {
            json_decref(cmd);
            cmd = NULL;
        }
        if (!cmd)
            return BOL_E_NOMEM;
        out->m.slot[out->m.boxes++] = i;
        return json_array_append_new(out->m.cmds, cmd) == 0 ? 0 : BOL_E_NOMEM;
    }
    if (c.vgm_kg == x->vgm_kg &&
        (!method[0] ||
         (c.vgm_method == BOL_VGM_SM1 ? !strcmp(method, "SM1")
                                      : c.vgm_method == BOL_VGM_SM2 && !strcmp(method, "SM2")))) {
        out->same++;
        return 0;
    }
    set = json_pack("{s:I}", "vgm_kg", (json_int_t) x->vgm_kg);
    if (set && method[0] && json_object_set_new(set, "vgm_method", json_string(method)) != 0) {
        json_decref(set);
        set = NULL;
    }
    if (!set)
        return BOL_E_NOMEM;
    cmd = json_pack("{s:s, s:s, s:s, s:o}", "cmd", "container.correct", "id", x->id.s, "reason",
                    ctx->reason, "set", set);
    if (!cmd)
        return BOL_E_NOMEM;
    out->m.slot[out->m.boxes++] = i;
    return json_array_append_new(out->m.cmds, cmd) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_vermas_map(const struct bol_edi_boxes *b, const struct bol_vermas_ctx *ctx,
                   struct bol_vermas_mapped *out)
{
    size_t i;
    int r = 0;

    memset(out, 0, sizeof(*out));
    if (bol_edi_mapped_init(&out->m, b->n) < 0)
        return BOL_E_NOMEM;
    for (i = 0; i < b->n && r >= 0; i++)
        r = map_box(b, i, ctx, out);
    if (r < 0)
        bol_edi_mapped_release(&out->m);
    return r < 0 ? r : 0;
}
