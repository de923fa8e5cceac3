/* SPDX-License-Identifier: Apache-2.0 */
/* test_password.c - password rules */
#include "testutil.h"

#include "password.h"

/* A slice of n bytes, for passwords with NUL bytes in them. */
static struct bol_str N(const char *s, size_t n) {
    return bol_str_make(s, n);
}

static void
expect_ok(struct bol_str pw, const char *user)
{
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_password_check(pw, S(user), &d) != 0)
        fail_msg("password of %zu bytes refused: %s", pw.len, d.msg);
}

/* Refused with msg, and neither message nor field contains the password. */
static void expect_refused(struct bol_str pw, const char *user, const char *msg)
{
    char copy[1024];
    struct bol_diag d;

    assert_true(pw.len < sizeof(copy));
    memcpy(copy, pw.p, pw.len);
    copy[pw.len] = '\0';
    bol_diag_init(&d);
    assert_int_equal(bol_password_check(pw, S(user), &d), BOL_E_INVAL);
    assert_int_equal(d.code, BOL_E_INVAL);
    assert_string_equal(d.field, "password");
    if (strcmp(d.msg, msg) != 0)
        fail_msg("password '%s': got '%s', want '%s'", copy, d.msg, msg);
    if (pw.len && strlen(copy) == pw.len) {
        assert_null(strstr(d.msg, copy));
        assert_null(strstr(d.field, copy));
    }
    /* A NULL diag gives the same answer. */
    assert_int_equal(bol_password_check(pw, S(user), NULL), BOL_E_INVAL);
}

#define COMMON   "password is on a list of commonly used passwords"
#define SHORT    "password must be at least 12 characters"
#define LONG     "password must be at most 128 characters"
#define BYTES    "password must be at most 512 bytes"
#define CONTROL  "password must not contain control characters"
#define UTF8     "password must be valid UTF-8 text"
#define REPEATED "password must not be one character repeated"
#define RUN      "password must not be a straight sequence such as 'abcd' or '4321'"
#define USER     "password must not contain the user name"

static void test_list(void **state)
{
    (void) state;
    assert_true(bol_common_passwords_n >= 10000);
    for (size_t i = 0; i < bol_common_passwords_n; i++) {
        const char *e = bol_common_passwords[i];

        assert_true(strlen(e) > 0 && strlen(e) < BOL_PASSWORD_MAX_BYTES);
        for (const char *p = e; *p; p++)
            assert_false(*p >= 'A' && *p <= 'Z');
        if (i)
            assert_true(strcmp(bol_common_passwords[i - 1], e) < 0);
    }
    assert_true(bol_password_is_common(S("password")));
    assert_true(bol_password_is_common(S("PassWord")));
    assert_true(bol_password_is_common(S("123456")));
    assert_true(bol_password_is_common(S(bol_common_passwords[0])));
    assert_true(bol_password_is_common(S(bol_common_passwords[bol_common_passwords_n - 1])));
    assert_false(bol_password_is_common(S("")));
    assert_false(bol_password_is_common(S("container terminal gate")));
    assert_false(bol_password_is_common(N("password\0", 9)));
}

static void test_common(void **state)
{
    (void) state;
    /* All in the list and at least 12 characters long. */
    expect_refused(S("password1234"), "", COMMON);
    expect_refused(S("PASSWORD1234"), "", COMMON);
    expect_refused(S("qwerty123456"), "", COMMON);
    expect_refused(S("QwErTy123456"), "", COMMON);
    expect_refused(S("1qaz2wsx3edc"), "", COMMON);
    expect_refused(S("leavemealone"), "", COMMON);
    expect_refused(S("finalfantasy"), "", COMMON);
    /* Close to a listed one is not in the list. */
    expect_ok(S("password12345x"), "");
}

static void test_length(void **state)
{
    char buf[1024];
    size_t n;

    (void) state;
    expect_refused(S(""), "", SHORT);
    expect_refused(S("kx7#mq2vw9p"), "", SHORT);
    expect_ok(S("kx7#mq2vw9pz"), "");
    /* Characters, not bytes: 11 three-byte characters (33 bytes) are still too short. */
    n = 0;
    for (int i = 0; i < 6; i++) {
        memcpy(buf + n, "\xe6\xb8\xaf\xe5\x8f\xa3", 6); /* harbour mouth */
        n += 6;
    }
    expect_refused(N(buf, n - 3), "", SHORT);
    expect_ok(N(buf, n), "");

    /* 128 two-byte-and-one-byte characters are fine, 129 are not. */
    n = 0;
    for (int i = 0; i < 64; i++) {
        memcpy(buf + n, "\xc3\xa9x", 3);
        n += 3;
    }
    expect_ok(N(buf, n), "");
    memcpy(buf + n, "\xc3\xa9", 2);
    expect_refused(N(buf, n + 2), "", LONG);

    /* 128 four-byte characters: exactly 512 bytes, accepted; one more is over the byte cap. */
    n = 0;
    for (int i = 0; i < 64; i++) {
        memcpy(buf + n, "\xf0\x9f\x9a\xa2\xf0\x9f\x8c\x8a", 8); /* ship, wave */
        n += 8;
    }
    assert_int_equal(n, 512);
    expect_ok(N(buf, n), "");
    memcpy(buf + n, "\xf0\x9f\x9a\xa2", 4);
    expect_refused(N(buf, n + 4), "", BYTES);

    /* 128 one-byte characters fine, 129 not. */
    for (size_t i = 0; i < 129; i++)
        buf[i] = "harbour-crane"[i % 13];
    expect_ok(N(buf, 128), "");
    expect_refused(N(buf, 129), "", LONG);
    memset(buf, 'q', 600);
    expect_refused(N(buf, 600), "", BYTES);
}

static void test_text(void **state)
{
    (void) state;
    expect_refused(S("correct horse\tbattery"), "", CONTROL);
    expect_refused(S("correct horse\nbattery"), "", CONTROL);
    expect_refused(S("correct horse\x7f"
                     "battery"),
                   "", CONTROL);
    expect_refused(S("correct horse\xc2\x85"
                     "battery"),
                   "", CONTROL); /* U+0085 */
    expect_refused(N("correct horse\0battery", 21), "", CONTROL);
    expect_refused(S("correct horse\xff"
                     "battery"),
                   "", UTF8);
    expect_refused(S("correct horse\xc0\xaf"
                     "battery"),
                   "", UTF8); /* overlong '/' */
    expect_refused(S("correct horse\xed\xa0\x80"
                     "battery"),
                   "", UTF8);                                     /* surrogate */
    expect_refused(S("correct horse battery\xe2\x82"), "", UTF8); /* cut short */
    /* No composition rules: spaces, all lower case, non-ASCII are fine. */
    expect_ok(S("correct horse battery staple"), "");
    expect_ok(S("Tr\xc3\xa4nen im Hafen von Hamburg"), "");
    expect_ok(S("\xc2\xa0non-breaking space ok"), "");
}

static void test_runs(void **state)
{
    (void) state;
    expect_refused(S("aaaaaaaaaaaa"), "", REPEATED);
    expect_refused(S("AAAAaaaaAAAA"), "", REPEATED);
    expect_refused(S("777777777777777"), "", REPEATED);
    expect_refused(S("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                     "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"),
                   "", REPEATED);
    expect_refused(S("123456789012"), "", RUN);
    expect_refused(S("210987654321"), "", RUN);
    expect_refused(S("abcdefghijkl"), "", RUN);
    expect_refused(S("ABCDEFGHIJKL"), "", RUN);
    expect_refused(S("lkjihgfedcba"), "", RUN);
    expect_refused(S("xyzabcdefghi"), "", RUN);
    expect_refused(S("\xce\xb1\xce\xb2\xce\xb3\xce\xb4\xce\xb5\xce\xb6\xce\xb7\xce\xb8\xce\xb9"
                     "\xce\xba\xce\xbb\xce\xbc"),
                   "", RUN); /* alpha .. mu */
    /* A run with one break is not a straight run. */
    expect_ok(S("abcdefghijkm"), "");
    expect_ok(S("123456789013"), "");
    expect_ok(S("aaaaaaaaaaab"), "");
}

static void test_user(void **state)
{
    (void) state;
    expect_refused(S("harbour-jsmith-crane"), "jsmith", USER);
    expect_refused(S("harbour-JSMITH-crane"), "jsmith", USER);
    expect_refused(S("harbour-jsmith-crane"), "JSmith", USER);
    expect_refused(S("jsmith harbour crane"), "jsmith", USER);
    expect_refused(S("harbour crane jsmith"), "jsmith", USER);
    expect_refused(S("jsmithjsmithjsmith"), "jsmith", USER);
    expect_refused(S("port-\xc3\xb1o\xc3\xb1o-crane"), "\xc3\xb1o\xc3\xb1o", USER);
    /* Shorter than 4 characters: not checked (too many false alarms). */
    expect_ok(S("harbour-bob-crane"), "bob");
    /* 3 characters even though 5 bytes. */
    expect_ok(S("port-\xc3\xb1o\xc3\xb1-crane"), "\xc3\xb1o\xc3\xb1");
    /* Only ASCII letters fold: \xc3\x91 (capital n tilde) is a different character. */
    expect_ok(S("port-\xc3\x91o\xc3\x91o-crane"), "\xc3\xb1o\xc3\xb1o");
    expect_ok(S("harbour-jsmit-crane"), "jsmith");
    expect_ok(S("harbour crane 2024"), "a-user-name-longer-than-the-password");
}

static void test_good(void **state)
{
    (void) state;
    expect_ok(S("Bollard quay 7 reefer plug"), "operator1");
    expect_ok(S("tr0ub4dor&3-staple"), "");
    expect_ok(S("9f2Kq!xZ#m4L"), "admin");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list), cmocka_unit_test(test_common), cmocka_unit_test(test_length),
        cmocka_unit_test(test_text), cmocka_unit_test(test_runs),   cmocka_unit_test(test_user),
        cmocka_unit_test(test_good),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
