/* SPDX-License-Identifier: Apache-2.0 */
/*
 * note.c - C2SP signed notes, Ed25519 keys and checkpoints
 */
#include "compat.h"

#include <sodium.h>

#include "errors.h"
#include "jsonw.h"
#include "mem.h"
#include "note.h"
#include "sha256.h"
#include "utctime.h"

#define ALG_ED25519 0x01

/* "— " : U+2014 EM DASH in UTF-8, then a space. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN 4

static const char hexdigits[] = "0123456789abcdef";

static int sodium_ready(void)
{
    /* Idempotent and thread-safe; picks the fastest implementations. */
    return sodium_init() < 0 ? BOL_E_INTERNAL : 0;
}

int bol_key_name_check(struct bol_str name, struct bol_diag *diag)
{
    size_t i;

    if (!name.len || name.len > BOL_KEY_NAME_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "key_name", "key name must be 1 to %d bytes",
                             BOL_KEY_NAME_MAX);
    for (i = 0; i < name.len; i++) {
        unsigned char c = (unsigned char) name.p[i];

        if (c <= 0x20 || c >= 0x7f || c == '+')
            return bol_diag_fail(diag, BOL_E_INVAL, "key_name",
                                 "key name may not contain spaces, '+' or byte 0x%02x", c);
    }
    return 0;
}

uint32_t bol_note_key_id(const char *name, const uint8_t pk[32])
{
    static const uint8_t sep[2] = { '\n', ALG_ED25519 };
    struct bol_span parts[3] = { { name, strlen(name) }, { sep, 2 }, { pk, 32 } };
    uint8_t h[BOL_SHA256_LEN];

    bol_sha256_parts(parts, 3, h);
    return (uint32_t) h[0] << 24 | (uint32_t) h[1] << 16 | (uint32_t) h[2] << 8 | h[3];
}

int bol_signer_generate(const char *name, struct bol_signer *out, struct bol_diag *diag)
{
    struct bol_signer s;
    int r;

    r = bol_key_name_check(bol_str_from(name), diag);
    if (r < 0)
        return r;
    if (sodium_ready() < 0 || crypto_sign_keypair(s.v.pk, s.sk) != 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "key", "cannot generate an Ed25519 key");
    snprintf(s.v.name, sizeof(s.v.name), "%s", name);
    s.v.key_id = bol_note_key_id(s.v.name, s.v.pk);
    *out = s;
    bol_wipe(&s, sizeof(s));
    return 0;
}

void bol_signer_wipe(struct bol_signer *s)
{
    bol_wipe(s, sizeof(*s));
}

/* Append base64 (standard alphabet, padded) of n bytes. */
static int put_b64(struct bol_buf *out, const uint8_t *bin, size_t n)
{
    char tmp[sodium_base64_ENCODED_LEN(96, sodium_base64_VARIANT_ORIGINAL)];
    int r;

    if (n > 96)
        return BOL_E_INTERNAL;
    sodium_bin2base64(tmp, sizeof(tmp), bin, n, sodium_base64_VARIANT_ORIGINAL);
    r = bol_buf_adds(out, tmp);
    bol_wipe(tmp, sizeof(tmp));
    return r;
}

/* Decode strict base64 of exactly want bytes (max bytes if want is 0: *ret_n gets the length). */
static int get_b64(struct bol_str s, uint8_t *bin, size_t max, size_t *ret_n)
{
    const char *end = NULL;
    size_t n = 0;

    if (!s.len || sodium_ready() < 0)
        return BOL_E_PARSE;
    if (sodium_base642bin(bin, max, s.p, s.len, NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL) !=
            0 ||
        end != s.p + s.len)
        return BOL_E_PARSE;
    *ret_n = n;
    return 0;
}

static int put_key_id(struct bol_buf *out, uint32_t id)
{
    char hex[9];
    int i;

    for (i = 0; i < 8; i++)
        hex[i] = hexdigits[(id >> (28 - 4 * i)) & 15u];
    hex[8] = '\0';
    return bol_buf_adds(out, hex);
}

int bol_verifier_encode(const struct bol_verifier *v, struct bol_buf *out)
{
    uint8_t raw[33];
    size_t start = out->len;
    int r;

    raw[0] = ALG_ED25519;
    memcpy(raw + 1, v->pk, 32);
    r = bol_buf_adds(out, v->name);
    if (r == 0)
        r = bol_buf_addch(out, '+');
    if (r == 0)
        r = put_key_id(out, v->key_id);
    if (r == 0)
        r = bol_buf_addch(out, '+');
    if (r == 0)
        r = put_b64(out, raw, sizeof(raw));
    if (r < 0)
        bol_buf_truncate(out, start);
    return r;
}

int bol_signer_encode(const struct bol_signer *s, struct bol_buf *out)
{
    uint8_t raw[33];
    size_t start = out->len;
    int r;

    raw[0] = ALG_ED25519;
    memcpy(raw + 1, s->sk, 32); /* the seed */
    r = bol_buf_adds(out, "PRIVATE+KEY+");
    if (r == 0)
        r = bol_buf_adds(out, s->v.name);
    if (r == 0)
        r = bol_buf_addch(out, '+');
    if (r == 0)
        r = put_key_id(out, s->v.key_id);
    if (r == 0)
        r = bol_buf_addch(out, '+');
    if (r == 0)
        r = put_b64(out, raw, sizeof(raw));
    bol_wipe(raw, sizeof(raw));
    if (r < 0)
        bol_buf_truncate(out, start);
    return r;
}

/* Split "name+hash+b64" into its parts; name itself contains no '+'. */
static int split_key_text(struct bol_str text, struct bol_str *name, uint32_t *id,
                          struct bol_str *b64, struct bol_diag *diag)
{
    struct bol_str cur = bol_str_trim(text);
    struct bol_str hex;
    uint32_t v = 0;
    size_t i;

    /* The key itself is base64, which may contain '+': split at the first two only. */
    if (!bol_str_next_token(&cur, '+', name) || !bol_str_next_token(&cur, '+', &hex) || !cur.len)
        return bol_diag_fail(diag, BOL_E_PARSE, "key", "expected NAME+KEYID+KEY");
    if (bol_key_name_check(*name, diag) < 0)
        return BOL_E_PARSE;
    if (hex.len != 8)
        return bol_diag_fail(diag, BOL_E_PARSE, "key", "key id must be 8 hex digits");
    for (i = 0; i < 8; i++) {
        const char *d = memchr(hexdigits, hex.p[i], 16);

        if (!d || !hex.p[i])
            return bol_diag_fail(diag, BOL_E_PARSE, "key",
                                 "key id must be 8 lower-case hex digits");
        v = v << 4 | (uint32_t) (d - hexdigits);
    }
    *id = v;
    *b64 = cur;
    return 0;
}

int bol_verifier_decode(struct bol_str text, struct bol_verifier *out, struct bol_diag *diag)
{
    struct bol_verifier v;
    struct bol_str name, b64;
    uint8_t raw[64];
    size_t n = 0;
    int r;

    r = split_key_text(text, &name, &v.key_id, &b64, diag);
    if (r < 0)
        return r;
    if (get_b64(b64, raw, sizeof(raw), &n) < 0 || n != 33 || raw[0] != ALG_ED25519)
        return bol_diag_fail(diag, BOL_E_PARSE, "key",
                             "expected base64 of an Ed25519 public key (33 bytes)");
    memcpy(v.pk, raw + 1, 32);
    memcpy(v.name, name.p, name.len);
    v.name[name.len] = '\0';
    if (bol_note_key_id(v.name, v.pk) != v.key_id)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "key", "key id does not match the key");
    *out = v;
    return 0;
}

int bol_signer_decode(struct bol_str text, struct bol_signer *out, struct bol_diag *diag)
{
    struct bol_signer s;
    struct bol_str t = bol_str_trim(text);
    struct bol_str name, b64;
    uint8_t raw[64];
    size_t n = 0;
    int r;

    if (!bol_str_starts_with(t, "PRIVATE+KEY+"))
        return bol_diag_fail(diag, BOL_E_PARSE, "key", "expected PRIVATE+KEY+NAME+KEYID+KEY");
    t.p += 12;
    t.len -= 12;
    r = split_key_text(t, &name, &s.v.key_id, &b64, diag);
    if (r < 0)
        return r;
    if (get_b64(b64, raw, sizeof(raw), &n) < 0 || n != 33 || raw[0] != ALG_ED25519) {
        bol_wipe(raw, sizeof(raw));
        return bol_diag_fail(diag, BOL_E_PARSE, "key",
                             "expected base64 of an Ed25519 seed (33 bytes)");
    }
    if (sodium_ready() < 0 || crypto_sign_seed_keypair(s.v.pk, s.sk, raw + 1) != 0) {
        bol_wipe(raw, sizeof(raw));
        return bol_diag_fail(diag, BOL_E_INTERNAL, "key", "cannot derive the Ed25519 key");
    }
    bol_wipe(raw, sizeof(raw));
    memcpy(s.v.name, name.p, name.len);
    s.v.name[name.len] = '\0';
    if (bol_note_key_id(s.v.name, s.v.pk) != s.v.key_id) {
        bol_wipe(&s, sizeof(s));
        return bol_diag_fail(diag, BOL_E_CORRUPT, "key", "key id does not match the key");
    }
    *out = s;
    bol_wipe(&s, sizeof(s));
    return 0;
}

/* Text a note may carry: valid UTF-8, no control characters but newline. */
static bool note_chars_ok(struct bol_str t)
{
    size_t i;

    for (i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char) t.p[i];

        if (c < 0x20 && c != '\n')
            return false;
    }
    return bol_utf8_valid(t.p, t.len);
}

static bool has_blank_line(struct bol_str t)
{
    size_t i;

    if (t.len && t.p[0] == '\n')
        return true;
    for (i = 1; i < t.len; i++) {
        if (t.p[i] == '\n' && t.p[i - 1] == '\n')
            return true;
    }
    return false;
}

int bol_note_sign(struct bol_str text, const struct bol_signer *s, struct bol_buf *out,
                  struct bol_diag *diag)
{
    uint8_t sig[4 + crypto_sign_BYTES];
    size_t start = out->len;
    int r;

    if (!text.len || text.p[text.len - 1] != '\n' || text.len > BOL_NOTE_MAX / 2)
        return bol_diag_fail(diag, BOL_E_INVAL, "note", "note text must end in a newline");
    if (!note_chars_ok(text) || has_blank_line(text))
        return bol_diag_fail(diag, BOL_E_INVAL, "note",
                             "note text must be UTF-8 without control characters or blank lines");
    if (sodium_ready() < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "note", "libsodium failed to initialise");
    sig[0] = (uint8_t) (s->v.key_id >> 24);
    sig[1] = (uint8_t) (s->v.key_id >> 16);
    sig[2] = (uint8_t) (s->v.key_id >> 8);
    sig[3] = (uint8_t) s->v.key_id;
    crypto_sign_detached(sig + 4, NULL, (const unsigned char *) text.p, text.len, s->sk);
    r = bol_buf_addstr(out, text);
    if (r == 0)
        r = bol_buf_addch(out, '\n');
    if (r == 0)
        r = bol_buf_adds(out, sig_prefix);
    if (r == 0)
        r = bol_buf_adds(out, s->v.name);
    if (r == 0)
        r = bol_buf_addch(out, ' ');
    if (r == 0)
        r = put_b64(out, sig, sizeof(sig));
    if (r == 0)
        r = bol_buf_addch(out, '\n');
    if (r < 0)
        bol_buf_truncate(out, start);
    return r;
}

int bol_note_open(struct bol_str note, const struct bol_verifier *v, struct bol_str *ret_text,
                  struct bol_diag *diag)
{
    struct bol_str text, sigs, line;
    const char *split = NULL;
    size_t i;
    unsigned nsigs = 0;

    if (note.len > BOL_NOTE_MAX)
        return bol_diag_fail(diag, BOL_E_PARSE, "note", "note longer than %d bytes", BOL_NOTE_MAX);
    if (!note_chars_ok(note))
        return bol_diag_fail(diag, BOL_E_PARSE, "note",
                             "note is not UTF-8 text without control characters");
    /* The text ends at the last blank line. */
    for (i = note.len; i >= 2; i--) {
        if (note.p[i - 2] == '\n' && note.p[i - 1] == '\n') {
            split = note.p + i - 1;
            break;
        }
    }
    if (!split || note.p[note.len - 1] != '\n')
        return bol_diag_fail(diag, BOL_E_PARSE, "note",
                             "no blank line before the signatures, or no final newline");
    text = bol_str_make(note.p, (size_t) (split - note.p));
    sigs = bol_str_make(split + 1, note.len - text.len - 1);
    while (bol_str_next_token(&sigs, '\n', &line)) {
        struct bol_str name, b64;
        uint8_t raw[4 + crypto_sign_BYTES + 16];
        uint32_t id;
        size_t n = 0;
        const char *sp;

        if (++nsigs > BOL_NOTE_SIGS_MAX)
            return bol_diag_fail(diag, BOL_E_PARSE, "note", "more than %d signatures",
                                 BOL_NOTE_SIGS_MAX);
        if (!bol_str_starts_with(line, sig_prefix))
            return bol_diag_fail(diag, BOL_E_PARSE, "note",
                                 "signature line %u does not start with an em dash", nsigs);
        line.p += SIG_PREFIX_LEN;
        line.len -= SIG_PREFIX_LEN;
        sp = memchr(line.p, ' ', line.len);
        if (!sp)
            return bol_diag_fail(diag, BOL_E_PARSE, "note", "signature line %u has no signature",
                                 nsigs);
        name = bol_str_make(line.p, (size_t) (sp - line.p));
        b64 = bol_str_make(sp + 1, line.len - name.len - 1);
        if (bol_key_name_check(name, NULL) < 0 || get_b64(b64, raw, sizeof(raw), &n) < 0 || n < 5)
            return bol_diag_fail(diag, BOL_E_PARSE, "note", "signature line %u is malformed",
                                 nsigs);
        id = (uint32_t) raw[0] << 24 | (uint32_t) raw[1] << 16 | (uint32_t) raw[2] << 8 | raw[3];
        if (!bol_str_eq_cstr(name, v->name) || id != v->key_id)
            continue; /* another key's signature: not ours to judge */
        if (n != 4 + crypto_sign_BYTES || sodium_ready() < 0 ||
            crypto_sign_verify_detached(raw + 4, (const unsigned char *) text.p, text.len, v->pk) !=
                0)
            return bol_diag_fail(diag, BOL_E_CORRUPT, "note", "signature by '%s' does not verify",
                                 v->name);
        *ret_text = text;
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_NOTFOUND, "note", "no signature by key '%s'", v->name);
}

int bol_checkpoint_format(const struct bol_checkpoint *c, struct bol_buf *out)
{
    size_t start = out->len;
    char ts[BOL_TIME_TEXT_MAX];
    int r;

    r = bol_buf_addf(out, "%s\n%" PRIu64 "\n", c->origin, c->size);
    if (r == 0)
        r = put_b64(out, c->root.b, BOL_HASH_LEN);
    if (r == 0)
        r = bol_buf_addch(out, '\n');
    if (r == 0 && c->at_us) {
        if (!bol_time_format(c->at_us, 0, 6, ts))
            r = BOL_E_INVAL;
        else
            r = bol_buf_addf(out, "time %s\n", ts);
    }
    if (r < 0)
        bol_buf_truncate(out, start);
    return r;
}

int bol_checkpoint_parse(struct bol_str text, struct bol_checkpoint *out, struct bol_diag *diag)
{
    struct bol_checkpoint c;
    struct bol_str cur = text, line;
    uint8_t raw[48];
    size_t n = 0;

    memset(&c, 0, sizeof(c));
    if (!text.len || text.p[text.len - 1] != '\n')
        return bol_diag_fail(diag, BOL_E_PARSE, "checkpoint", "checkpoint must end in a newline");
    cur.len--; /* drop the final newline so the last line splits cleanly */
    if (!bol_str_next_token(&cur, '\n', &line) || bol_key_name_check(line, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_PARSE, "checkpoint", "line 1: bad origin");
    memcpy(c.origin, line.p, line.len);
    c.origin[line.len] = '\0';
    if (!bol_str_next_token(&cur, '\n', &line) || bol_str_to_u64(line, &c.size) < 0 ||
        (line.len > 1 && line.p[0] == '0') || c.size > INT64_MAX)
        return bol_diag_fail(diag, BOL_E_PARSE, "checkpoint", "line 2: bad tree size");
    if (!bol_str_next_token(&cur, '\n', &line) || get_b64(line, raw, sizeof(raw), &n) < 0 ||
        n != BOL_HASH_LEN)
        return bol_diag_fail(diag, BOL_E_PARSE, "checkpoint", "line 3: bad root hash");
    memcpy(c.root.b, raw, BOL_HASH_LEN);
    while (bol_str_next_token(&cur, '\n', &line)) {
        if (!line.len)
            return bol_diag_fail(diag, BOL_E_PARSE, "checkpoint", "empty extension line");
        if (bol_str_starts_with(line, "time ")) {
            struct bol_str ts = bol_str_make(line.p + 5, line.len - 5);

            if (c.at_us || bol_time_parse(ts, &c.at_us, NULL) < 0 || !c.at_us)
                return bol_diag_fail(diag, BOL_E_PARSE, "checkpoint", "bad time line");
        }
        /* Other extension lines are allowed and ignored (C2SP tlog-checkpoint). */
    }
    *out = c;
    return 0;
}
