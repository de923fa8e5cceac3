/* SPDX-License-Identifier: Apache-2.0 */
/* test_token.c - API keys, session tokens, recovery codes */
#include "testutil.h"

#include "token.h"

static void hex_to_bin(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t) v;
    }
}

static bool in_alphabet(char c, const char *alphabet)
{
    return c && strchr(alphabet, c);
}

#define B32 "abcdefghijklmnopqrstuvwxyz234567"
#define B62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define B64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* No 8-character stretch of secret appears in msg. */
static void assert_no_secret(const char *msg, const char *secret, size_t len)
{
    for (size_t i = 0; i + 8 <= len; i++) {
        char w[9];

        if (memchr(secret + i, '\0', 8))
            continue; /* would end the window early */
        memcpy(w, secret + i, 8);
        w[8] = '\0';
        assert_null(strstr(msg, w));
    }
}

/* Parsing key fails with BOL_E_INVAL and leaves the out-parameters alone. */
static void expect_apikey_bad(struct bol_str key, const char *msg)
{
    char id[BOL_APIKEY_ID_LEN + 1] = "untouched";
    uint8_t hash[BOL_TOKEN_HASH_LEN];
    static const uint8_t ones[BOL_TOKEN_HASH_LEN] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                      1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    struct bol_diag d;

    memcpy(hash, ones, sizeof(hash));
    bol_diag_init(&d);
    assert_int_equal(bol_apikey_parse(key, id, hash, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "api_key");
    if (msg)
        assert_string_equal(d.msg, msg);
    assert_string_equal(id, "untouched");
    assert_memory_equal(hash, ones, sizeof(hash));
    if (key.len > 15)
        assert_no_secret(d.msg, key.p + 15, key.len - 15);
}

static void test_apikey_known(void **state)
{
    static const struct {
        const char *key, *id, *hash;
    } rows[] = {
        { "bk1_aaaaaaaaaa_000000000000000000000000000000000000000000021qX4Z", "aaaaaaaaaa",
          "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925" },
        /* 2^256 - 1, the largest secret */
        { "bk1_234567abcd_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp11ZL40G", "234567abcd",
          "af9613760f72635fbdb44a5a0a63c39f12af30f950a6ee5c971be188e89c4051" },
        /* bytes 00 01 .. 1f */
        { "bk1_k3y2dabcde_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf2rCW0F", "k3y2dabcde",
          "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd" },
    };

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        char id[BOL_APIKEY_ID_LEN + 1];
        uint8_t hash[BOL_TOKEN_HASH_LEN], want[BOL_TOKEN_HASH_LEN];
        struct bol_diag d;

        bol_diag_init(&d);
        if (bol_apikey_parse(S(rows[i].key), id, hash, &d) != 0)
            fail_msg("row %zu: %s", i, d.msg);
        assert_string_equal(id, rows[i].id);
        hex_to_bin(rows[i].hash, want, sizeof(want));
        assert_memory_equal(hash, want, sizeof(want));
    }
    /* 2^256 and 62^43 - 1 with valid checksums: well formed but not a 32-byte secret. */
    expect_apikey_bad(S("bk1_zzzzzzzzzz_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp242TnZO"),
                      "API key secret is out of range");
    expect_apikey_bad(S("bk1_zzzzzzzzzz_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz2aXpH3"),
                      "API key secret is out of range");
}

static void test_apikey_round_trip(void **state)
{
    struct bol_apikey k[20];

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(k); i++) {
        char id[BOL_APIKEY_ID_LEN + 1];
        uint8_t hash[BOL_TOKEN_HASH_LEN];

        bol_apikey_make(&k[i]);
        assert_int_equal(strlen(k[i].text), BOL_APIKEY_LEN);
        assert_int_equal(strlen(k[i].id), BOL_APIKEY_ID_LEN);
        assert_memory_equal(k[i].text, "bk1_", 4);
        assert_memory_equal(k[i].text + 4, k[i].id, BOL_APIKEY_ID_LEN);
        assert_int_equal(k[i].text[14], '_');
        for (size_t j = 4; j < 14; j++)
            assert_true(in_alphabet(k[i].text[j], B32));
        for (size_t j = 15; j < BOL_APIKEY_LEN; j++)
            assert_true(in_alphabet(k[i].text[j], B62));
        assert_int_equal(bol_apikey_parse(S(k[i].text), id, hash, NULL), 0);
        assert_string_equal(id, k[i].id);
        assert_true(bol_token_hash_eq(hash, k[i].hash));
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(k[i].id, k[j].id);
            assert_string_not_equal(k[i].text, k[j].text);
            assert_false(bol_token_hash_eq(k[i].hash, k[j].hash));
        }
    }
}

static void test_apikey_typos(void **state)
{
    struct bol_apikey k;
    char t[BOL_APIKEY_LEN + 2];
    size_t tested = 0;

    (void) state;
    bol_apikey_make(&k);
    /* Every single-byte change, at every position, to every other byte value. */
    for (size_t i = 0; i < BOL_APIKEY_LEN; i++) {
        for (int c = 0; c < 256; c++) {
            if ((char) c == k.text[i])
                continue;
            memcpy(t, k.text, BOL_APIKEY_LEN);
            t[i] = (char) c;
            expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN), NULL);
            tested++;
        }
    }
    assert_int_equal(tested, BOL_APIKEY_LEN * 255);
    /* Every swap of two neighbours that differ. */
    for (size_t i = 0; i + 1 < BOL_APIKEY_LEN; i++) {
        if (k.text[i] == k.text[i + 1])
            continue;
        memcpy(t, k.text, BOL_APIKEY_LEN);
        t[i] = k.text[i + 1];
        t[i + 1] = k.text[i];
        expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN), NULL);
    }
    /* Every truncation, and one character too many. */
    for (size_t n = 0; n < BOL_APIKEY_LEN; n++)
        expect_apikey_bad(bol_str_make(k.text, n), NULL);
    memcpy(t, k.text, BOL_APIKEY_LEN);
    t[BOL_APIKEY_LEN] = 'a';
    expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN + 1),
                      "API key must be 64 characters, got 65: truncated or mangled?");
    expect_apikey_bad(bol_str_make(k.text, 40),
                      "API key must be 64 characters, got 40: truncated or mangled?");
    /* Surrounding white space is not trimmed. */
    t[0] = ' ';
    memcpy(t + 1, k.text, BOL_APIKEY_LEN);
    expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN + 1), "API key must start with 'bk1_'");
}

static void test_apikey_errors(void **state)
{
    char t[BOL_APIKEY_LEN + 1];
    const char *good = "bk1_aaaaaaaaaa_000000000000000000000000000000000000000000021qX4Z";

    (void) state;
    expect_apikey_bad(S(""), "API key must start with 'bk1_'");
    expect_apikey_bad(S("bk1"), "API key must start with 'bk1_'");
    expect_apikey_bad(S("bk2_aaaaaaaaaa_000000000000000000000000000000000000000000021qX4Z"),
                      "API key must start with 'bk1_'");
    expect_apikey_bad(S("BK1_aaaaaaaaaa_000000000000000000000000000000000000000000021qX4Z"),
                      "API key must start with 'bk1_'");
    expect_apikey_bad(S("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"),
                      "API key must start with 'bk1_'");
    memcpy(t, good, BOL_APIKEY_LEN);
    t[4] = 'A'; /* upper case is not in the id's alphabet */
    expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN),
                      "API key has a character not allowed at position 5");
    memcpy(t, good, BOL_APIKEY_LEN);
    t[14] = '-';
    expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN),
                      "API key has a character not allowed at position 15");
    memcpy(t, good, BOL_APIKEY_LEN);
    t[30] = '1';
    expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN),
                      "API key checksum does not match: mistyped or mangled key");
    memcpy(t, good, BOL_APIKEY_LEN);
    t[63] = '_';
    expect_apikey_bad(bol_str_make(t, BOL_APIKEY_LEN),
                      "API key has a character not allowed at position 64");
}

static void test_session_token(void **state)
{
    char a[BOL_SESSION_TOKEN_LEN + 1], b[BOL_SESSION_TOKEN_LEN + 1];
    uint8_t ha[BOL_TOKEN_HASH_LEN], hb[BOL_TOKEN_HASH_LEN], h[BOL_TOKEN_HASH_LEN];
    uint8_t want[BOL_TOKEN_HASH_LEN];
    struct bol_diag d;

    (void) state;
    bol_session_token_make(a, ha);
    bol_session_token_make(b, hb);
    assert_int_equal(strlen(a), BOL_SESSION_TOKEN_LEN);
    for (size_t i = 0; i < BOL_SESSION_TOKEN_LEN; i++)
        assert_true(in_alphabet(a[i], B64));
    assert_string_not_equal(a, b);
    assert_false(bol_token_hash_eq(ha, hb));
    assert_int_equal(bol_session_token_hash(S(a), h, NULL), 0);
    assert_true(bol_token_hash_eq(h, ha));
    assert_int_equal(bol_session_token_hash(S(b), h, NULL), 0);
    assert_true(bol_token_hash_eq(h, hb));

    /* Known answer: bytes 00 01 .. 1f. */
    assert_int_equal(
        bol_session_token_hash(S("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), h, NULL), 0);
    hex_to_bin("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd", want,
               sizeof(want));
    assert_memory_equal(h, want, sizeof(want));

    static const char *bad[] = {
        "",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",   /* 42 */
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A", /* 44 */
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9", /* low bits set: not canonical */
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh/",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx+dHh8",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx dHh8",
        "bk1_aaaaaaaaaa_000000000000000000000000000000000000000000021qX4Z",
    };
    for (size_t i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        memset(h, 7, sizeof(h));
        bol_diag_init(&d);
        if (bol_session_token_hash(S(bad[i]), h, &d) != BOL_E_INVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_string_equal(d.field, "session_token");
        assert_int_equal(h[0], 7);
        assert_no_secret(d.msg, bad[i], strlen(bad[i]));
    }
    assert_int_equal(bol_session_token_hash(
                         bol_str_make("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx\0dHh8", 43), h, NULL),
                     BOL_E_INVAL);
}

static void test_recovery_make(void **state)
{
    struct bol_recovery_code c[BOL_RECOVERY_CODES_DEFAULT];

    (void) state;
    bol_recovery_codes_make(c, BOL_ARRAY_SIZE(c));
    for (size_t i = 0; i < BOL_ARRAY_SIZE(c); i++) {
        uint8_t h[BOL_TOKEN_HASH_LEN];
        char norm[BOL_RECOVERY_CODE_CHARS + 1];

        assert_int_equal(strlen(c[i].text), BOL_RECOVERY_CODE_TEXT_LEN);
        for (size_t j = 0; j < BOL_RECOVERY_CODE_TEXT_LEN; j++) {
            if (j == 5)
                assert_int_equal(c[i].text[j], '-');
            else
                assert_true(in_alphabet(c[i].text[j], B32));
        }
        assert_int_equal(bol_recovery_code_hash(S(c[i].text), h, NULL), 0);
        assert_true(bol_token_hash_eq(h, c[i].hash));
        assert_int_equal(bol_recovery_code_normalize(S(c[i].text), norm, NULL), 0);
        assert_memory_equal(norm, c[i].text, 5);
        assert_memory_equal(norm + 5, c[i].text + 6, 5);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(c[i].text, c[j].text);
            assert_false(bol_token_hash_eq(c[i].hash, c[j].hash));
        }
    }
    bol_recovery_codes_make(c, 0);
}

static void test_recovery_normalize(void **state)
{
    static const char *same[] = { "abcde-fghij",        "ABCDE-FGHIJ",    "abcdefghij",
                                  "AbCdEfGhIj",         "abcde fghij",    " abcde-fghij ",
                                  "ab cd ef gh ij",     "\tabcde\tfghij", "abcde--fghij",
                                  "a-b-c-d-e-f-g-h-i-j" };
    static const char *bad[] = { "",
                                 "abcde-fghi",
                                 "abcde-fghijk",
                                 "abcde-fgh1j",
                                 "abcde-fgh0j",
                                 "abcde-fgh8j",
                                 "abcde_fghij",
                                 "abcde.fghij",
                                 "abcde\nfghij",
                                 "abcde-fgh\xc3\xa9" };
    uint8_t want[BOL_TOKEN_HASH_LEN], h[BOL_TOKEN_HASH_LEN];
    char out[BOL_RECOVERY_CODE_CHARS + 1];
    struct bol_diag d;

    (void) state;
    hex_to_bin("72399361da6a7754fec986dca5b7cbaf1c810a28ded4abaf56b2106d06cb78b0", want,
               sizeof(want)); /* SHA-256("abcdefghij") */
    for (size_t i = 0; i < BOL_ARRAY_SIZE(same); i++) {
        bol_diag_init(&d);
        if (bol_recovery_code_normalize(S(same[i]), out, &d) != 0)
            fail_msg("'%s': %s", same[i], d.msg);
        assert_string_equal(out, "abcdefghij");
        assert_int_equal(bol_recovery_code_hash(S(same[i]), h, NULL), 0);
        assert_memory_equal(h, want, sizeof(want));
    }
    for (size_t i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        memcpy(out, "untouched!", 11);
        memset(h, 7, sizeof(h));
        bol_diag_init(&d);
        if (bol_recovery_code_normalize(S(bad[i]), out, &d) != BOL_E_INVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_string_equal(d.field, "recovery_code");
        assert_string_equal(out, "untouched!");
        assert_int_equal(bol_recovery_code_hash(S(bad[i]), h, NULL), BOL_E_INVAL);
        assert_int_equal(h[0], 7);
        assert_null(strstr(d.msg, "abcde"));
    }

    /* Spaces count towards the input cap: 54 spaces and a code is 64 bytes, 55 is too long. */
    char pad[80];

    memset(pad, ' ', sizeof(pad));
    memcpy(pad + 54, "abcdefghij", 10);
    assert_int_equal(bol_recovery_code_normalize(bol_str_make(pad, 64), out, NULL), 0);
    assert_string_equal(out, "abcdefghij");
    memcpy(pad + 55, "abcdefghij", 10);
    bol_diag_init(&d);
    assert_int_equal(bol_recovery_code_normalize(bol_str_make(pad, 65), out, &d), BOL_E_INVAL);
    assert_string_equal(d.msg, "recovery code is too long");
}

static void test_hash_eq(void **state)
{
    uint8_t a[BOL_TOKEN_HASH_LEN], b[BOL_TOKEN_HASH_LEN];

    (void) state;
    for (size_t i = 0; i < sizeof(a); i++)
        a[i] = b[i] = (uint8_t) i;
    assert_true(bol_token_hash_eq(a, b));
    for (size_t i = 0; i < sizeof(a); i++) {
        b[i] ^= 0x80;
        assert_false(bol_token_hash_eq(a, b));
        b[i] ^= 0x80;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apikey_known),       cmocka_unit_test(test_apikey_round_trip),
        cmocka_unit_test(test_apikey_typos),       cmocka_unit_test(test_apikey_errors),
        cmocka_unit_test(test_session_token),      cmocka_unit_test(test_recovery_make),
        cmocka_unit_test(test_recovery_normalize), cmocka_unit_test(test_hash_eq),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
