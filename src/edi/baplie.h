/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baplie.h - BAPLIE in: a vessel's bay plan as SMDG sends it
 *
 * Reads BAPLIE messages of SMDG 1.5 (directory 1:911), 2.0, 2.1, 2.2
 * (D.95B) and 3.1 (D.13B) into a pure structure: the vessel, voyage and ports, and one slot
 * per stowage cell (LOC+147) with the box in it.  Each slot carries what
 * the message says about it: container number, size-type (pre-1996 codes
 * decoded), full or empty, gross mass and VGM (MEA), ports of loading and
 * discharge (LOC 9/11, 1.5: 6/12, final 83), reefer set point (TMP),
 * dangerous goods (DGS), out-of-gauge (DIM) and the operator (NAD+CA).
 *
 * Outcomes for real traffic, decided once here:
 *
 *   - a container number with a wrong check digit is kept, flagged, with a
 *     warning (lines send them; the box is on board all the same);
 *   - an EQD without a number is a reserved or empty slot, not an error;
 *   - several EQD after one LOC+147 are boxes sharing the cell: one slot each;
 *   - 3.1: a location group with no EQD but a remark (FTX, RFF) is a blocked
 *     cell, the remark its reason; one with neither is an empty cell;
 *   - a stowage cell that is not 6 or 7 digits is kept as sent, flagged,
 *     with a warning (the box cannot be placed until a planner fixes it);
 *   - a mass, temperature, IMDG class or UN number that cannot be read is
 *     an error of the message: it must not import with safety data lost.
 *
 * Pure: built on interchange.h; memory from mem.h.
 */
#pragma once

#include "buf.h"
#include "cell.h"
#include "container_id.h"
#include "interchange.h"
#include "sizetype.h"
#include "units.h"

#define BOL_BAPLIE_DG_MAX 4

struct bol_baplie_dg {
    struct bol_imdg_class cls;
    uint16_t un; /* 0 when not given */
};

struct bol_baplie_slot {
    char cell_text[12]; /* as sent */
    struct bol_cell cell;
    bool cell_ok;
    bool eqd;         /* an EQD was read: a second one opens a slot in the same cell */
    bool has_box;     /* an EQD with a number */
    char id_text[24]; /* as sent (spaces and all) */
    struct bol_container_id id;
    bool id_ok;       /* the form of a container number */
    bool check_ok;    /* and its check digit */
    char st_text[12]; /* as sent */
    struct bol_sizetype st;
    bool st_ok;
    bool full;         /* EQD 8169: 5 full, 4 empty */
    uint32_t gross_kg; /* MEA WT; 0 when not given */
    uint32_t vgm_kg;   /* MEA VGM; 0 when not given */
    char pol[6], pod[6], final_pod[6];
    char line[4]; /* NAD+CA */
    bool reefer;
    int16_t temp_c10;
    unsigned ndg; /* DGS lines read (at most BOL_BAPLIE_DG_MAX kept) */
    struct bol_baplie_dg dg[BOL_BAPLIE_DG_MAX];
    bool oog; /* DIM given */
    /* Out of gauge (DIM 5..9), in cm; 0 when not given. */
    uint16_t oog_front_cm, oog_back_cm, oog_right_cm, oog_left_cm, oog_top_cm;
    bool remark;     /* 3.1: an FTX or RFF in the location group (before any EQD) */
    bool blocked;    /* 3.1: no EQD, and a remark: a cell that may not be used */
    char reason[71]; /* 3.1: why it is blocked (FTX text, RFF of the box blocking it) */
    uint64_t offset; /* of its LOC+147 */
    uint32_t segment;
};

struct bol_baplie {
    size_t msg;      /* index in the interchange's messages */
    char smdg[8];    /* "SMDG22", "SMDG15" ... as sent */
    char vessel[40]; /* name */
    char vessel_id[20];
    char voyage[20];
    char carrier[4];
    char departure[6], next_port[6]; /* LOC+5, LOC+61 */
    struct bol_baplie_slot *slots;
    size_t nslots, cap;
    uint32_t containers, reefers, dg_lines, vgm; /* EQD, TMP, DGS and VGM segments */
    uint32_t check_digit_wrong, not_container_number;
    bool v31;                   /* SMDG 3.x (D.13B) */
    uint32_t reserved, blocked; /* cells without a box: reserved or empty; blocked (3.1) */
};

struct bol_baplie_set {
    struct bol_edi_interchange ic;
    struct bol_baplie *plans; /* one per BAPLIE message */
    size_t nplans, cap;
};

/*
 * Read every BAPLIE message of p[0..n).  Other message types are an error
 * of their message.  Returns as bol_edi_walk; look at each message's failed.
 */
BOL_MUST_CHECK int bol_baplie_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                                   struct bol_baplie_set *out);

void bol_baplie_set_release(struct bol_baplie_set *s);

/* The envelope of a BAPLIE written out. */
struct bol_baplie_envelope {
    const char *sender, *recipient; /* UNB parties */
    const char *control;            /* interchange and message reference */
    int64_t prepared_us;            /* UTC */
};

enum bol_baplie_version { BOL_BAPLIE_22 = 0, BOL_BAPLIE_31 };

/*
 * Write b as one SMDG 2.2 (D.95B) BAPLIE interchange, appended to out: the
 * header, then each slot as LOC+147, MEA (gross, VGM), TMP, LOC 9/11/83,
 * RFF+BM, EQD, NAD+CA and DGS.  Cells and container numbers that read
 * valid are written normalised, the others as they were sent.  The syntax
 * is UNOA:2 when every value allows it, UNOW:4 (UTF-8) otherwise.  A line
 * break follows each segment.  0 or BOL_E_NOMEM / BOL_E_TOOBIG (out's cap).
 * Reserved cells are written as an EQD without a number and out-of-gauge
 * dimensions as DIM 5..9; 2.2 has no way to say a cell is blocked, so
 * blocked cells are left out.
 */
BOL_MUST_CHECK int bol_baplie_write(const struct bol_baplie *b,
                                    const struct bol_baplie_envelope *env, struct bol_buf *out);

/*
 * The same as SMDG 3.1 (D.13B, UNH association SMDG31): BGM 658, NAD+CA,
 * TDT with the vessel by IMO number (agency 11) or call sign, RFF+VON, and
 * per cell LOC+147, FTX+AAI (a blocked cell's reason), EQD, NAD+CF, MEA+AAE
 * (VGM, AET gross), DIM, TMP, LOC 9/11/83 and DGS.
 */
BOL_MUST_CHECK int bol_baplie_write_as(const struct bol_baplie *b,
                                       const struct bol_baplie_envelope *env,
                                       enum bol_baplie_version version, struct bol_buf *out);
