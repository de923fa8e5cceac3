/* SPDX-License-Identifier: Apache-2.0 */
/*
 * domain.c - names, checks and derived values of the terminal's things
 */
#include "compat.h"

#include "domain.h"
#include "errors.h"
#include "sizetype.h"

const char *const bol_block_kind_names[] = {
    "rtg", "rmg", "straddle", "reefer", "empty", "dg", NULL
};
const char *const bol_equip_kind_names[] = { "qc", "rtg", "rmg", "sc", "tt", "rs", "eh", NULL };
const char *const bol_equip_status_names[] = { "available", "working", "maintenance", "breakdown",
                                               NULL };
const char *const bol_phase_names[] = { "planned",   "arrived",  "working",
                                        "completed", "departed", NULL };
const char *const bol_category_names[] = { "import",  "export", "transshipment", "storage", "empty",
                                           "through", NULL };
const char *const bol_place_kind_names[] = {
    "none", "yard", "vessel", "quay", "truck", "gone", NULL
};
const char *const bol_hold_kind_names[] = { "customs", "line", "damage", NULL };
const char *const bol_move_names[] = { "discharge", "load",    "shift",    "relocate", "gate-in",
                                       "receive",   "deliver", "gate-out", "yard-in",  NULL };
const char *const bol_wi_kind_names[] = { "dsch", "load", "shft", "rhdl", "gtin", "gtot", NULL };
const char *const bol_wi_status_names[] = { "planned",   "dispatched", "in_progress", "completed",
                                            "cancelled", "failed",     NULL };

void bol_block_stack_attr(const struct bol_block *b, uint16_t bay20, uint8_t row,
                          struct bol_stack_attr *out)
{
    unsigned i;

    out->reefer = b->kind == BOL_BLOCK_REEFER;
    out->dg = b->kind == BOL_BLOCK_DG;
    out->empties_only = b->kind == BOL_BLOCK_EMPTY;
    out->max_stack_kg = b->max_stack_kg;
    out->sizes = b->sizes;
    for (i = 0; i < b->nzones; i++) {
        const struct bol_zone *z = &b->zones[i];

        if (bay20 < z->bay_from || bay20 > z->bay_to || row < z->row_from || row > z->row_to)
            continue;
        out->reefer = z->reefer;
        out->dg = z->dg;
        if (z->max_stack_kg)
            out->max_stack_kg = z->max_stack_kg;
    }
}

int bol_imo_check(struct bol_str imo, struct bol_diag *diag)
{
    unsigned sum = 0;
    size_t i;

    if (imo.len != 7)
        return bol_diag_fail(diag, BOL_E_INVAL, "imo", "IMO number must be 7 digits");
    for (i = 0; i < 7; i++) {
        if (!bol_is_digit(imo.p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "imo", "IMO number must be 7 digits");
    }
    /* Digits 1..6 weighted 7..2; the sum's last digit is the check digit. */
    for (i = 0; i < 6; i++)
        sum += (unsigned) (imo.p[i] - '0') * (unsigned) (7 - i);
    if (sum % 10 != (unsigned) (imo.p[6] - '0'))
        return bol_diag_fail(diag, BOL_E_INVAL, "imo", "IMO number check digit should be %u",
                             sum % 10);
    return 0;
}

bool bol_vessel_reefer_cell(const struct bol_vessel_profile *p, const struct bol_cell *c)
{
    unsigned i;

    for (i = 0; i < p->nreefer; i++) {
        if (c->bay >= p->reefer[i].bay_from && c->bay <= p->reefer[i].bay_to &&
            c->tier >= p->reefer[i].tier_from && c->tier <= p->reefer[i].tier_to)
            return true;
    }
    return false;
}

int bol_visit_id_check(struct bol_str id, struct bol_diag *diag)
{
    size_t i;

    if (!id.len || id.len > BOL_VISIT_ID_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "visit", "visit id must be 1 to %d characters",
                             BOL_VISIT_ID_MAX);
    for (i = 0; i < id.len; i++) {
        if (!bol_is_upper(id.p[i]) && !bol_is_digit(id.p[i]) && id.p[i] != '-')
            return bol_diag_fail(diag, BOL_E_INVAL, "visit",
                                 "visit id may contain only A-Z, 0-9 and '-'");
    }
    return 0;
}

unsigned bol_container_length_class(const struct bol_container *c)
{
    struct bol_sizetype st;

    if (bol_sizetype_parse(bol_str_from(c->sizetype), &st, NULL) < 0)
        return 0;
    if (st.length_mm <= 6096)
        return 20;
    if (st.length_mm <= 13716)
        return 40;
    return 0; /* 48 and 53 ft boxes have no place in an ISO yard grid */
}

bool bol_container_is_reefer(const struct bol_container *c)
{
    struct bol_sizetype st;

    return bol_sizetype_parse(bol_str_from(c->sizetype), &st, NULL) == 0 &&
           (st.flags & BOL_ST_REEFER);
}

uint32_t bol_container_mass_kg(const struct bol_container *c)
{
    if (c->vgm_kg)
        return c->vgm_kg;
    if (c->gross_kg)
        return c->gross_kg;
    return c->tare_kg;
}

void bol_place_format(const struct bol_place *p, char out[BOL_PLACE_TEXT_MAX])
{
    char a[BOL_YARD_ADDR_TEXT_MAX];
    char cell[BOL_CELL_TEXT_MAX];

    switch (p->kind) {
    case BOL_PLACE_YARD:
        bol_yard_addr_format(&p->yard, a);
        snprintf(out, BOL_PLACE_TEXT_MAX, "yard %s", a);
        break;
    case BOL_PLACE_VESSEL:
        bol_cell_format(&p->cell, cell);
        snprintf(out, BOL_PLACE_TEXT_MAX, "vessel %s %s", p->visit, cell);
        break;
    case BOL_PLACE_QUAY:
        snprintf(out, BOL_PLACE_TEXT_MAX, "quay %s", p->visit);
        break;
    case BOL_PLACE_TRUCK:
        snprintf(out, BOL_PLACE_TEXT_MAX, "truck %" PRIu64, p->truck);
        break;
    case BOL_PLACE_GONE:
        snprintf(out, BOL_PLACE_TEXT_MAX, "gone");
        break;
    default:
        snprintf(out, BOL_PLACE_TEXT_MAX, "none");
        break;
    }
}
