/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pack.c - the operations pack's CSV and HTML escaping, file names, and
 * the verifier on packs made here by hand (manifests a writer would never
 * produce: files listed twice, out of order, bad names and hashes)
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "note.h"
#include "pack.h"
#include "sha256.h"

static const char *csv(struct bol_buf *b, const char *v, bool text)
{
    bol_buf_reset(b);
    assert_int_equal(bol_pack_csv_field(b, bol_str_from(v), text), 0);
    return b->buf;
}

static void test_csv_field(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(1024);

    (void) state;
    assert_string_equal(csv(&b, "", true), "");
    assert_string_equal(csv(&b, "MSKU1234565", true), "MSKU1234565");
    assert_string_equal(csv(&b, "a,b", true), "\"a,b\"");
    assert_string_equal(csv(&b, "say \"hi\"", true), "\"say \"\"hi\"\"\"");
    assert_string_equal(csv(&b, "\"", true), "\"\"\"\"");
    assert_string_equal(csv(&b, "two\nlines", true), "\"two\nlines\"");
    assert_string_equal(csv(&b, "cr\rhere", true), "\"cr\rhere\"");
    /* Formula injection: text starting with = + - @ TAB CR is made text. */
    assert_string_equal(csv(&b, "=HYPERLINK(\"http://x\")", true),
                        "\"'=HYPERLINK(\"\"http://x\"\")\"");
    assert_string_equal(csv(&b, "+1", true), "'+1");
    assert_string_equal(csv(&b, "-2+3", true), "'-2+3");
    assert_string_equal(csv(&b, "@SUM(A1)", true), "'@SUM(A1)");
    assert_string_equal(csv(&b, "\tx", true), "'\tx");
    assert_string_equal(csv(&b, "\rx", true), "\"'\rx\"");
    assert_string_equal(csv(&b, "a=b", true), "a=b");
    /* Numbers are left alone. */
    assert_string_equal(csv(&b, "-18.5", false), "-18.5");
    assert_string_equal(csv(&b, "-18.5", true), "'-18.5");
    bol_buf_release(&b);
}

static void test_csv_field_limit(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(6);

    (void) state;
    assert_int_equal(bol_buf_adds(&b, "ab"), 0);
    /* Fails part-way (the closing quote does not fit): the buffer is as it was. */
    assert_int_equal(bol_pack_csv_field(&b, BOL_STR("a,b"), true), BOL_E_TOOBIG);
    assert_string_equal(b.buf, "ab");
    assert_int_equal(b.len, 2);
    bol_buf_release(&b);
}

static void test_html_escape(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(1024);

    (void) state;
    assert_int_equal(bol_pack_html_escape(&b, BOL_STR("<script>alert('x&y')</script> \"q\"")), 0);
    assert_string_equal(b.buf,
                        "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt; &quot;q&quot;");
    bol_buf_reset(&b);
    assert_int_equal(bol_pack_html_escape(&b, bol_str_make("a\0b\x1b\tc\n\x7f", 8)), 0);
    assert_string_equal(b.buf, "a&#xFFFD;b&#xFFFD;\tc\n&#xFFFD;");
    bol_buf_reset(&b);
    /* UTF-8 passes through. */
    assert_int_equal(bol_pack_html_escape(&b, BOL_STR("K\xc3\xb6ln \xe2\x80\x94")), 0);
    assert_string_equal(b.buf, "K\xc3\xb6ln \xe2\x80\x94");
    bol_buf_release(&b);

    {
        struct bol_buf s = BOL_BUF_INIT(6);

        assert_int_equal(bol_buf_adds(&s, "x"), 0);
        assert_int_equal(bol_pack_html_escape(&s, BOL_STR("a<b")), BOL_E_TOOBIG);
        assert_string_equal(s.buf, "x");
        bol_buf_release(&s);
    }
}

static void test_names(void **state)
{
    (void) state;
    assert_true(bol_pack_name_ok(BOL_STR("inventory.csv")));
    assert_true(bol_pack_name_ok(BOL_STR("bayplan-DCT1-M47.csv")));
    assert_false(bol_pack_name_ok(BOL_STR("")));
    assert_false(bol_pack_name_ok(BOL_STR(".hidden")));
    assert_false(bol_pack_name_ok(BOL_STR("..")));
    assert_false(bol_pack_name_ok(BOL_STR("a/b")));
    assert_false(bol_pack_name_ok(BOL_STR("a b")));
    assert_false(bol_pack_name_ok(bol_str_make("a\0b", 3)));
    assert_true(bol_pack_name_ok(
        BOL_STR("0123456789012345678901234567890123456789012345678901234567890123")));
    assert_false(bol_pack_name_ok(
        BOL_STR("01234567890123456789012345678901234567890123456789012345678901234")));
}

/* ---- the verifier on hand-made packs ---- */

struct fixture {
    char dir[64];
    struct bol_signer key, other;
};

static void put(const char *dir, const char *name, const char *content)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
    assert_int_equal(fclose(f), 0);
}

static void file_line(struct bol_buf *m, const char *name, const char *content)
{
    uint8_t h[BOL_SHA256_LEN];
    size_t i;

    bol_sha256(content, strlen(content), h);
    assert_int_equal(bol_buf_addf(m, "file %s %zu ", name, strlen(content)), 0);
    for (i = 0; i < BOL_SHA256_LEN; i++)
        assert_int_equal(bol_buf_addf(m, "%02x", h[i]), 0);
    assert_int_equal(bol_buf_addch(m, '\n'), 0);
}

/* Sign text with key and write it as the MANIFEST. */
static void sign_manifest(struct fixture *fx, const struct bol_signer *key, const char *text)
{
    struct bol_buf note = BOL_BUF_INIT(BOL_NOTE_MAX);

    assert_int_equal(bol_note_sign(bol_str_from(text), key, &note, NULL), 0);
    put(fx->dir, "MANIFEST", note.buf);
    bol_buf_release(&note);
}

static const char head[] = "bollard operations pack 1\norigin test/bollard\nseq 42\n"
                           "generated 2026-11-22T04:00:00.000001Z\n";

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_pack.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(bol_signer_generate("replica-test", &fx->key, NULL), 0);
    assert_int_equal(bol_signer_generate("replica-test", &fx->other, NULL), 0);
    put(fx->dir, "a.csv", "x,y\r\n1,2\r\n");
    put(fx->dir, "b.html", "<p>hi</p>\n");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
    test_free(fx);
    return 0;
}

/* Verify with fx->key; expect code and (on failure) the file named. */
static void expect(struct fixture *fx, const char *text, int code, const char *field)
{
    struct bol_pack_info info;
    struct bol_diag d;

    sign_manifest(fx, &fx->key, text);
    bol_diag_init(&d);
    memset(&info, 0x55, sizeof(info));
    assert_int_equal(bol_pack_verify(fx->dir, &fx->key.v, &info, &d), code);
    if (code == 0) {
        assert_string_equal(info.origin, "test/bollard");
        assert_int_equal(info.seq, 42);
        assert_int_equal(info.generated_at_us % 1000000, 1);
        assert_int_equal(info.files, 2);
        assert_int_equal(info.bytes, 20);
    } else {
        assert_string_equal(d.field, field);
        assert_int_equal(info.seq, 0x5555555555555555ULL); /* untouched on failure */
    }
}

static void test_verify(void **state)
{
    struct fixture *fx = *state;
    struct bol_buf m = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_diag d;
    char *good;

    assert_int_equal(bol_buf_adds(&m, head), 0);
    file_line(&m, "a.csv", "x,y\r\n1,2\r\n");
    file_line(&m, "b.html", "<p>hi</p>\n");
    good = test_malloc(m.len + 1);
    memcpy(good, m.buf, m.len + 1);
    expect(fx, good, 0, NULL);

    /* Another key: the note is not by the pinned one. */
    sign_manifest(fx, &fx->other, good);
    bol_diag_init(&d);
    assert_int_equal(bol_pack_verify(fx->dir, &fx->key.v, NULL, &d), BOL_E_CORRUPT);
    assert_string_equal(d.field, "MANIFEST");

    /* Manifests a writer would not make. */
    bol_buf_reset(&m);
    assert_int_equal(bol_buf_adds(&m, head), 0);
    file_line(&m, "b.html", "<p>hi</p>\n");
    file_line(&m, "a.csv", "x,y\r\n1,2\r\n");
    expect(fx, m.buf, BOL_E_CORRUPT, "MANIFEST"); /* out of order */
    bol_buf_reset(&m);
    assert_int_equal(bol_buf_adds(&m, head), 0);
    file_line(&m, "a.csv", "x,y\r\n1,2\r\n");
    file_line(&m, "a.csv", "x,y\r\n1,2\r\n");
    expect(fx, m.buf, BOL_E_CORRUPT, "MANIFEST"); /* twice */
    bol_buf_reset(&m);
    assert_int_equal(bol_buf_adds(&m, head), 0);
    file_line(&m, "../a.csv", "x,y\r\n1,2\r\n");
    expect(fx, m.buf, BOL_E_CORRUPT, "MANIFEST"); /* outside the pack */
    expect(fx, head, BOL_E_CORRUPT, "MANIFEST");  /* no files */
    expect(fx, "bollard operations pack 2\norigin o\nseq 1\ngenerated 2026-01-01Z\n", BOL_E_CORRUPT,
           "MANIFEST");

    /* Only one file listed: the other is extra. */
    bol_buf_reset(&m);
    assert_int_equal(bol_buf_adds(&m, head), 0);
    file_line(&m, "a.csv", "x,y\r\n1,2\r\n");
    expect(fx, m.buf, BOL_E_CORRUPT, "b.html");

    /* A listed file whose hash differs (one byte). */
    bol_buf_reset(&m);
    assert_int_equal(bol_buf_adds(&m, head), 0);
    file_line(&m, "a.csv", "x,y\r\n1,3\r\n");
    file_line(&m, "b.html", "<p>hi</p>\n");
    expect(fx, m.buf, BOL_E_CORRUPT, "a.csv");

    /* A subdirectory is not part of a pack. */
    {
        char sub[128];

        snprintf(sub, sizeof(sub), "%s/extra", fx->dir);
        assert_int_equal(mkdir(sub, 0700), 0);
        expect(fx, good, BOL_E_CORRUPT, "extra");
        assert_int_equal(rmdir(sub), 0);
    }
    expect(fx, good, 0, NULL);

    /* No such directory. */
    bol_diag_init(&d);
    assert_int_equal(bol_pack_verify("/nonexistent/pack", &fx->key.v, NULL, &d), BOL_E_NOTFOUND);

    test_free(good);
    bol_buf_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_csv_field_limit),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
