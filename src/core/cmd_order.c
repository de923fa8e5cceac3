/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_order.c - the commands that record a visit's orders (order.h)
 *
 *   order.add      {visit, kind, sender, doc_no, box}: a line at the end of
 *                  the visit's list of that kind from that sender
 *   order.clear    {visit, kind, sender, doc_no, cancel}: the list emptied,
 *                  before a replacement (cancel false; an empty list is
 *                  fine) or as a cancellation (cancel true; there must be
 *                  a list to cancel)
 *   stowage.add    {visit, sender, rule}: a stowage rule at the end of the
 *                  visit's instructions
 *   stowage.clear  {visit, sender, doc_no}: the instructions emptied
 *
 * The visit must be defined; the events go to its terminal.  A box bollard
 * has no record of is still an order line (exports arrive later by road).
 */
#include "compat.h"

#include "cmd-int.h"
#include "domain.h"
#include "jsonv.h"
#include "order.h"
#include "view.h"

/* The visit the command names, and its terminal. */
static int order_visit(struct run *r, struct bol_visit *vis)
{
    struct bol_str s = { NULL, 0 };
    char id[BOL_VISIT_ID_MAX + 1];
    int rc = jv_text(r->cmd, "visit", BOL_VISIT_ID_MAX, true, &s, r->diag);

    if (rc < 0)
        return rc;
    snprintf(id, sizeof(id), "%.*s", (int) s.len, s.p);
    rc = r->v->visit(r->v->ctx, id, vis);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "visit", "no vessel visit %s", id);
    return rc;
}

static json_t *copy_keys(json_t *cmd, const char *const *keys)
{
    json_t *p = json_object();
    size_t i;

    for (i = 0; p && keys[i]; i++) {
        json_t *v = json_object_get(cmd, keys[i]);

        if (v && json_object_set(p, keys[i], v) != 0) {
            json_decref(p);
            return NULL;
        }
    }
    return p;
}

static int c_order_add(struct run *r)
{
    static const char *const keys[] = { "visit", "kind", "sender", "doc_no", "box", NULL };
    struct bol_visit vis;
    struct bol_str sender = { NULL, 0 };
    unsigned kind = 0, n = 0;
    char who[BOL_ORDER_SENDER_MAX + 1];
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = order_visit(r, &vis)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_order_kind_names, true, &kind, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "sender", BOL_ORDER_SENDER_MAX, true, &sender, r->diag)) < 0)
        return rc;
    snprintf(who, sizeof(who), "%.*s", (int) sender.len, sender.p);
    if ((rc = r->v->order_lines(r->v->ctx, vis.id, bol_order_kind_names[kind], who, &n)) < 0)
        return rc;
    if (n >= BOL_ORDER_LINES_MAX)
        return FAIL(r, BOL_E_TOOBIG, "box", "the %s list of %s from %s has %u lines already",
                    bol_order_kind_names[kind], vis.id, who, n);
    p = copy_keys(r->cmd, keys);
    if (p && jv_set_int(p, "n", (int64_t) n + 1) < 0) {
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, "order.added", vis.terminal, p);
}

static int c_order_clear(struct run *r)
{
    static const char *const keys[] = { "visit", "kind", "sender", "doc_no", "cancel", NULL };
    struct bol_visit vis;
    struct bol_str sender = { NULL, 0 };
    unsigned kind = 0, n = 0;
    bool cancel = false;
    char who[BOL_ORDER_SENDER_MAX + 1];
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = order_visit(r, &vis)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_order_kind_names, true, &kind, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "sender", BOL_ORDER_SENDER_MAX, true, &sender, r->diag)) < 0 ||
        (rc = jv_bool(r->cmd, "cancel", true, &cancel, r->diag)) < 0)
        return rc;
    snprintf(who, sizeof(who), "%.*s", (int) sender.len, sender.p);
    if ((rc = r->v->order_lines(r->v->ctx, vis.id, bol_order_kind_names[kind], who, &n)) < 0)
        return rc;
    if (cancel && n == 0)
        return FAIL(r, BOL_E_NOTFOUND, "cancel", "visit %s has no %s list from %s to cancel",
                    vis.id, bol_order_kind_names[kind], who);
    p = copy_keys(r->cmd, keys);
    if (p && jv_set_int(p, "lines", n) < 0) {
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, "order.cleared", vis.terminal, p);
}

static int c_stowage_add(struct run *r)
{
    static const char *const keys[] = { "visit", "sender", "rule", NULL };
    struct bol_visit vis;
    unsigned n = 0;
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = order_visit(r, &vis)) < 0 ||
        (rc = r->v->stowage_rules(r->v->ctx, vis.id, &n)) < 0)
        return rc;
    if (n >= BOL_ORDER_LINES_MAX)
        return FAIL(r, BOL_E_TOOBIG, "rule", "visit %s has %u stowage rules already", vis.id, n);
    p = copy_keys(r->cmd, keys);
    if (p && jv_set_int(p, "n", (int64_t) n + 1) < 0) {
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, "stowage.added", vis.terminal, p);
}

static int c_stowage_clear(struct run *r)
{
    static const char *const keys[] = { "visit", "sender", "doc_no", NULL };
    struct bol_visit vis;
    unsigned n = 0;
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = order_visit(r, &vis)) < 0 ||
        (rc = r->v->stowage_rules(r->v->ctx, vis.id, &n)) < 0)
        return rc;
    p = copy_keys(r->cmd, keys);
    if (p && jv_set_int(p, "rules", n) < 0) {
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, "stowage.cleared", vis.terminal, p);
}

int bol_c_order(struct run *r)
{
    const char *name = bol_cmd_name(r->cmd);

    if (!strcmp(name, "order.add"))
        return c_order_add(r);
    if (!strcmp(name, "order.clear"))
        return c_order_clear(r);
    if (!strcmp(name, "stowage.add"))
        return c_stowage_add(r);
    return c_stowage_clear(r);
}
