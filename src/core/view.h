/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view.h - what the operations rules may read of the current state
 *
 * Core's rules take this table of read callbacks instead of a database: ops
 * answers them from the store inside the command's transaction, tests answer
 * them from memory.  Every callback returns 0, BOL_E_NOTFOUND when the thing
 * does not exist, or another BOL_E_* code (passed through).
 *
 * seal and erase are the two non-reads: they seal personal data under the
 * person's key (pii.h) and destroy that key, in the credential store, inside
 * the command's transaction.
 */
#pragma once

#include "compat.h"
#include "domain.h"
#include "slot_mark.h"

struct bol_buf;

/* A box in a stack (yard or vessel), at one 20 ft position. */
struct bol_view_box {
    struct bol_container_id id;
    uint8_t tier;
    unsigned length;  /* 20 or 40 */
    uint32_t mass_kg; /* the whole box's mass */
};

/* A box with dangerous goods in a yard block. */
struct bol_view_dg {
    struct bol_container_id id;
    uint16_t bay20;
    uint8_t row, tier;
    unsigned ncls;
    struct bol_imdg_class cls[BOL_DG_MAX];
};

/* An open work instruction with a destination near another (see dest_wis). */
struct bol_view_wi_ref {
    uint64_t id;
    struct bol_container_id container;
    enum bol_wi_kind kind;
    uint16_t bay; /* the destination's bay as planned (odd 20 ft, even 40 ft) */
};

#define BOL_VIEW_STACK_MAX  128
#define BOL_VIEW_WI_REF_MAX 8
#define BOL_VIEW_DG_MAX     4096

/* Things kept as one canonical JSON document each (account.h). */
enum bol_view_doc {
    BOL_DOC_ACCOUNT = 0,     /* key: user name */
    BOL_DOC_APIKEY,          /* key: key id */
    BOL_DOC_GRANT,           /* key: window id */
    BOL_DOC_APPROVAL,        /* key: request id */
    BOL_DOC_ALERT,           /* key: alert id */
    BOL_DOC_CANARY,          /* key: the decoy's id */
    BOL_DOC_INCIDENT,        /* key: incident id */
    BOL_DOC_BOOKING_RELEASE, /* key: release reference (booking.h) */
    BOL_DOC_VGM_PENDING,     /* key: container id */
};

enum bol_view_thing {
    BOL_THING_TERMINAL = 0,
    BOL_THING_LINE,
    BOL_THING_BERTH,
};

struct bol_view {
    void *ctx;
    /* Is this terminal, line or berth (terminal + code) known? */
    int (*exists)(void *ctx, enum bol_view_thing what, const char *a, const char *b);
    int (*container)(void *ctx, const char *id, struct bol_container *out);
    int (*block)(void *ctx, const char *terminal, const char *code, struct bol_block *out);
    /* Boxes at one 20 ft yard position, lowest tier first. */
    int (*yard_stack)(void *ctx, const char *terminal, const char *block, uint16_t bay20,
                      uint8_t row, struct bol_view_box *out, unsigned max, unsigned *n);
    int (*yard_dg)(void *ctx, const char *terminal, const char *block, struct bol_view_dg *out,
                   unsigned max, unsigned *n);
    int (*equipment)(void *ctx, const char *terminal, const char *id, struct bol_equipment *out);
    int (*vessel)(void *ctx, const char *imo, struct bol_vessel *out);
    int (*visit)(void *ctx, const char *id, struct bol_visit *out);
    /* Boxes at one 20 ft vessel position (bay20 odd, row) in hold or on deck, lowest first. */
    int (*vessel_stack)(void *ctx, const char *visit, uint16_t bay20, uint8_t row, bool deck,
                        uint8_t deck_tier_min, struct bol_view_box *out, unsigned max, unsigned *n);
    /* Active holds as a bitmask of 1 << enum bol_hold_kind. */
    int (*holds)(void *ctx, const char *id, unsigned *mask);
    /* Does a delivery release exist for this box? */
    int (*released)(void *ctx, const char *id, bool *out);
    int (*wi)(void *ctx, uint64_t id, struct bol_wi *out);
    /* The box's open work instruction, if any (NOTFOUND when none). */
    int (*open_wi)(void *ctx, const char *container, uint64_t *ret_id);
    int (*truck)(void *ctx, uint64_t id, struct bol_truck_visit *out);
    /* Boxes on a truck (place TRUCK with this truck visit). */
    int (*on_truck)(void *ctx, uint64_t truck, struct bol_container_id *out, unsigned max,
                    unsigned *n);
    /* Seal personal data; appends "pii1:..." to out. */
    int (*seal)(void *ctx, struct bol_str person, struct bol_str field, struct bol_str plaintext,
                struct bol_buf *out);
    /* Destroy a person's key (NOTFOUND when there is none). */
    int (*erase)(void *ctx, struct bol_str person);
    /* The entry that placed the active hold of this kind (NOTFOUND when none is active). */
    int (*active_hold)(void *ctx, const char *id, enum bol_hold_kind kind, uint64_t *placed_seq);
    /*
     * Open work instructions (planned, dispatched, in progress) whose
     * destination is in area (a block code, or a visit id for vessel cells)
     * at row, with bay in bay_lo..bay_hi, at tier.
     */
    int (*dest_wis)(void *ctx, const char *terminal, const char *area, uint16_t bay_lo,
                    uint16_t bay_hi, uint8_t row, uint8_t tier, struct bol_view_wi_ref *out,
                    unsigned max, unsigned *n);
    /* Boxes in a block and the highest 20 ft bay, row and tier they take (0 when empty). */
    int (*block_extent)(void *ctx, const char *terminal, const char *block, unsigned *boxes,
                        uint16_t *bay20_max, uint8_t *row_max, uint8_t *tier_max);
    /* The open truck visit or work instruction a client's reference names (NOTFOUND: none). */
    int (*truck_ref)(void *ctx, const char *ref, uint64_t *id);
    int (*wi_ref)(void *ctx, const char *ref, uint64_t *id);
    /* Open work instructions of a visit and boxes on its quay. */
    int (*visit_busy)(void *ctx, const char *visit, unsigned *open_wis, unsigned *on_quay);
    /* A document's canonical JSON text, appended to out (NOTFOUND when none). */
    int (*doc)(void *ctx, enum bol_view_doc what, const char *key, struct bol_buf *out);
    /* Marks on a visit's cells (slot_mark.h), all or only cell's (cell NULL: all), by cell. */
    int (*slot_marks)(void *ctx, const char *visit, const struct bol_cell *cell,
                      struct bol_slot_mark *out, unsigned max, unsigned *n);
    /* Lines of a visit's list of kind ("load", "discharge") from sender; stowage rules of a visit. */
    int (*order_lines)(void *ctx, const char *visit, const char *kind, const char *sender,
                       unsigned *n);
    int (*stowage_rules)(void *ctx, const char *visit, unsigned *n);
};
