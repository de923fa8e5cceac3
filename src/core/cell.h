/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cell.h - ISO 9711-1 stowage cells on a vessel (bay, row, tier)
 *
 * A cell is written BBRRTT (6 digits) or BBBRRTT (7 digits, for vessels with
 * more than 99 bays); bollard stores numbers and writes 7 digits.
 *   bay   numbered from the bow; odd bays hold 20 ft boxes, the even bay
 *         between two odd ones (02 between 01 and 03) holds 40/45 ft boxes
 *         over both;
 *   row   from the centreline: 00 is the centre row (vessels with an odd
 *         number of rows), odd numbers go to starboard (01, 03 ...), even
 *         numbers to port (02, 04 ...);
 *   tier  even numbers from the bottom: 02, 04 ... in the hold, and on deck
 *         from the vessel's first deck tier (usually 80 or 82; some vessels
 *         use 72 or 70), so on/under deck is a property of the vessel profile,
 *         not of the number.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

struct bol_cell {
    uint16_t bay; /* 1..999 */
    uint8_t row;  /* 0..99 */
    uint8_t tier; /* 1..99 */
};

enum bol_cell_side {
    BOL_SIDE_CENTRE = 0,
    BOL_SIDE_STARBOARD = 1,
    BOL_SIDE_PORT = 2,
};

/*
 * What a vessel allows, from its profile: rows to each side, the hold and deck
 * tier ranges.  A frame with deck_tier_min 0 is not valid.
 */
struct bol_cell_frame {
    uint16_t max_bay;       /* highest bay number */
    uint8_t rows_starboard; /* starboard rows: 01, 03 ... up to 2n-1 */
    uint8_t rows_port;      /* port rows: 02, 04 ... up to 2n */
    bool centre_row;        /* row 00 exists */
    uint8_t hold_tier_max;  /* highest hold tier (e.g. 18); 0 = no hold (deck only) */
    uint8_t deck_tier_min;  /* first deck tier (e.g. 82) */
    uint8_t deck_tier_max;  /* highest deck tier (e.g. 96) */
    bool odd_tiers;         /* the vessel also numbers odd tiers */
};

/*
 * Parse 6 or 7 digits (surrounding spaces ignored).  0 or BOL_E_INVAL (bay 000,
 * tier 00, wrong length, a non-digit) with the reason in diag.
 */
BOL_MUST_CHECK int bol_cell_parse(struct bol_str in, struct bol_cell *ret, struct bol_diag *diag);

/* Seven digits and a NUL. */
#define BOL_CELL_TEXT_MAX 8

/* Write BBBRRTT. */
void bol_cell_format(const struct bol_cell *c, char out[BOL_CELL_TEXT_MAX]);

/* True for a 20 ft bay (odd number). */
bool bol_cell_bay_is_20ft(uint16_t bay);

/* The 40 ft bay over a 20 ft bay: 01 and 03 -> 02, 05 and 07 -> 06. */
uint16_t bol_cell_bay_40ft(uint16_t bay20);

/* The two 20 ft bays under a 40 ft bay (even): 02 -> 01 and 03.  BOL_E_INVAL for an odd bay. */
BOL_MUST_CHECK int bol_cell_bays_20ft(uint16_t bay40, uint16_t *ret_fore, uint16_t *ret_aft);

enum bol_cell_side bol_cell_side(uint8_t row);

/* True when the tier is on deck for a vessel whose first deck tier is deck_tier_min. */
bool bol_cell_on_deck(const struct bol_cell *c, uint8_t deck_tier_min);

/* Check a cell against a vessel frame: 0 or BOL_E_INVAL naming bay, row or tier. */
BOL_MUST_CHECK int bol_cell_check(const struct bol_cell *c, const struct bol_cell_frame *f,
                                  struct bol_diag *diag);
