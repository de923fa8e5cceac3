/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edi_orders.c - a visit's orders: loading and discharge orders
 * (coprar_map.h) and stowage instructions (movins.h)
 *
 * The input is an interchange, read both as container groups and as
 * stowage rules.  Every message is mapped as an order and as stowage
 * instructions: every command a mapper lets through carries a box or rule
 * the core accepts (order.h) and points at a box or rule of the message.
 * What a message maps to is written out and read back: the same lines, the
 * same rules (rules without a handling go first).  `make fuzz` seeds it
 * from ../shared/edi as well.
 */
#include "compat.h"

#include "coprar_map.h"
#include "errors.h"
#include "fuzz.h"
#include "movins.h"
#include "order.h"

static void coprar_round_trip(const struct bol_edi_boxes *b)
{
    struct bol_coprar_ctx ctx = { "V1", "FUZZ" };
    struct bol_report_envelope env = { "A", "B", "1", 0 };
    struct bol_buf out = BOL_BUF_INIT(1u << 26);
    struct bol_edi_equipment e;
    struct bol_edi_mapped m;
    struct bol_coprar_out o;
    json_t *lines, *back = NULL;
    size_t k;

    if (bol_coprar_map(b, &ctx, &m) < 0)
        return;
    lines = json_array();
    for (k = 0; lines && !m.failed && k < json_array_size(m.cmds); k++) {
        json_t *cmd = json_array_get(m.cmds, k), *box = json_object_get(cmd, "box");

        if (m.slot[k] == SIZE_MAX)
            continue;
        FUZZ_ASSERT(m.slot[k] < b->n);
        FUZZ_ASSERT(bol_order_box_check(box, NULL) == 0);
        json_array_append(lines, box);
    }
    if (lines && !m.failed && json_array_size(lines)) {
        o = (struct bol_coprar_out){ "load", "D", "V", "C", "X", "N", "", lines };
        if (bol_coprar_write(&o, 1, &env, &out) == 0) {
            FUZZ_ASSERT(bol_edi_equipment_read(out.buf, out.len, NULL, &e) == 0);
            FUZZ_ASSERT(e.ic.nmsgs == 1 && !e.ic.msgs[0].failed);
            FUZZ_ASSERT(bol_coprar_lines(&e.msgs[0], &back) == 0);
            FUZZ_ASSERT(json_equal(back, lines));
            json_decref(back);
            bol_edi_equipment_release(&e);
        }
    }
    json_decref(lines);
    bol_buf_release(&out);
    bol_edi_mapped_release(&m);
}

static void movins_round_trip(const struct bol_movins *mv)
{
    struct bol_movins_ctx ctx = { "V1", "FUZZ" };
    struct bol_report_envelope env = { "A", "B", "1", 0 };
    struct bol_buf out = BOL_BUF_INIT(1u << 26);
    struct bol_movins_set s;
    struct bol_edi_mapped m;
    struct bol_movins_out o;
    json_t *rules, *back = NULL;
    size_t k;

    if (bol_movins_map(mv, &ctx, &m) < 0)
        return;
    rules = json_array();
    for (k = 0; rules && !m.failed && k < json_array_size(m.cmds); k++) {
        json_t *rule = json_object_get(json_array_get(m.cmds, k), "rule");

        if (m.slot[k] == SIZE_MAX)
            continue;
        FUZZ_ASSERT(m.slot[k] < mv->n);
        FUZZ_ASSERT(bol_stowage_rule_check(rule, NULL) == 0);
        /* Only rules that all have a handling keep their order when written. */
        if (json_object_get(rule, "handling"))
            json_array_append(rules, rule);
    }
    if (rules && !m.failed && json_array_size(rules)) {
        o = (struct bol_movins_out){ "D", "V", "C", "X", "N", "", rules };
        if (bol_movins_write(&o, &env, &out) == 0) {
            FUZZ_ASSERT(bol_movins_read(out.buf, out.len, NULL, &s) == 0);
            FUZZ_ASSERT(s.ic.nmsgs == 1 && !s.ic.msgs[0].failed);
            FUZZ_ASSERT(bol_movins_rules(&s.msgs[0], &back) == 0);
            FUZZ_ASSERT(json_equal(back, rules));
            json_decref(back);
            bol_movins_set_release(&s);
        }
    }
    json_decref(rules);
    bol_buf_release(&out);
    bol_edi_mapped_release(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_edi_limits lim = { 0, 20000, 128 };
    struct bol_edi_equipment e;
    struct bol_movins_set s;
    size_t i, k;
    int rc = bol_edi_equipment_read((const char *) data, size, &lim, &e);

    FUZZ_ASSERT(rc == 0 || rc == BOL_E_TOOBIG || rc == BOL_E_UNSUPPORTED || rc == BOL_E_NOMEM);
    for (i = 0; rc == 0 && i < e.ic.nmsgs; i++)
        if (!e.ic.msgs[i].failed)
            coprar_round_trip(&e.msgs[i]);
    bol_edi_equipment_release(&e);
    rc = bol_movins_read((const char *) data, size, &lim, &s);
    FUZZ_ASSERT(rc == 0 || rc == BOL_E_TOOBIG || rc == BOL_E_UNSUPPORTED || rc == BOL_E_NOMEM);
    for (i = 0; rc == 0 && i < s.ic.nmsgs; i++) {
        const struct bol_movins *mv = &s.msgs[i];

        FUZZ_ASSERT(mv->msg == i);
        for (k = 0; k < mv->n; k++)
            FUZZ_ASSERT(mv->v[k].offset < size);
        if (!s.ic.msgs[i].failed)
            movins_round_trip(mv);
    }
    bol_movins_set_release(&s);
    return 0;
}
