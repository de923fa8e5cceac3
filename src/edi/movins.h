/* SPDX-License-Identifier: Apache-2.0 */
/*
 * movins.h - stowage instructions (SMDG MOVINS 2.x, D.95B) in and out
 *
 * A MOVINS gives a visit's stowage instructions from its line: after the
 * header (BGM, TDT+20, LOC), handling groups (HAN+LOA load, DIS discharge,
 * RES restow) each hold stowage locations: LOC+147 (the cell) followed by
 * what may go there: EQD (size-type, usually no number), MEA (weight
 * limit), TMP (reefer temperature), DGS (DG class), LOC 9/11 (POL/POD),
 * RNG and RFF (read past).  bol_movins_read reads every message's rules in
 * one pass of the walk; bol_movins_map turns one into stowage commands
 * (order.h): stowage.clear, then one stowage.add per rule, so a new MOVINS
 * replaces the visit's instructions.  Outcomes: an unreadable mass,
 * temperature, IMDG class or UN number fails the message at its segment; a
 * cell that is not a cell or a size-type nobody defines fails it at its
 * rule; a port that is not a UN/LOCODE or an unknown handling code is left
 * out with a warning.  bol_movins_write writes rules back.  Pure.
 */
#pragma once

#include <jansson.h>

#include "baplie_map.h"
#include "buf.h"
#include "equipment.h"
#include "interchange.h"
#include "report.h"

struct bol_movins_rule {
    char cell[12]; /* LOC+147 as sent */
    uint64_t offset;
    uint32_t segment;
    char handling[4]; /* the HAN it is under, as sent */
    char id_text[24];
    char sizetype_text[8];
    char pol[6], pod[6];
    uint32_t max_kg; /* MEA; 0 when not given */
    bool reefer;
    int16_t temp_c10;
    unsigned ndg;
    struct bol_edi_dg dg[4];
};

struct bol_movins {
    size_t msg;
    char doc_no[36];
    uint64_t doc_offset;
    uint32_t doc_segment;
    char voyage[18], carrier[8], vessel_id[18], vessel[36], port[6];
    char han[4]; /* the handling group being read */
    struct bol_movins_rule *v;
    size_t n, cap;
    uint32_t eqd, reefers, dg_lines;
};

struct bol_movins_set {
    struct bol_edi_interchange ic;
    struct bol_movins *msgs; /* one per message of the interchange */
    size_t cap;
};

/* Read every message's stowage rules.  Returns as bol_edi_walk. */
BOL_MUST_CHECK int bol_movins_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                                   struct bol_movins_set *out);

void bol_movins_set_release(struct bol_movins_set *s);

struct bol_movins_ctx {
    const char *visit, *sender;
};

/*
 * One message's rules as stowage commands into out (initialised here).
 * out->slot[i] is the rule of command i, SIZE_MAX for stowage.clear.  0 or
 * BOL_E_NOMEM; errors are notes with out->failed set.
 */
BOL_MUST_CHECK int bol_movins_map(const struct bol_movins *mv, const struct bol_movins_ctx *ctx,
                                  struct bol_edi_mapped *out);

/* One message's rules as the "rule" objects of stowage.add (NULL for one refused), for comparing. */
BOL_MUST_CHECK int bol_movins_rules(const struct bol_movins *mv, json_t **ret);

struct bol_movins_out {
    const char *doc_no;
    const char *voyage, *carrier, *vessel_id, *vessel, *port;
    json_t *rules; /* stowage rule objects (order.h) */
};

/* One MOVINS in one interchange into out.  0, BOL_E_INVAL, BOL_E_NOMEM / BOL_E_TOOBIG. */
BOL_MUST_CHECK int bol_movins_write(const struct bol_movins_out *o,
                                    const struct bol_report_envelope *env, struct bol_buf *out);
