/* SPDX-License-Identifier: Apache-2.0 */
/*
 * autoslot.c - the slot planner's choice where a work instruction asks for it
 */
#include "compat.h"

#include "autoslot.h"
#include "mem.h"
#include "yard_plan.h"

bool bol_ops_autoslot_wanted(json_t *cmd)
{
    const char *name = json_string_value(json_object_get(cmd, "cmd"));
    const char *to = json_string_value(json_object_get(cmd, "to"));

    return name && !strcmp(name, "wi.plan") && to && !strcmp(to, "auto");
}

int bol_ops_autoslot(struct bol_store *s, json_t *cmd, int64_t now_us, json_t **asked, json_t **why,
                     struct bol_diag *diag)
{
    const char *kind = json_string_value(json_object_get(cmd, "kind"));
    const char *id = json_string_value(json_object_get(cmd, "id"));
    struct bol_slot_suggestion *g;
    char slot[BOL_YARD_ADDR_TEXT_MAX];
    int rc;

    *asked = *why = NULL;
    if (!bol_ops_autoslot_wanted(cmd))
        return 0;
    if (!kind || (strcmp(kind, "dsch") != 0 && strcmp(kind, "gtin") != 0))
        return bol_diag_fail(diag, BOL_E_INVAL, "to",
                             "the slot planner chooses the slot of a discharge (dsch) or gate-in "
                             "(gtin) instruction only; name the destination");
    if (!id)
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "name the container");
    g = bol_calloc(1, sizeof(*g));
    if (!g)
        return bol_diag_fail(diag, BOL_E_NOMEM, "to", "out of memory");
    rc = bol_ops_slot_suggest(s, id, 1, now_us, g, diag);
    if (rc == 0 && g->res.n == 0)
        rc = bol_diag_fail(diag, BOL_E_NOTFOUND, "to", "no slot fits %s: %s", g->id.s, g->rules);
    if (rc == 0) {
        bol_yard_addr_format(&g->slot[0], slot);
        *asked = json_deep_copy(cmd);
        *why = bol_slot_suggestion_json(g);
        if (!*asked || !*why || json_object_set_new(cmd, "to", json_string(slot)) != 0) {
            json_decref(*asked);
            json_decref(*why);
            *asked = *why = NULL;
            rc = bol_diag_fail(diag, BOL_E_NOMEM, "to", "out of memory");
        }
    }
    bol_free(g);
    return rc;
}
