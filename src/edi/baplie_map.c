/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baplie_map.c - a bay plan as the commands that put its boxes on board
 */
#include "compat.h"

#include "baplie_map.h"
#include "cell.h"
#include "codec.h"
#include "domain.h"
#include "errors.h"
#include "locode.h"
#include "mem.h"
#include "slot_mark.h"
#include "units.h"

int bol_edi_mapped_note(struct bol_edi_mapped *m, bool error, uint64_t offset, uint32_t segment,
                        const char *text)
{
    json_t *n;

    if (error)
        m->failed = true;
    if (json_array_size(m->notes) >= BOL_EDI_MAP_NOTES_MAX) {
        m->dropped++;
        return 0;
    }
    n = json_pack("{s:s, s:I, s:I, s:s}", "level", error ? "error" : "warning", "offset",
                  (json_int_t) offset, "segment", (json_int_t) segment, "message", text);
    return n && json_array_append_new(m->notes, n) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_edi_mapped_init(struct bol_edi_mapped *m, size_t n)
{
    memset(m, 0, sizeof(*m));
    m->cmds = json_array();
    m->notes = json_array();
    m->slot = bol_calloc(n ? n : 1, sizeof(*m->slot));
    if (!m->cmds || !m->notes || !m->slot) {
        bol_edi_mapped_release(m);
        return BOL_E_NOMEM;
    }
    return 0;
}

void bol_edi_mapped_release(struct bol_edi_mapped *m)
{
    json_decref(m->cmds);
    json_decref(m->notes);
    bol_free(m->slot);
    memset(m, 0, sizeof(*m));
}

/* Values already warned about (lines, ports): one warning per distinct value. */
struct seen {
    char v[64][8];
    unsigned n;
};

static bool seen_before(struct seen *s, const char *v)
{
    unsigned i;

    for (i = 0; i < s->n; i++) {
        if (!strcmp(s->v[i], v))
            return true;
    }
    if (s->n < 64)
        snprintf(s->v[s->n++], sizeof(s->v[0]), "%.7s", v);
    return false;
}

struct mapper {
    const struct bol_edi_map_ctx *ctx;
    struct bol_edi_mapped *m;
    struct seen lines, ports;
};

/* A box as a message gives it, whichever message: what its master data is made of. */
struct src {
    const struct bol_container_id *id;
    bool check_ok, full, reefer;
    const struct bol_sizetype *st;
    uint32_t gross_kg, vgm_kg;
    int16_t temp_c10;
    unsigned ndg; /* read; at most 4 kept in dg */
    struct {
        struct bol_imdg_class cls;
        uint16_t un;
    } dg[BOL_DG_MAX];
    const char *pol, *pod, *line, *booking, *bl, *seals, *vgm_method;
    uint16_t oog_cm[5]; /* top, left, right, front, back */
    uint64_t offset;
    uint32_t segment;
};

static void from_slot(const struct bol_baplie_slot *sl, struct src *s)
{
    unsigned k;

    memset(s, 0, sizeof(*s));
    s->id = &sl->id;
    s->check_ok = sl->check_ok;
    s->full = sl->full;
    s->reefer = sl->reefer;
    s->st = &sl->st;
    s->gross_kg = sl->gross_kg;
    s->vgm_kg = sl->vgm_kg;
    s->temp_c10 = sl->temp_c10;
    s->ndg = sl->ndg;
    for (k = 0; k < sl->ndg && k < BOL_DG_MAX && k < BOL_BAPLIE_DG_MAX; k++) {
        s->dg[k].cls = sl->dg[k].cls;
        s->dg[k].un = sl->dg[k].un;
    }
    s->pol = sl->pol;
    s->pod = sl->pod;
    s->line = sl->line;
    s->booking = s->bl = s->seals = s->vgm_method = "";
    s->oog_cm[0] = sl->oog_top_cm;
    s->oog_cm[1] = sl->oog_left_cm;
    s->oog_cm[2] = sl->oog_right_cm;
    s->oog_cm[3] = sl->oog_front_cm;
    s->oog_cm[4] = sl->oog_back_cm;
    s->offset = sl->offset;
    s->segment = sl->segment;
}

static void from_box(const struct bol_edi_box *x, struct src *s)
{
    unsigned k;

    memset(s, 0, sizeof(*s));
    s->id = &x->id;
    s->check_ok = x->check_ok;
    s->full = strcmp(x->status, "4") != 0;
    s->reefer = x->reefer;
    s->st = &x->st;
    s->gross_kg = x->gross_kg;
    s->vgm_kg = x->vgm_kg;
    s->temp_c10 = x->temp_c10;
    s->ndg = x->ndg;
    for (k = 0; k < x->ndg && k < BOL_DG_MAX && k < BOL_ARRAY_SIZE(x->dg); k++) {
        s->dg[k].cls = x->dg[k].cls;
        s->dg[k].un = x->dg[k].un;
    }
    s->pol = x->pol;
    s->pod = x->pod;
    s->line = x->line;
    s->booking = x->booking;
    s->bl = x->bl;
    s->seals = x->seal_text;
    s->vgm_method = x->vgm_method;
    s->offset = x->offset;
    s->segment = x->segment;
}

static int note(struct mapper *mp, bool error, const struct src *s, const char *fmt, ...)
    BOL_PRINTF(4, 5);
static int note(struct mapper *mp, bool error, const struct src *s, const char *fmt, ...)
{
    char text[BOL_DIAG_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return bol_edi_mapped_note(mp->m, error, s->offset, s->segment, text);
}

static int set_s(json_t *o, const char *k, const char *v)
{
    return json_object_set_new(o, k, json_string(v)) == 0 ? 0 : BOL_E_NOMEM;
}

static int set_i(json_t *o, const char *k, long long v)
{
    return json_object_set_new(o, k, json_integer((json_int_t) v)) == 0 ? 0 : BOL_E_NOMEM;
}

/* A UN/LOCODE the box may carry, or a warning (once per value) and none. */
static int port_field(struct mapper *mp, const struct src *s, json_t *c, const char *key,
                      const char *v)
{
    struct bol_locode lc;

    if (!v[0])
        return 0;
    if (bol_locode_parse(bol_str_from(v), &lc, NULL) == 0)
        return set_s(c, key, v);
    if (seen_before(&mp->ports, v))
        return 0;
    return note(mp, false, s, "'%s' is not a UN/LOCODE: left out of the boxes that name it", v);
}

static int dg_lines(struct mapper *mp, const struct src *s, json_t *c)
{
    json_t *a;
    unsigned i;

    if (!s->ndg)
        return 0;
    if (s->ndg > BOL_DG_MAX)
        return note(mp, true, s, "%s has %u dangerous-goods lines; bollard keeps at most %d",
                    s->id->s, s->ndg, BOL_DG_MAX);
    a = json_array();
    if (!a || json_object_set_new(c, "dg", a) != 0)
        return BOL_E_NOMEM;
    for (i = 0; i < s->ndg; i++) {
        char cls[5], un[8];
        json_t *l;

        if (!s->dg[i].un)
            return note(mp, true, s, "a dangerous-goods line of %s has no UN number", s->id->s);
        bol_imdg_class_format(&s->dg[i].cls, cls);
        snprintf(un, sizeof(un), "%04u", s->dg[i].un);
        l = json_pack("{s:s, s:s}", "un", un, "class", cls);
        if (!l || json_array_append_new(a, l) != 0)
            return BOL_E_NOMEM;
    }
    return 0;
}

/* Out-of-gauge sides, as the core's master data keeps them (cm). */
static int oog_field(const struct src *s, json_t *c)
{
    static const char *const keys[5] = { "top_cm", "left_cm", "right_cm", "front_cm", "back_cm" };
    json_t *o = NULL;
    unsigned i;

    for (i = 0; i < 5; i++) {
        if (!s->oog_cm[i])
            continue;
        if (!o && (!(o = json_object()) || json_object_set_new(c, "oog", o) != 0))
            return BOL_E_NOMEM;
        if (set_i(o, keys[i], s->oog_cm[i]) < 0)
            return BOL_E_NOMEM;
    }
    return 0;
}

/* The box's master data, as container.register takes it. */
static int container_fields(struct mapper *mp, const struct src *s, const char *cat, json_t *c)
{
    int r;

    if ((r = set_s(c, "id", s->id->s)) < 0 || (r = set_s(c, "sizetype", s->st->code)) < 0 ||
        (r = set_s(c, "category", cat)) < 0 ||
        json_object_set_new(c, "full", json_boolean(s->full)) != 0)
        return r < 0 ? r : BOL_E_NOMEM;
    if (!s->check_ok && json_object_set_new(c, "check_digit_ok", json_false()) != 0)
        return BOL_E_NOMEM;
    if (s->gross_kg && (r = set_i(c, "gross_kg", s->gross_kg)) < 0)
        return r;
    if (s->vgm_kg && (r = set_i(c, "vgm_kg", s->vgm_kg)) < 0)
        return r;
    if (s->vgm_kg && s->vgm_method[0] && (r = set_s(c, "vgm_method", s->vgm_method)) < 0)
        return r;
    if ((s->booking[0] && (r = set_s(c, "booking", s->booking)) < 0) ||
        (s->bl[0] && (r = set_s(c, "bl", s->bl)) < 0) ||
        (s->seals[0] && (r = set_s(c, "seals", s->seals)) < 0))
        return r;
    if (s->reefer && !(s->st->flags & BOL_ST_REEFER)) {
        char t[8];

        bol_temp_format(s->temp_c10, t);
        if ((r = note(mp, false, s,
                      "%s has a carriage temperature (%s C) but size-type %s is not a reefer: "
                      "it cannot be powered, so no set point is kept",
                      s->id->s, t, s->st->code)) < 0)
            return r;
    } else if (s->reefer) {
        if ((r = set_i(c, "setpoint_c10", s->temp_c10)) < 0)
            return r;
        if (s->full && json_object_set_new(c, "reefer_on", json_true()) != 0)
            return BOL_E_NOMEM;
    }
    if ((r = dg_lines(mp, s, c)) < 0 || (r = oog_field(s, c)) < 0)
        return r;
    if ((r = port_field(mp, s, c, "pol", s->pol)) < 0 || (r = port_field(mp, s, c, "pod", s->pod)))
        return r;
    if (s->line[0]) {
        r = mp->ctx->line_known(mp->ctx->u, s->line);
        if (r < 0)
            return r;
        if (r > 0)
            return set_s(c, "line", s->line);
        if (!seen_before(&mp->lines, s->line))
            return note(mp, false, s,
                        "shipping line %s is not defined: its boxes are imported without an "
                        "operator (define the line and correct them to fix)",
                        s->line);
    }
    return 0;
}

/* The box's master data, and an error at the box when the core would refuse it (and why). */
static int container_json(struct mapper *mp, const struct src *s, const char *cat, json_t *c)
{
    struct bol_container box;
    struct bol_diag d;
    int r = container_fields(mp, s, cat, c);

    if (r < 0 || mp->m->failed)
        return r;
    bol_diag_init(&d);
    if (bol_container_from_json(c, &box, &d) < 0)
        return note(mp, true, s, "%s: %s: %s", s->id->s, d.field, d.msg);
    return 0;
}

/* Fill c (the container of cmd) from box i and add cmd, unless the box stops the message. */
static int add_register(struct mapper *mp, size_t i, json_t *cmd, json_t *c, const struct src *box,
                        const char *cat)
{
    struct bol_edi_mapped *m = mp->m;
    int r = container_json(mp, box, cat, c);

    if (r < 0 || m->failed) {
        json_decref(cmd);
        return r;
    }
    m->slot[json_array_size(m->cmds)] = i;
    m->boxes++;
    return json_array_append_new(m->cmds, cmd) == 0 ? 0 : BOL_E_NOMEM;
}

static int map_slot(struct mapper *mp, const struct bol_baplie *b, size_t i)
{
    const struct bol_baplie_slot *s = &b->slots[i];
    struct bol_edi_mapped *m = mp->m;
    const char *port = mp->ctx->port;
    char cell[BOL_CELL_TEXT_MAX], where[8];
    struct src box;
    json_t *cmd, *c;
    int r;

    from_slot(s, &box);
    if (!s->has_box) {
        if (!s->blocked) /* blocked cells are counted with the marks */
            m->reserved++;
        return 0;
    }
    if (!s->id_ok) {
        m->unidentified++;
        return note(mp, false, &box,
                    "'%s' is not a container number: cell %s is counted as taken by an "
                    "unidentified box; nothing is registered",
                    s->id_text, s->cell_text);
    }
    if (!s->cell_ok)
        return note(mp, true, &box, "%s: stowage cell '%s' is not a cell", s->id.s, s->cell_text);
    if (!s->st_text[0])
        return note(mp, true, &box,
                    "%s has no size-type: bollard cannot stow a box of unknown size", s->id.s);
    if (!s->st_ok)
        return note(mp, true, &box,
                    "%s: size-type '%s' cannot be read (see the warning at its EQD): bollard "
                    "cannot stow a box of unknown size",
                    s->id.s, s->st_text);
    if (!s->st.length_mm || s->st.length_mm > 13716)
        return note(mp, true, &box, "%s: a %s box has no place in a vessel's 20/40 ft cells",
                    s->id.s, s->st.length_text);
    bol_cell_format(&s->cell, cell);
    r = mp->ctx->on_board(mp->ctx->u, s->id.s, where);
    if (r < 0)
        return r;
    if (r > 0 && !strcmp(where, cell)) {
        m->already++;
        return 0;
    }
    if (!s->check_ok) {
        m->flagged++;
        if ((r = note(mp, false, &box, "%s has a wrong check digit: imported and flagged",
                      s->id.s)) < 0)
            return r;
    }
    c = json_object();
    cmd = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}}", "cmd", "container.register", "container", c,
                    "at", "kind", "vessel", "visit", mp->ctx->visit, "cell", cell);
    if (!cmd)
        return BOL_E_NOMEM;
    return add_register(mp, i, cmd, c, &box,
                        !s->pod[0] || !port[0] || !strcmp(s->pod, port)
                            ? (s->full ? "import" : "empty")
                            : "through");
}

int bol_baplie_map(const struct bol_baplie *b, const struct bol_edi_map_ctx *ctx,
                   struct bol_edi_mapped *out)
{
    struct mapper *mp = bol_calloc(1, sizeof(*mp));
    size_t i;
    int r = 0;

    if (!mp || bol_edi_mapped_init(out, b->nslots) < 0) {
        bol_free(mp);
        return BOL_E_NOMEM;
    }
    mp->ctx = ctx;
    mp->m = out;
    for (i = 0; i < b->nslots && r >= 0; i++)
        r = map_slot(mp, b, i);
    bol_free(mp);
    if (r < 0)
        bol_edi_mapped_release(out);
    return r < 0 ? r : 0;
}

/* ---- reserved and blocked cells ---- */

static bool same_cell(const struct bol_cell *a, const struct bol_cell *b)
{
    return a->bay == b->bay && a->row == b->row && a->tier == b->tier;
}

int bol_baplie_marks(const struct bol_baplie *b, const char *visit, const char *ref,
                     json_t **ret_cmd, uint32_t *reserved, uint32_t *blocked)
{
    json_t *marks = json_array(), *cmd, *m;
    char cell[BOL_CELL_TEXT_MAX], reason[BOL_SLOT_REASON_MAX + 1];
    size_t i, k;

    *ret_cmd = NULL;
    *reserved = *blocked = 0;
    if (!marks)
        return BOL_E_NOMEM;
    for (i = 0; i < b->nslots; i++) {
        const struct bol_baplie_slot *s = &b->slots[i];
        bool dup = false;

        if (s->has_box || !s->cell_ok)
            continue; /* a bad cell was warned about by the reader */
        /* A bundle's member without a number, beside a box in its cell, marks nothing. */
        if ((i > 0 && b->slots[i - 1].has_box && same_cell(&b->slots[i - 1].cell, &s->cell)) ||
            (i + 1 < b->nslots && b->slots[i + 1].has_box &&
             same_cell(&b->slots[i + 1].cell, &s->cell)))
            continue;
        bol_cell_format(&s->cell, cell);
        json_array_foreach(marks, k, m)
        {
            if (strcmp(json_string_value(json_object_get(m, "cell")), cell) != 0)
                continue;
            dup = true;
            if (s->blocked && !strcmp(json_string_value(json_object_get(m, "kind")), "reserved")) {
                (*reserved)--; /* blocked wins: the cell may not be used at all */
                json_array_remove(marks, k);
                dup = false;
            }
            break;
        }
        if (dup || json_array_size(marks) >= BOL_SLOT_MARKS_MAX)
            continue;
        if (s->blocked)
            snprintf(reason, sizeof(reason), "%s", s->reason);
        else if (s->st_text[0] || s->pod[0])
            snprintf(reason, sizeof(reason), "for a %s box%s%s", s->st_text[0] ? s->st_text : "",
                     s->pod[0] ? " to " : "", s->pod);
        else
            reason[0] = '\0';
        m = json_pack("{s:s, s:s}", "cell", cell, "kind", s->blocked ? "blocked" : "reserved");
        if (!m || (reason[0] && json_object_set_new(m, "reason", json_string(reason)) != 0) ||
            json_array_append_new(marks, m) != 0) {
            json_decref(marks);
            return BOL_E_NOMEM;
        }
        if (s->blocked)
            (*blocked)++;
        else
            (*reserved)++;
    }
    cmd = json_pack("{s:s, s:s, s:s, s:o}", "cmd", "slot.mark", "visit", visit, "ref", ref, "marks",
                    marks);
    if (!cmd)
        return BOL_E_NOMEM;
    *ret_cmd = cmd;
    return 0;
}

/* ---- COPARN: container announcements ---- */

static int map_announced(struct mapper *mp, const struct bol_edi_boxes *b, size_t i)
{
    const struct bol_edi_box *x = &b->v[i];
    struct bol_edi_mapped *m = mp->m;
    struct src box;
    const char *cat;
    json_t *cmd, *c;
    int r;

    from_box(x, &box);
    if (!x->id_ok) {
        m->unidentified++;
        return note(mp, false, &box,
                    x->id_text[0] ? "'%s' is not a container number: nothing is announced"
                                  : "%sno container number (an order for any box of a booking): "
                                    "nothing is announced",
                    x->id_text);
    }
    if (!x->sizetype_text[0] || !x->st_ok)
        return note(mp, true, &box, "%s: %s: bollard cannot take a box of unknown size", x->id.s,
                    x->sizetype_text[0] ? "the size-type cannot be read" : "no size-type");
    if (!x->st.length_mm || x->st.length_mm > 13716)
        return note(mp, true, &box, "%s: a %s box has no place in 20/40 ft slots", x->id.s,
                    x->st.length_text);
    r = mp->ctx->known(mp->ctx->u, x->id.s);
    if (r < 0)
        return r;
    if (r > 0) {
        m->already++;
        return 0;
    }
    if (!x->check_ok) {
        m->flagged++;
        if ((r = note(mp, false, &box, "%s has a wrong check digit: announced and flagged",
                      x->id.s)) < 0)
            return r;
    }
    cat = !box.full                   ? "empty"
          : !strcmp(x->category, "3") ? "import"
          : !strcmp(x->category, "6") ? "transshipment"
                                      : "export";
    c = json_object();
    cmd = json_pack("{s:s, s:o}", "cmd", "container.register", "container", c);
    if (!cmd)
        return BOL_E_NOMEM;
    return add_register(mp, i, cmd, c, &box, cat);
}

int bol_coparn_map(const struct bol_edi_boxes *b, const struct bol_edi_map_ctx *ctx,
                   struct bol_edi_mapped *out)
{
    struct mapper *mp = bol_calloc(1, sizeof(*mp));
    size_t i;
    int r = 0;

    if (!mp || bol_edi_mapped_init(out, b->n) < 0) {
        bol_free(mp);
        return BOL_E_NOMEM;
    }
    mp->ctx = ctx;
    mp->m = out;
    if (strcmp(b->doc, "126") != 0) {
        char text[BOL_DIAG_MSG_MAX];

        snprintf(text, sizeof(text),
                 "COPARN with BGM '%.4s' (a release or booking order) is not imported yet; "
                 "bollard imports container announcements (BGM 126)",
                 b->doc);
        r = bol_edi_mapped_note(out, true, b->doc_offset, b->doc_segment, text);
    }
    for (i = 0; i < b->n && r >= 0 && !out->failed; i++)
        r = map_announced(mp, b, i);
    bol_free(mp);
    if (r < 0)
        bol_edi_mapped_release(out);
    return r < 0 ? r : 0;
}
