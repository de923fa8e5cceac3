/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.h - move reports: COARRI (discharge and loading reports) and CODECO
 * (gate-in and gate-out reports), out and in
 *
 * A report tells a shipping line which of its boxes moved, when and where:
 * a COARRI for the boxes discharged from or loaded onto a vessel visit, a
 * CODECO for the boxes that came in or went out through the gate.  Each box
 * is its master data (a struct bol_container, as the core keeps it), the
 * stowage cell (vessel moves) and the time of the move.
 *
 * Written per the SMDG implementation guides on directory D.95B, one
 * message per report in one interchange: BGM 98 (discharge) and 270
 * (loading) for COARRI, 34 (gate-in) and 36 (gate-out) for CODECO.  Times
 * are written in UTC (DTM format 203, which carries no zone).  Read back:
 * those codes and the D.23A ones (119 discharge, 122 loading); the boxes
 * come from the container groups (equipment.h), so reading has the same
 * outcomes (a wrong check digit is kept and flagged, unreadable safety data
 * fails the message).  Pure.
 */
#pragma once

#include "buf.h"
#include "domain.h"
#include "equipment.h"

enum bol_report_kind {
    BOL_REPORT_DISCHARGE = 0,
    BOL_REPORT_LOAD,
    BOL_REPORT_GATE_IN,
    BOL_REPORT_GATE_OUT,
    BOL_REPORT_KINDS
};
extern const char *const bol_report_kind_names[]; /* "discharge", "load", "gate-in", "gate-out" */

struct bol_report_box {
    struct bol_container c;       /* master data; place and times are not used */
    char cell[BOL_CELL_TEXT_MAX]; /* stowage cell BBBRRTT of a vessel move, or "" */
    int64_t at_us;                /* when it moved (reports carry minutes) */
    char plate[18];               /* CODECO: the truck's plate (TDT+1 element 8), or "" */
    uint64_t offset;              /* read: the byte of its EQD */
    uint32_t segment;             /* read: the segment number of its EQD */
};

struct bol_report {
    enum bol_report_kind kind;
    char ref[15];       /* BGM document number */
    char port[6];       /* UN/LOCODE of the terminal's port */
    char vessel[36];    /* COARRI: the vessel's name, */
    char vessel_id[18]; /* its call sign (or IMO number: 7 digits), */
    char voyage[18];    /* the voyage */
    char carrier[4];    /* and its operator (SMDG line code) */
    struct bol_report_box *boxes;
    size_t n;
};

struct bol_report_envelope {
    const char *sender, *recipient; /* UNB parties */
    const char *control;            /* interchange reference; message i is control-i */
    int64_t prepared_us;            /* UTC */
};

/*
 * Write reports r[0..n) as one interchange into out: COARRI and CODECO
 * messages may be mixed.  The syntax is the narrowest that holds every text
 * (UNOA, UNOC, UNOW).  0, BOL_E_INVAL (a time out of range) or
 * BOL_E_NOMEM / BOL_E_TOOBIG (out's cap).
 */
BOL_MUST_CHECK int bol_report_write(const struct bol_report *r, size_t n,
                                    const struct bol_report_envelope *env, struct bol_buf *out);

/*
 * One message's container groups (read by bol_edi_equipment_read) as a
 * report.  BOL_E_INVAL in diag (with offset, segment and element) when the
 * message is not a report this knows, or a box has no container number, a
 * size-type nobody defines, or no readable time of its move.  A stowage
 * cell that is not a cell is left out with a warning on the interchange.
 * Release out with bol_report_release.
 */
BOL_MUST_CHECK int bol_report_from_boxes(struct bol_edi_interchange *ic,
                                         const struct bol_edi_boxes *b, struct bol_report *out,
                                         struct bol_diag *diag);

void bol_report_release(struct bol_report *r);
