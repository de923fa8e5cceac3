/* SPDX-License-Identifier: Apache-2.0 */
/*
 * equipment.h - the container groups of COPRAR, COARRI, CODECO, COPARN,
 * VERMAS and MOVINS messages
 *
 * In these messages each container is a segment group that begins with EQD
 * and runs to the next EQD (or the end of the message): its number,
 * size-type and status, references (RFF: booking BN, bill of lading BM),
 * places (LOC: loading 9, discharge 11, stowage cell 147), verified gross
 * mass (MEA ... VGM), reefer set point (TMP), dangerous goods (DGS), seals
 * (SEL) and the operator (NAD+CF or CA).  This reader gives every message
 * its list of boxes; what a box means (an order, a report, an
 * announcement, a VGM declaration) is for each message's mapper.
 *
 * Outcomes, as for BAPLIE (baplie.h): a wrong check digit is kept, flagged
 * and warned about; an unreadable VGM, temperature, IMDG class or UN number
 * fails the message at its segment.  Pure.
 */
#pragma once

#include "container_id.h"
#include "interchange.h"
#include "sizetype.h"
#include "units.h"

struct bol_edi_box {
    char id_text[24]; /* as sent */
    struct bol_container_id id;
    bool id_ok, check_ok;
    char sizetype_text[8];
    struct bol_sizetype st;
    bool st_ok;
    char status[4];           /* EQD 8169 as sent: 5 full, 4 empty ... */
    char category[4];         /* EQD 8249 as sent: 2 export, 3 import, 6 transshipment ... */
    char at[16];              /* DTM 203 (COARRI) or 7 (CODECO) as sent: when it moved */
    char at_format[4];        /* its format code (203: CCYYMMDDHHMM) */
    uint32_t gross_kg;        /* MEA ... G (gross mass); 0 when not given */
    char booking[36], bl[36]; /* RFF+BN, RFF+BM */
    char pol[6], pod[6];      /* LOC+9, LOC+11 */
    char cell[12];            /* LOC+147 as sent */
    uint64_t cell_offset;     /* and where it is */
    uint32_t cell_segment;
    uint32_t vgm_kg;    /* 0 when not given */
    char vgm_method[4]; /* DOC+SM1 / SM2 (VERMAS): how the VGM was found, or "" */
    bool reefer;
    int16_t temp_c10;
    unsigned ndg;                   /* DGS lines */
    struct bol_imdg_class dg_class; /* the first */
    uint16_t dg_un;
    struct bol_edi_dg {
        struct bol_imdg_class cls;
        uint16_t un;
    } dg[4];            /* the first four */
    unsigned seals;     /* SEL segments */
    char seal_text[68]; /* their numbers, ", " between them (as many as fit) */
    char line[8];       /* NAD+CF or NAD+CA */
    char truck[18];     /* TDT+1 element 8 in the group (CODECO): the road vehicle's plate */
    uint64_t offset;    /* of its EQD */
    uint32_t segment;
};

struct bol_edi_boxes {
    size_t msg;          /* index in the interchange's messages */
    char doc[4];         /* BGM 1001: what the message is (98 discharge report, 34 gate-in ...) */
    char doc_no[36];     /* BGM 1004 */
    char func[4];        /* BGM 1225: 9 original, 5 replacement, 1 cancellation ... */
    uint64_t doc_offset; /* where BGM is */
    uint32_t doc_segment;
    char voyage[18];                /* TDT+20 element 2 */
    char carrier[8];                /* TDT+20 element 5 */
    char vessel_id[18], vessel[36]; /* TDT+20 element 8: call sign or IMO number, name */
    char port[6];                   /* the header's LOC (9, 11 or 165): the port of the report */
    struct bol_edi_box *v;
    size_t n, cap;
    uint32_t reefers, dg_lines, vgm, check_digit_wrong, not_container_number;
};

struct bol_edi_equipment {
    struct bol_edi_interchange ic;
    struct bol_edi_boxes *msgs; /* one per message of the interchange */
    size_t cap;
};

/*
 * The IMDG class of a DGS segment (element 2): the core rules, and the
 * old subdivisions of class 3 (3.1, 3.2, 3.3 by flash point, dropped from
 * the IMDG Code long ago but still in messages) read as class 3 with a
 * warning on message msg.  0, or BOL_E_INVAL in diag (element 2).
 */
BOL_MUST_CHECK int bol_edi_dgs_class(struct bol_edi_interchange *ic, size_t msg,
                                     const struct bol_edi_seg *seg, const char *text,
                                     struct bol_imdg_class *ret, struct bol_diag *diag);

/* Read every message's boxes.  Returns as bol_edi_walk. */
BOL_MUST_CHECK int bol_edi_equipment_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                                          struct bol_edi_equipment *out);

void bol_edi_equipment_release(struct bol_edi_equipment *e);
