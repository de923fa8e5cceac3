/* SPDX-License-Identifier: Apache-2.0 */
/*
 * codec.c - the terminal's things to and from JSON
 */
#include "compat.h"

#include "codec.h"
#include "errors.h"
#include "jsonv.h"
#include "locode.h"
#include "sizetype.h"

/* Read a code field (upper-case letters and digits, 1..max) into out. */
static int code_field(json_t *o, const char *key, char *out, size_t n, bool required,
                      struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    size_t i;
    int r = jv_text(o, key, n - 1, required, &s, diag);

    if (r < 0 || !s.p)
        return r;
    for (i = 0; i < s.len; i++) {
        if (!bol_is_upper(s.p[i]) && !bol_is_digit(s.p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, key,
                                 "'%s' may contain only upper-case letters and digits", key);
    }
    return bol_str_copy(s, out, n);
}

static int terminal_field(json_t *o, char out[BOL_TERMINAL_CODE_MAX + 1], struct bol_diag *diag)
{
    return code_field(o, "terminal", out, BOL_TERMINAL_CODE_MAX + 1, true, diag);
}

static int add(json_t *o, int r, const char *key, json_t *v)
{
    return r ? r : jv_set(o, key, v);
}

/* ---- blocks ---- */

static const char *const block_keys[] = { "terminal", "code",         "kind",  "bays",  "rows",
                                          "tiers",    "max_stack_kg", "sizes", "zones", NULL };
static const char *const zone_keys[] = { "bays", "rows", "reefer", "dg", "max_stack_kg", NULL };

static int pair_field(json_t *o, const char *key, int64_t min, int64_t max, int64_t *lo,
                      int64_t *hi, struct bol_diag *diag)
{
    json_t *a;
    int r = jv_array(o, key, 2, true, &a, diag);

    if (r < 0)
        return r;
    if (json_array_size(a) != 2 || !json_is_integer(json_array_get(a, 0)) ||
        !json_is_integer(json_array_get(a, 1)))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be [from, to]", key);
    *lo = (int64_t) json_integer_value(json_array_get(a, 0));
    *hi = (int64_t) json_integer_value(json_array_get(a, 1));
    if (*lo < min || *hi > max || *lo > *hi)
        return bol_diag_fail(diag, BOL_E_INVAL, key,
                             "'%s' must be [from, to] with %" PRId64 " <= from <= to <= %" PRId64,
                             key, min, max);
    return 0;
}

static int sizes_from_json(json_t *o, unsigned *ret, struct bol_diag *diag)
{
    json_t *a, *v;
    size_t i;
    unsigned sizes = 0;
    int r = jv_array(o, "sizes", 2, false, &a, diag);

    if (r < 0)
        return r;
    if (!a) {
        *ret = BOL_SIZE_20 | BOL_SIZE_40;
        return 0;
    }
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);

        if (s && !strcmp(s, "20"))
            sizes |= BOL_SIZE_20;
        else if (s && !strcmp(s, "40"))
            sizes |= BOL_SIZE_40;
        else
            return bol_diag_fail(diag, BOL_E_INVAL, "sizes", "'sizes' lists \"20\" and/or \"40\"");
    }
    if (!sizes)
        return bol_diag_fail(diag, BOL_E_INVAL, "sizes", "'sizes' may not be empty");
    *ret = sizes;
    return 0;
}

static json_t *sizes_to_json(unsigned sizes)
{
    json_t *a = json_array();

    if (a && (sizes & BOL_SIZE_20))
        json_array_append_new(a, json_string("20"));
    if (a && (sizes & BOL_SIZE_40))
        json_array_append_new(a, json_string("40"));
    return a;
}

int bol_block_from_json(json_t *o, struct bol_block *out, struct bol_diag *diag)
{
    struct bol_block b;
    json_t *zones = NULL, *z;
    int64_t bays = 0, rows = 0, tiers = 0, maxkg = 0;
    unsigned kind = 0;
    size_t i;
    int r;

    memset(&b, 0, sizeof(b));
    if ((r = jv_only(o, block_keys, diag)) < 0 || (r = terminal_field(o, b.terminal, diag)) < 0 ||
        (r = code_field(o, "code", b.code, sizeof(b.code), true, diag)) < 0 ||
        (r = jv_enum(o, "kind", bol_block_kind_names, true, &kind, diag)) < 0 ||
        (r = jv_int(o, "bays", 1, BOL_YARD_BAY_MAX / 2, true, &bays, diag)) < 0 ||
        (r = jv_int(o, "rows", 1, BOL_YARD_ROW_MAX, true, &rows, diag)) < 0 ||
        (r = jv_int(o, "tiers", 1, BOL_YARD_TIER_MAX, true, &tiers, diag)) < 0 ||
        (r = jv_int(o, "max_stack_kg", 1000, 1000000, true, &maxkg, diag)) < 0 ||
        (r = sizes_from_json(o, &b.sizes, diag)) < 0 ||
        (r = jv_array(o, "zones", BOL_ZONES_MAX, false, &zones, diag)) < 0)
        return r;
    b.kind = (enum bol_block_kind) kind;
    b.bays = (uint16_t) bays;
    b.rows = (uint8_t) rows;
    b.tiers = (uint8_t) tiers;
    b.max_stack_kg = (uint32_t) maxkg;
    json_array_foreach(zones, i, z)
    {
        struct bol_zone *zn = &b.zones[b.nzones];
        int64_t blo = 0, bhi = 0, rlo = 0, rhi = 0, zkg = 0;

        if ((r = jv_only(z, zone_keys, diag)) < 0 ||
            (r = pair_field(z, "bays", 1, 2 * bays - 1, &blo, &bhi, diag)) < 0 ||
            (r = pair_field(z, "rows", 1, rows, &rlo, &rhi, diag)) < 0 ||
            (r = jv_bool(z, "reefer", false, &zn->reefer, diag)) < 0 ||
            (r = jv_bool(z, "dg", false, &zn->dg, diag)) < 0 ||
            (r = jv_int(z, "max_stack_kg", 1000, 1000000, false, &zkg, diag)) < 0)
            return r;
        zn->bay_from = (uint16_t) blo;
        zn->bay_to = (uint16_t) bhi;
        zn->row_from = (uint8_t) rlo;
        zn->row_to = (uint8_t) rhi;
        zn->max_stack_kg = (uint32_t) zkg;
        b.nzones++;
    }
    *out = b;
    return 0;
}

int bol_block_to_json(const struct bol_block *b, json_t **ret)
{
    json_t *o = json_object(), *zones = json_array();
    unsigned i;
    int r = o && zones ? 0 : BOL_E_NOMEM;

    r = add(o, r, "terminal", json_string(b->terminal));
    r = add(o, r, "code", json_string(b->code));
    r = add(o, r, "kind", json_string(bol_block_kind_names[b->kind]));
    r = add(o, r, "bays", json_integer(b->bays));
    r = add(o, r, "rows", json_integer(b->rows));
    r = add(o, r, "tiers", json_integer(b->tiers));
    r = add(o, r, "max_stack_kg", json_integer(b->max_stack_kg));
    r = add(o, r, "sizes", sizes_to_json(b->sizes));
    for (i = 0; r == 0 && i < b->nzones; i++) {
        const struct bol_zone *z = &b->zones[i];
        json_t *zo = json_pack("{s:[I,I], s:[I,I], s:b, s:b}", "bays", (json_int_t) z->bay_from,
                               (json_int_t) z->bay_to, "rows", (json_int_t) z->row_from,
                               (json_int_t) z->row_to, "reefer", z->reefer, "dg", z->dg);

        if (zo && z->max_stack_kg)
            r = jv_set_int(zo, "max_stack_kg", z->max_stack_kg);
        if (!zo || r || json_array_append_new(zones, zo) != 0)
            r = BOL_E_NOMEM;
    }
    if (r == 0 && b->nzones) {
        r = jv_set(o, "zones", zones);
        zones = NULL;
    }
    json_decref(zones);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- berths, equipment ---- */

static const char *const berth_keys[] = { "terminal", "code", "from_m", "to_m", "depth_dm", NULL };

int bol_berth_from_json(json_t *o, struct bol_berth *out, struct bol_diag *diag)
{
    struct bol_berth b;
    int64_t from = 0, to = 0, depth = 0;
    int r;

    memset(&b, 0, sizeof(b));
    if ((r = jv_only(o, berth_keys, diag)) < 0 || (r = terminal_field(o, b.terminal, diag)) < 0 ||
        (r = code_field(o, "code", b.code, sizeof(b.code), true, diag)) < 0 ||
        (r = jv_int(o, "from_m", 0, 100000, true, &from, diag)) < 0 ||
        (r = jv_int(o, "to_m", 0, 100000, true, &to, diag)) < 0 ||
        (r = jv_int(o, "depth_dm", 0, 1000, false, &depth, diag)) < 0)
        return r;
    if (to <= from)
        return bol_diag_fail(diag, BOL_E_INVAL, "to_m", "'to_m' must be beyond 'from_m'");
    b.from_m = (int32_t) from;
    b.to_m = (int32_t) to;
    b.depth_dm = (int32_t) depth;
    *out = b;
    return 0;
}

int bol_berth_to_json(const struct bol_berth *b, json_t **ret)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "terminal", b->terminal, "code", b->code,
                          "from_m", (json_int_t) b->from_m, "to_m", (json_int_t) b->to_m,
                          "depth_dm", (json_int_t) b->depth_dm);

    if (!o)
        return BOL_E_NOMEM;
    *ret = o;
    return 0;
}

static const char *const equipment_keys[] = { "terminal", "id", "kind", "status", NULL };

int bol_equipment_from_json(json_t *o, struct bol_equipment *out, struct bol_diag *diag)
{
    struct bol_equipment e;
    unsigned kind = 0, status = 0;
    int r;

    memset(&e, 0, sizeof(e));
    if ((r = jv_only(o, equipment_keys, diag)) < 0 ||
        (r = terminal_field(o, e.terminal, diag)) < 0 ||
        (r = code_field(o, "id", e.id, sizeof(e.id), true, diag)) < 0 ||
        (r = jv_enum(o, "kind", bol_equip_kind_names, true, &kind, diag)) < 0 ||
        (r = jv_enum(o, "status", bol_equip_status_names, false, &status, diag)) < 0)
        return r;
    e.kind = (enum bol_equip_kind) kind;
    e.status = (enum bol_equip_status) status;
    *out = e;
    return 0;
}

int bol_equipment_to_json(const struct bol_equipment *e, json_t **ret)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s}", "terminal", e->terminal, "id", e->id, "kind",
                  bol_equip_kind_names[e->kind], "status", bol_equip_status_names[e->status]);

    if (!o)
        return BOL_E_NOMEM;
    *ret = o;
    return 0;
}

/* ---- vessels ---- */

static const char *const vessel_keys[] = {
    "imo", "name", "call_sign", "operator", "profile", NULL
};
static const char *const profile_keys[] = { "bays",
                                            "rows_starboard",
                                            "rows_port",
                                            "centre_row",
                                            "hold_tier_max",
                                            "deck_tier_min",
                                            "deck_tier_max",
                                            "odd_tiers",
                                            "max_stack_kg_hold",
                                            "max_stack_kg_deck",
                                            "reefer",
                                            "teu",
                                            NULL };
static const char *const reefer_zone_keys[] = { "bays", "tiers", NULL };

static int profile_from_json(json_t *o, struct bol_vessel_profile *p, struct bol_diag *diag)
{
    int64_t bays = 0, rs = 0, rp = 0, hmax = 0, dmin = 0, dmax = 0, kh = 0, kd = 0, teu = 0;
    json_t *reefer = NULL, *z;
    size_t i;
    int r;

    if ((r = jv_only(o, profile_keys, diag)) < 0 ||
        (r = jv_int(o, "bays", 1, 255, true, &bays, diag)) < 0 ||
        (r = jv_int(o, "rows_starboard", 0, 15, true, &rs, diag)) < 0 ||
        (r = jv_int(o, "rows_port", 0, 15, true, &rp, diag)) < 0 ||
        (r = jv_bool(o, "centre_row", false, &p->frame.centre_row, diag)) < 0 ||
        (r = jv_int(o, "hold_tier_max", 0, 78, true, &hmax, diag)) < 0 ||
        (r = jv_int(o, "deck_tier_min", 50, 98, true, &dmin, diag)) < 0 ||
        (r = jv_int(o, "deck_tier_max", 50, 99, true, &dmax, diag)) < 0 ||
        (r = jv_bool(o, "odd_tiers", false, &p->frame.odd_tiers, diag)) < 0 ||
        (r = jv_int(o, "max_stack_kg_hold", 1000, 1000000, true, &kh, diag)) < 0 ||
        (r = jv_int(o, "max_stack_kg_deck", 1000, 1000000, true, &kd, diag)) < 0 ||
        (r = jv_int(o, "teu", 0, 40000, false, &teu, diag)) < 0 ||
        (r = jv_array(o, "reefer", BOL_ZONES_MAX, false, &reefer, diag)) < 0)
        return r;
    if (dmax < dmin || hmax >= dmin || (!rs && !rp && !p->frame.centre_row))
        return bol_diag_fail(diag, BOL_E_INVAL, "profile",
                             "profile needs rows, and hold tiers below deck tiers "
                             "(hold_tier_max < deck_tier_min <= deck_tier_max)");
    p->frame.max_bay = (uint16_t) bays;
    p->frame.rows_starboard = (uint8_t) rs;
    p->frame.rows_port = (uint8_t) rp;
    p->frame.hold_tier_max = (uint8_t) hmax;
    p->frame.deck_tier_min = (uint8_t) dmin;
    p->frame.deck_tier_max = (uint8_t) dmax;
    p->max_stack_kg_hold = (uint32_t) kh;
    p->max_stack_kg_deck = (uint32_t) kd;
    p->teu = (uint32_t) teu;
    json_array_foreach(reefer, i, z)
    {
        int64_t blo = 0, bhi = 0, tlo = 0, thi = 0;

        if ((r = jv_only(z, reefer_zone_keys, diag)) < 0 ||
            (r = pair_field(z, "bays", 1, bays, &blo, &bhi, diag)) < 0 ||
            (r = pair_field(z, "tiers", 1, 99, &tlo, &thi, diag)) < 0)
            return r;
        p->reefer[p->nreefer].bay_from = (uint16_t) blo;
        p->reefer[p->nreefer].bay_to = (uint16_t) bhi;
        p->reefer[p->nreefer].tier_from = (uint8_t) tlo;
        p->reefer[p->nreefer].tier_to = (uint8_t) thi;
        p->nreefer++;
    }
    return 0;
}

int bol_vessel_from_json(json_t *o, struct bol_vessel *out, struct bol_diag *diag)
{
    struct bol_vessel v;
    struct bol_str imo = { NULL, 0 };
    json_t *prof = NULL;
    int r;

    memset(&v, 0, sizeof(v));
    if ((r = jv_only(o, vessel_keys, diag)) < 0 ||
        (r = jv_text(o, "imo", 7, true, &imo, diag)) < 0 || (r = bol_imo_check(imo, diag)) < 0 ||
        (r = jv_text_buf(o, "name", v.name, sizeof(v.name), true, diag)) < 0 ||
        (r = code_field(o, "call_sign", v.call_sign, sizeof(v.call_sign), false, diag)) < 0 ||
        (r = code_field(o, "operator", v.operator_, sizeof(v.operator_), false, diag)) < 0 ||
        (r = jv_object(o, "profile", true, &prof, diag)) < 0 ||
        (r = profile_from_json(prof, &v.profile, diag)) < 0)
        return r;
    memcpy(v.imo, imo.p, 7);
    *out = v;
    return 0;
}

int bol_vessel_to_json(const struct bol_vessel *v, json_t **ret)
{
    const struct bol_vessel_profile *p = &v->profile;
    json_t *o, *prof, *reefer = json_array();
    unsigned i;
    int r = 0;

    prof = json_pack(
        "{s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:b, s:I, s:I, s:I}", "bays",
        (json_int_t) p->frame.max_bay, "rows_starboard", (json_int_t) p->frame.rows_starboard,
        "rows_port", (json_int_t) p->frame.rows_port, "centre_row", p->frame.centre_row,
        "hold_tier_max", (json_int_t) p->frame.hold_tier_max, "deck_tier_min",
        (json_int_t) p->frame.deck_tier_min, "deck_tier_max", (json_int_t) p->frame.deck_tier_max,
        "odd_tiers", p->frame.odd_tiers, "max_stack_kg_hold", (json_int_t) p->max_stack_kg_hold,
        "max_stack_kg_deck", (json_int_t) p->max_stack_kg_deck, "teu", (json_int_t) p->teu);
    for (i = 0; reefer && i < p->nreefer; i++) {
        json_t *z =
            json_pack("{s:[I,I], s:[I,I]}", "bays", (json_int_t) p->reefer[i].bay_from,
                      (json_int_t) p->reefer[i].bay_to, "tiers",
                      (json_int_t) p->reefer[i].tier_from, (json_int_t) p->reefer[i].tier_to);

        if (!z || json_array_append_new(reefer, z) != 0)
            r = BOL_E_NOMEM;
    }
    if (!prof || !reefer || r) {
        json_decref(prof);
        json_decref(reefer);
        return BOL_E_NOMEM;
    }
    if (p->nreefer)
        r = jv_set(prof, "reefer", reefer);
    else
        json_decref(reefer);
    o = json_pack("{s:s, s:s, s:o}", "imo", v->imo, "name", v->name, "profile", prof);
    if (!o || r) {
        json_decref(o);
        return BOL_E_NOMEM;
    }
    if (v->call_sign[0])
        r = jv_set_str(o, "call_sign", v->call_sign);
    if (r == 0 && v->operator_[0])
        r = jv_set_str(o, "operator", v->operator_);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- visits ---- */

static const char *const visit_keys[] = { "id",         "terminal", "imo", "line",  "voyage_in",
                                          "voyage_out", "berth",    "eta", "etb",   "etd",
                                          "ata",        "atb",      "atd", "phase", NULL };

int bol_visit_from_json(json_t *o, struct bol_visit *out, struct bol_diag *diag)
{
    struct bol_visit v;
    struct bol_str id = { NULL, 0 }, imo = { NULL, 0 };
    unsigned phase = 0;
    int r;

    memset(&v, 0, sizeof(v));
    if ((r = jv_only(o, visit_keys, diag)) < 0 ||
        (r = jv_text(o, "id", BOL_VISIT_ID_MAX, true, &id, diag)) < 0 ||
        (r = bol_visit_id_check(id, diag)) < 0 || (r = terminal_field(o, v.terminal, diag)) < 0 ||
        (r = jv_text(o, "imo", 7, true, &imo, diag)) < 0 || (r = bol_imo_check(imo, diag)) < 0 ||
        (r = code_field(o, "line", v.line, sizeof(v.line), false, diag)) < 0 ||
        (r = code_field(o, "voyage_in", v.voyage_in, sizeof(v.voyage_in), false, diag)) < 0 ||
        (r = code_field(o, "voyage_out", v.voyage_out, sizeof(v.voyage_out), false, diag)) < 0 ||
        (r = code_field(o, "berth", v.berth, sizeof(v.berth), false, diag)) < 0 ||
        (r = jv_time(o, "eta", false, &v.eta, diag)) < 0 ||
        (r = jv_time(o, "etb", false, &v.etb, diag)) < 0 ||
        (r = jv_time(o, "etd", false, &v.etd, diag)) < 0 ||
        (r = jv_time(o, "ata", false, &v.ata, diag)) < 0 ||
        (r = jv_time(o, "atb", false, &v.atb, diag)) < 0 ||
        (r = jv_time(o, "atd", false, &v.atd, diag)) < 0 ||
        (r = jv_enum(o, "phase", bol_phase_names, false, &phase, diag)) < 0)
        return r;
    memcpy(v.id, id.p, id.len);
    memcpy(v.imo, imo.p, 7);
    v.phase = (enum bol_visit_phase) phase;
    *out = v;
    return 0;
}

int bol_visit_to_json(const struct bol_visit *v, json_t **ret)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", v->id, "terminal", v->terminal, "imo",
                          v->imo, "phase", bol_phase_names[v->phase]);
    int r = o ? 0 : BOL_E_NOMEM;

    if (r == 0 && v->line[0])
        r = jv_set_str(o, "line", v->line);
    if (r == 0 && v->voyage_in[0])
        r = jv_set_str(o, "voyage_in", v->voyage_in);
    if (r == 0 && v->voyage_out[0])
        r = jv_set_str(o, "voyage_out", v->voyage_out);
    if (r == 0 && v->berth[0])
        r = jv_set_str(o, "berth", v->berth);
    if (r == 0 && v->eta)
        r = jv_set_time(o, "eta", v->eta);
    if (r == 0 && v->etb)
        r = jv_set_time(o, "etb", v->etb);
    if (r == 0 && v->etd)
        r = jv_set_time(o, "etd", v->etd);
    if (r == 0 && v->ata)
        r = jv_set_time(o, "ata", v->ata);
    if (r == 0 && v->atb)
        r = jv_set_time(o, "atb", v->atb);
    if (r == 0 && v->atd)
        r = jv_set_time(o, "atd", v->atd);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- containers ---- */

const char *const bol_container_keys[] = {
    "id",       "check_digit_ok", "sizetype", "line",       "category", "full",
    "tare_kg",  "gross_kg",       "vgm_kg",   "vgm_method", "seals",    "reefer_on",
    "setpoint", "setpoint_c10",   "vent_pct", "dg",         "oog",      "pol",
    "pod",      "booking",        "bl",       NULL
};
static const char *const dg_keys[] = { "un", "class", NULL };
static const char *const oog_keys[] = {
    "top_cm", "left_cm", "right_cm", "front_cm", "back_cm", NULL
};

static int locode_field(json_t *o, const char *key, char out[6], struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    struct bol_locode l;
    int r = jv_text(o, key, 6, false, &s, diag);

    if (r < 0 || !s.p)
        return r;
    if (bol_locode_parse(s, &l, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, key);
    memcpy(out, l.s, 6);
    return 0;
}

static int dg_from_json(json_t *o, struct bol_container *c, struct bol_diag *diag)
{
    json_t *a, *d;
    size_t i;
    int r = jv_array(o, "dg", BOL_DG_MAX, false, &a, diag);

    if (r < 0 || !a)
        return r;
    json_array_foreach(a, i, d)
    {
        struct bol_str un = { NULL, 0 }, cls = { NULL, 0 };
        struct bol_dg_line *l = &c->dg[c->ndg];

        if ((r = jv_only(d, dg_keys, diag)) < 0 || (r = jv_text(d, "un", 8, true, &un, diag)) < 0 ||
            (r = jv_text(d, "class", 4, true, &cls, diag)) < 0)
            return r;
        if (bol_un_number_parse(un, &l->un, diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, "un");
        if (bol_imdg_class_parse(cls, &l->cls, diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, "class");
        c->ndg++;
    }
    return 0;
}

static int oog_from_json(json_t *o, struct bol_container *c, struct bol_diag *diag)
{
    int64_t v[5] = { 0, 0, 0, 0, 0 };
    json_t *g;
    int r = jv_object(o, "oog", false, &g, diag);

    if (r < 0 || !g)
        return r;
    if ((r = jv_only(g, oog_keys, diag)) < 0 ||
        (r = jv_int(g, "top_cm", 0, 1000, false, &v[0], diag)) < 0 ||
        (r = jv_int(g, "left_cm", 0, 1000, false, &v[1], diag)) < 0 ||
        (r = jv_int(g, "right_cm", 0, 1000, false, &v[2], diag)) < 0 ||
        (r = jv_int(g, "front_cm", 0, 1000, false, &v[3], diag)) < 0 ||
        (r = jv_int(g, "back_cm", 0, 1000, false, &v[4], diag)) < 0)
        return r;
    c->oog_top_cm = (uint16_t) v[0];
    c->oog_left_cm = (uint16_t) v[1];
    c->oog_right_cm = (uint16_t) v[2];
    c->oog_front_cm = (uint16_t) v[3];
    c->oog_back_cm = (uint16_t) v[4];
    return 0;
}

int bol_container_from_json(json_t *o, struct bol_container *out, struct bol_diag *diag)
{
    struct bol_container c;
    struct bol_str id = { NULL, 0 }, st = { NULL, 0 }, sp = { NULL, 0 };
    struct bol_sizetype stype;
    int64_t tare = 0, gross = 0, vgm = 0, vent = 0, c10 = INT64_MIN;
    unsigned cat = 0, method = 0;
    bool check_ok = true;
    static const char *const methods[] = { "unknown", "SM1", "SM2", NULL };
    int r;

    memset(&c, 0, sizeof(c));
    if ((r = jv_only(o, bol_container_keys, diag)) < 0 ||
        (r = jv_text(o, "id", BOL_CONTAINER_ID_INPUT_MAX, true, &id, diag)) < 0 ||
        (r = jv_bool(o, "check_digit_ok", false, &check_ok, diag)) < 0 ||
        (r = jv_text(o, "sizetype", 8, true, &st, diag)) < 0 ||
        (r = code_field(o, "line", c.line, sizeof(c.line), false, diag)) < 0 ||
        (r = jv_enum(o, "category", bol_category_names, true, &cat, diag)) < 0 ||
        (r = jv_bool(o, "full", true, &c.full, diag)) < 0 ||
        (r = jv_int(o, "tare_kg", 0, BOL_ISO668_MAX_GROSS_KG, false, &tare, diag)) < 0 ||
        (r = jv_int(o, "gross_kg", 0, 100000, false, &gross, diag)) < 0 ||
        (r = jv_int(o, "vgm_kg", 0, 100000, false, &vgm, diag)) < 0 ||
        (r = jv_enum(o, "vgm_method", methods, false, &method, diag)) < 0 ||
        (r = jv_text_buf(o, "seals", c.seals, sizeof(c.seals), false, diag)) < 0 ||
        (r = jv_bool(o, "reefer_on", false, &c.reefer_on, diag)) < 0 ||
        (r = jv_text(o, "setpoint", 10, false, &sp, diag)) < 0 ||
        (r = jv_int(o, "setpoint_c10", BOL_TEMP_MIN_C10, BOL_TEMP_MAX_C10, false, &c10, diag)) <
            0 ||
        (r = jv_int(o, "vent_pct", 0, 100, false, &vent, diag)) < 0 ||
        (r = dg_from_json(o, &c, diag)) < 0 || (r = oog_from_json(o, &c, diag)) < 0 ||
        (r = locode_field(o, "pol", c.pol, diag)) < 0 ||
        (r = locode_field(o, "pod", c.pod, diag)) < 0 ||
        (r = jv_text_buf(o, "booking", c.booking, sizeof(c.booking), false, diag)) < 0 ||
        (r = jv_text_buf(o, "bl", c.bl, sizeof(c.bl), false, diag)) < 0)
        return r;
    r = bol_container_id_normalize(id, &c.id, diag);
    if (r < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, "id");
    c.check_digit_ok = bol_container_id_verify(&c.id, NULL) == 0;
    if (!c.check_digit_ok && check_ok) {
        r = bol_container_id_verify(&c.id, diag);
        return bol_diag_wrap(diag, BOL_E_INVAL, "id");
    }
    if (bol_sizetype_parse(st, &stype, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, "sizetype");
    memcpy(c.sizetype, stype.code, 5);
    c.category = (enum bol_category) cat;
    c.tare_kg = (uint32_t) tare;
    c.gross_kg = (uint32_t) gross;
    c.vgm_kg = (uint32_t) vgm;
    c.vgm_method = (enum bol_vgm_method) method;
    c.vent_pct = (uint8_t) vent;
    if (sp.p && c10 != INT64_MIN)
        return bol_diag_fail(diag, BOL_E_INVAL, "setpoint",
                             "give 'setpoint' or 'setpoint_c10', not both");
    if (sp.p) {
        int16_t t = 0;

        if (bol_temp_parse(sp, BOL_STR("CEL"), '.', &t, diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, "setpoint");
        c.setpoint_c10 = t;
        c.reefer_on = c.reefer_on || c.full;
    } else if (c10 != INT64_MIN) {
        c.setpoint_c10 = (int16_t) c10;
    }
    if (c.vgm_kg && (r = bol_vgm_check(c.vgm_kg, c.tare_kg, 0, diag)) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, "vgm_kg");
    if (c.gross_kg && c.tare_kg && c.gross_kg < c.tare_kg)
        return bol_diag_fail(diag, BOL_E_INVAL, "gross_kg", "'gross_kg' is below 'tare_kg'");
    if (!c.full && c.category != BOL_CAT_EMPTY && c.category != BOL_CAT_STORAGE &&
        c.category != BOL_CAT_THROUGH)
        return bol_diag_fail(diag, BOL_E_INVAL, "full",
                             "an empty box must have category 'empty', 'storage' or 'through'");
    if (c.full && c.category == BOL_CAT_EMPTY)
        return bol_diag_fail(diag, BOL_E_INVAL, "full", "category 'empty' needs \"full\": false");
    if ((c.reefer_on || sp.p || c10 != INT64_MIN) && !(stype.flags & BOL_ST_REEFER))
        return bol_diag_fail(diag, BOL_E_INVAL, "setpoint",
                             "a set point needs a reefer size-type, not %s", stype.code);
    if (c.ndg && !c.full)
        return bol_diag_fail(diag, BOL_E_INVAL, "dg", "an empty box carries no dangerous goods");
    *out = c;
    return 0;
}

int bol_container_to_json(const struct bol_container *c, json_t **ret)
{
    json_t *o = json_object();
    int r = o ? 0 : BOL_E_NOMEM;
    unsigned i;

    r = add(o, r, "id", json_string(c->id.s));
    if (!c->check_digit_ok)
        r = add(o, r, "check_digit_ok", json_false());
    r = add(o, r, "sizetype", json_string(c->sizetype));
    if (c->line[0])
        r = add(o, r, "line", json_string(c->line));
    r = add(o, r, "category", json_string(bol_category_names[c->category]));
    r = add(o, r, "full", json_boolean(c->full));
    if (c->tare_kg)
        r = add(o, r, "tare_kg", json_integer(c->tare_kg));
    if (c->gross_kg)
        r = add(o, r, "gross_kg", json_integer(c->gross_kg));
    if (c->vgm_kg)
        r = add(o, r, "vgm_kg", json_integer(c->vgm_kg));
    if (c->vgm_method)
        r = add(o, r, "vgm_method", json_string(c->vgm_method == BOL_VGM_SM1 ? "SM1" : "SM2"));
    if (c->seals[0])
        r = add(o, r, "seals", json_string(c->seals));
    if (c->reefer_on)
        r = add(o, r, "reefer_on", json_true());
    if (c->setpoint_c10 || c->reefer_on)
        r = add(o, r, "setpoint_c10", json_integer(c->setpoint_c10));
    if (c->vent_pct)
        r = add(o, r, "vent_pct", json_integer(c->vent_pct));
    if (c->ndg) {
        json_t *a = json_array();

        for (i = 0; a && i < c->ndg; i++) {
            char un[8], cls[5];

            snprintf(un, sizeof(un), "%04u", (unsigned) c->dg[i].un);
            bol_imdg_class_format(&c->dg[i].cls, cls);
            if (json_array_append_new(a, json_pack("{s:s, s:s}", "un", un, "class", cls)) != 0)
                r = BOL_E_NOMEM;
        }
        r = add(o, r, "dg", a);
    }
    if (c->oog_top_cm || c->oog_left_cm || c->oog_right_cm || c->oog_front_cm || c->oog_back_cm)
        r = add(o, r, "oog",
                json_pack("{s:I, s:I, s:I, s:I, s:I}", "top_cm", (json_int_t) c->oog_top_cm,
                          "left_cm", (json_int_t) c->oog_left_cm, "right_cm",
                          (json_int_t) c->oog_right_cm, "front_cm", (json_int_t) c->oog_front_cm,
                          "back_cm", (json_int_t) c->oog_back_cm));
    if (c->pol[0])
        r = add(o, r, "pol", json_string(c->pol));
    if (c->pod[0])
        r = add(o, r, "pod", json_string(c->pod));
    if (c->booking[0])
        r = add(o, r, "booking", json_string(c->booking));
    if (c->bl[0])
        r = add(o, r, "bl", json_string(c->bl));
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- places ---- */

static const char *const place_keys[] = { "kind", "slot", "visit", "cell", "truck", NULL };

static int slot_from_text(struct bol_str s, const char *field, struct bol_place *p,
                          struct bol_diag *diag)
{
    if (bol_yard_addr_parse(s, BOL_YARD_SLOT, &p->yard, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, field);
    if (p->yard.level != BOL_YARD_SLOT)
        return bol_diag_fail(diag, BOL_E_INVAL, field,
                             "'%s' must name a slot: TERMINAL/BLOCK/BAY/ROW/TIER", field);
    p->kind = BOL_PLACE_YARD;
    memcpy(p->terminal, p->yard.terminal, sizeof(p->terminal));
    return 0;
}

int bol_place_from_json(json_t *v, const char *field, struct bol_place *out, struct bol_diag *diag)
{
    struct bol_place p;
    struct bol_str s = { NULL, 0 };
    unsigned kind = 0;
    int64_t truck = 0;
    int r;

    memset(&p, 0, sizeof(p));
    if (json_is_string(v)) {
        r = slot_from_text(bol_str_make(json_string_value(v), json_string_length(v)), field, &p,
                           diag);
        if (r == 0)
            *out = p;
        return r;
    }
    if (!json_is_object(v))
        return bol_diag_fail(diag, BOL_E_INVAL, field, "'%s' must be a place", field);
    if ((r = jv_only(v, place_keys, diag)) < 0 ||
        (r = jv_enum(v, "kind", bol_place_kind_names, true, &kind, diag)) < 0)
        return r;
    p.kind = (enum bol_place_kind) kind;
    switch (p.kind) {
    case BOL_PLACE_YARD:
        if ((r = jv_text(v, "slot", 40, true, &s, diag)) < 0)
            return r;
        r = slot_from_text(s, field, &p, diag);
        break;
    case BOL_PLACE_VESSEL:
    case BOL_PLACE_QUAY:
        if ((r = jv_text(v, "visit", BOL_VISIT_ID_MAX, true, &s, diag)) < 0 ||
            (r = bol_visit_id_check(s, diag)) < 0)
            return r;
        memcpy(p.visit, s.p, s.len);
        if (p.kind == BOL_PLACE_VESSEL) {
            if ((r = jv_text(v, "cell", 8, true, &s, diag)) < 0 ||
                (r = bol_cell_parse(s, &p.cell, diag)) < 0)
                return r;
        }
        break;
    case BOL_PLACE_TRUCK:
        if ((r = jv_int(v, "truck", 1, INT64_MAX, true, &truck, diag)) < 0)
            return r;
        p.truck = (uint64_t) truck;
        break;
    default:
        break;
    }
    if (r == 0)
        *out = p;
    return r;
}

int bol_place_to_json(const struct bol_place *p, json_t **ret)
{
    json_t *o = json_pack("{s:s}", "kind", bol_place_kind_names[p->kind]);
    char buf[BOL_YARD_ADDR_TEXT_MAX];
    int r = o ? 0 : BOL_E_NOMEM;

    switch (p->kind) {
    case BOL_PLACE_YARD:
        bol_yard_addr_format(&p->yard, buf);
        r = add(o, r, "slot", json_string(buf));
        break;
    case BOL_PLACE_VESSEL:
        bol_cell_format(&p->cell, buf);
        r = add(o, r, "cell", json_string(buf));
        r = add(o, r, "visit", json_string(p->visit));
        break;
    case BOL_PLACE_QUAY:
        r = add(o, r, "visit", json_string(p->visit));
        break;
    case BOL_PLACE_TRUCK:
        r = add(o, r, "truck", json_integer((json_int_t) p->truck));
        break;
    default:
        break;
    }
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}
