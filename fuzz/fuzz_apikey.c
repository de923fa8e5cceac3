/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_apikey.c - API keys, session tokens, recovery codes, base32 and TOTP codes */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "token.h"
#include "totp.h"

static bool all_in(const char *s, size_t n, const char *alphabet)
{
    for (size_t i = 0; i < n; i++) {
        if (!s[i] || !strchr(alphabet, s[i]))
            return false;
    }
    return true;
}

static void apikey(struct bol_str in)
{
    char id[BOL_APIKEY_ID_LEN + 1], id2[BOL_APIKEY_ID_LEN + 1];
    uint8_t hash[BOL_TOKEN_HASH_LEN], hash2[BOL_TOKEN_HASH_LEN];
    int r = bol_apikey_parse(in, id, hash, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r != 0)
        return;
    FUZZ_ASSERT(in.len == BOL_APIKEY_LEN);
    FUZZ_ASSERT(!memcmp(in.p, BOL_APIKEY_PREFIX, 4));
    FUZZ_ASSERT(strlen(id) == BOL_APIKEY_ID_LEN);
    FUZZ_ASSERT(!memcmp(id, in.p + 4, BOL_APIKEY_ID_LEN));
    FUZZ_ASSERT(all_in(id, BOL_APIKEY_ID_LEN, "abcdefghijklmnopqrstuvwxyz234567"));
    FUZZ_ASSERT(bol_apikey_parse(in, id2, hash2, NULL) == 0);
    FUZZ_ASSERT(!strcmp(id, id2) && bol_token_hash_eq(hash, hash2));
}

static void session(struct bol_str in)
{
    uint8_t hash[BOL_TOKEN_HASH_LEN];
    int r = bol_session_token_hash(in, hash, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r == 0)
        FUZZ_ASSERT(in.len == BOL_SESSION_TOKEN_LEN);
}

static void recovery(struct bol_str in)
{
    char code[BOL_RECOVERY_CODE_CHARS + 1], again[BOL_RECOVERY_CODE_CHARS + 1];
    uint8_t h1[BOL_TOKEN_HASH_LEN], h2[BOL_TOKEN_HASH_LEN];
    int r = bol_recovery_code_normalize(in, code, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    FUZZ_ASSERT(bol_recovery_code_hash(in, h1, NULL) == r);
    if (r != 0)
        return;
    FUZZ_ASSERT(strlen(code) == BOL_RECOVERY_CODE_CHARS);
    FUZZ_ASSERT(all_in(code, BOL_RECOVERY_CODE_CHARS, "abcdefghijklmnopqrstuvwxyz234567"));
    /* The canonical form is a fixed point with the same hash. */
    FUZZ_ASSERT(bol_recovery_code_normalize(bol_str_from(code), again, NULL) == 0);
    FUZZ_ASSERT(!strcmp(code, again));
    FUZZ_ASSERT(bol_recovery_code_hash(bol_str_from(code), h2, NULL) == 0);
    FUZZ_ASSERT(bol_token_hash_eq(h1, h2));
}

static void base32(struct bol_str in)
{
    uint8_t bin[64], back[64];
    char text[BOL_BASE32_LEN(64) + 1];
    size_t n = 0, m = 0, len = in.len;
    int r = bol_base32_decode(in, bin, sizeof(bin), &n, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL || r == BOL_E_TOOBIG);
    if (r != 0)
        return;
    FUZZ_ASSERT(n <= sizeof(bin));
    /* Encoding gives the input back, up to case and padding. */
    FUZZ_ASSERT(bol_base32_encode(bin, n, text, sizeof(text)) == 0);
    while (len && in.p[len - 1] == '=')
        len--;
    FUZZ_ASSERT(strlen(text) == len);
    for (size_t i = 0; i < len; i++)
        FUZZ_ASSERT(text[i] == bol_to_upper(in.p[i]));
    FUZZ_ASSERT(bol_base32_decode(bol_str_from(text), back, sizeof(back), &m, NULL) == 0);
    FUZZ_ASSERT(m == n && !memcmp(bin, back, n));
}

static void totp(struct bol_str in)
{
    static const uint8_t secret[] = "12345678901234567890";
    int64_t step = -7;
    int r = bol_totp_check(secret, 20, in, 1234567890, -1, &step, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL || r == BOL_E_AUTH);
    if (r == 0)
        FUZZ_ASSERT(in.len == 6 && step >= 1234567890 / 30 - 1 && step <= 1234567890 / 30 + 1);
    else
        FUZZ_ASSERT(step == -7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);

    apikey(in);
    session(in);
    recovery(in);
    base32(in);
    totp(in);
    return 0;
}
