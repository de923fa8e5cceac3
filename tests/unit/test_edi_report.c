/* SPDX-License-Identifier: Apache-2.0 */
/* test_edi_report.c - COARRI and CODECO out and back in; DCSA equipment events */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>

#include "dcsa.h"
#include "equipment.h"
#include "report.h"
#include "utctime.h"

#define T0 ((int64_t) 1795300000 * BOL_US_PER_SEC) /* 2026-11-21T...Z, whole minutes below */

static void box(struct bol_report_box *b, const char *id, const char *st, enum bol_category cat,
                bool full, const char *cell, int64_t minute)
{
    struct bol_diag d;

    memset(b, 0, sizeof(*b));
    assert_int_equal(bol_container_id_normalize(bol_str_from(id), &b->c.id, &d), 0);
    b->c.check_digit_ok = bol_container_id_verify(&b->c.id, &d) == 0;
    snprintf(b->c.sizetype, sizeof(b->c.sizetype), "%s", st);
    b->c.category = cat;
    b->c.full = full;
    snprintf(b->cell, sizeof(b->cell), "%s", cell);
    b->at_us = T0 - T0 % (60 * BOL_US_PER_SEC) + minute * 60 * BOL_US_PER_SEC;
}

/* Every field a report carries, compared one by one. */
static void same_box(const struct bol_report_box *a, const struct bol_report_box *b)
{
    unsigned k;

    assert_string_equal(a->c.id.s, b->c.id.s);
    assert_int_equal(a->c.check_digit_ok, b->c.check_digit_ok);
    assert_string_equal(a->c.sizetype, b->c.sizetype);
    assert_string_equal(a->c.line, b->c.line);
    assert_int_equal(a->c.category, b->c.category);
    assert_int_equal(a->c.full, b->c.full);
    assert_int_equal(a->c.gross_kg, b->c.gross_kg);
    assert_int_equal(a->c.vgm_kg, b->c.vgm_kg);
    assert_string_equal(a->c.seals, b->c.seals);
    assert_int_equal(a->c.reefer_on, b->c.reefer_on);
    if (a->c.reefer_on)
        assert_int_equal(a->c.setpoint_c10, b->c.setpoint_c10);
    assert_int_equal(a->c.ndg, b->c.ndg);
    for (k = 0; k < a->c.ndg; k++) {
        assert_int_equal(a->c.dg[k].un, b->c.dg[k].un);
        assert_memory_equal(&a->c.dg[k].cls, &b->c.dg[k].cls, sizeof(a->c.dg[k].cls));
    }
    assert_string_equal(a->c.pol, b->c.pol);
    assert_string_equal(a->c.pod, b->c.pod);
    assert_string_equal(a->c.booking, b->c.booking);
    assert_string_equal(a->c.bl, b->c.bl);
    assert_string_equal(a->cell, b->cell);
    assert_int_equal(a->at_us, b->at_us);
}

static void fill(struct bol_report_box *v)
{
    struct bol_diag d;

    /* A laden import reefer with everything set. */
    box(&v[0], "MSCU1234566", "45R1", BOL_CAT_IMPORT, true, "0340210", 0);
    snprintf(v[0].c.line, sizeof(v[0].c.line), "MSC");
    v[0].c.gross_kg = 28750;
    v[0].c.vgm_kg = 28800;
    snprintf(v[0].c.seals, sizeof(v[0].c.seals), "ML123456, CU99+1");
    v[0].c.reefer_on = true;
    v[0].c.setpoint_c10 = -185;
    snprintf(v[0].c.pol, sizeof(v[0].c.pol), "SGSIN");
    snprintf(v[0].c.pod, sizeof(v[0].c.pod), "JPNGO");
    snprintf(v[0].c.booking, sizeof(v[0].c.booking), "BK'1:2?");
    snprintf(v[0].c.bl, sizeof(v[0].c.bl), "MSCUBL0001");
    /* A DG transshipment box with two lines; a wrong check digit, flagged. */
    box(&v[1], "HLXU1234560", "22G1", BOL_CAT_TRANSSHIPMENT, true, "0020082", 7);
    v[1].c.ndg = 2;
    v[1].c.dg[0].un = 1203;
    assert_int_equal(bol_imdg_class_parse(bol_str_from("3"), &v[1].c.dg[0].cls, &d), 0);
    v[1].c.dg[1].un = 3480;
    assert_int_equal(bol_imdg_class_parse(bol_str_from("9"), &v[1].c.dg[1].cls, &d), 0);
    /* Empties and storage have no status code: full or empty tells them apart. */
    box(&v[2], "ONEU1144760", "42G1", BOL_CAT_EMPTY, false, "1300186", 59);
    box(&v[3], "TGHU3000001", "22G1", BOL_CAT_STORAGE, true, "", 61);
    box(&v[4], "CMAU3000009", "45G1", BOL_CAT_EXPORT, false, "0010002", 24 * 60 + 1);
    box(&v[5], "EGHU3000007", "22G1", BOL_CAT_THROUGH, true, "0770484", 2);
}

static void round_trip(enum bol_report_kind k1, enum bol_report_kind k2, const char *sender)
{
    struct bol_report_box v[6];
    struct bol_report rep[2], back;
    struct bol_report_envelope env = { sender, "MSC", "4711", T0 };
    struct bol_buf out = BOL_BUF_INIT(1u << 20);
    struct bol_edi_equipment e;
    struct bol_diag d;
    size_t i, m;

    fill(v);
    memset(rep, 0, sizeof(rep));
    rep[0].kind = k1;
    rep[1].kind = k2;
    for (m = 0; m < 2; m++) {
        snprintf(rep[m].ref, sizeof(rep[m].ref), "R%zu", m);
        snprintf(rep[m].port, sizeof(rep[m].port), "JPNGO");
        snprintf(rep[m].vessel, sizeof(rep[m].vessel), "CHITA MARU");
        snprintf(rep[m].vessel_id, sizeof(rep[m].vessel_id), "3EAM1");
        snprintf(rep[m].voyage, sizeof(rep[m].voyage), "040W");
        snprintf(rep[m].carrier, sizeof(rep[m].carrier), "MSC");
    }
    rep[0].boxes = v;
    rep[0].n = 4;
    rep[1].boxes = v + 4;
    rep[1].n = 2;
    assert_int_equal(bol_report_write(rep, 2, &env, &out), 0);
    assert_int_equal(bol_edi_equipment_read(out.buf, out.len, NULL, &e), 0);
    assert_int_equal(e.ic.nmsgs, 2);
    for (m = 0; m < 2; m++) {
        bool coarri = k1 == BOL_REPORT_DISCHARGE;

        assert_false(e.ic.msgs[m].failed);
        assert_string_equal(e.ic.msgs[m].type, coarri ? "COARRI" : "CODECO");
        assert_int_equal(bol_report_from_boxes(&e.ic, &e.msgs[m], &back, &d), 0);
        assert_int_equal(back.kind, rep[m].kind);
        assert_int_equal(back.n, rep[m].n);
        assert_string_equal(back.ref, rep[m].ref);
        assert_string_equal(back.port, "JPNGO");
        if (coarri) {
            assert_string_equal(back.vessel, "CHITA MARU");
            assert_string_equal(back.vessel_id, "3EAM1");
            assert_string_equal(back.voyage, "040W");
            assert_string_equal(back.carrier, "MSC");
        }
        for (i = 0; i < back.n; i++) {
            struct bol_report_box want = rep[m].boxes[i];

            if (!coarri)
                want.cell[0] = '\0'; /* gate reports have no cell */
            same_box(&want, &back.boxes[i]);
        }
        bol_report_release(&back);
    }
    /* The one wrong check digit is a warning, not an error. */
    assert_int_equal(e.msgs[0].check_digit_wrong, 1);
    bol_edi_equipment_release(&e);
    bol_buf_release(&out);
}

static void test_coarri_round_trip(void **state)
{
    (void) state;
    round_trip(BOL_REPORT_DISCHARGE, BOL_REPORT_LOAD, "JPNGO");
}

static void test_codeco_round_trip(void **state)
{
    (void) state;
    round_trip(BOL_REPORT_GATE_IN, BOL_REPORT_GATE_OUT, "JPNGO");
}

/* A text outside UNOA (a Latin-1 name) makes the writer declare UNOC, and it reads back. */
static void test_latin1_sender(void **state)
{
    (void) state;
    round_trip(BOL_REPORT_DISCHARGE, BOL_REPORT_LOAD, "TERMINAL M\xc3\x9cNCHEN");
}

/* Read one message, expect the report conversion to fail at a position. */
static void refused(const char *text, const char *field, unsigned segment)
{
    struct bol_edi_equipment e;
    struct bol_report back;
    struct bol_diag d;

    assert_int_equal(bol_edi_equipment_read(text, strlen(text), NULL, &e), 0);
    assert_int_equal(e.ic.nmsgs, 1);
    bol_diag_init(&d);
    assert_int_equal(bol_report_from_boxes(&e.ic, &e.msgs[0], &back, &d), BOL_E_INVAL);
    assert_string_equal(d.field, field);
    assert_int_equal(d.segment, segment);
    assert_true(d.offset > 0);
    bol_edi_equipment_release(&e);
}

static void test_refusals(void **state)
{
    (void) state;
    /* Not a report: a COARRI with another document code. */
    refused("UNB+UNOA:2+A+B+261121:0740+1'UNH+1+COARRI:D:95B:UN'BGM+99+X+9'"
            "EQD+CN+MSCU1234565+22G1'DTM+203:202611210740:203'UNT+5+1'UNZ+1+1'",
            "BGM", 2);
    /* A gate report's code in a COARRI. */
    refused("UNB+UNOA:2+A+B+261121:0740+1'UNH+1+COARRI:D:95B:UN'BGM+34+X+9'"
            "EQD+CN+MSCU1234565+22G1'DTM+203:202611210740:203'UNT+5+1'UNZ+1+1'",
            "BGM", 2);
    /* A box without the time of its move. */
    refused("UNB+UNOA:2+A+B+261121:0740+1'UNH+1+CODECO:D:95B:UN'BGM+34+X+9'"
            "EQD+CN+MSCU1234565+22G1'UNT+4+1'UNZ+1+1'",
            "DTM", 4);
    /* A time that is not CCYYMMDDHHMM. */
    refused("UNB+UNOA:2+A+B+261121:0740+1'UNH+1+CODECO:D:95B:UN'BGM+34+X+9'"
            "EQD+CN+MSCU1234565+22G1'DTM+7:202613210740:203'UNT+5+1'UNZ+1+1'",
            "DTM", 4);
    /* Text where a container number goes. */
    refused("UNB+UNOA:2+A+B+261121:0740+1'UNH+1+CODECO:D:95B:UN'BGM+36+X+9'"
            "EQD+CN+NOT A BOX+22G1'DTM+7:202611210740:203'UNT+5+1'UNZ+1+1'",
            "EQD", 4);
    /* A size-type nobody defines. */
    refused("UNB+UNOA:2+A+B+261121:0740+1'UNH+1+COARRI:D:95B:UN'BGM+98+X+9'"
            "EQD+CN+MSCU1234565+9Q9Q'DTM+203:202611210740:203'UNT+5+1'UNZ+1+1'",
            "EQD", 4);
}

/* A cell that is not a cell stays out of the report, with a warning: never silently. */
static void test_bad_cell_is_a_warning(void **state)
{
    static const char text[] = "UNB+UNOA:2+A+B+261121:0740+1'UNH+1+COARRI:D:23A:UN'BGM+119+X+9'"
                               "EQD+CN+MSCU1234565+22G1'DTM+203:202611210740:203'LOC+147+0'"
                               "UNT+6+1'UNZ+1+1'";
    struct bol_edi_equipment e;
    struct bol_report back;
    struct bol_diag d;
    size_t i, warnings = 0;

    (void) state;
    assert_int_equal(bol_edi_equipment_read(text, strlen(text), NULL, &e), 0);
    assert_int_equal(bol_report_from_boxes(&e.ic, &e.msgs[0], &back, &d), 0);
    assert_int_equal(back.kind, BOL_REPORT_DISCHARGE);
    assert_int_equal(back.n, 1);
    assert_string_equal(back.boxes[0].cell, "");
    for (i = 0; i < e.ic.nnotes; i++)
        if (!e.ic.notes[i].error && strstr(e.ic.notes[i].text, "stowage cell '0'"))
            warnings++;
    assert_int_equal(warnings, 1);
    bol_report_release(&back);
    bol_edi_equipment_release(&e);
}

static void test_dcsa_event(void **state)
{
    struct bol_report_box v[6];
    struct bol_vessel ves;
    struct bol_dcsa_where where = { "JPNGO", "Demo container terminal 1", "test/bollard" };
    struct bol_dcsa_call call = { true, "DCT1-F49", "040W", "041E", &ves };
    json_t *ev = NULL, *again = NULL;
    char id[40];

    (void) state;
    fill(v);
    memset(&ves, 0, sizeof(ves));
    snprintf(ves.imo, sizeof(ves.imo), "9321483");
    snprintf(ves.name, sizeof(ves.name), "CHITA MARU");
    snprintf(ves.operator_, sizeof(ves.operator_), "MSC");
    assert_int_equal(
        bol_dcsa_equipment_event(&v[0].c, BOL_MV_DISCHARGE, 42, v[0].at_us, &where, &call, &ev), 0);
    assert_string_equal(json_string_value(json_object_get(ev, "eventType")), "EQUIPMENT");
    assert_string_equal(json_string_value(json_object_get(ev, "equipmentEventTypeCode")), "DISC");
    assert_string_equal(json_string_value(json_object_get(ev, "equipmentReference")),
                        "MSCU1234566");
    assert_string_equal(json_string_value(json_object_get(ev, "emptyIndicatorCode")), "LADEN");
    assert_string_equal(json_string_value(json_object_get(ev, "ISOEquipmentCode")), "45R1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(ev, "transportCall"), "modeOfTransport")),
        "VESSEL");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(ev, "transportCall"), "vessel"), "vesselIMONumber")),
        "9321483");
    assert_int_equal(json_array_size(json_object_get(ev, "documentReferences")), 2);
    /* The id is a version-8 UUID, the same for the same move, another for another. */
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(ev, "eventID")));
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[14], '8');
    assert_true(strchr("89ab", id[19]) != NULL);
    assert_int_equal(
        bol_dcsa_equipment_event(&v[0].c, BOL_MV_DISCHARGE, 42, v[0].at_us, &where, &call, &again),
        0);
    assert_string_equal(json_string_value(json_object_get(again, "eventID")), id);
    json_decref(again);
    assert_int_equal(
        bol_dcsa_equipment_event(&v[0].c, BOL_MV_DISCHARGE, 43, v[0].at_us, &where, &call, &again),
        0);
    assert_string_not_equal(json_string_value(json_object_get(again, "eventID")), id);
    json_decref(again);
    json_decref(ev);
    /* An empty at the gate: a truck call, EMPTY, no references. */
    call = (struct bol_dcsa_call){ false, "TRUCK-7", NULL, NULL, NULL };
    assert_int_equal(
        bol_dcsa_equipment_event(&v[2].c, BOL_MV_GATE_OUT, 44, v[2].at_us, &where, &call, &ev), 0);
    assert_string_equal(json_string_value(json_object_get(ev, "equipmentEventTypeCode")), "GTOT");
    assert_string_equal(json_string_value(json_object_get(ev, "emptyIndicatorCode")), "EMPTY");
    assert_null(json_object_get(ev, "documentReferences"));
    json_decref(ev);
    /* Moves partners are not told of have no event. */
    assert_int_equal(
        bol_dcsa_equipment_event(&v[2].c, BOL_MV_SHIFT, 45, v[2].at_us, &where, &call, &ev),
        BOL_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coarri_round_trip),     cmocka_unit_test(test_codeco_round_trip),
        cmocka_unit_test(test_latin1_sender),         cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_bad_cell_is_a_warning), cmocka_unit_test(test_dcsa_event),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
