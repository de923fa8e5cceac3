/* SPDX-License-Identifier: Apache-2.0 */
/*
 * autoplan.c - the yard planners' choices where a work instruction asks for
 * them
 */
#include "compat.h"

#include "autoplan.h"
#include "mem.h"
#include "storeview.h"
#include "yard_plan.h"

static bool kind_is(json_t *cmd, const char *a, const char *b)
{
    const char *kind = json_string_value(json_object_get(cmd, "kind"));

    return kind && (!strcmp(kind, a) || !strcmp(kind, b));
}

static bool slot_wanted(json_t *cmd)
{
    const char *to = json_string_value(json_object_get(cmd, "to"));

    return to && !strcmp(to, "auto");
}

bool bol_ops_autoplan_wanted(json_t *cmd)
{
    const char *name = json_string_value(json_object_get(cmd, "cmd"));

    return name && !strcmp(name, "wi.plan") &&
           (slot_wanted(cmd) || json_object_get(cmd, "digout") != NULL);
}

/* "to": "auto" - the slot planner's best slot goes into cmd. */
static int choose_slot(struct bol_store *s, json_t *cmd, int64_t now_us, json_t **why,
                       struct bol_diag *diag)
{
    const char *id = json_string_value(json_object_get(cmd, "id"));
    struct bol_slot_suggestion *g;
    char slot[BOL_YARD_ADDR_TEXT_MAX];
    int rc;

    if (!kind_is(cmd, "dsch", "gtin"))
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
        *why = json_pack("{s:o}", "slot_choice", bol_slot_suggestion_json(g));
        if (!*why || json_object_set_new(cmd, "to", json_string(slot)) != 0)
            rc = bol_diag_fail(diag, BOL_E_NOMEM, "to", "out of memory");
    }
    bol_free(g);
    return rc;
}

/*
 * "digout": true - the rehandles before the instruction, as steps of one
 * command with it.  *cmd (the instruction, without "digout") is replaced by
 * the steps when there is anything on top.
 */
static int dig_out(struct bol_store *s, json_t **cmd, json_t **why, struct bol_diag *diag)
{
    const char *id = json_string_value(json_object_get(*cmd, "id"));
    json_t *eq = json_object_get(*cmd, "equipment"), *steps = NULL;
    json_int_t prio = json_integer_value(json_object_get(*cmd, "priority"));
    struct bol_digout dg = { 0 };
    struct bol_store_view sv;
    struct bol_container c;
    uint64_t wid;
    size_t i;
    int rc;

    if (!kind_is(*cmd, "load", "gtot"))
        return bol_diag_fail(diag, BOL_E_INVAL, "digout",
                             "a dig-out goes before a load or gate-out (gtot) instruction only");
    if (!id)
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "name the container");
    /*
     * An open instruction for the box already: a repeat of this request
     * (its rehandles are open now, so planning again would conflict) or
     * one the core refuses.  Either way the service decides, unplanned.
     */
    bol_store_view_init(&sv, s, diag);
    rc = sv.view.open_wi(sv.view.ctx, id, &wid);
    if (rc == 0)
        return 0;
    if (rc != BOL_E_NOTFOUND)
        return bol_diag_fail(diag, rc, "id", "cannot read the work instructions");
    /* Not in the yard (or no such box): nothing to dig; the core says whether it may move. */
    rc = sv.view.container(sv.view.ctx, id, &c);
    if (rc == BOL_E_NOTFOUND || (rc == 0 && c.place.kind != BOL_PLACE_YARD)) {
        bol_diag_init(diag);
        return 0;
    }
    if (rc < 0)
        return bol_diag_fail(diag, rc, "id", "cannot read the container");
    rc = bol_ops_digout(s, id, NULL, &dg, diag);
    if (rc < 0)
        return rc;
    *why = json_pack("{s:o}", "digout", bol_digout_json(&dg));
    if (*why && dg.n > 0)
        steps = bol_digout_commands(&dg, prio);
    for (i = 0; steps && i < json_array_size(steps); i++)
        if (eq && json_object_set(json_array_get(steps, i), "equipment", eq) != 0)
            break;
    if (!*why || (dg.n > 0 && (!steps || i < dg.n || json_array_append(steps, *cmd) != 0)))
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "digout", "out of memory");
    bol_digout_release(&dg);
    if (rc < 0 || !steps) {
        json_decref(steps);
        return rc;
    }
    json_decref(*cmd);
    *cmd = steps;
    return 0;
}

int bol_ops_autoplan(struct bol_store *s, json_t **cmd, int64_t now_us, json_t **asked,
                     json_t **why, struct bol_diag *diag)
{
    json_t *dig;
    int rc;

    *asked = *why = NULL;
    if (!bol_ops_autoplan_wanted(*cmd))
        return 0;
    *asked = json_deep_copy(*cmd);
    if (!*asked)
        return bol_diag_fail(diag, BOL_E_NOMEM, "cmd", "out of memory");
    dig = json_incref(json_object_get(*cmd, "digout"));
    json_object_del(*cmd, "digout");
    if (dig && !json_is_boolean(dig))
        rc = bol_diag_fail(diag, BOL_E_INVAL, "digout", "digout is true or false");
    else if (dig && slot_wanted(*cmd))
        rc = bol_diag_fail(diag, BOL_E_INVAL, "digout",
                           "a dig-out goes before a load or gate-out; \"to\": \"auto\" is for "
                           "arrivals");
    else if (slot_wanted(*cmd))
        rc = choose_slot(s, *cmd, now_us, why, diag);
    else if (json_is_true(dig))
        rc = dig_out(s, cmd, why, diag);
    else
        rc = 0; /* "digout": false: the instruction as it is */
    json_decref(dig);
    if (rc < 0) {
        json_decref(*asked);
        json_decref(*why);
        *asked = *why = NULL;
    }
    return rc;
}
