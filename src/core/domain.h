/* SPDX-License-Identifier: Apache-2.0 */
/*
 * domain.h - the terminal's things: reference data, containers, places,
 * holds, work instructions, truck visits
 *
 * Plain structs with fixed-size text, filled from commands, events or state
 * rows, checked by the functions here and in rules.h.  Times are UTC
 * microseconds (0 = not set), masses kg, temperatures tenths of a degree C.
 *
 * Yard positions follow the ISO 9711 habit that vessels use too: in a block
 * of N ground positions along its length, 20 ft bays are the odd numbers
 * 1, 3 ... 2N-1 and a 40/45 ft box sits in the even bay between two of them
 * (bay 2 covers bays 1 and 3).  Occupancy is kept per 20 ft position.
 */
#pragma once

#include "compat.h"
#include "cell.h"
#include "container_id.h"
#include "str.h"
#include "units.h"
#include "yard_addr.h"

struct bol_diag;

#define BOL_NAME_MAX     128
#define BOL_LINE_MAX     3 /* SMDG liner code */
#define BOL_VISIT_ID_MAX 32
#define BOL_EQUIP_ID_MAX 12
#define BOL_REF_MAX      35 /* booking, bill of lading, release references (EDIFACT an..35) */
#define BOL_SEALS_MAX    64
#define BOL_REASON_MAX   200
#define BOL_DG_MAX       4 /* DG lines per container */
#define BOL_ZONES_MAX    16

/* ---- reference data ---- */

enum bol_block_kind {
    BOL_BLOCK_RTG = 0,
    BOL_BLOCK_RMG,
    BOL_BLOCK_STRADDLE,
    BOL_BLOCK_REEFER,
    BOL_BLOCK_EMPTY,
    BOL_BLOCK_DG,
    BOL_BLOCK_KINDS
};
extern const char *const bol_block_kind_names[]; /* NULL-terminated */

/* Box lengths a stack takes. */
enum bol_sizes {
    BOL_SIZE_20 = 1 << 0,
    BOL_SIZE_40 = 1 << 1, /* 40 and 45 ft */
};

/* A rectangle of stacks with attributes other than the block's. */
struct bol_zone {
    uint16_t bay_from, bay_to; /* 20 ft bay numbers, odd, inclusive */
    uint8_t row_from, row_to;
    bool reefer;           /* reefer plugs */
    bool dg;               /* dangerous goods allowed */
    uint32_t max_stack_kg; /* 0: the block's */
};

struct bol_block {
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    char code[BOL_BLOCK_CODE_MAX + 1];
    enum bol_block_kind kind;
    uint16_t bays; /* 20 ft ground positions along the block */
    uint8_t rows;
    uint8_t tiers;         /* highest tier (1 = ground) */
    uint32_t max_stack_kg; /* per 20 ft ground position */
    unsigned sizes;        /* enum bol_sizes */
    unsigned nzones;
    struct bol_zone zones[BOL_ZONES_MAX];
};

/* The attributes of one stack, from its block and zones. */
struct bol_stack_attr {
    bool reefer;
    bool dg;
    bool empties_only;
    uint32_t max_stack_kg;
    unsigned sizes;
};

/* Stack attributes at 20 ft bay bay20 (odd) and row; zones later in the list win. */
void bol_block_stack_attr(const struct bol_block *b, uint16_t bay20, uint8_t row,
                          struct bol_stack_attr *out);

struct bol_berth {
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    char code[8];
    int32_t from_m, to_m; /* quay metres */
    int32_t depth_dm;     /* alongside depth, decimetres */
};

enum bol_equip_kind {
    BOL_EQ_QC = 0, /* quay crane */
    BOL_EQ_RTG,    /* rubber-tyred gantry */
    BOL_EQ_RMG,    /* rail-mounted gantry */
    BOL_EQ_SC,     /* straddle carrier */
    BOL_EQ_TT,     /* terminal tractor */
    BOL_EQ_RS,     /* reach stacker */
    BOL_EQ_EH,     /* empty handler */
    BOL_EQ_KINDS
};
extern const char *const bol_equip_kind_names[];

enum bol_equip_status {
    BOL_EQS_AVAILABLE = 0,
    BOL_EQS_WORKING,
    BOL_EQS_MAINTENANCE,
    BOL_EQS_BREAKDOWN,
    BOL_EQS_COUNT
};
extern const char *const bol_equip_status_names[];

struct bol_equipment {
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    char id[BOL_EQUIP_ID_MAX + 1];
    enum bol_equip_kind kind;
    enum bol_equip_status status;
};

/* A vessel's stowage frame and limits. */
struct bol_vessel_profile {
    struct bol_cell_frame frame;
    uint32_t max_stack_kg_hold; /* per 20 ft stack (a 40 ft box counts on both) */
    uint32_t max_stack_kg_deck;
    unsigned nreefer;
    struct {
        uint16_t bay_from, bay_to;
        uint8_t tier_from, tier_to;
    } reefer[BOL_ZONES_MAX];
    uint32_t teu; /* nominal capacity, for information */
};

struct bol_vessel {
    char imo[8]; /* 7 digits, last one a check digit */
    char name[BOL_NAME_MAX + 1];
    char call_sign[10];
    char operator_[BOL_LINE_MAX + 1];
    struct bol_vessel_profile profile;
};

/* 7 digits whose last is the IMO check digit (weights 7..2 mod 10).  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_imo_check(struct bol_str imo, struct bol_diag *diag);

/* Is a cell a reefer position of this vessel? */
bool bol_vessel_reefer_cell(const struct bol_vessel_profile *p, const struct bol_cell *c);

enum bol_visit_phase {
    BOL_PHASE_PLANNED = 0,
    BOL_PHASE_ARRIVED,
    BOL_PHASE_WORKING,
    BOL_PHASE_COMPLETED,
    BOL_PHASE_DEPARTED,
    BOL_PHASE_COUNT
};
extern const char *const bol_phase_names[];

struct bol_visit {
    char id[BOL_VISIT_ID_MAX + 1];
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    char imo[8];
    char line[BOL_LINE_MAX + 1];
    char voyage_in[18], voyage_out[18];
    char berth[8];
    int64_t eta, etb, etd, ata, atb, atd; /* microseconds, 0 = not set */
    enum bol_visit_phase phase;
};

/* Visit ids: 1..32 of [A-Z0-9-].  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_visit_id_check(struct bol_str id, struct bol_diag *diag);

/* ---- containers ---- */

enum bol_category {
    BOL_CAT_IMPORT = 0,
    BOL_CAT_EXPORT,
    BOL_CAT_TRANSSHIPMENT,
    BOL_CAT_STORAGE,
    BOL_CAT_EMPTY,
    BOL_CAT_THROUGH, /* stays on board: in a bay plan, neither discharged nor loaded here */
    BOL_CAT_COUNT
};
extern const char *const bol_category_names[];

enum bol_place_kind {
    BOL_PLACE_NONE = 0, /* announced, not in the terminal */
    BOL_PLACE_YARD,
    BOL_PLACE_VESSEL,
    BOL_PLACE_QUAY,  /* on the apron under a quay crane, between vessel and yard */
    BOL_PLACE_TRUCK, /* on a road truck inside the gate */
    BOL_PLACE_GONE,  /* left the terminal (gate-out, or sailed) */
    BOL_PLACE_KINDS
};
extern const char *const bol_place_kind_names[];

struct bol_place {
    enum bol_place_kind kind;
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    struct bol_yard_addr yard;        /* YARD: a slot (level BOL_YARD_SLOT) */
    char visit[BOL_VISIT_ID_MAX + 1]; /* VESSEL, QUAY */
    struct bol_cell cell;             /* VESSEL */
    uint64_t truck;                   /* TRUCK: the truck visit */
};

struct bol_dg_line {
    uint16_t un;
    struct bol_imdg_class cls;
};

struct bol_container {
    struct bol_container_id id;
    bool check_digit_ok; /* false: imported with a wrong check digit, flagged */
    char sizetype[5];
    char line[BOL_LINE_MAX + 1];
    enum bol_category category;
    bool full;
    uint32_t tare_kg, gross_kg, vgm_kg;
    enum bol_vgm_method vgm_method;
    char seals[BOL_SEALS_MAX + 1];
    bool reefer_on; /* a reefer that must be kept running */
    int16_t setpoint_c10;
    uint8_t vent_pct;
    unsigned ndg;
    struct bol_dg_line dg[BOL_DG_MAX];
    uint16_t oog_top_cm, oog_left_cm, oog_right_cm, oog_front_cm, oog_back_cm;
    char pol[6], pod[6];
    char booking[BOL_REF_MAX + 1], bl[BOL_REF_MAX + 1];
    struct bol_place place;
    int64_t arrived_us, departed_us;
};

/* 20 or 40 (40 and 45 ft boxes take a 40 ft bay), from the size-type; 0 if unknown. */
unsigned bol_container_length_class(const struct bol_container *c);
bool bol_container_is_reefer(const struct bol_container *c);
/* The mass that counts on a stack: VGM if known, else gross, else tare. */
uint32_t bol_container_mass_kg(const struct bol_container *c);

enum bol_hold_kind { BOL_HOLD_CUSTOMS = 0, BOL_HOLD_LINE, BOL_HOLD_DAMAGE, BOL_HOLD_KINDS };
extern const char *const bol_hold_kind_names[];

/* How a box moved (journaled with each move). */
enum bol_move {
    BOL_MV_DISCHARGE = 0, /* vessel -> quay or yard */
    BOL_MV_LOAD,          /* yard or quay -> vessel */
    BOL_MV_SHIFT,         /* yard -> yard, housekeeping */
    BOL_MV_RELOCATE,      /* yard -> yard, digging out another box */
    BOL_MV_GATE_IN,       /* through the in-gate on a truck */
    BOL_MV_RECEIVE,       /* truck -> yard */
    BOL_MV_DELIVER,       /* yard -> truck */
    BOL_MV_GATE_OUT,      /* out through the gate on a truck */
    BOL_MV_YARD_IN,       /* quay -> yard */
    BOL_MV_KINDS
};
extern const char *const bol_move_names[];

/* ---- work ---- */

enum bol_wi_kind {
    BOL_WI_DSCH = 0, /* vessel -> yard or quay */
    BOL_WI_LOAD,     /* yard or quay -> vessel */
    BOL_WI_SHFT,     /* yard -> yard: housekeeping */
    BOL_WI_RHDL,     /* yard -> yard: digging out another box */
    BOL_WI_GTIN,     /* truck -> yard */
    BOL_WI_GTOT,     /* yard -> truck */
    BOL_WI_KINDS
};
extern const char *const bol_wi_kind_names[];

enum bol_wi_status {
    BOL_WIS_PLANNED = 0,
    BOL_WIS_DISPATCHED,
    BOL_WIS_IN_PROGRESS,
    BOL_WIS_COMPLETED,
    BOL_WIS_CANCELLED,
    BOL_WIS_FAILED,
    BOL_WIS_COUNT
};
extern const char *const bol_wi_status_names[];

struct bol_wi {
    uint64_t id; /* the sequence number of its wi.planned entry */
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    enum bol_wi_kind kind;
    struct bol_container_id container;
    struct bol_place to; /* destination; the source is the container's place when it runs */
    enum bol_wi_status status;
    char equipment[BOL_EQUIP_ID_MAX + 1];
    int64_t queue_seq;
    int64_t priority;
};

struct bol_truck_visit {
    uint64_t id; /* the sequence number of its truck.arrived entry */
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    bool departed;
};

/* ---- text forms ---- */

/*
 * A place as text: "yard NCT1/3C/012/04/2", "vessel V123 0120382",
 * "quay V123", "truck 4711", "gone", "none".  out holds 96 bytes.
 */
#define BOL_PLACE_TEXT_MAX 96
void bol_place_format(const struct bol_place *p, char out[BOL_PLACE_TEXT_MAX]);
