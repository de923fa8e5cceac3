/* SPDX-License-Identifier: Apache-2.0 */
/*
 * summary.h - what a planner sees of an interchange before importing it
 *
 * Per message: the vessel and voyage (TDT), and counts of containers (EQD),
 * reefer temperature entries (TMP), dangerous-goods lines (DGS) and
 * verified gross masses (MEA ... VGM), beside the envelope's warnings and
 * errors (interchange.h).  The counts are of segments, as the message
 * states them; the mappers decide what each means.  Pure.
 */
#pragma once

#include "interchange.h"

struct bol_edi_msg_summary {
    char vessel[40]; /* TDT C222 name, else its id (call sign or IMO) */
    char vessel_id[20];
    char voyage[20]; /* TDT 8028 */
    uint32_t containers, reefers, dg_lines, vgm;
    /* BAPLIE (filled by whoever reads it as a bay plan): SMDG version, cells without a box */
    char smdg[8]; /* "3.1", "2.2" ... or "" */
    uint32_t reserved, blocked;
};

struct bol_edi_summary {
    struct bol_edi_interchange ic;
    struct bol_edi_msg_summary *msgs; /* one per ic.msgs */
    size_t cap;
};

/* Walk p[0..n) and count: 0, BOL_E_NOMEM, or a walk error (see bol_edi_walk). */
BOL_MUST_CHECK int bol_edi_summarize(const char *p, size_t n, const struct bol_edi_limits *lim,
                                     struct bol_edi_summary *out);

void bol_edi_summary_release(struct bol_edi_summary *s);
