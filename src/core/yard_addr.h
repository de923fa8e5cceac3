/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yard_addr.h - addresses in a terminal's yard
 *
 * A yard position is terminal / block / bay / row / tier, written
 *     NCT1/3C/012/04/2
 * with the trailing parts optional, so the same form names a block
 * ("NCT1/3C"), a bay ("NCT1/3C/012"), a stack ("NCT1/3C/012/04") or a slot
 * ("NCT1/3C/012/04/2").  Terminal codes are 1..8 and block codes 1..4
 * upper-case letters or digits; bays 1..999, rows 1..99, tiers 1..15 (tier 1 is
 * the ground).  Input is case-insensitive and numbers may omit leading zeros;
 * output is upper case with bay 3, row 2 and tier 1 digits or more.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_TERMINAL_CODE_MAX 8
#define BOL_BLOCK_CODE_MAX    4
#define BOL_YARD_BAY_MAX      999
#define BOL_YARD_ROW_MAX      99
#define BOL_YARD_TIER_MAX     15

enum bol_yard_level {
    BOL_YARD_BLOCK = 2,
    BOL_YARD_BAY = 3,
    BOL_YARD_STACK = 4,
    BOL_YARD_SLOT = 5,
};

struct bol_yard_addr {
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    char block[BOL_BLOCK_CODE_MAX + 1];
    uint16_t bay; /* 0 when not given */
    uint8_t row;  /* 0 when not given */
    uint8_t tier; /* 0 when not given */
    enum bol_yard_level level;
};

/* "NCT1/3C/012/04/2" and a NUL fit in this. */
#define BOL_YARD_ADDR_TEXT_MAX 32

/*
 * Parse an address of at least min_level parts (BOL_YARD_BLOCK .. SLOT).
 * 0 or BOL_E_INVAL with the part named in diag ("terminal", "block", "bay",
 * "row", "tier").
 */
BOL_MUST_CHECK int bol_yard_addr_parse(struct bol_str in, enum bol_yard_level min_level,
                                       struct bol_yard_addr *ret, struct bol_diag *diag);

/* Write the canonical text. */
void bol_yard_addr_format(const struct bol_yard_addr *a, char out[BOL_YARD_ADDR_TEXT_MAX]);

/* Check a terminal or block code alone: 0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_terminal_code_check(struct bol_str code, struct bol_diag *diag);
BOL_MUST_CHECK int bol_block_code_check(struct bol_str code, struct bol_diag *diag);
