/* SPDX-License-Identifier: Apache-2.0 */
/* test_edifact.c - the UN/EDIFACT tokenizer and envelopes */
#include "testutil.h"

#include "edifact.h"
#include "summary.h"

static struct bol_edi_seg seg;

/* All segments of text; returns how many, fails the test on an error. */
static unsigned tokens(const char *text, size_t n, struct bol_edi_reader *r, char tags[][4])
{
    struct bol_diag d;
    unsigned k = 0;
    int rc;

    bol_edi_reader_init(r, text, n, NULL);
    while ((rc = bol_edi_next(r, &seg, &d)) == 1) {
        if (tags)
            memcpy(tags[k], seg.tag, 4);
        k++;
    }
    if (rc < 0)
        fail_msg("tokenizer: %s (offset %lld)", d.msg, (long long) d.offset);
    return k;
}

static void value(const struct bol_edi_reader *r, unsigned e, unsigned c, const char *want)
{
    char out[256];
    int len = bol_edi_text(&r->syn, bol_edi_get(&seg, e, c), out, sizeof(out));

    assert_true(len >= 0);
    assert_string_equal(out, want);
}

static void test_default_syntax(void **state)
{
    static const char in[] = "UNB+UNOA:2+SENDER+RECV+261121:0740+IC1'EQD+CN+MSCU1234565+45G1'";
    struct bol_edi_reader r;

    (void) state;
    assert_int_equal(tokens(in, strlen(in), &r, NULL), 2);
    assert_string_equal(seg.tag, "EQD");
    assert_int_equal(seg.number, 2);
    assert_int_equal(seg.offset, 39);
    assert_int_equal(seg.nelem, 3);
    value(&r, 1, 1, "CN");
    value(&r, 2, 1, "MSCU1234565");
    value(&r, 3, 1, "45G1");
    value(&r, 4, 1, ""); /* absent */
    value(&r, 3, 2, "");
}

static void test_una_release_and_decimal_comma(void **state)
{
    static const char in[] = "UNA:+,? 'UNB+UNOC:3+A+B+1:1+2'FTX+AAA+++PLASTICS?: GLASS?'S ?+ ?? "
                             "END'MEA+AAE+VGM+KGM:16733,08'";
    struct bol_edi_reader r;
    int64_t v;

    (void) state;
    assert_int_equal(tokens(in, strlen(in), &r, NULL), 3);
    assert_true(r.una);
    assert_int_equal(r.syn.dec, ',');
    assert_int_equal(bol_edi_decimal(&r.syn, bol_edi_get(&seg, 3, 2), 3, &v), 0);
    assert_int_equal(v, 16733080);
}

static void test_release(void **state)
{
    static const char in[] = "FTX+AAA+++PLASTICS?: GLASS?'S ?+ ?? END'";
    struct bol_edi_reader r;

    (void) state;
    assert_int_equal(tokens(in, strlen(in), &r, NULL), 1);
    assert_int_equal(seg.nelem, 4);
    assert_true(bol_edi_get(&seg, 4, 1).raw);
    value(&r, 4, 1, "PLASTICS: GLASS'S + ? END");
}

static void test_bom_crlf_and_wrapped_lines(void **state)
{
    static const char in[] = "\xef\xbb\xbfUNB+UNOW:4+A+B+1:1+3'\r\nEQD+CN+MSCU12\r\n34565'\r\n\n";
    struct bol_edi_reader r;
    char tags[4][4];

    (void) state;
    assert_int_equal(tokens(in, strlen(in), &r, tags), 2);
    assert_true(r.bom);
    assert_string_equal(tags[1], "EQD");
    value(&r, 2, 1, "MSCU1234565");
}

static void test_decimal(void **state)
{
    static const struct {
        const char *in;
        unsigned scale;
        int rc;
        int64_t v;
    } rows[] = {
        { "16733.08", 3, 0, 16733080 },
        { "16733,08", 3, 0, 16733080 },
        { "-18.5", 1, 0, -185 },
        { "0.0", 1, 0, 0 },
        { "22500", 0, 0, 22500 },
        { "1.25", 1, 0, 13 },
        { ".5", 1, 0, 5 },
        { "", 0, BOL_E_INVAL, 0 },
        { "1.2.3", 1, BOL_E_INVAL, 0 },
        { "12a", 0, BOL_E_INVAL, 0 },
        { "-", 0, BOL_E_INVAL, 0 },
        { "99999999999999999999", 0, BOL_E_INVAL, 0 },
    };
    struct bol_edi_syntax syn = { ':', '+', '.', '?', '\0', '\'' };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        struct bol_edi_val v = { rows[i].in, (uint32_t) strlen(rows[i].in), false };
        int64_t got = 0;
        int rc = bol_edi_decimal(&syn, v, rows[i].scale, &got);

        if (rc != rows[i].rc || (rc == 0 && got != rows[i].v))
            fail_msg("'%s': rc %d value %lld", rows[i].in, rc, (long long) got);
    }
}

static void test_latin1_becomes_utf8(void **state)
{
    struct bol_edi_syntax syn = { ':', '+', '.', '?', '\0', '\'' };
    struct bol_edi_val v = { "Li\xe8ge", 5, false };
    char out[16];

    (void) state;
    assert_int_equal(bol_edi_text(&syn, v, out, sizeof(out)), 6);
    assert_string_equal(out, "Li\xc3\xa8ge");
    v = (struct bol_edi_val){ "Li\xc3\xa8ge", 6, false };
    assert_int_equal(bol_edi_text(&syn, v, out, sizeof(out)), 6);
    assert_int_equal(bol_edi_text(&syn, v, out, 4), BOL_E_TOOBIG);
}

/* An error names the byte offset, segment, tag and element. */
static void test_errors_have_positions(void **state)
{
    static const struct {
        const char *in;
        int rc;
        long long offset;
        unsigned segment;
    } rows[] = {
        { "+137:2502221005:201'TDT+20'", BOL_E_PARSE, 0, 1 },
        { "UNB+UNOA:2'EQ+CN'", BOL_E_PARSE, 11, 2 },
        { "UNB+UNOA:2'EQD+CN+MSCU", BOL_E_PARSE, 11, 2 },
        { "UNA:+.?", BOL_E_PARSE, 0, 0 },
        { "UNA:::? 'UNB'", BOL_E_PARSE, 3, 0 },
        { "FTX+A+B?", BOL_E_PARSE, 7, 1 },
    };
    struct bol_edi_reader r;
    struct bol_diag d;
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        int rc;

        bol_edi_reader_init(&r, rows[i].in, strlen(rows[i].in), NULL);
        bol_diag_init(&d);
        while ((rc = bol_edi_next(&r, &seg, &d)) == 1)
            ;
        if (rc != rows[i].rc || d.offset != rows[i].offset || d.segment != rows[i].segment)
            fail_msg("'%s': rc %d offset %lld segment %u (%s)", rows[i].in, rc,
                     (long long) d.offset, d.segment, d.msg);
    }
}

static void test_limits(void **state)
{
    static const char in[] = "UNB+UNOA:2'FTX+AAA+++0123456789012345678901234567890123456789'";
    struct bol_edi_limits lim = { 0, 0, 32 };
    struct bol_edi_reader r;
    struct bol_diag d;

    (void) state;
    bol_edi_reader_init(&r, in, strlen(in), &lim);
    assert_int_equal(bol_edi_next(&r, &seg, &d), 1);
    bol_diag_init(&d);
    assert_int_equal(bol_edi_next(&r, &seg, &d), BOL_E_TOOBIG);
    assert_int_equal(d.element, 4);
    assert_int_equal(d.segment, 2);
    lim = (struct bol_edi_limits){ 10, 0, 0 };
    bol_edi_reader_init(&r, in, strlen(in), &lim);
    assert_int_equal(bol_edi_next(&r, &seg, &d), BOL_E_TOOBIG);
    lim = (struct bol_edi_limits){ 0, 1, 0 };
    bol_edi_reader_init(&r, in, strlen(in), &lim);
    assert_int_equal(bol_edi_next(&r, &seg, &d), 1);
    assert_int_equal(bol_edi_next(&r, &seg, &d), BOL_E_TOOBIG);
    /* A limit stops reading: no resynchronising past it, the same answer again. */
    assert_int_equal(bol_edi_resync(&r), 0);
    assert_int_equal(bol_edi_next(&r, &seg, &d), BOL_E_TOOBIG);
}

static size_t notes_of(const struct bol_edi_interchange *ic, int msg, bool error)
{
    size_t i, n = 0;

    for (i = 0; i < ic->nnotes; i++)
        n += ic->notes[i].msg == msg && ic->notes[i].error == error;
    return n;
}

/* Counts that do not match are warnings; the messages are whole. */
static void test_envelope_warnings(void **state)
{
    static const char in[] = "UNB+UNOA:2+A+B+261121:0740+IC9'"
                             "UNH+1+BAPLIE:D:95B:UN:SMDG22'EQD+CN+MSCU1234565'TMP+2+-18:CEL'"
                             "DGS+IMD+3+1203'MEA+AAE+VGM+KGM:22500'UNT+99+1'"
                             "UNZ+3+IC8'";
    struct bol_edi_summary s;

    (void) state;
    assert_int_equal(bol_edi_summarize(in, strlen(in), NULL, &s), 0);
    assert_string_equal(s.ic.syntax, "UNOA");
    assert_string_equal(s.ic.control, "IC9");
    assert_int_equal(s.ic.nmsgs, 1);
    assert_string_equal(s.ic.msgs[0].type, "BAPLIE");
    assert_string_equal(s.ic.msgs[0].assoc, "SMDG22");
    assert_int_equal(s.ic.msgs[0].segments, 6);
    assert_false(s.ic.msgs[0].failed);
    assert_int_equal(s.msgs[0].containers, 1);
    assert_int_equal(s.msgs[0].reefers, 1);
    assert_int_equal(s.msgs[0].dg_lines, 1);
    assert_int_equal(s.msgs[0].vgm, 1);
    assert_int_equal(notes_of(&s.ic, 0, false), 1);  /* UNT count */
    assert_int_equal(notes_of(&s.ic, -1, false), 2); /* UNZ count and reference */
    assert_false(s.ic.failed);
    bol_edi_summary_release(&s);
}

/* A broken message fails alone; the one after it is whole. */
static void test_broken_message_is_alone(void **state)
{
    static const char in[] = "UNB+UNOA:2+A+B+1:1+7'"
                             "UNH+1+COARRI:D:95B:UN'EQD+CN+A'BAD SEGMENT'UNT+4+1'"
                             "UNH+2+COARRI:D:95B:UN'EQD+CN+B'UNT+3+2'"
                             "UNH+3+COARRI:D:95B:UN'EQD+CN+C'"
                             "UNZ+3+7'";
    struct bol_edi_summary s;

    (void) state;
    assert_int_equal(bol_edi_summarize(in, strlen(in), NULL, &s), 0);
    assert_int_equal(s.ic.nmsgs, 3);
    assert_true(s.ic.msgs[0].failed);
    assert_false(s.ic.msgs[1].failed);
    assert_true(s.ic.msgs[1].complete);
    assert_true(s.ic.msgs[2].failed); /* no UNT before UNZ */
    assert_int_equal(notes_of(&s.ic, 0, true), 1);
    assert_int_equal(s.ic.notes[0].offset, 52);
    assert_int_equal(s.ic.notes[0].segment, 4);
    bol_edi_summary_release(&s);
}

static void test_bad_syntax_identifier(void **state)
{
    static const char in[] = "UNB+UNOZ:2+A+B+1:1+7'UNH+1+X:D:95B:UN'UNT+2+1'UNZ+1+7'";
    struct bol_edi_summary s;

    (void) state;
    assert_int_equal(bol_edi_summarize(in, strlen(in), NULL, &s), BOL_E_UNSUPPORTED);
    assert_true(s.ic.failed);
    assert_int_equal(s.ic.notes[0].element, 1);
    bol_edi_summary_release(&s);
}

static void test_bare_message(void **state)
{
    static const char in[] = "UNH+638+COPRAR:D:95B:UN'EQD+CN+MSTI6415664'UNT+3+638'";
    struct bol_edi_summary s;

    (void) state;
    assert_int_equal(bol_edi_summarize(in, strlen(in), NULL, &s), 0);
    assert_false(s.ic.unb);
    assert_int_equal(s.ic.nmsgs, 1);
    assert_false(s.ic.msgs[0].failed);
    assert_int_equal(notes_of(&s.ic, -1, false), 1);
    bol_edi_summary_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_syntax),
        cmocka_unit_test(test_una_release_and_decimal_comma),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_bom_crlf_and_wrapped_lines),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_latin1_becomes_utf8),
        cmocka_unit_test(test_errors_have_positions),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_envelope_warnings),
        cmocka_unit_test(test_broken_message_is_alone),
        cmocka_unit_test(test_bad_syntax_identifier),
        cmocka_unit_test(test_bare_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
