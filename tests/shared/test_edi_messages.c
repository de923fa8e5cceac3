/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_edi_messages.c - the message readers against the real traffic in
 * ../shared/edi: BAPLIE (baplie.h) and the equipment messages (equipment.h)
 *
 * For every BAPLIE file listed in <shared>/edi/ANALYSIS.json: every message
 * reads whole (warnings allowed), the boxes (EQD), reefers (TMP) and DG
 * lines (DGS) are the analysis' counts, the container numbers with a wrong
 * check digit or not in the form of one are those the analysis found (kept
 * and flagged, each with a warning), and a stowage cell is valid exactly
 * when it is 6 or 7 digits with a bay and a tier (the 1.5 demo file has
 * tier 00 and 8-digit cells: kept, flagged).  The same files with CRLF line
 * ends read the same, and each plan written as SMDG 2.2 and read again is
 * the same plan, slot by slot.
 *
 * For every COPRAR, COARRI, CODECO, COPARN and VERMAS file: every message
 * reads whole and the boxes, reefers, DG lines and check-digit results are
 * the analysis' counts.
 *
 * Usage: test_edi_messages SHARED_DIR.  Exits 77 (skipped) with a message when
 * the shared folder is absent.
 */
#include "compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>

#include "baplie.h"
#include "equipment.h"
#include "buf.h"
#include "errors.h"
#include "mem.h"
#include "sharedfile.h"

static char edi_dir[4096];
static json_t *analysis;

static long num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_integer(v) ? (long) json_integer_value(v) : 0;
}

static long prefixed(json_t *q, const char *prefix)
{
    const char *k;
    json_t *v;
    long n = 0;

    json_object_foreach(q, k, v)
    {
        if (!strncmp(k, prefix, strlen(prefix)))
            n += (long) json_integer_value(v);
    }
    return n;
}

/* The oracle for a stowage cell: 6 or 7 digits, bay and tier not zero (ISO 9711). */
static bool cell_plausible(const char *t)
{
    size_t n = strlen(t), i;
    char c7[16];

    if (n != 6 && n != 7)
        return false;
    for (i = 0; i < n; i++)
        if (t[i] < '0' || t[i] > '9')
            return false;
    snprintf(c7, sizeof(c7), "%s%s", n == 6 ? "0" : "", t);
    return strncmp(c7, "000", 3) != 0 && strcmp(c7 + 5, "00") != 0;
}

static void check_file(json_t *row, const struct bol_buf *data, const char *variant)
{
    const char *file = json_string_value(json_object_get(row, "file"));
    json_t *q = json_object_get(row, "qualifiers");
    struct bol_baplie_set s;
    long boxes = 0, reefers = 0, dg = 0, wrong = 0, notformat = 0, cells = 0;
    size_t i, k;

    assert_int_equal(bol_baplie_read(data->buf, data->len, NULL, &s), 0);
    for (i = 0; i < s.ic.nmsgs; i++) {
        if (s.ic.msgs[i].failed) {
            for (k = 0; k < s.ic.nnotes; k++)
                if (s.ic.notes[k].error)
                    print_error("%s (%s): byte %llu segment %u: %s\n", file, variant,
                                (unsigned long long) s.ic.notes[k].offset, s.ic.notes[k].segment,
                                s.ic.notes[k].text);
            fail_msg("%s (%s): message %zu cannot import", file, variant, i + 1);
        }
    }
    assert_int_equal(s.nplans, s.ic.nmsgs);
    for (i = 0; i < s.nplans; i++) {
        const struct bol_baplie *b = &s.plans[i];

        boxes += b->containers;
        reefers += b->reefers;
        dg += b->dg_lines;
        wrong += b->check_digit_wrong;
        notformat += b->not_container_number;
        for (k = 0; k < b->nslots; k++) {
            const struct bol_baplie_slot *sl = &b->slots[k];

            cells += sl->cell_ok;
            if (sl->cell_ok != cell_plausible(sl->cell_text))
                fail_msg("%s (%s): cell '%s' read as %s", file, variant, sl->cell_text,
                         sl->cell_ok ? "valid" : "invalid");
        }
    }
    if (boxes != num(row, "EQD") || reefers != prefixed(q, "TMP") || dg != prefixed(q, "DGS") ||
        wrong != num(row, "iso6346_invalid") || notformat != num(row, "iso6346_notformat"))
        fail_msg("%s (%s): EQD %ld/%ld TMP %ld/%ld DGS %ld/%ld check digit %ld/%ld form %ld/%ld",
                 file, variant, boxes, num(row, "EQD"), reefers, prefixed(q, "TMP"), dg,
                 prefixed(q, "DGS"), wrong, num(row, "iso6346_invalid"), notformat,
                 num(row, "iso6346_notformat"));
    if (cells > num(json_object_get(row, "LOC147"), "7digit"))
        fail_msg("%s (%s): %ld cells parse, the analysis has %ld of 7 digits", file, variant, cells,
                 num(json_object_get(row, "LOC147"), "7digit"));
    bol_baplie_set_release(&s);
}

#define SAME_STR(f) assert_string_equal(a->f, b->f)
#define SAME_INT(f) assert_int_equal(a->f, b->f)

/* What a slot says, compared after a round trip through BAPLIE 2.2. */
static void same_slot(const struct bol_baplie_slot *a, const struct bol_baplie_slot *b)
{
    unsigned k;

    SAME_INT(cell_ok);
    if (a->cell_ok) {
        SAME_INT(cell.bay);
        SAME_INT(cell.row);
        SAME_INT(cell.tier);
    } else {
        SAME_STR(cell_text);
    }
    SAME_INT(eqd);
    SAME_INT(has_box);
    SAME_INT(id_ok);
    SAME_INT(check_ok);
    if (a->id_ok)
        SAME_STR(id.s);
    SAME_INT(st_ok);
    if (a->st_ok)
        SAME_STR(st.code);
    if (a->eqd)
        SAME_INT(full);
    SAME_INT(gross_kg);
    SAME_INT(vgm_kg);
    SAME_STR(pol);
    SAME_STR(pod);
    SAME_STR(final_pod);
    SAME_STR(line);
    SAME_INT(reefer);
    if (a->reefer)
        SAME_INT(temp_c10);
    assert_int_equal(b->ndg, BOL_MIN(a->ndg, BOL_BAPLIE_DG_MAX));
    for (k = 0; k < b->ndg; k++) {
        SAME_INT(dg[k].cls.cls);
        SAME_INT(dg[k].cls.division);
        SAME_INT(dg[k].cls.compat);
        SAME_INT(dg[k].un);
    }
}

/* Read, write as SMDG 2.2, read again: the same plan. */
static void round_trip(const char *file, const struct bol_baplie_set *first)
{
    const struct bol_baplie_envelope env = { "BOLLARD", "PARTNER", "RT1", 1795248000000000LL };
    size_t i, k;

    for (i = 0; i < first->nplans; i++) {
        const struct bol_baplie *a = &first->plans[i], *b;
        struct bol_buf out = BOL_BUF_INIT((size_t) 64 << 20);
        struct bol_baplie_set again;

        assert_int_equal(bol_baplie_write(a, &env, &out), 0);
        assert_int_equal(bol_baplie_read(out.buf, out.len, NULL, &again), 0);
        if (again.nplans != 1 || again.ic.msgs[0].failed || again.ic.nmsgs != 1)
            fail_msg("%s: the BAPLIE written does not read back whole", file);
        for (k = 0; k < again.ic.nnotes; k++)
            if (!strstr(again.ic.notes[k].text, "stowage cell") &&
                !strstr(again.ic.notes[k].text, "container number") &&
                !strstr(again.ic.notes[k].text, "size-type"))
                fail_msg("%s: written BAPLIE has a warning: %s", file, again.ic.notes[k].text);
        b = &again.plans[0];
        SAME_STR(vessel);
        SAME_STR(vessel_id);
        SAME_STR(voyage);
        SAME_STR(carrier);
        SAME_STR(departure);
        SAME_STR(next_port);
        SAME_INT(nslots);
        SAME_INT(containers);
        SAME_INT(reefers);
        SAME_INT(check_digit_wrong);
        SAME_INT(not_container_number);
        for (k = 0; k < a->nslots; k++)
            same_slot(&a->slots[k], &b->slots[k]);
        bol_baplie_set_release(&again);
        bol_buf_release(&out);
    }
}

static void test_files(void **state)
{
    size_t i, n = 0;
    json_t *row;

    (void) state;
    json_array_foreach(analysis, i, row)
    {
        const char *file = json_string_value(json_object_get(row, "file"));
        struct bol_buf data = BOL_BUF_INIT((size_t) 64 << 20),
                       crlf = BOL_BUF_INIT((size_t) 64 << 20);
        char path[8192];
        size_t k;

        if (!file || strncmp(file, "BAPLIE/", 7) != 0 || strstr(file, "malformed"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", edi_dir, file);
        assert_int_equal(shared_read_file(path, &data), 0);
        check_file(row, &data, "as sent");
        {
            struct bol_baplie_set first;

            assert_int_equal(bol_baplie_read(data.buf, data.len, NULL, &first), 0);
            round_trip(file, &first);
            bol_baplie_set_release(&first);
        }
        for (k = 0; k < data.len; k++) {
            assert_int_equal(bol_buf_addch(&crlf, data.buf[k]), 0);
            if (data.buf[k] == '\'')
                assert_int_equal(bol_buf_add(&crlf, "\r\n", 2), 0);
        }
        check_file(row, &crlf, "CRLF");
        bol_buf_release(&data);
        bol_buf_release(&crlf);
        n++;
    }
    assert_true(n >= 10);
}

/* The fields of one slot, read from an SMDG 2.2 fragment written here. */
static void test_slot_fields(void **state)
{
    static const char in[] =
        "UNB+UNOA:2+A+B+261121:0740+1'UNH+1+BAPLIE:D:95B:UN:SMDG22'BGM++X+9'"
        "TDT+20+024W+++MSC:172:20+++9811000:146::BOLLARD GIANT'LOC+5+JPNGO:139:6'"
        "LOC+61+NLRTM:139:6'"
        "LOC+147+0120382::5'MEA+WT++KGM:22500'MEA+VGM++KGM:22610,5'TMP+2+-18,5:CEL'"
        "DGS+IMD+2.1+1950'LOC+9+JPNGO'LOC+11+NLRTM'LOC+83+DEHAM'RFF+BM:1'"
        "EQD+CN+MSCU 123456 6+4532+++5'NAD+CA+MSC:172:20'"
        "LOC+147+120384::5'EQD+CN++45G1+++4'"
        "LOC+147+01203860::5'EQD+CN+MSCU1234565+22G1+++4'"
        "UNT+24+1'UNZ+1+1'";
    struct bol_baplie_set s;
    const struct bol_baplie_slot *sl;
    const struct bol_baplie *b;

    (void) state;
    assert_int_equal(bol_baplie_read(in, strlen(in), NULL, &s), 0);
    assert_false(s.ic.msgs[0].failed);
    b = &s.plans[0];
    assert_string_equal(b->vessel, "BOLLARD GIANT");
    assert_string_equal(b->vessel_id, "9811000");
    assert_string_equal(b->voyage, "024W");
    assert_string_equal(b->departure, "JPNGO");
    assert_int_equal(b->nslots, 3);
    sl = &b->slots[0];
    assert_true(sl->cell_ok);
    assert_int_equal(sl->cell.bay, 12);
    assert_int_equal(sl->cell.row, 3);
    assert_int_equal(sl->cell.tier, 82);
    assert_true(sl->has_box && sl->id_ok && sl->check_ok);
    assert_string_equal(sl->id.s, "MSCU1234566");
    assert_string_equal(sl->st.code, "45R1"); /* legacy 4532 */
    assert_true(sl->full);
    assert_int_equal(sl->gross_kg, 22500);
    assert_int_equal(sl->vgm_kg, 22611); /* 22610.5 rounds half up */
    assert_true(sl->reefer);
    assert_int_equal(sl->temp_c10, -185);
    assert_int_equal(sl->ndg, 1);
    assert_int_equal(sl->dg[0].cls.cls, 2);
    assert_int_equal(sl->dg[0].un, 1950);
    assert_string_equal(sl->pol, "JPNGO");
    assert_string_equal(sl->pod, "NLRTM");
    assert_string_equal(sl->final_pod, "DEHAM");
    assert_string_equal(sl->line, "MSC");
    /* a six-digit cell, an EQD without a number: a reserved slot */
    sl = &b->slots[1];
    assert_true(sl->cell_ok);
    assert_int_equal(sl->cell.bay, 12);
    assert_false(sl->has_box);
    assert_false(sl->full);
    /* eight digits: kept as sent, flagged, with a warning; a wrong check digit likewise */
    sl = &b->slots[2];
    assert_false(sl->cell_ok);
    assert_string_equal(sl->cell_text, "01203860");
    assert_true(sl->has_box && sl->id_ok && !sl->check_ok);
    assert_int_equal(b->check_digit_wrong, 1);
    bol_baplie_set_release(&s);
}

/* Boxes sharing a cell each get a slot of their own, none inheriting another's flags. */
static void test_boxes_sharing_a_cell(void **state)
{
    static const char in[] = "UNB+UNOA:2+A+B+1:1+1'UNH+1+BAPLIE:D:95B:UN:SMDG22'"
                             "LOC+147+0120382::5'LOC+9+JPNGO'EQD+CN+MSCU1234566+22G1+++5'"
                             "EQD+CN+NOT A NUMBER+22G1+++5'EQD+CN+MSCU1234565+22G1+++5'"
                             "UNT+7+1'UNZ+1+1'";
    struct bol_baplie_set s;
    const struct bol_baplie *b;

    (void) state;
    assert_int_equal(bol_baplie_read(in, strlen(in), NULL, &s), 0);
    b = &s.plans[0];
    assert_int_equal(b->nslots, 3);
    assert_int_equal(b->containers, 3);
    assert_true(b->slots[0].check_ok);
    assert_false(b->slots[1].id_ok || b->slots[1].check_ok);
    assert_true(b->slots[2].id_ok && !b->slots[2].check_ok);
    assert_string_equal(b->slots[2].cell_text, "0120382");
    assert_string_equal(b->slots[2].pol, "JPNGO");
    assert_int_equal(b->not_container_number, 1);
    assert_int_equal(b->check_digit_wrong, 1);
    bol_baplie_set_release(&s);
}

/* Safety data that cannot be read fails the message, with the position. */
static void test_bad_safety_data(void **state)
{
    static const char *const bad[] = {
        "MEA+VGM++KGM:12x00'",
        "TMP+2+cold:CEL'",
        "DGS+IMD+10+1203'",
        "DGS+IMD+3+0000'",
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        char in[512];
        struct bol_baplie_set s;

        snprintf(in, sizeof(in),
                 "UNB+UNOA:2+A+B+1:1+1'UNH+1+BAPLIE:D:95B:UN:SMDG22'LOC+147+0120382::5'%s"
                 "EQD+CN+MSCU1234565+45G1+++5'UNT+5+1'UNZ+1+1'",
                 bad[i]);
        assert_int_equal(bol_baplie_read(in, strlen(in), NULL, &s), 0);
        if (!s.ic.msgs[0].failed || !s.ic.nnotes || s.ic.notes[0].segment != 4 ||
            s.ic.notes[0].offset != 69)
            fail_msg("%s: not refused at segment 4, byte 69", bad[i]);
        bol_baplie_set_release(&s);
    }
}

/* The equipment messages: boxes, reefers, DG lines and check digits as the analysis counts. */
static void test_equipment_files(void **state)
{
    static const char *const types[] = { "COPRAR/", "COARRI/", "CODECO/", "COPARN/", "VERMAS/" };
    size_t i, n = 0;
    json_t *row;

    (void) state;
    json_array_foreach(analysis, i, row)
    {
        const char *file = json_string_value(json_object_get(row, "file"));
        json_t *q = json_object_get(row, "qualifiers");
        struct bol_buf data = BOL_BUF_INIT((size_t) 64 << 20);
        struct bol_edi_equipment e;
        long boxes = 0, reefers = 0, dg = 0, wrong = 0, notformat = 0;
        char path[8192];
        size_t k, m;
        bool ours = false;

        for (k = 0; file && k < BOL_ARRAY_SIZE(types); k++)
            ours |= !strncmp(file, types[k], strlen(types[k]));
        if (!ours)
            continue;
        snprintf(path, sizeof(path), "%s/%s", edi_dir, file);
        assert_int_equal(shared_read_file(path, &data), 0);
        assert_int_equal(bol_edi_equipment_read(data.buf, data.len, NULL, &e), 0);
        for (m = 0; m < e.ic.nmsgs; m++) {
            const struct bol_edi_boxes *b = &e.msgs[m];

            if (e.ic.msgs[m].failed)
                fail_msg("%s: message %zu cannot import", file, m + 1);
            boxes += (long) b->n;
            reefers += b->reefers;
            dg += b->dg_lines;
            wrong += b->check_digit_wrong;
            notformat += b->not_container_number;
        }
        if (boxes != num(row, "EQD") || reefers != prefixed(q, "TMP") || dg != prefixed(q, "DGS") ||
            wrong != num(row, "iso6346_invalid") || notformat != num(row, "iso6346_notformat"))
            fail_msg("%s: EQD %ld/%ld TMP %ld/%ld DGS %ld/%ld check digit %ld/%ld form %ld/%ld",
                     file, boxes, num(row, "EQD"), reefers, prefixed(q, "TMP"), dg,
                     prefixed(q, "DGS"), wrong, num(row, "iso6346_invalid"), notformat,
                     num(row, "iso6346_notformat"));
        bol_edi_equipment_release(&e);
        bol_buf_release(&data);
        n++;
    }
    assert_true(n >= 15);
}

/* The fields of one box, from a COPRAR fragment written here (release character included). */
static void test_box_fields(void **state)
{
    static const char in[] = "UNH+1+COPRAR:D:95B:UN:SMDG16'BGM+45+X+9'"
                             "EQD+CN+MSCU 123456 6+45R1:102:5++2+5'RFF+BN:BK?+1'"
                             "LOC+9+JPNGO:139:6'LOC+11+NLRTM:139:6'MEA+AAE+VGM+KGM:21000,4'"
                             "TMP+2+-20:CEL'DGS+IMD+3+1203'SEL+A1+CA'SEL+B2+SH'NAD+CF+MSC:160:20'"
                             "UNT+13+1'";
    struct bol_edi_equipment e;
    const struct bol_edi_box *x;

    (void) state;
    assert_int_equal(bol_edi_equipment_read(in, strlen(in), NULL, &e), 0);
    assert_false(e.ic.msgs[0].failed);
    assert_int_equal(e.msgs[0].n, 1);
    x = &e.msgs[0].v[0];
    assert_true(x->check_ok);
    assert_string_equal(x->id.s, "MSCU1234566");
    assert_string_equal(x->st.code, "45R1");
    assert_string_equal(x->status, "5");
    assert_string_equal(x->booking, "BK+1");
    assert_string_equal(x->pol, "JPNGO");
    assert_string_equal(x->pod, "NLRTM");
    assert_int_equal(x->vgm_kg, 21000);
    assert_int_equal(x->temp_c10, -200);
    assert_int_equal(x->ndg, 1);
    assert_int_equal(x->dg_un, 1203);
    assert_int_equal(x->seals, 2);
    assert_string_equal(x->line, "MSC");
    bol_edi_equipment_release(&e);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_fields),     cmocka_unit_test(test_boxes_sharing_a_cell),
        cmocka_unit_test(test_bad_safety_data), cmocka_unit_test(test_files),
        cmocka_unit_test(test_box_fields),      cmocka_unit_test(test_equipment_files),
    };
    char path[8192];
    struct stat st;
    json_error_t je;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: test_edi_messages SHARED_DIR\n");
        return 2;
    }
    snprintf(edi_dir, sizeof(edi_dir), "%s/edi", argv[1]);
    snprintf(path, sizeof(path), "%s/ANALYSIS.json", edi_dir);
    if (stat(path, &st) != 0) {
        printf("SKIP: %s not found (set -Dshared_dir)\n", path);
        return 77;
    }
    analysis = json_load_file(path, 0, &je);
    if (!json_is_array(analysis)) {
        fprintf(stderr, "%s: %s\n", path, je.text);
        return 1;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    json_decref(analysis);
    return rc;
}
