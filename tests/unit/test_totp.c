/* SPDX-License-Identifier: Apache-2.0 */
/* test_totp.c - TOTP (RFC 6238) and base32 (RFC 4648) */
#include "testutil.h"

#include "buf.h"
#include "totp.h"

/* RFC 6238 appendix B: the SHA-1 seed, 20 bytes. */
static const uint8_t rfc_secret[] = "12345678901234567890";
#define RFC_LEN 20

static void test_rfc6238_vectors(void **state)
{
    /* Appendix B's 8-digit SHA-1 values; a 6-digit code is their last 6 digits. */
    static const struct {
        int64_t t;
        const char *code8;
    } rows[] = {
        { 59, "94287082" },         { 1111111109, "07081804" }, { 1111111111, "14050471" },
        { 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000, "65353130" },
    };

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        char out[BOL_TOTP_DIGITS + 1];

        assert_int_equal(bol_totp_code(rfc_secret, RFC_LEN, rows[i].t, out), 0);
        assert_string_equal(out, rows[i].code8 + 2);
    }
}

static void test_code_errors(void **state)
{
    char out[BOL_TOTP_DIGITS + 1] = "keep";
    uint8_t big[BOL_TOTP_SECRET_MAX + 1] = { 0 };

    (void) state;
    assert_int_equal(bol_totp_code(rfc_secret, BOL_TOTP_SECRET_MIN - 1, 59, out), BOL_E_INVAL);
    assert_int_equal(bol_totp_code(big, sizeof(big), 59, out), BOL_E_INVAL);
    assert_int_equal(bol_totp_code(rfc_secret, RFC_LEN, -1, out), BOL_E_INVAL);
    assert_string_equal(out, "keep");
    assert_int_equal(bol_totp_code(big, BOL_TOTP_SECRET_MAX, 0, out), 0);
    assert_int_equal(strlen(out), 6);
}

static int check(const char *code, int64_t t, int64_t last, int64_t *step, struct bol_diag *d)
{
    bol_diag_init(d);
    return bol_totp_check(rfc_secret, RFC_LEN, S(code), t, last, step, d);
}

static void code_at(int64_t t, char out[BOL_TOTP_DIGITS + 1])
{
    assert_int_equal(bol_totp_code(rfc_secret, RFC_LEN, t, out), 0);
}

static void test_window(void **state)
{
    const int64_t t = 1234567890, now = t / 30;
    char c[BOL_TOTP_DIGITS + 1];
    struct bol_diag d;
    int64_t step;

    (void) state;
    assert_int_equal(check("005924", t, -1, &step, &d), 0);
    assert_int_equal(step, now);

    /* One step either side: accepted, and the step is the code's own. */
    code_at(t - 30, c);
    assert_int_equal(check(c, t, -1, &step, &d), 0);
    assert_int_equal(step, now - 1);
    code_at(t + 30, c);
    assert_int_equal(check(c, t, -1, &step, &d), 0);
    assert_int_equal(step, now + 1);
    /* Anywhere inside the current step. */
    assert_int_equal(check("005924", now * 30, -1, &step, &d), 0);
    assert_int_equal(check("005924", now * 30 + 29, -1, &step, &d), 0);

    /* Two steps away: refused, and *ret_step is left alone. */
    step = 42;
    code_at(t - 60, c);
    assert_int_equal(check(c, t, -1, &step, &d), BOL_E_AUTH);
    assert_string_equal(d.field, "code");
    assert_string_equal(d.msg, "code is wrong or has expired");
    code_at(t + 60, c);
    assert_int_equal(check(c, t, -1, &step, &d), BOL_E_AUTH);
    assert_int_equal(check("000000", t, -1, &step, &d), BOL_E_AUTH);
    assert_int_equal(step, 42);

    /* Near the epoch there is no step -1. */
    code_at(0, c);
    assert_int_equal(check(c, 0, -1, &step, &d), 0);
    assert_int_equal(step, 0);
    assert_int_equal(check(c, 30, -1, &step, &d), 0);
    assert_int_equal(step, 0);
}

static void test_replay(void **state)
{
    const int64_t t = 1111111109, now = t / 30;
    char prev[BOL_TOTP_DIGITS + 1], next[BOL_TOTP_DIGITS + 1];
    struct bol_diag d;
    int64_t step = 0, keep;

    (void) state;
    assert_int_equal(check("081804", t, -1, &step, &d), 0);
    assert_int_equal(step, now);
    /* The same code again, in the same step or the next one. */
    keep = step;
    assert_int_equal(check("081804", t, step, &step, &d), BOL_E_AUTH);
    assert_string_equal(d.msg, "code already used");
    assert_int_equal(check("081804", t + 30, keep, &step, &d), BOL_E_AUTH);
    assert_string_equal(d.msg, "code already used");
    assert_int_equal(step, keep);
    /* An older code than the last one used is refused too. */
    code_at(t - 30, prev);
    assert_int_equal(check(prev, t, keep, &step, &d), BOL_E_AUTH);
    assert_string_equal(d.msg, "code already used");
    /* The next step's code is fine. */
    code_at(t + 30, next);
    assert_int_equal(check(next, t + 30, keep, &step, &d), 0);
    assert_int_equal(step, now + 1);
    /* A code from the future window, used early, blocks the current one. */
    assert_int_equal(check("081804", t, now + 1, &step, &d), BOL_E_AUTH);
}

static void test_malformed(void **state)
{
    static const char *bad[] = { "",        "12345",
                                 "1234567", "12a456",
                                 " 12345",  "12345 ",
                                 "123 456", "-12345",
                                 "+12345",  "\xef\xbc\x91\xef\xbc\x92" /* fullwidth 1 2 */ };
    struct bol_diag d;
    int64_t step = 7;

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        assert_int_equal(check(bad[i], 59, -1, &step, &d), BOL_E_INVAL);
        assert_string_equal(d.field, "code");
        assert_string_equal(d.msg, "code must be 6 digits");
    }
    bol_diag_init(&d);
    assert_int_equal(bol_totp_check(rfc_secret, RFC_LEN,
                                    bol_str_make("287\0"
                                                 "82",
                                                 6),
                                    59, -1, &step, &d),
                     BOL_E_INVAL);
    assert_int_equal(bol_totp_check(rfc_secret, 10, S("287082"), 59, -1, &step, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "secret");
    assert_int_equal(bol_totp_check(rfc_secret, RFC_LEN, S("287082"), -59, -1, &step, &d),
                     BOL_E_INVAL);
    assert_string_equal(d.field, "time");
    assert_int_equal(bol_totp_check(rfc_secret, RFC_LEN, S("287082"), 59, -1, &step, NULL), 0);
    assert_int_equal(step, 1);
}

static void test_base32_vectors(void **state)
{
    /* RFC 4648 section 10. */
    static const struct {
        const char *bin, *b32;
    } rows[] = {
        { "", "" },
        { "f", "MY" },
        { "fo", "MZXQ" },
        { "foo", "MZXW6" },
        { "foob", "MZXW6YQ" },
        { "fooba", "MZXW6YTB" },
        { "foobar", "MZXW6YTBOI" },
    };
    static const char *padded[] = { "",         "MY======", "MZXQ====",        "MZXW6===",
                                    "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======" };

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        size_t n = strlen(rows[i].bin);
        char text[32], lower[32];
        uint8_t back[16];
        size_t len = 99;

        assert_int_equal(bol_base32_encode((const uint8_t *) rows[i].bin, n, text, sizeof(text)),
                         0);
        assert_string_equal(text, rows[i].b32);
        assert_int_equal(bol_base32_decode(S(rows[i].b32), back, sizeof(back), &len, NULL), 0);
        assert_int_equal(len, n);
        assert_memory_equal(back, rows[i].bin, n);
        len = 99;
        assert_int_equal(bol_base32_decode(S(padded[i]), back, sizeof(back), &len, NULL), 0);
        assert_int_equal(len, n);
        assert_memory_equal(back, rows[i].bin, n);
        for (size_t k = 0; k <= strlen(text); k++)
            lower[k] = (text[k] >= 'A' && text[k] <= 'Z') ? (char) (text[k] - 'A' + 'a') : text[k];
        assert_int_equal(bol_base32_decode(S(lower), back, sizeof(back), &len, NULL), 0);
        assert_memory_equal(back, rows[i].bin, n);
    }
}

static void test_base32_round_trip(void **state)
{
    uint8_t bin[BOL_TOTP_SECRET_MAX], back[BOL_TOTP_SECRET_MAX];
    char text[BOL_BASE32_LEN(BOL_TOTP_SECRET_MAX) + 1];

    (void) state;
    for (size_t n = 0; n <= sizeof(bin); n++) {
        size_t len = 0;

        for (size_t i = 0; i < n; i++)
            bin[i] = (uint8_t) (i * 37 + n * 11 + 200);
        assert_int_equal(bol_base32_encode(bin, n, text, sizeof(text)), 0);
        assert_int_equal(strlen(text), BOL_BASE32_LEN(n));
        assert_int_equal(bol_base32_decode(S(text), back, sizeof(back), &len, NULL), 0);
        assert_int_equal(len, n);
        assert_memory_equal(back, bin, n);
    }
    /* The RFC 6238 seed, as an authenticator app shows it. */
    assert_int_equal(bol_base32_encode(rfc_secret, RFC_LEN, text, sizeof(text)), 0);
    assert_string_equal(text, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void test_base32_errors(void **state)
{
    static const char *bad[] = { "M",     "MZX",    "MZXW6Y", "MZ",         "MZXR",
                                 "MZ1W",  "MZ=W",   "MY=",    "MY=======",  "=",
                                 "MZ XQ", "MZXQ\n", "MZXQ=0", "MZ\xc3\xa9Q" };
    uint8_t out[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
    char small[4] = "xyz";
    size_t len = 99;
    struct bol_diag d;

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        bol_diag_init(&d);
        if (bol_base32_decode(S(bad[i]), out, sizeof(out), &len, &d) != BOL_E_INVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_string_equal(d.field, "base32");
        assert_int_equal(len, 99);
        assert_int_equal(out[0], 0xaa);
    }
    /* 16 characters make 10 bytes: too many for out. */
    assert_int_equal(bol_base32_decode(S("MZXW6YTBOIMZXW6Y"), out, sizeof(out), &len, &d),
                     BOL_E_TOOBIG);
    assert_int_equal(len, 99);
    assert_int_equal(out[0], 0xaa);
    assert_int_equal(bol_base32_encode((const uint8_t *) "foo", 3, small, sizeof(small)),
                     BOL_E_TOOBIG);
    assert_string_equal(small, "");
}

static void test_uri(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_diag d;

    (void) state;
    assert_int_equal(
        bol_totp_uri(rfc_secret, RFC_LEN, S("Bollard Port"), S("ops@example.com"), &b, &d), 0);
    assert_string_equal(b.buf, "otpauth://totp/Bollard%20Port:ops%40example.com"
                               "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bollard%20Port"
                               "&algorithm=SHA1&digits=6&period=30");
    bol_buf_reset(&b);
    assert_int_equal(bol_totp_uri(rfc_secret, RFC_LEN,
                                  S("H\xc3\xa4"
                                    "fen&Co/1"),
                                  S("a.b_c-d~e"), &b, &d),
                     0);
    assert_string_equal(b.buf, "otpauth://totp/H%C3%A4fen%26Co%2F1:a.b_c-d~e"
                               "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=H%C3%A4fen%26Co%2F1"
                               "&algorithm=SHA1&digits=6&period=30");

    /* Errors leave the buffer as it was. */
    bol_buf_reset(&b);
    assert_int_equal(bol_buf_adds(&b, "keep"), 0);
    bol_diag_init(&d);
    assert_int_equal(bol_totp_uri(rfc_secret, RFC_LEN, S("Bollard:Port"), S("ops"), &b, &d),
                     BOL_E_INVAL);
    assert_string_equal(d.field, "issuer");
    assert_int_equal(bol_totp_uri(rfc_secret, RFC_LEN, S("Bollard"), S(""), &b, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "account");
    assert_int_equal(bol_totp_uri(rfc_secret, RFC_LEN, S("Bollard"), S("a\nb"), &b, &d),
                     BOL_E_INVAL);
    assert_int_equal(bol_totp_uri(rfc_secret, RFC_LEN, S("Bollard"), S("a\xff"), &b, &d),
                     BOL_E_INVAL);
    assert_int_equal(bol_totp_uri(rfc_secret, 8, S("Bollard"), S("ops"), &b, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "secret");
    assert_string_equal(b.buf, "keep");
    bol_buf_release(&b);

    /* Over the buffer's cap: BOL_E_TOOBIG, nothing appended. */
    bol_buf_init(&b, NULL, 40);
    assert_int_equal(bol_buf_adds(&b, "keep"), 0);
    assert_int_equal(bol_totp_uri(rfc_secret, RFC_LEN, S("Bollard"), S("ops"), &b, &d),
                     BOL_E_TOOBIG);
    assert_string_equal(b.buf, "keep");
    bol_buf_release(&b);
}

static void test_secret_make(void **state)
{
    uint8_t a[BOL_TOTP_SECRET_LEN], b[BOL_TOTP_SECRET_LEN];
    static const uint8_t zero[BOL_TOTP_SECRET_LEN];
    struct bol_buf u = BOL_BUF_INIT(4096);
    char code[BOL_TOTP_DIGITS + 1];
    int64_t step;

    (void) state;
    bol_totp_secret_make(a);
    bol_totp_secret_make(b);
    assert_memory_not_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, zero, sizeof(a));
    /* A new secret works end to end. */
    assert_int_equal(bol_totp_code(a, sizeof(a), 1700000000, code), 0);
    assert_int_equal(bol_totp_check(a, sizeof(a), S(code), 1700000000, -1, &step, NULL), 0);
    assert_int_equal(bol_totp_uri(a, sizeof(a), S("Bollard"), S("ops"), &u, NULL), 0);
    bol_buf_release(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_vectors),
        cmocka_unit_test(test_code_errors),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_base32_vectors),
        cmocka_unit_test(test_base32_round_trip),
        cmocka_unit_test(test_base32_errors),
        cmocka_unit_test(test_uri),
        cmocka_unit_test(test_secret_make),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
