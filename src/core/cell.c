/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cell.c - ISO 9711-1 stowage cells
 */
#include "compat.h"

#include "cell.h"
#include "errors.h"

int bol_cell_parse(struct bol_str in, struct bol_cell *ret, struct bol_diag *diag)
{
    struct bol_str t = bol_str_trim(in);
    unsigned v[7];
    unsigned bay;
    size_t i;

    if (t.len != 6 && t.len != 7)
        return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                             "stowage cell must be 6 or 7 digits (bay, row, tier), got %zu "
                             "characters",
                             t.len);
    for (i = 0; i < t.len; i++) {
        if (!bol_is_digit(t.p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "stowage cell must be digits only, got byte 0x%02x at "
                                 "position %zu",
                                 (unsigned char) t.p[i], i + 1);
        v[i] = (unsigned) (t.p[i] - '0');
    }
    if (t.len == 6)
        bay = v[0] * 10 + v[1];
    else
        bay = v[0] * 100 + v[1] * 10 + v[2];
    i = t.len - 4;
    if (bay == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "bay", "bay 0 does not exist (bays start at 01)");
    if (v[i + 2] * 10 + v[i + 3] == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "tier", "tier 00 does not exist");
    ret->bay = (uint16_t) bay;
    ret->row = (uint8_t) (v[i] * 10 + v[i + 1]);
    ret->tier = (uint8_t) (v[i + 2] * 10 + v[i + 3]);
    return 0;
}

void bol_cell_format(const struct bol_cell *c, char out[BOL_CELL_TEXT_MAX])
{
    snprintf(out, BOL_CELL_TEXT_MAX, "%03u%02u%02u", (unsigned) (c->bay % 1000),
             (unsigned) (c->row % 100), (unsigned) (c->tier % 100));
}

bool bol_cell_bay_is_20ft(uint16_t bay)
{
    return bay % 2 == 1;
}

uint16_t bol_cell_bay_40ft(uint16_t bay20)
{
    if (bay20 % 2 == 0)
        return bay20;
    /* 1,3 -> 2; 5,7 -> 6; 9,11 -> 10 */
    return (uint16_t) (bay20 % 4 == 1 ? bay20 + 1 : bay20 - 1);
}

int bol_cell_bays_20ft(uint16_t bay40, uint16_t *ret_fore, uint16_t *ret_aft)
{
    if (bay40 == 0 || bay40 % 2 != 0)
        return BOL_E_INVAL;
    *ret_fore = (uint16_t) (bay40 - 1);
    *ret_aft = (uint16_t) (bay40 + 1);
    return 0;
}

enum bol_cell_side bol_cell_side(uint8_t row)
{
    if (row == 0)
        return BOL_SIDE_CENTRE;
    return row % 2 ? BOL_SIDE_STARBOARD : BOL_SIDE_PORT;
}

bool bol_cell_on_deck(const struct bol_cell *c, uint8_t deck_tier_min)
{
    return c->tier >= deck_tier_min;
}

int bol_cell_check(const struct bol_cell *c, const struct bol_cell_frame *f, struct bol_diag *diag)
{
    if (!f->deck_tier_min)
        return bol_diag_fail(diag, BOL_E_INVAL, "frame", "vessel frame has no deck tier");
    if (c->bay < 1 || c->bay > f->max_bay)
        return bol_diag_fail(diag, BOL_E_INVAL, "bay", "bay %02u outside 01..%02u",
                             (unsigned) c->bay, (unsigned) f->max_bay);
    switch (bol_cell_side(c->row)) {
    case BOL_SIDE_CENTRE:
        if (!f->centre_row)
            return bol_diag_fail(diag, BOL_E_INVAL, "row",
                                 "row 00 does not exist: the vessel has no centre row");
        break;
    case BOL_SIDE_STARBOARD:
        if ((c->row + 1u) / 2 > f->rows_starboard)
            return bol_diag_fail(diag, BOL_E_INVAL, "row",
                                 "starboard row %02u beyond the vessel's %u starboard rows",
                                 (unsigned) c->row, (unsigned) f->rows_starboard);
        break;
    case BOL_SIDE_PORT:
        if (c->row / 2u > f->rows_port)
            return bol_diag_fail(diag, BOL_E_INVAL, "row",
                                 "port row %02u beyond the vessel's %u port rows",
                                 (unsigned) c->row, (unsigned) f->rows_port);
        break;
    }
    if (!f->odd_tiers && c->tier % 2)
        return bol_diag_fail(diag, BOL_E_INVAL, "tier",
                             "tier %02u is odd: this vessel numbers tiers 02, 04 ...",
                             (unsigned) c->tier);
    if (bol_cell_on_deck(c, f->deck_tier_min)) {
        if (c->tier > f->deck_tier_max)
            return bol_diag_fail(diag, BOL_E_INVAL, "tier",
                                 "deck tier %02u above the top tier %02u", (unsigned) c->tier,
                                 (unsigned) f->deck_tier_max);
    } else if (c->tier > f->hold_tier_max) {
        return bol_diag_fail(
            diag, BOL_E_INVAL, "tier",
            "tier %02u is neither in the hold (up to %02u) nor on deck (from %02u)",
            (unsigned) c->tier, (unsigned) f->hold_tier_max, (unsigned) f->deck_tier_min);
    }
    return 0;
}
