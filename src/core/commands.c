/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commands.c - every operation of the terminal, checked against current state
 *
 * Each command reads what it needs through the view, checks, and emits fat
 * events (ev_ref.c, ev_ops.c).  Moves of boxes all pass through move(), which
 * applies the rules of the place the box leaves and the place it goes to, so
 * a discharge, a work instruction's completion and a gate delivery are held
 * to the same physical invariants.
 */
#include "compat.h"

#include "buf.h"
#include "codec.h"
#include "cmd-int.h"
#include "commands.h"
#include "errors.h"
#include "events.h"
#include "jsonv.h"
#include "locode.h"
#include "mem.h"
#include "pii.h"
#include "rules.h"
#include "utctime.h"

enum move {
    MV_DISCHARGE = BOL_MV_DISCHARGE,
    MV_LOAD = BOL_MV_LOAD,
    MV_SHIFT = BOL_MV_SHIFT,
    MV_RELOCATE = BOL_MV_RELOCATE,
    MV_GATE_IN = BOL_MV_GATE_IN,
    MV_RECEIVE = BOL_MV_RECEIVE,
    MV_DELIVER = BOL_MV_DELIVER,
    MV_GATE_OUT = BOL_MV_GATE_OUT,
    MV_YARD_IN = BOL_MV_YARD_IN,
};

/* Copy text whose length was already checked against out's size. */
static void text_copy(struct bol_str s, char *out, size_t n)
{
    if (bol_str_copy(s, out, n) < 0)
        out[0] = '\0';
}

/* ---- emitting ---- */

int bol_cmd_emit(struct run *r, const char *type, const char *terminal, json_t *payload)
{
    struct bol_cmd_out *o = r->out;
    int rc;

    if (o->n == BOL_CMD_EVENTS_MAX) {
        json_decref(payload);
        return FAIL(r, BOL_E_INTERNAL, "cmd", "a command emitted too many events");
    }
    rc = bol_event_prepare_built(type, payload, &o->ev[o->n], r->diag);
    if (rc < 0)
        return rc;
    snprintf(o->terminal[o->n], sizeof(o->terminal[o->n]), "%s", terminal ? terminal : "");
    o->n++;
    return 0;
}

/* ---- reading fields and things ---- */

/* A container id as people type it: spaces and case forgiven, the check digit not (flagged boxes exist). */
static int id_arg(struct run *r, json_t *o, const char *key, struct bol_container_id *id)
{
    struct bol_str s = { NULL, 0 };
    int rc = jv_text(o, key, BOL_CONTAINER_ID_INPUT_MAX, true, &s, r->diag);

    if (rc < 0)
        return rc;
    if (bol_container_id_normalize(s, id, r->diag) < 0)
        return bol_diag_wrap(r->diag, BOL_E_INVAL, key);
    return 0;
}

static int get_container(struct run *r, json_t *o, const char *key, struct bol_container *c)
{
    struct bol_container_id id;
    int rc = id_arg(r, o, key, &id);

    if (rc < 0)
        return rc;
    rc = r->v->container(r->v->ctx, id.s, c);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, key, "no container %s", id.s);
    return rc;
}

static int get_visit(struct run *r, const char *field, const char *id, struct bol_visit *out)
{
    int rc = r->v->visit(r->v->ctx, id, out);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, field, "no vessel visit %s", id);
    return rc;
}

static int get_vessel(struct run *r, const char *field, const char *imo, struct bol_vessel *out)
{
    int rc = r->v->vessel(r->v->ctx, imo, out);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, field, "no vessel with IMO number %s", imo);
    return rc;
}

/*
 * A truck visit or work instruction: its number, or the client's reference
 * given when it was created (a gate appointment, a plan's line).
 */
static int id_or_ref(struct run *r, json_t *o, const char *key, bool wi, uint64_t *ret)
{
    json_t *v = json_object_get(o, key);
    const char *what = wi ? "work instruction" : "truck visit";
    int64_t id = 0;
    int rc;

    if (json_is_string(v)) {
        rc = wi ? r->v->wi_ref(r->v->ctx, json_string_value(v), ret)
                : r->v->truck_ref(r->v->ctx, json_string_value(v), ret);
        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, key, "no open %s with reference '%.40s'", what,
                        json_string_value(v));
        return rc;
    }
    rc = jv_int(o, key, 1, INT64_MAX, true, &id, r->diag);
    if (rc == BOL_E_INVAL && v && !json_is_integer(v))
        return FAIL(r, BOL_E_INVAL, key, "'%s' is a %s number or reference", key, what);
    *ret = (uint64_t) id;
    return rc;
}

static int get_truck(struct run *r, json_t *o, const char *key, struct bol_truck_visit *t)
{
    uint64_t id = 0;
    int rc = id_or_ref(r, o, key, false, &id);

    if (rc < 0)
        return rc;
    rc = r->v->truck(r->v->ctx, id, t);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, key, "no truck visit %" PRIu64, id);
    if (rc == 0 && t->departed)
        return FAIL(r, BOL_E_STATE, key, "truck visit %" PRIu64 " has left the terminal", id);
    return rc;
}

static int get_wi(struct run *r, json_t *o, struct bol_wi *w)
{
    uint64_t id = 0;
    int rc = id_or_ref(r, o, "wi", true, &id);

    if (rc < 0)
        return rc;
    rc = r->v->wi(r->v->ctx, id, w);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "wi", "no work instruction %" PRIu64, id);
    return rc;
}

/* An optional new reference: well formed and not naming another open one. */
static int new_ref(struct run *r, bool wi, struct bol_str *ref)
{
    uint64_t other = 0;
    char buf[BOL_REF_MAX + 1];
    size_t i;
    int rc = jv_text(r->cmd, "ref", BOL_REF_MAX, false, ref, r->diag);

    if (rc < 0 || !ref->p)
        return rc;
    for (i = 0; i < ref->len; i++) {
        char c = ref->p[i];

        if (!bol_is_alpha(c) && !bol_is_digit(c) && !strchr("-_./:", c))
            return FAIL(r, BOL_E_INVAL, "ref", "'ref' may contain letters, digits and - _ . / :");
    }
    text_copy(*ref, buf, sizeof(buf));
    rc = wi ? r->v->wi_ref(r->v->ctx, buf, &other) : r->v->truck_ref(r->v->ctx, buf, &other);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "ref", "reference '%s' is in use by open %s %" PRIu64, buf,
                    wi ? "work instruction" : "truck visit", other);
    return rc == BOL_E_NOTFOUND ? 0 : rc;
}

static int need(struct run *r, enum bol_view_thing what, const char *field, const char *a,
                const char *b)
{
    static const char *const names[] = { "terminal", "shipping line", "berth" };
    int rc = r->v->exists(r->v->ctx, what, a, b);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, field, "no %s %s%s%s", names[what], a, b ? "/" : "",
                    b ? b : "");
    return rc;
}

static bool visit_open(const struct bol_visit *v)
{
    return v->phase < BOL_PHASE_DEPARTED;
}

/* Is the box in the terminal (or on a vessel still alongside or expected)? */
static int in_terminal(struct run *r, const struct bol_container *c, bool *ret)
{
    struct bol_visit vis;
    int rc;

    switch (c->place.kind) {
    case BOL_PLACE_YARD:
    case BOL_PLACE_QUAY:
    case BOL_PLACE_TRUCK:
        *ret = true;
        return 0;
    case BOL_PLACE_VESSEL:
        rc = r->v->visit(r->v->ctx, c->place.visit, &vis);
        if (rc == BOL_E_NOTFOUND) {
            *ret = false;
            return 0;
        }
        *ret = rc == 0 && visit_open(&vis);
        return rc;
    default:
        *ret = false;
        return 0;
    }
}

/* The terminal a box in the terminal is at. */
static int place_terminal(struct run *r, const struct bol_place *p,
                          char out[BOL_TERMINAL_CODE_MAX + 1])
{
    struct bol_visit vis;
    struct bol_truck_visit t;
    int rc = 0;

    out[0] = '\0';
    switch (p->kind) {
    case BOL_PLACE_YARD:
        memcpy(out, p->yard.terminal, BOL_TERMINAL_CODE_MAX + 1);
        break;
    case BOL_PLACE_VESSEL:
    case BOL_PLACE_QUAY:
        rc = r->v->visit(r->v->ctx, p->visit, &vis);
        if (rc == 0)
            memcpy(out, vis.terminal, BOL_TERMINAL_CODE_MAX + 1);
        break;
    case BOL_PLACE_TRUCK:
        rc = r->v->truck(r->v->ctx, p->truck, &t);
        if (rc == 0)
            memcpy(out, t.terminal, BOL_TERMINAL_CODE_MAX + 1);
        break;
    default:
        break;
    }
    return rc == BOL_E_NOTFOUND ? 0 : rc;
}

static int no_open_wi(struct run *r, const struct bol_container *c, uint64_t except)
{
    uint64_t id = 0;
    int rc = r->v->open_wi(r->v->ctx, c->id.s, &id);

    if (rc == BOL_E_NOTFOUND || (rc == 0 && id == except))
        return 0;
    if (rc < 0)
        return rc;
    return FAIL(r, BOL_E_CONFLICT, "id",
                "work instruction %" PRIu64 " is open for %s: complete or cancel it first", id,
                c->id.s);
}

static int no_holds(struct run *r, const struct bol_container *c, const char *doing)
{
    unsigned mask = 0, k;
    int rc = r->v->holds(r->v->ctx, c->id.s, &mask);

    if (rc < 0)
        return rc;
    for (k = 0; k < BOL_HOLD_KINDS; k++) {
        if (mask & (1u << k))
            return FAIL(r, BOL_E_STATE, "id", "%s is under a %s hold: no %s until it is lifted",
                        c->id.s, bol_hold_kind_names[k], doing);
    }
    return 0;
}

static int place_json(const struct bol_place *p, json_t **ret)
{
    return bol_place_to_json(p, ret);
}

/* ---- moving a box: the one path every move takes ---- */

static int truck_room(struct run *r, const struct bol_container *c, uint64_t truck)
{
    struct bol_container_id on[4];
    unsigned n = 0, i, feet = bol_container_length_class(c);
    int rc = r->v->on_truck(r->v->ctx, truck, on, 4, &n);

    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++) {
        struct bol_container other;

        if (!strcmp(on[i].s, c->id.s))
            continue;
        rc = r->v->container(r->v->ctx, on[i].s, &other);
        if (rc < 0)
            return rc;
        feet += bol_container_length_class(&other);
    }
    if (feet > 40)
        return FAIL(r, BOL_E_CONFLICT, "truck",
                    "truck visit %" PRIu64 " has no room for %s (a chassis takes 40 ft)", truck,
                    c->id.s);
    return 0;
}

static int deliverable(struct run *r, const struct bol_container *c)
{
    bool released = false;
    int rc;

    if (c->category == BOL_CAT_EXPORT || c->category == BOL_CAT_TRANSSHIPMENT ||
        c->category == BOL_CAT_THROUGH)
        return FAIL(r, BOL_E_STATE, "id",
                    "%s is %s cargo, loaded to a vessel, not delivered by road (correct its "
                    "category first)",
                    c->id.s, bol_category_names[c->category]);
    if ((rc = no_holds(r, c, "delivery")) < 0)
        return rc;
    rc = r->v->released(r->v->ctx, c->id.s, &released);
    if (rc < 0)
        return rc;
    if (!released && !json_object_get(r->cmd, "release")) /* gate.deliver checked it */
        return FAIL(r, BOL_E_STATE, "id", "%s has no delivery release", c->id.s);
    return 0;
}

/* Where a box may be loaded: the visit is alongside, its vessel known. */
static int open_visit(struct run *r, const char *field, const char *id, struct bol_visit *vis,
                      struct bol_vessel *ves)
{
    int rc = get_visit(r, field, id, vis);

    if (rc < 0 || (rc = get_vessel(r, field, vis->imo, ves)) < 0)
        return rc;
    if (vis->phase != BOL_PHASE_ARRIVED && vis->phase != BOL_PHASE_WORKING)
        return FAIL(r, BOL_E_STATE, field,
                    "vessel visit %s is %s: boxes move only while it is "
                    "arrived or working",
                    id, bol_phase_names[vis->phase]);
    return 0;
}

static int move(struct run *r, const struct bol_container *c, const struct bol_place *to,
                enum move m, uint64_t wi)
{
    const struct bol_place *from = &c->place;
    struct bol_visit vis;
    struct bol_vessel ves;
    struct bol_truck_visit truck;
    char term_from[BOL_TERMINAL_CODE_MAX + 1], term_to[BOL_TERMINAL_CODE_MAX + 1];
    json_t *p, *jf = NULL, *jt = NULL;
    int64_t reported = 0;
    char rt[BOL_TIME_TEXT_MAX];
    int rc;

    /* A move a partner's system reported (EDI) carries the time it gave. */
    if ((rc = jv_time(r->cmd, "reported_at", false, &reported, r->diag)) < 0)
        return rc;

    /* Leaving. */
    if ((rc = place_terminal(r, from, term_from)) < 0)
        return rc;
    switch (from->kind) {
    case BOL_PLACE_YARD:
        rc = bol_rules_yard_take(r->v, c, r->diag);
        break;
    case BOL_PLACE_VESSEL:
        if ((rc = open_visit(r, "id", from->visit, &vis, &ves)) == 0)
            rc = bol_rules_vessel_take(r->v, c, &ves, r->diag);
        break;
    default:
        break;
    }
    if (rc < 0)
        return rc;

    /* Arriving. */
    switch (to->kind) {
    case BOL_PLACE_YARD:
        memcpy(term_to, to->yard.terminal, sizeof(term_to));
        rc = bol_rules_yard_put(r->v, c, &to->yard, r->diag);
        break;
    case BOL_PLACE_VESSEL:
        if ((rc = open_visit(r, "to", to->visit, &vis, &ves)) < 0 ||
            (rc = no_holds(r, c, "loading")) < 0)
            return rc;
        memcpy(term_to, vis.terminal, sizeof(term_to));
        rc = bol_rules_vessel_put(r->v, c, &vis, &ves, &to->cell, r->diag);
        break;
    case BOL_PLACE_QUAY:
        if (from->kind != BOL_PLACE_VESSEL || strcmp(from->visit, to->visit) != 0)
            return FAIL(r, BOL_E_INVAL, "to", "only a box discharged from %s lands on its quay",
                        to->visit);
        memcpy(term_to, term_from, sizeof(term_to));
        break;
    case BOL_PLACE_TRUCK:
        rc = r->v->truck(r->v->ctx, to->truck, &truck);
        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, "truck", "no truck visit %" PRIu64, to->truck);
        if (rc == 0 && truck.departed)
            return FAIL(r, BOL_E_STATE, "truck", "truck visit %" PRIu64 " has left", to->truck);
        if (rc < 0 || (rc = truck_room(r, c, to->truck)) < 0)
            return rc;
        memcpy(term_to, truck.terminal, sizeof(term_to));
        if (m == MV_DELIVER)
            rc = deliverable(r, c);
        break;
    case BOL_PLACE_GONE:
        if (from->kind != BOL_PLACE_TRUCK)
            return FAIL(r, BOL_E_INTERNAL, "to", "boxes leave by truck or by vessel");
        term_to[0] = '\0';
        break;
    default:
        return FAIL(r, BOL_E_INVAL, "to", "a box cannot be moved there");
    }
    if (rc < 0)
        return rc;
    if (from->kind != BOL_PLACE_NONE && from->kind != BOL_PLACE_GONE &&
        to->kind != BOL_PLACE_GONE && term_from[0] && strcmp(term_from, term_to) != 0)
        return FAIL(r, BOL_E_INVAL, "to",
                    "%s is at terminal %s; moves between terminals go by truck or vessel", c->id.s,
                    term_from);

    if ((rc = place_json(from, &jf)) < 0 || (rc = place_json(to, &jt)) < 0) {
        json_decref(jf);
        return FAIL(r, rc, "to", "out of memory");
    }
    p = json_pack("{s:s, s:o, s:o, s:I, s:s}", "id", c->id.s, "from", jf, "to", jt, "length",
                  (json_int_t) bol_container_length_class(c), "move", bol_move_names[m]);
    if (p && wi && jv_set_int(p, "wi", (int64_t) wi) < 0) {
        json_decref(p);
        p = NULL;
    }
    if (p && reported &&
        (!bol_time_format(reported, 0, reported % BOL_US_PER_SEC ? 6 : 0, rt) ||
         json_object_set_new(p, "reported_at", json_string(rt)) != 0)) {
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, "container.moved", to->kind == BOL_PLACE_GONE ? term_from : term_to, p);
}

/* A command's destination: a yard slot text, or a place object. */
static int dest_arg(struct run *r, json_t *o, const char *key, struct bol_place *out)
{
    json_t *v = json_object_get(o, key), *copy;
    uint64_t id = 0;
    int rc;

    if (!v)
        return FAIL(r, BOL_E_INVAL, key, "'%s' is required", key);
    /* A truck may be named by its visit's reference. */
    if (json_is_object(v) && json_is_string(json_object_get(v, "truck"))) {
        if ((rc = id_or_ref(r, v, "truck", false, &id)) < 0)
            return rc;
        copy = json_copy(v);
        if (!copy || jv_set_int(copy, "truck", (int64_t) id) < 0) {
            json_decref(copy);
            return FAIL(r, BOL_E_NOMEM, key, "out of memory");
        }
        rc = bol_place_from_json(copy, key, out, r->diag);
        json_decref(copy);
        return rc;
    }
    return bol_place_from_json(v, key, out, r->diag);
}

/* ---- reference data ---- */

int bol_cmd_keys(struct run *r, const char *const *keys)
{
    const char *k;
    json_t *v;

    json_object_foreach(r->cmd, k, v)
    {
        size_t i;
        bool known = !strcmp(k, "cmd");

        (void) v;
        for (i = 0; keys[i] && !known; i++)
            known = !strcmp(k, keys[i]);
        if (!known)
            return FAIL(r, BOL_E_INVAL, k, "unknown field '%.40s'", k);
    }
    return 0;
}

/* The command's fields without "cmd", as a new object. */
static json_t *fields(json_t *cmd)
{
    json_t *o = json_deep_copy(cmd);

    if (o)
        json_object_del(o, "cmd");
    return o;
}

static int c_terminal_define(struct run *r)
{
    json_t *p = fields(r->cmd);
    const char *code = json_string_value(json_object_get(r->cmd, "code"));
    char term[BOL_TERMINAL_CODE_MAX + 1] = "";

    if (code)
        snprintf(term, sizeof(term), "%s", code);
    return bol_cmd_emit(r, "terminal.defined", term, p);
}

static int c_line_define(struct run *r)
{
    return bol_cmd_emit(r, "line.defined", "", fields(r->cmd));
}

static int c_berth_define(struct run *r)
{
    struct bol_berth b;
    json_t *p = fields(r->cmd), *canon = NULL;
    int rc;

    rc = bol_berth_from_json(p, &b, r->diag);
    json_decref(p);
    if (rc < 0 || (rc = need(r, BOL_THING_TERMINAL, "terminal", b.terminal, NULL)) < 0 ||
        (rc = bol_berth_to_json(&b, &canon)) < 0)
        return rc;
    return bol_cmd_emit(r, "berth.defined", b.terminal, canon);
}

static int c_block_define(struct run *r)
{
    struct bol_block b;
    json_t *p = fields(r->cmd), *canon = NULL;
    unsigned boxes = 0;
    uint16_t bay = 0;
    uint8_t row = 0, tier = 0;
    int rc;

    rc = bol_block_from_json(p, &b, r->diag);
    json_decref(p);
    if (rc < 0 || (rc = need(r, BOL_THING_TERMINAL, "terminal", b.terminal, NULL)) < 0)
        return rc;
    rc = r->v->block_extent(r->v->ctx, b.terminal, b.code, &boxes, &bay, &row, &tier);
    if (rc < 0)
        return rc;
    if (boxes && (bay > 2 * b.bays - 1 || row > b.rows || tier > b.tiers))
        return FAIL(r, BOL_E_CONFLICT, "bays",
                    "block %s/%s holds boxes out to bay %u, row %u, tier %u: it cannot shrink "
                    "below them",
                    b.terminal, b.code, bay, row, tier);
    if ((rc = bol_block_to_json(&b, &canon)) < 0)
        return rc;
    return bol_cmd_emit(r, "block.defined", b.terminal, canon);
}

static int c_equipment_define(struct run *r)
{
    struct bol_equipment e;
    json_t *p = fields(r->cmd), *canon = NULL;
    int rc;

    rc = bol_equipment_from_json(p, &e, r->diag);
    json_decref(p);
    if (rc < 0 || (rc = need(r, BOL_THING_TERMINAL, "terminal", e.terminal, NULL)) < 0 ||
        (rc = bol_equipment_to_json(&e, &canon)) < 0)
        return rc;
    return bol_cmd_emit(r, "equipment.defined", e.terminal, canon);
}

static int c_vessel_define(struct run *r)
{
    struct bol_vessel v;
    json_t *p = fields(r->cmd), *canon = NULL;
    int rc;

    rc = bol_vessel_from_json(p, &v, r->diag);
    json_decref(p);
    if (rc < 0)
        return rc;
    if (v.operator_[0] && (rc = need(r, BOL_THING_LINE, "operator", v.operator_, NULL)) < 0)
        return rc;
    if ((rc = bol_vessel_to_json(&v, &canon)) < 0)
        return rc;
    return bol_cmd_emit(r, "vessel.defined", "", canon);
}

/* Fill the actual time a phase implies when it is not given. */
static void phase_times(struct bol_visit *v, int64_t now)
{
    if (v->phase >= BOL_PHASE_ARRIVED && !v->ata)
        v->ata = now;
    if (v->phase >= BOL_PHASE_WORKING && !v->atb)
        v->atb = v->ata > now ? v->ata : now;
    if (v->phase >= BOL_PHASE_DEPARTED && !v->atd)
        v->atd = now;
}

static int visit_emit(struct run *r, struct bol_visit *v, const struct bol_visit *old)
{
    json_t *canon = NULL;
    int rc;

    if (old) {
        if (strcmp(old->terminal, v->terminal) != 0 || strcmp(old->imo, v->imo) != 0)
            return FAIL(r, BOL_E_INVAL, strcmp(old->imo, v->imo) ? "imo" : "terminal",
                        "visit %s is at %s with vessel %s; make a new visit for another", v->id,
                        old->terminal, old->imo);
        if (v->phase < old->phase)
            return FAIL(r, BOL_E_STATE, "phase", "visit %s is %s; it cannot go back to %s", v->id,
                        bol_phase_names[old->phase], bol_phase_names[v->phase]);
    }
    if (v->phase == BOL_PHASE_DEPARTED && (!old || old->phase != BOL_PHASE_DEPARTED)) {
        unsigned wis = 0, quay = 0;

        rc = r->v->visit_busy(r->v->ctx, v->id, &wis, &quay);
        if (rc < 0)
            return rc;
        if (wis || quay)
            return FAIL(r, BOL_E_STATE, "phase",
                        "visit %s still has %u open work instructions and %u boxes on the quay",
                        v->id, wis, quay);
    }
    phase_times(v, r->now);
    if ((rc = bol_visit_to_json(v, &canon)) < 0)
        return rc;
    return bol_cmd_emit(r, "visit.defined", v->terminal, canon);
}

static int c_visit_define(struct run *r)
{
    struct bol_visit v, old;
    struct bol_vessel ves;
    json_t *p = fields(r->cmd);
    int rc;

    rc = bol_visit_from_json(p, &v, r->diag);
    json_decref(p);
    if (rc < 0 || (rc = need(r, BOL_THING_TERMINAL, "terminal", v.terminal, NULL)) < 0 ||
        (rc = get_vessel(r, "imo", v.imo, &ves)) < 0)
        return rc;
    if (v.line[0] && (rc = need(r, BOL_THING_LINE, "line", v.line, NULL)) < 0)
        return rc;
    if (v.berth[0] && (rc = need(r, BOL_THING_BERTH, "berth", v.terminal, v.berth)) < 0)
        return rc;
    rc = r->v->visit(r->v->ctx, v.id, &old);
    if (rc < 0 && rc != BOL_E_NOTFOUND)
        return rc;
    return visit_emit(r, &v, rc == 0 ? &old : NULL);
}

static int c_visit_advance(struct run *r)
{
    static const char *const keys[] = { "visit", "phase", "at", NULL };
    struct bol_visit v, old;
    struct bol_str id = { NULL, 0 };
    unsigned phase = 0;
    int64_t at = 0;
    char vid[BOL_VISIT_ID_MAX + 1];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "visit", BOL_VISIT_ID_MAX, true, &id, r->diag)) < 0 ||
        (rc = jv_enum(r->cmd, "phase", bol_phase_names, true, &phase, r->diag)) < 0 ||
        (rc = jv_time(r->cmd, "at", false, &at, r->diag)) < 0)
        return rc;
    text_copy(id, vid, sizeof(vid));
    if ((rc = get_visit(r, "visit", vid, &old)) < 0)
        return rc;
    v = old;
    if (phase <= (unsigned) old.phase)
        return FAIL(r, BOL_E_STATE, "phase", "visit %s is already %s", vid,
                    bol_phase_names[old.phase]);
    v.phase = (enum bol_visit_phase) phase;
    if (at) {
        if (phase == BOL_PHASE_ARRIVED)
            v.ata = at;
        else if (phase == BOL_PHASE_WORKING)
            v.atb = at;
        else if (phase == BOL_PHASE_DEPARTED)
            v.atd = at;
    }
    return visit_emit(r, &v, &old);
}

/* ---- container master data ---- */

/* Emit container.registered for c, on a vessel cell when at is a vessel place. */
static int register_box(struct run *r, const struct bol_container *box, const struct bol_place *at,
                        const char *terminal, struct bol_str reason)
{
    struct bol_container with = *box, *c = &with;
    json_t *jc = NULL, *p, *ja = NULL, *vgm = NULL;
    const char *vgm_type = NULL;
    int rc = bol_c_vgm_take(r, c, &vgm_type, &vgm); /* a VGM declared before the box was known */

    if (rc < 0)
        return rc;
    rc = bol_container_to_json(c, &jc);
    if (rc < 0) {
        json_decref(vgm);
        return FAIL(r, rc, "container", "out of memory");
    }
    p = json_pack("{s:o}", "container", jc);
    if (p && at && (at->kind == BOL_PLACE_VESSEL || at->kind == BOL_PLACE_YARD)) {
        if (place_json(at, &ja) < 0 || jv_set(p, "at", ja) < 0) {
            json_decref(p);
            p = NULL;
        }
    }
    if (p && reason.len && jv_set_strn(p, "reason", reason) < 0) {
        json_decref(p);
        p = NULL;
    }
    rc = bol_cmd_emit(r, "container.registered", terminal, p);
    if (rc < 0 || !vgm) {
        json_decref(vgm);
        return rc;
    }
    return bol_cmd_emit(r, vgm_type, "", vgm);
}

/* May c be registered (again)?  Not while it is in the terminal. */
static int may_register(struct run *r, const char *id)
{
    struct bol_container old;
    char where[BOL_PLACE_TEXT_MAX];
    bool inside = false;
    int rc = r->v->container(r->v->ctx, id, &old);

    if (rc == BOL_E_NOTFOUND)
        return 0;
    if (rc < 0 || (rc = in_terminal(r, &old, &inside)) < 0)
        return rc;
    if (inside) {
        bol_place_format(&old.place, where);
        return FAIL(r, BOL_E_CONFLICT, "id", "%s is already in the terminal (%s)", id, where);
    }
    return 0;
}

/* A box registered on a vessel: the visit is expected or alongside, the cell free and fitting. */
static int check_on_board(struct run *r, const struct bol_container *c, const struct bol_place *at,
                          struct bol_visit *vis)
{
    struct bol_vessel ves;
    struct bol_view_box box[BOL_VIEW_STACK_MAX];
    uint16_t bays[2];
    unsigned n = 1, i, k, len = bol_container_length_class(c);
    const struct bol_cell_frame *f;
    int rc;

    if ((rc = get_visit(r, "at", at->visit, vis)) < 0 ||
        (rc = get_vessel(r, "at", vis->imo, &ves)) < 0)
        return rc;
    if (!visit_open(vis))
        return FAIL(r, BOL_E_STATE, "at", "vessel visit %s has departed", at->visit);
    f = &ves.profile.frame;
    if (bol_cell_check(&at->cell, f, r->diag) < 0)
        return bol_diag_wrap(r->diag, BOL_E_INVAL, "at");
    if ((len == 20) != bol_cell_bay_is_20ft(at->cell.bay))
        return FAIL(r, BOL_E_INVAL, "at", "a %u ft box does not fit bay %u", len, at->cell.bay);
    bays[0] = at->cell.bay;
    if (len == 40) {
        if (bol_cell_bays_20ft(at->cell.bay, &bays[0], &bays[1]) < 0 || bays[1] > f->max_bay)
            return FAIL(r, BOL_E_INVAL, "at", "bay %u has no 20 ft bays under it", at->cell.bay);
        n = 2;
    }
    for (i = 0; i < n; i++) {
        bool deck = bol_cell_on_deck(&at->cell, f->deck_tier_min);
        unsigned nb = 0;

        rc = r->v->vessel_stack(r->v->ctx, at->visit, bays[i], at->cell.row, deck, f->deck_tier_min,
                                box, BOL_VIEW_STACK_MAX, &nb);
        if (rc < 0)
            return rc;
        for (k = 0; k < nb; k++) {
            if (box[k].tier == at->cell.tier && strcmp(box[k].id.s, c->id.s) != 0)
                return FAIL(r, BOL_E_CONFLICT, "at", "cell %07u of %s holds %s",
                            (unsigned) at->cell.bay * 10000u + at->cell.row * 100u + at->cell.tier,
                            at->visit, box[k].id.s);
        }
    }
    return 0;
}

/*
 * A box is registered nowhere (it will come by road), on board an arriving
 * vessel (a bay plan), or into a yard slot with a reason: the stock taken on
 * at go-live, or a box a yard audit found.  The yard rules apply as to any
 * box put there.
 */
static int c_container_register(struct run *r)
{
    static const char *const keys[] = { "container", "at", "reason", NULL };
    struct bol_container c;
    struct bol_place at;
    struct bol_visit vis;
    struct bol_str reason = { NULL, 0 };
    json_t *jc = NULL, *ja;
    int rc;

    memset(&at, 0, sizeof(at));
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_object(r->cmd, "container", true, &jc, r->diag)) < 0 ||
        (rc = bol_container_from_json(jc, &c, r->diag)) < 0)
        return rc;
    if (!bol_container_length_class(&c))
        return FAIL(r, BOL_E_INVAL, "sizetype", "size-type %s is neither 20 nor 40 ft long",
                    c.sizetype);
    if (c.line[0] && (rc = need(r, BOL_THING_LINE, "line", c.line, NULL)) < 0)
        return rc;
    if ((rc = may_register(r, c.id.s)) < 0)
        return rc;
    ja = json_object_get(r->cmd, "at");
    if (ja && (rc = bol_place_from_json(ja, "at", &at, r->diag)) < 0)
        return rc;
    if ((rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, at.kind == BOL_PLACE_YARD, &reason,
                      r->diag)) < 0)
        return rc;
    if (!ja)
        return register_box(r, &c, NULL, "", reason);
    if (at.kind == BOL_PLACE_YARD) {
        if ((rc = need(r, BOL_THING_TERMINAL, "at", at.yard.terminal, NULL)) < 0)
            return rc;
        memset(&c.place, 0, sizeof(c.place));
        if ((rc = bol_rules_yard_put(r->v, &c, &at.yard, r->diag)) < 0) {
            /* The rules name the slot "to"; here it is "at". */
            if (r->diag && !strcmp(r->diag->field, "to"))
                memcpy(r->diag->field, "at", 3);
            return rc;
        }
        return register_box(r, &c, &at, at.yard.terminal, reason);
    }
    if (at.kind != BOL_PLACE_VESSEL)
        return FAIL(r, BOL_E_INVAL, "at",
                    "a box is registered on board an arriving vessel, into a yard slot, or "
                    "nowhere (then it comes by road)");
    if ((rc = check_on_board(r, &c, &at, &vis)) < 0)
        return rc;
    return register_box(r, &c, &at, vis.terminal, reason);
}

static int c_container_correct(struct run *r)
{
    static const char *const keys[] = { "id", "reason", "set", NULL };
    struct bol_container c, n;
    struct bol_str reason = { NULL, 0 };
    json_t *set = NULL, *cur = NULL, *again = NULL, *was = NULL, *p, *v;
    const char *k;
    char term[BOL_TERMINAL_CODE_MAX + 1];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, true, &reason, r->diag)) < 0 ||
        (rc = jv_object(r->cmd, "set", true, &set, r->diag)) < 0)
        return rc;
    if (!json_object_size(set))
        return FAIL(r, BOL_E_INVAL, "set", "'set' names the fields to correct");
    if ((rc = bol_container_to_json(&c, &cur)) < 0)
        return FAIL(r, rc, "set", "out of memory");
    was = json_object();
    json_object_foreach(set, k, v)
    {
        size_t i;
        bool known = false;
        json_t *old = json_object_get(cur, k);

        for (i = 0; bol_container_keys[i] && !known; i++)
            known = !strcmp(k, bol_container_keys[i]);
        if (!known || !strcmp(k, "id")) {
            rc = FAIL(r, BOL_E_INVAL, k,
                      !strcmp(k, "id") ? "a container's id is not corrected: it is another box"
                                       : "unknown field '%.40s'",
                      k);
            goto out;
        }
        if (!was || json_object_set(was, k, old ? old : json_null()) != 0) {
            rc = FAIL(r, BOL_E_NOMEM, "set", "out of memory");
            goto out;
        }
        if (json_is_null(v))
            json_object_del(cur, k); /* absent already is fine */
        else if (json_object_set(cur, k, v) != 0) {
            rc = FAIL(r, BOL_E_NOMEM, "set", "out of memory");
            goto out;
        }
    }
    if ((rc = bol_container_from_json(cur, &n, r->diag)) < 0)
        goto out;
    n.place = c.place;
    if ((rc = bol_container_to_json(&n, &again)) < 0)
        goto out;
    json_decref(cur);
    cur = NULL;
    if ((rc = bol_container_to_json(&c, &cur)) < 0)
        goto out;
    if (json_equal(cur, again)) {
        rc = FAIL(r, BOL_E_INVAL, "set", "nothing would change");
        goto out;
    }
    if (bol_container_length_class(&n) != bol_container_length_class(&c) &&
        (c.place.kind == BOL_PLACE_YARD || c.place.kind == BOL_PLACE_VESSEL)) {
        rc = FAIL(r, BOL_E_CONFLICT, "set",
                  "%s sits in a slot as a %u ft box; move it before correcting its length", c.id.s,
                  bol_container_length_class(&c));
        goto out;
    }
    if (n.line[0] && strcmp(n.line, c.line) != 0 &&
        (rc = need(r, BOL_THING_LINE, "line", n.line, NULL)) < 0)
        goto out;
    if ((rc = place_terminal(r, &c.place, term)) < 0)
        goto out;
    p = json_pack("{s:O, s:s%, s:O}", "container", again, "reason", reason.p, reason.len, "was",
                  was);
    rc = bol_cmd_emit(r, "container.corrected", term, p);
out:
    json_decref(cur);
    json_decref(again);
    json_decref(was);
    return rc;
}

/* ---- moves ---- */

static int c_discharge(struct run *r)
{
    static const char *const keys[] = { "id", "to", "reported_at", NULL };
    struct bol_container c;
    struct bol_place to;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0)
        return rc;
    if (c.place.kind != BOL_PLACE_VESSEL)
        return FAIL(r, BOL_E_STATE, "id", "%s is not on a vessel", c.id.s);
    if (json_object_get(r->cmd, "to")) {
        if ((rc = dest_arg(r, r->cmd, "to", &to)) < 0)
            return rc;
        if (to.kind != BOL_PLACE_YARD && to.kind != BOL_PLACE_QUAY)
            return FAIL(r, BOL_E_INVAL, "to", "a box is discharged to the quay or a yard slot");
    } else {
        memset(&to, 0, sizeof(to));
        to.kind = BOL_PLACE_QUAY;
        memcpy(to.visit, c.place.visit, sizeof(to.visit));
    }
    if ((rc = no_open_wi(r, &c, 0)) < 0)
        return rc;
    return move(r, &c, &to, MV_DISCHARGE, 0);
}

static int c_load(struct run *r)
{
    static const char *const keys[] = { "id", "visit", "cell", "reported_at", NULL };
    struct bol_container c;
    struct bol_place to;
    struct bol_str visit = { NULL, 0 }, cell = { NULL, 0 };
    int rc;

    memset(&to, 0, sizeof(to));
    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = jv_text(r->cmd, "visit", BOL_VISIT_ID_MAX, true, &visit, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "cell", 8, true, &cell, r->diag)) < 0)
        return rc;
    if (bol_cell_parse(cell, &to.cell, r->diag) < 0)
        return bol_diag_wrap(r->diag, BOL_E_INVAL, "cell");
    to.kind = BOL_PLACE_VESSEL;
    text_copy(visit, to.visit, sizeof(to.visit));
    if (c.place.kind != BOL_PLACE_YARD && c.place.kind != BOL_PLACE_QUAY)
        return FAIL(r, BOL_E_STATE, "id", "%s is loaded from the yard or the quay", c.id.s);
    if ((rc = no_open_wi(r, &c, 0)) < 0 ||
        (rc = bol_cmd_cell_open(r, to.visit, &to.cell, bol_container_length_class(&c), "cell")) < 0)
        return rc;
    return move(r, &c, &to, MV_LOAD, 0);
}

/* yard.put (from quay or truck), shift and relocate (yard to yard). */
static int c_yard_move(struct run *r, enum move m)
{
    static const char *const keys[] = { "id", "to", NULL };
    struct bol_container c;
    struct bol_place to;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = dest_arg(r, r->cmd, "to", &to)) < 0)
        return rc;
    if (to.kind != BOL_PLACE_YARD)
        return FAIL(r, BOL_E_INVAL, "to", "'to' must be a yard slot");
    if (m == MV_YARD_IN) {
        if (c.place.kind == BOL_PLACE_TRUCK)
            m = MV_RECEIVE;
        else if (c.place.kind != BOL_PLACE_QUAY)
            return FAIL(r, BOL_E_STATE, "id", "%s is put into the yard from the quay or a truck",
                        c.id.s);
    } else if (c.place.kind != BOL_PLACE_YARD) {
        return FAIL(r, BOL_E_STATE, "id", "%s is not in the yard", c.id.s);
    }
    if ((rc = no_open_wi(r, &c, 0)) < 0)
        return rc;
    return move(r, &c, &to, m, 0);
}

static int c_yard_put(struct run *r)
{
    return c_yard_move(r, MV_YARD_IN);
}

static int c_shift(struct run *r)
{
    return c_yard_move(r, MV_SHIFT);
}

static int c_relocate(struct run *r)
{
    return c_yard_move(r, MV_RELOCATE);
}

/* ---- gate and trucks ---- */

static int c_truck_arrive(struct run *r)
{
    static const char *const keys[] = { "terminal", "person", "driver", "plate",
                                        "company",  "ref",    NULL };
    struct bol_str term = { NULL, 0 }, person = { NULL, 0 }, driver = { NULL, 0 },
                   plate = { NULL, 0 }, company = { NULL, 0 }, ref = { NULL, 0 };
    struct bol_buf sd = BOL_BUF_INIT(4 * BOL_PII_VALUE_MAX),
                   sp = BOL_BUF_INIT(4 * BOL_PII_VALUE_MAX);
    char tc[BOL_TERMINAL_CODE_MAX + 1];
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "terminal", BOL_TERMINAL_CODE_MAX, true, &term, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "person", BOL_PII_PERSON_MAX, true, &person, r->diag)) < 0 ||
        (rc = bol_pii_check_person(person, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "driver", 200, true, &driver, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "plate", 32, true, &plate, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "company", BOL_NAME_MAX, false, &company, r->diag)) < 0 ||
        (rc = new_ref(r, false, &ref)) < 0)
        return rc;
    text_copy(term, tc, sizeof(tc));
    if ((rc = need(r, BOL_THING_TERMINAL, "terminal", tc, NULL)) < 0)
        return rc;
    rc = r->v->seal(r->v->ctx, person, BOL_STR("driver"), driver, &sd);
    if (rc == 0)
        rc = r->v->seal(r->v->ctx, person, BOL_STR("plate"), plate, &sp);
    if (rc < 0) {
        rc = FAIL(r, rc, "person", "cannot seal the driver's data");
        goto out;
    }
    p = json_pack("{s:s%, s:s%, s:s%}", "person", person.p, person.len, "driver", sd.buf, sd.len,
                  "plate", sp.buf, sp.len);
    if (p && ((company.p && jv_set_strn(p, "company", company) < 0) ||
              (ref.p && jv_set_strn(p, "ref", ref) < 0))) {
        json_decref(p);
        p = NULL;
    }
    rc = bol_cmd_emit(r, "truck.arrived", tc, p);
    if (rc == 0) {
        r->out->id_event = 0;
        r->out->id_name = "truck";
    }
out:
    bol_buf_release_wipe(&sd);
    bol_buf_release_wipe(&sp);
    return rc;
}

static int c_gate_receive(struct run *r)
{
    static const char *const keys[] = { "truck", "container", "id", "reported_at", NULL };
    struct bol_truck_visit t;
    struct bol_container c;
    struct bol_place to;
    json_t *jc = NULL;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_truck(r, r->cmd, "truck", &t)) < 0 ||
        (rc = jv_object(r->cmd, "container", false, &jc, r->diag)) < 0)
        return rc;
    if (jc && json_object_get(r->cmd, "id"))
        return FAIL(r, BOL_E_INVAL, "id",
                    "give 'container' (its data) or 'id' (announced), not both");
    if (jc) {
        if ((rc = bol_container_from_json(jc, &c, r->diag)) < 0)
            return rc;
        if (!bol_container_length_class(&c))
            return FAIL(r, BOL_E_INVAL, "sizetype", "size-type %s is neither 20 nor 40 ft long",
                        c.sizetype);
        if (c.line[0] && (rc = need(r, BOL_THING_LINE, "line", c.line, NULL)) < 0)
            return rc;
        if ((rc = may_register(r, c.id.s)) < 0)
            return rc;
    } else {
        bool inside = false;

        if ((rc = get_container(r, r->cmd, "id", &c)) < 0 || (rc = in_terminal(r, &c, &inside)) < 0)
            return rc;
        if (inside)
            return FAIL(r, BOL_E_CONFLICT, "id", "%s is already in the terminal", c.id.s);
    }
    if (c.category == BOL_CAT_IMPORT || c.category == BOL_CAT_TRANSSHIPMENT ||
        c.category == BOL_CAT_THROUGH)
        return FAIL(r, BOL_E_INVAL, "category",
                    "the gate receives export, empty and storage boxes, not %s",
                    bol_category_names[c.category]);
    memset(&c.place, 0, sizeof(c.place));
    if (jc && (rc = register_box(r, &c, NULL, t.terminal, bol_str_make(NULL, 0))) < 0)
        return rc;
    memset(&to, 0, sizeof(to));
    to.kind = BOL_PLACE_TRUCK;
    to.truck = t.id;
    return move(r, &c, &to, MV_GATE_IN, 0);
}

static int c_gate_deliver(struct run *r)
{
    static const char *const keys[] = { "truck", "id", "release", NULL };
    struct bol_truck_visit t;
    struct bol_container c;
    struct bol_place to;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_truck(r, r->cmd, "truck", &t)) < 0 ||
        (rc = get_container(r, r->cmd, "id", &c)) < 0)
        return rc;
    if (json_object_get(r->cmd, "release") && (rc = bol_c_booking_deliver(r, &c)) < 0)
        return rc;
    if (c.place.kind != BOL_PLACE_YARD)
        return FAIL(r, BOL_E_STATE, "id", "%s is delivered from the yard", c.id.s);
    if ((rc = no_open_wi(r, &c, 0)) < 0)
        return rc;
    memset(&to, 0, sizeof(to));
    to.kind = BOL_PLACE_TRUCK;
    to.truck = t.id;
    return move(r, &c, &to, MV_DELIVER, 0);
}

static int c_truck_depart(struct run *r)
{
    static const char *const keys[] = { "truck", "reported_at", NULL };
    struct bol_truck_visit t;
    struct bol_container_id on[4];
    struct bol_place gone;
    unsigned n = 0, i;
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_truck(r, r->cmd, "truck", &t)) < 0 ||
        (rc = r->v->on_truck(r->v->ctx, t.id, on, 4, &n)) < 0)
        return rc;
    memset(&gone, 0, sizeof(gone));
    gone.kind = BOL_PLACE_GONE;
    for (i = 0; i < n; i++) {
        struct bol_container c;

        if ((rc = r->v->container(r->v->ctx, on[i].s, &c)) < 0)
            return rc;
        /* The out-gate stops a box a hold was placed on while it was in the terminal. */
        if ((rc = no_holds(r, &c, "gate-out")) < 0 || (rc = no_open_wi(r, &c, 0)) < 0 ||
            (rc = move(r, &c, &gone, MV_GATE_OUT, 0)) < 0)
            return rc;
    }
    p = json_pack("{s:I}", "truck", (json_int_t) t.id);
    return bol_cmd_emit(r, "truck.departed", t.terminal, p);
}

/* ---- holds and releases ---- */

static int c_hold_place(struct run *r)
{
    static const char *const keys[] = { "id", "kind", "reason", "ref", NULL };
    struct bol_container c;
    struct bol_str reason = { NULL, 0 }, ref = { NULL, 0 };
    unsigned kind = 0;
    uint64_t seq = 0;
    char term[BOL_TERMINAL_CODE_MAX + 1];
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_hold_kind_names, true, &kind, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, true, &reason, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "ref", BOL_REF_MAX, false, &ref, r->diag)) < 0)
        return rc;
    rc = r->v->active_hold(r->v->ctx, c.id.s, (enum bol_hold_kind) kind, &seq);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "kind", "%s is already under a %s hold (entry %" PRIu64 ")",
                    c.id.s, bol_hold_kind_names[kind], seq);
    if (rc != BOL_E_NOTFOUND || (rc = place_terminal(r, &c.place, term)) < 0)
        return rc;
    p = json_pack("{s:s, s:s, s:s%}", "id", c.id.s, "kind", bol_hold_kind_names[kind], "reason",
                  reason.p, reason.len);
    if (p && ref.p && jv_set_strn(p, "ref", ref) < 0) {
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, "hold.placed", term, p);
}

static int c_hold_lift(struct run *r)
{
    static const char *const keys[] = { "id", "kind", "reason", NULL };
    struct bol_container c;
    struct bol_str reason = { NULL, 0 };
    unsigned kind = 0;
    uint64_t seq = 0;
    char term[BOL_TERMINAL_CODE_MAX + 1];
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_hold_kind_names, true, &kind, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, true, &reason, r->diag)) < 0)
        return rc;
    rc = r->v->active_hold(r->v->ctx, c.id.s, (enum bol_hold_kind) kind, &seq);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_STATE, "kind", "%s has no active %s hold", c.id.s,
                    bol_hold_kind_names[kind]);
    if (rc < 0 || (rc = place_terminal(r, &c.place, term)) < 0)
        return rc;
    p = json_pack("{s:s, s:s, s:I, s:s%}", "id", c.id.s, "kind", bol_hold_kind_names[kind],
                  "placed_seq", (json_int_t) seq, "reason", reason.p, reason.len);
    return bol_cmd_emit(r, "hold.lifted", term, p);
}

static int c_release_grant(struct run *r)
{
    static const char *const keys[] = { "id", "ref", NULL };
    struct bol_container c;
    struct bol_str ref = { NULL, 0 };
    bool released = false;
    char term[BOL_TERMINAL_CODE_MAX + 1];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = jv_text(r->cmd, "ref", BOL_REF_MAX, true, &ref, r->diag)) < 0 ||
        (rc = r->v->released(r->v->ctx, c.id.s, &released)) < 0)
        return rc;
    if (released)
        return FAIL(r, BOL_E_CONFLICT, "id", "%s already has a delivery release", c.id.s);
    if ((rc = place_terminal(r, &c.place, term)) < 0)
        return rc;
    return bol_cmd_emit(r, "release.granted", term,
                        json_pack("{s:s, s:s%}", "id", c.id.s, "ref", ref.p, ref.len));
}

static int c_release_revoke(struct run *r)
{
    static const char *const keys[] = { "id", "reason", NULL };
    struct bol_container c;
    struct bol_str reason = { NULL, 0 };
    bool released = false;
    char term[BOL_TERMINAL_CODE_MAX + 1];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, true, &reason, r->diag)) < 0 ||
        (rc = r->v->released(r->v->ctx, c.id.s, &released)) < 0)
        return rc;
    if (!released)
        return FAIL(r, BOL_E_STATE, "id", "%s has no delivery release", c.id.s);
    if ((rc = place_terminal(r, &c.place, term)) < 0)
        return rc;
    return bol_cmd_emit(r, "release.revoked", term,
                        json_pack("{s:s, s:s%}", "id", c.id.s, "reason", reason.p, reason.len));
}

/* ---- work instructions ---- */

/* What each kind moves: from where, to where, as which move. */
static const struct {
    enum bol_place_kind from1, from2;
    enum bol_place_kind to1, to2;
    enum move move;
} wi_kinds[BOL_WI_KINDS] = {
    [BOL_WI_DSCH] = { BOL_PLACE_VESSEL, BOL_PLACE_VESSEL, BOL_PLACE_YARD, BOL_PLACE_QUAY,
                      MV_DISCHARGE },
    [BOL_WI_LOAD] = { BOL_PLACE_YARD, BOL_PLACE_QUAY, BOL_PLACE_VESSEL, BOL_PLACE_VESSEL, MV_LOAD },
    [BOL_WI_SHFT] = { BOL_PLACE_YARD, BOL_PLACE_YARD, BOL_PLACE_YARD, BOL_PLACE_YARD, MV_SHIFT },
    [BOL_WI_RHDL] = { BOL_PLACE_YARD, BOL_PLACE_YARD, BOL_PLACE_YARD, BOL_PLACE_YARD, MV_RELOCATE },
    [BOL_WI_GTIN] = { BOL_PLACE_TRUCK, BOL_PLACE_TRUCK, BOL_PLACE_YARD, BOL_PLACE_YARD,
                      MV_RECEIVE },
    [BOL_WI_GTOT] = { BOL_PLACE_YARD, BOL_PLACE_YARD, BOL_PLACE_TRUCK, BOL_PLACE_TRUCK,
                      MV_DELIVER },
};

static int equipment_ok(struct run *r, const char *terminal, const char *id, const char *field)
{
    struct bol_equipment e;
    int rc = r->v->equipment(r->v->ctx, terminal, id, &e);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, field, "no equipment %s at %s", id, terminal);
    if (rc < 0)
        return rc;
    if (e.status == BOL_EQS_MAINTENANCE || e.status == BOL_EQS_BREAKDOWN)
        return FAIL(r, BOL_E_STATE, field, "%s is in %s", id, bol_equip_status_names[e.status]);
    return 0;
}

/*
 * Can the destination take this box at all (block, length, bounds, stack
 * attributes, cell of the vessel)?  Occupancy is judged when the work is
 * done; planned work may stack boxes on boxes that are not there yet.
 */
static int dest_fits(struct run *r, const struct bol_container *c, const struct bol_place *to)
{
    unsigned len = bol_container_length_class(c);

    if (to->kind == BOL_PLACE_YARD) {
        struct bol_block b;
        struct bol_stack_attr a;
        uint16_t bays[2];
        unsigned n = 0, i;
        int rc = r->v->block(r->v->ctx, to->yard.terminal, to->yard.block, &b);

        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, "to", "no block %s/%s", to->yard.terminal,
                        to->yard.block);
        if (rc < 0)
            return rc;
        if (bol_yard_positions(to->yard.bay, len, bays, &n, r->diag) < 0)
            return bol_diag_wrap(r->diag, BOL_E_INVAL, "to");
        if (bays[n - 1] > 2 * b.bays - 1 || to->yard.row > b.rows || to->yard.tier > b.tiers)
            return FAIL(r, BOL_E_INVAL, "to", "block %s has bays 1..%u, rows 1..%u, tiers 1..%u",
                        b.code, 2u * b.bays - 1, b.rows, b.tiers);
        for (i = 0; i < n; i++) {
            bol_block_stack_attr(&b, bays[i], to->yard.row, &a);
            if (!(a.sizes & (len == 20 ? BOL_SIZE_20 : BOL_SIZE_40)))
                return FAIL(r, BOL_E_INVAL, "to", "the stack takes no %u ft boxes", len);
            if (a.empties_only && c->full)
                return FAIL(r, BOL_E_INVAL, "to", "block %s takes empties only", b.code);
            if (c->full && c->reefer_on && !a.reefer)
                return FAIL(r, BOL_E_INVAL, "to", "running reefer %s needs a reefer plug", c->id.s);
            if (c->ndg && !a.dg)
                return FAIL(r, BOL_E_INVAL, "to", "dangerous goods are not allowed there");
        }
    } else if (to->kind == BOL_PLACE_VESSEL) {
        struct bol_visit vis;
        struct bol_vessel ves;
        int rc = open_visit(r, "to", to->visit, &vis, &ves);

        if (rc < 0)
            return rc;
        if (bol_cell_check(&to->cell, &ves.profile.frame, r->diag) < 0)
            return bol_diag_wrap(r->diag, BOL_E_INVAL, "to");
        if ((len == 20) != bol_cell_bay_is_20ft(to->cell.bay))
            return FAIL(r, BOL_E_INVAL, "to", "a %u ft box does not fit bay %u", len, to->cell.bay);
        if (c->full && c->reefer_on && !bol_vessel_reefer_cell(&ves.profile, &to->cell))
            return FAIL(r, BOL_E_INVAL, "to", "running reefer %s needs a reefer cell", c->id.s);
        if ((rc = bol_cmd_cell_open(r, to->visit, &to->cell, len, "to")) < 0)
            return rc;
    }
    return 0;
}

/* No other open work goes to the same place (a 40 ft slot overlaps two 20 ft ones). */
static int dest_free(struct run *r, const struct bol_container *c, const struct bol_place *to,
                     const char *terminal)
{
    struct bol_view_wi_ref refs[BOL_VIEW_WI_REF_MAX];
    const char *area;
    uint16_t bay;
    uint8_t row, tier;
    unsigned n = 0, i, len = bol_container_length_class(c);
    int rc;

    if (to->kind == BOL_PLACE_YARD) {
        area = to->yard.block;
        bay = to->yard.bay;
        row = to->yard.row;
        tier = to->yard.tier;
    } else if (to->kind == BOL_PLACE_VESSEL) {
        area = to->visit;
        bay = to->cell.bay;
        row = to->cell.row;
        tier = to->cell.tier;
    } else {
        return 0;
    }
    rc = r->v->dest_wis(r->v->ctx, terminal, area, (uint16_t) (bay > 1 ? bay - 1 : 1),
                        (uint16_t) (bay + 1), row, tier, refs, BOL_VIEW_WI_REF_MAX, &n);
    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++) {
        unsigned d = refs[i].bay > bay ? refs[i].bay - bay : bay - refs[i].bay;
        bool other40 = !(refs[i].bay & 1);

        if (!strcmp(refs[i].container.s, c->id.s))
            continue;
        /* Same bay overlaps; a neighbouring bay overlaps when one of the two is 40 ft. */
        if (d == 0 || (d == 1 && (len == 40 || other40)))
            return FAIL(r, BOL_E_CONFLICT, "to",
                        "work instruction %" PRIu64 " already takes %s there", refs[i].id,
                        refs[i].container.s);
    }
    return 0;
}

static int c_wi_plan(struct run *r)
{
    static const char *const keys[] = { "kind",     "id",        "to",  "equipment",
                                        "priority", "queue_seq", "ref", NULL };
    struct bol_container c;
    struct bol_place to;
    struct bol_str eq = { NULL, 0 }, ref = { NULL, 0 };
    unsigned kind = 0;
    int64_t prio = 0, qseq = 0;
    char term[BOL_TERMINAL_CODE_MAX + 1], eqid[BOL_EQUIP_ID_MAX + 1] = "";
    const char *visit = NULL;
    json_t *p, *jt = NULL;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_wi_kind_names, true, &kind, r->diag)) < 0 ||
        (rc = get_container(r, r->cmd, "id", &c)) < 0 ||
        (rc = dest_arg(r, r->cmd, "to", &to)) < 0 ||
        (rc = jv_text(r->cmd, "equipment", BOL_EQUIP_ID_MAX, false, &eq, r->diag)) < 0 ||
        (rc = jv_int(r->cmd, "priority", -1000, 1000, false, &prio, r->diag)) < 0 ||
        (rc = jv_int(r->cmd, "queue_seq", 0, INT64_MAX, false, &qseq, r->diag)) < 0 ||
        (rc = new_ref(r, true, &ref)) < 0)
        return rc;
    if (c.place.kind != wi_kinds[kind].from1 && c.place.kind != wi_kinds[kind].from2)
        return FAIL(r, BOL_E_STATE, "id", "a %s instruction moves a box from %s, but %s is %s",
                    bol_wi_kind_names[kind], bol_place_kind_names[wi_kinds[kind].from1], c.id.s,
                    c.place.kind == BOL_PLACE_NONE ? "not here"
                                                   : bol_place_kind_names[c.place.kind]);
    if (to.kind != wi_kinds[kind].to1 && to.kind != wi_kinds[kind].to2)
        return FAIL(r, BOL_E_INVAL, "to", "a %s instruction moves a box to %s",
                    bol_wi_kind_names[kind], bol_place_kind_names[wi_kinds[kind].to1]);
    if (to.kind == BOL_PLACE_QUAY && strcmp(to.visit, c.place.visit) != 0)
        return FAIL(r, BOL_E_INVAL, "to", "%s is discharged to the quay of %s", c.id.s,
                    c.place.visit);
    if ((rc = place_terminal(r, &c.place, term)) < 0 || (rc = no_open_wi(r, &c, 0)) < 0 ||
        (rc = dest_fits(r, &c, &to)) < 0 || (rc = dest_free(r, &c, &to, term)) < 0)
        return rc;
    if (to.kind == BOL_PLACE_YARD && strcmp(to.yard.terminal, term) != 0)
        return FAIL(r, BOL_E_INVAL, "to", "%s is at terminal %s", c.id.s, term);
    if (kind == BOL_WI_LOAD && (rc = no_holds(r, &c, "loading")) < 0)
        return rc;
    if (kind == BOL_WI_GTOT) {
        struct bol_truck_visit t;

        rc = r->v->truck(r->v->ctx, to.truck, &t);
        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, "to", "no truck visit %" PRIu64, to.truck);
        if (rc < 0 || (rc = deliverable(r, &c)) < 0)
            return rc;
        if (t.departed)
            return FAIL(r, BOL_E_STATE, "to", "truck visit %" PRIu64 " has left", to.truck);
    }
    if (eq.p) {
        text_copy(eq, eqid, sizeof(eqid));
        if ((rc = equipment_ok(r, term, eqid, "equipment")) < 0)
            return rc;
    }
    if (c.place.kind == BOL_PLACE_VESSEL || c.place.kind == BOL_PLACE_QUAY)
        visit = c.place.visit;
    else if (to.kind == BOL_PLACE_VESSEL)
        visit = to.visit;
    if ((rc = place_json(&to, &jt)) < 0)
        return FAIL(r, rc, "to", "out of memory");
    p = json_pack("{s:s, s:s, s:o, s:I, s:I}", "kind", bol_wi_kind_names[kind], "id", c.id.s, "to",
                  jt, "priority", (json_int_t) prio, "queue_seq", (json_int_t) qseq);
    if (p && visit && jv_set_str(p, "visit", visit) < 0) {
        json_decref(p);
        p = NULL;
    }
    if (p && ((eqid[0] && jv_set_str(p, "equipment", eqid) < 0) ||
              (ref.p && jv_set_strn(p, "ref", ref) < 0))) {
        json_decref(p);
        p = NULL;
    }
    rc = bol_cmd_emit(r, "wi.planned", term, p);
    if (rc == 0) {
        r->out->id_event = (int) r->out->n - 1;
        r->out->id_name = "wi";
    }
    return rc;
}

static bool wi_open(const struct bol_wi *w)
{
    return w->status == BOL_WIS_PLANNED || w->status == BOL_WIS_DISPATCHED ||
           w->status == BOL_WIS_IN_PROGRESS;
}

static int wi_step(struct run *r, const struct bol_wi *w, const char *type, json_t *extra)
{
    json_t *p = json_pack("{s:I, s:s}", "wi", (json_int_t) w->id, "id", w->container.s);

    if (p && extra && json_object_update(p, extra) != 0) {
        json_decref(p);
        p = NULL;
    }
    json_decref(extra);
    return bol_cmd_emit(r, type, w->terminal, p);
}

static int wi_status_is(struct run *r, const struct bol_wi *w, unsigned allowed, const char *doing)
{
    if (allowed & (1u << w->status))
        return 0;
    return FAIL(r, BOL_E_STATE, "wi", "work instruction %" PRIu64 " is %s: it cannot be %s", w->id,
                bol_wi_status_names[w->status], doing);
}

static int c_wi_dispatch(struct run *r)
{
    static const char *const keys[] = { "wi", "equipment", "queue_seq", NULL };
    struct bol_wi w;
    struct bol_str eq = { NULL, 0 };
    int64_t qseq = -1;
    char eqid[BOL_EQUIP_ID_MAX + 1];
    json_t *extra;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_wi(r, r->cmd, &w)) < 0 ||
        (rc = jv_text(r->cmd, "equipment", BOL_EQUIP_ID_MAX, true, &eq, r->diag)) < 0 ||
        (rc = jv_int(r->cmd, "queue_seq", 0, INT64_MAX, false, &qseq, r->diag)) < 0 ||
        (rc = wi_status_is(r, &w, 1u << BOL_WIS_PLANNED | 1u << BOL_WIS_DISPATCHED, "dispatched")) <
            0)
        return rc;
    text_copy(eq, eqid, sizeof(eqid));
    if ((rc = equipment_ok(r, w.terminal, eqid, "equipment")) < 0)
        return rc;
    extra = json_pack("{s:s}", "equipment", eqid);
    if (extra && qseq >= 0 && jv_set_int(extra, "queue_seq", qseq) < 0) {
        json_decref(extra);
        extra = NULL;
    }
    if (!extra)
        return FAIL(r, BOL_E_NOMEM, "wi", "out of memory");
    return wi_step(r, &w, "wi.dispatched", extra);
}

static int c_wi_start(struct run *r)
{
    static const char *const keys[] = { "wi", NULL };
    struct bol_wi w;
    struct bol_container c;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_wi(r, r->cmd, &w)) < 0 ||
        (rc = wi_status_is(r, &w, 1u << BOL_WIS_DISPATCHED, "started")) < 0)
        return rc;
    rc = r->v->container(r->v->ctx, w.container.s, &c);
    if (rc < 0)
        return rc;
    /* The box must be free to lift now: nothing on top of it. */
    if (c.place.kind == BOL_PLACE_YARD)
        rc = bol_rules_yard_take(r->v, &c, r->diag);
    else if (c.place.kind == BOL_PLACE_VESSEL) {
        struct bol_visit vis;
        struct bol_vessel ves;

        if ((rc = open_visit(r, "wi", c.place.visit, &vis, &ves)) == 0)
            rc = bol_rules_vessel_take(r->v, &c, &ves, r->diag);
    }
    if (rc < 0)
        return rc;
    return wi_step(r, &w, "wi.started", NULL);
}

static int c_wi_complete(struct run *r)
{
    static const char *const keys[] = { "wi", NULL };
    struct bol_wi w;
    struct bol_container c;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = get_wi(r, r->cmd, &w)) < 0 ||
        (rc = wi_status_is(r, &w, 1u << BOL_WIS_IN_PROGRESS, "completed")) < 0)
        return rc;
    rc = r->v->container(r->v->ctx, w.container.s, &c);
    if (rc < 0)
        return rc;
    if (c.place.kind != wi_kinds[w.kind].from1 && c.place.kind != wi_kinds[w.kind].from2)
        return FAIL(r, BOL_E_STATE, "wi",
                    "%s is no longer where work instruction %" PRIu64 " takes it from", c.id.s,
                    w.id);
    if ((rc = move(r, &c, &w.to, wi_kinds[w.kind].move, w.id)) < 0)
        return rc;
    return wi_step(r, &w, "wi.completed", NULL);
}

static int c_wi_end(struct run *r, bool failed)
{
    static const char *const keys[] = { "wi", "reason", NULL };
    struct bol_wi w;
    struct bol_str reason = { NULL, 0 };
    unsigned allowed = 1u << BOL_WIS_DISPATCHED | 1u << BOL_WIS_IN_PROGRESS;
    int rc;

    if (!failed)
        allowed |= 1u << BOL_WIS_PLANNED;
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, true, &reason, r->diag)) < 0 ||
        (rc = get_wi(r, r->cmd, &w)) < 0 ||
        (rc = wi_status_is(r, &w, allowed, failed ? "failed" : "cancelled")) < 0)
        return rc;
    (void) wi_open;
    return wi_step(r, &w, failed ? "wi.failed" : "wi.cancelled",
                   json_pack("{s:s%}", "reason", reason.p, reason.len));
}

static int c_wi_cancel(struct run *r)
{
    return c_wi_end(r, false);
}

static int c_wi_fail(struct run *r)
{
    return c_wi_end(r, true);
}

/* ---- personal data ---- */

static int c_person_erase(struct run *r)
{
    static const char *const keys[] = { "person", NULL };
    struct bol_str person = { NULL, 0 };
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "person", BOL_PII_PERSON_MAX, true, &person, r->diag)) < 0 ||
        (rc = bol_pii_check_person(person, r->diag)) < 0)
        return rc;
    rc = r->v->erase(r->v->ctx, person);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "person", "no personal data is kept for '%.*s'",
                    (int) person.len, person.p);
    if (rc < 0)
        return FAIL(r, rc, "person", "cannot erase the person's key");
    return bol_cmd_emit(r, "person.erased", "",
                        json_pack("{s:s%}", "person", person.p, person.len));
}

/* ---- the table ---- */

static const struct {
    const char *name;
    int (*fn)(struct run *r);
} commands[] = {
    { "access.grant", bol_c_access_grant },
    { "access.revoke", bol_c_access_revoke },
    { "alert.ack", bol_c_alert_ack },
    { "alert.raise", bol_c_alert_raise },
    { "approval.decide", bol_c_approval_decide },
    { "approval.request", bol_c_approval_request },
    { "auth.login", bol_c_auth_login },
    { "berth.define", c_berth_define },
    { "block.define", c_block_define },
    { "booking.release_cancel", bol_c_booking_release_cancel },
    { "booking.release_order", bol_c_booking_release_order },
    { "booking.release_replace", bol_c_booking_release_replace },
    { "canary.create", bol_c_canary_create },
    { "canary.trip", bol_c_canary_trip },
    { "container.correct", c_container_correct },
    { "container.register", c_container_register },
    { "data.export", bol_c_data_export },
    { "discharge", c_discharge },
    { "equipment.define", c_equipment_define },
    { "gate.deliver", c_gate_deliver },
    { "gate.receive", c_gate_receive },
    { "hold.lift", c_hold_lift },
    { "hold.place", c_hold_place },
    { "incident.close", bol_c_incident_close },
    { "incident.freeze", bol_c_incident_freeze },
    { "incident.note", bol_c_incident_note },
    { "incident.open", bol_c_incident_open },
    { "key.create", bol_c_key_create },
    { "key.revoke", bol_c_key_revoke },
    { "key.used", bol_c_key_used },
    { "line.define", c_line_define },
    { "load", c_load },
    { "order.add", bol_c_order },
    { "order.clear", bol_c_order },
    { "person.erase", c_person_erase },
    { "release.grant", c_release_grant },
    { "release.revoke", c_release_revoke },
    { "relocate", c_relocate },
    { "request.logged", bol_c_request_logged },
    { "request.refused", bol_c_request_refused },
    { "service.heartbeat", bol_c_service_heartbeat },
    { "service.start", bol_c_service_start },
    { "service.stop", bol_c_service_stop },
    { "shift", c_shift },
    { "slot.mark", bol_c_slot_mark },
    { "stowage.add", bol_c_order },
    { "stowage.clear", bol_c_order },
    { "terminal.define", c_terminal_define },
    { "truck.arrive", c_truck_arrive },
    { "truck.depart", c_truck_depart },
    { "user.add", bol_c_user_add },
    { "user.lock", bol_c_user_lock },
    { "user.lockout", bol_c_user_lockout },
    { "user.mfa_enroll", bol_c_user_mfa_enroll },
    { "user.mfa_reset", bol_c_user_mfa_reset },
    { "user.password", bol_c_user_password },
    { "user.unlock", bol_c_user_unlock },
    { "user.update", bol_c_user_update },
    { "vessel.define", c_vessel_define },
    { "vgm.declare", bol_c_vgm_declare },
    { "visit.advance", c_visit_advance },
    { "visit.define", c_visit_define },
    { "wi.cancel", c_wi_cancel },
    { "wi.complete", c_wi_complete },
    { "wi.dispatch", c_wi_dispatch },
    { "wi.fail", c_wi_fail },
    { "wi.plan", c_wi_plan },
    { "wi.start", c_wi_start },
    { "yard.put", c_yard_put },
};

const char *const bol_cmd_names[] = {
    "access.grant",
    "access.revoke",
    "alert.ack",
    "alert.raise",
    "approval.decide",
    "approval.request",
    "auth.login",
    "berth.define",
    "block.define",
    "booking.release_cancel",
    "booking.release_order",
    "booking.release_replace",
    "canary.create",
    "canary.trip",
    "container.correct",
    "container.register",
    "data.export",
    "discharge",
    "equipment.define",
    "gate.deliver",
    "gate.receive",
    "hold.lift",
    "hold.place",
    "incident.close",
    "incident.freeze",
    "incident.note",
    "incident.open",
    "key.create",
    "key.revoke",
    "key.used",
    "line.define",
    "load",
    "order.add",
    "order.clear",
    "person.erase",
    "release.grant",
    "release.revoke",
    "relocate",
    "request.logged",
    "request.refused",
    "service.heartbeat",
    "service.start",
    "service.stop",
    "shift",
    "slot.mark",
    "stowage.add",
    "stowage.clear",
    "terminal.define",
    "truck.arrive",
    "truck.depart",
    "user.add",
    "user.lock",
    "user.lockout",
    "user.mfa_enroll",
    "user.mfa_reset",
    "user.password",
    "user.unlock",
    "user.update",
    "vessel.define",
    "vgm.declare",
    "visit.advance",
    "visit.define",
    "wi.cancel",
    "wi.complete",
    "wi.dispatch",
    "wi.fail",
    "wi.plan",
    "wi.start",
    "yard.put",
    NULL,
};

const char *bol_cmd_name(json_t *cmd)
{
    return json_is_object(cmd) ? json_string_value(json_object_get(cmd, "cmd")) : NULL;
}

void bol_cmd_out_release(struct bol_cmd_out *out)
{
    unsigned i;

    for (i = 0; i < out->n; i++)
        bol_event_prep_free(out->ev[i]);
    out->n = 0;
    out->id_event = -1;
    out->id_name = NULL;
}

int bol_cmd_run(const struct bol_view *v, json_t *cmd, int64_t now_us, struct bol_cmd_out *out,
                struct bol_diag *diag)
{
    struct run r = { v, cmd, now_us, out, diag };
    const char *name;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    out->id_event = -1;
    if (!json_is_object(cmd))
        return bol_diag_fail(diag, BOL_E_INVAL, "cmd", "a command is a JSON object");
    name = bol_cmd_name(cmd);
    if (!name)
        return bol_diag_fail(diag, BOL_E_INVAL, "cmd", "'cmd' names the command");
    for (i = 0; i < BOL_ARRAY_SIZE(commands); i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        rc = commands[i].fn(&r);
        if (rc < 0)
            bol_cmd_out_release(out);
        return rc;
    }
    return bol_diag_fail(diag, BOL_E_INVAL, "cmd", "unknown command '%.40s'", name);
}
