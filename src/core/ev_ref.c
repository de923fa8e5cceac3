/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_ref.c - reference-data events: terminals, shipping lines, berths, yard
 * blocks, equipment, vessels and vessel visits
 *
 * Each "X.defined" event carries the whole object as codec.h writes it and
 * replaces any earlier definition with the same key.  Definitions are never
 * deleted: work and history refer to them.
 */
#include "compat.h"

#include "buf.h"
#include <sodium.h>

#include "codec.h"
#include "epoch.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"
#include "locode.h"
#include "yard_addr.h"

/* ---- state tables ---- */

static const struct bol_column terminal_cols[] = {
    { "code", BOL_V_TEXT, false },       { "name", BOL_V_TEXT, false },
    { "timezone", BOL_V_TEXT, false },   { "unlocode", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_terminal = { "terminal", terminal_cols, 5, 1, NULL };

static const struct bol_column line_cols[] = {
    { "code", BOL_V_TEXT, false },
    { "name", BOL_V_TEXT, false },
    { "scac", BOL_V_TEXT, true },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_line = { "line", line_cols, 4, 1, NULL };

static const struct bol_column berth_cols[] = {
    { "terminal", BOL_V_TEXT, false }, { "code", BOL_V_TEXT, false },
    { "from_m", BOL_V_INT, false },    { "to_m", BOL_V_INT, false },
    { "depth_dm", BOL_V_INT, false },  { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_berth = { "berth", berth_cols, 6, 2, NULL };

static const struct bol_column block_cols[] = {
    { "terminal", BOL_V_TEXT, false }, { "code", BOL_V_TEXT, false },
    { "kind", BOL_V_TEXT, false },     { "bays", BOL_V_INT, false },
    { "rows", BOL_V_INT, false },      { "tiers", BOL_V_INT, false },
    { "doc", BOL_V_TEXT, false },      { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_block = { "block", block_cols, 8, 2, NULL };

static const struct bol_column equipment_cols[] = {
    { "terminal", BOL_V_TEXT, false },   { "id", BOL_V_TEXT, false },
    { "kind", BOL_V_TEXT, false },       { "status", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_equipment = { "equipment", equipment_cols, 5, 2, NULL };

static const struct bol_column vessel_cols[] = {
    { "imo", BOL_V_TEXT, false },
    { "name", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_vessel = { "vessel", vessel_cols, 4, 1, NULL };

static const struct bol_column visit_cols[] = {
    { "id", BOL_V_TEXT, false },  { "terminal", BOL_V_TEXT, false },
    { "imo", BOL_V_TEXT, false }, { "phase", BOL_V_TEXT, false },
    { "eta", BOL_V_INT, true },   { "etd", BOL_V_INT, true },
    { "doc", BOL_V_TEXT, false }, { "defined_seq", BOL_V_INT, false },
};
static const char *const visit_indexes[] = { "terminal,phase", NULL };
const struct bol_table bol_t_visit = { "visit", visit_cols, 8, 1, visit_indexes };

/* The journal's epochs: one row per key that has signed checkpoints. */
static const struct bol_column journal_epoch_cols[] = {
    { "epoch", BOL_V_INT, false },   { "seq", BOL_V_INT, false },   { "key", BOL_V_TEXT, false },
    { "reason", BOL_V_TEXT, false }, { "at_us", BOL_V_INT, false },
};
const struct bol_table bol_t_journal_epoch = { "journal_epoch", journal_epoch_cols, 5, 1, NULL };

/* ---- terminals and lines (their payloads predate codec.h) ---- */

static int text_field(json_t *o, const char *key, size_t max, bool required, struct bol_str *ret,
                      struct bol_diag *diag)
{
    json_t *v = json_object_get(o, key);
    const char *s;
    size_t n;

    if (!v) {
        if (!required) {
            *ret = bol_str_make(NULL, 0);
            return 0;
        }
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' is required", key);
    }
    if (!json_is_string(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be a string", key);
    s = json_string_value(v);
    n = json_string_length(v);
    if (!n || n > max || memchr(s, '\0', n))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be 1 to %zu bytes of text", key,
                             max);
    *ret = bol_str_make(s, n);
    return 0;
}

/* Every key of o must be in the NULL-terminated list. */
static int only_keys(json_t *o, const char *const *keys, struct bol_diag *diag)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        size_t i;
        bool known = false;

        (void) v;
        for (i = 0; keys[i]; i++)
            known = known || !strcmp(k, keys[i]);
        if (!known)
            return bol_diag_fail(diag, BOL_E_INVAL, k, "unknown field '%s'", k);
    }
    return 0;
}

/* ---- journal.genesis: the first entry of every journal ---- */

static int genesis_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "origin", "key", NULL };
    struct bol_str s;
    int r;

    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = text_field(p, "origin", 128, true, &s, diag)) < 0 ||
        (r = text_field(p, "key", 256, true, &s, diag)) < 0)
        return r;
    return 0;
}

static int genesis_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct bol_value row[5];
    struct bol_str key;
    int r = genesis_check(p, diag);

    if (r < 0 || (r = text_field(p, "key", 256, true, &key, diag)) < 0)
        return r;
    row[0] = BOL_VAL_INT(1);
    row[1] = BOL_VAL_INT(e->seq);
    row[2] = BOL_VAL_TEXT(key);
    row[3] = BOL_VAL_TEXT(bol_str_from("genesis"));
    row[4] = BOL_VAL_INT(e->at_us);
    return sink->put(sink->ctx, &bol_t_journal_epoch, row);
}

int bol_genesis_key(struct bol_str payload, struct bol_verifier *out, struct bol_diag *diag)
{
    json_error_t err;
    json_t *p = json_loadb(payload.p, payload.len, JSON_REJECT_DUPLICATES, &err);
    struct bol_str key;
    int r;

    if (!p || !json_is_object(p)) {
        json_decref(p);
        return bol_diag_fail(diag, BOL_E_INVAL, "payload", "the genesis payload is not an object");
    }
    r = genesis_check(p, diag);
    if (r == 0)
        r = text_field(p, "key", 256, true, &key, diag);
    if (r == 0 && bol_verifier_decode(key, out, diag) < 0)
        r = BOL_E_INVAL;
    json_decref(p);
    return r;
}

/* ---- journal.epoch: a new signing key from this entry on ---- */

const char *const bol_epoch_reason_names[] = { "restore", "key-rotation", NULL };

/* Text of 0..max bytes without NUL. */
static int note_field(json_t *o, const char *key, size_t max, struct bol_str *ret,
                      struct bol_diag *diag)
{
    json_t *v = json_object_get(o, key);

    if (!v || !json_is_string(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be a string", key);
    *ret = bol_str_make(json_string_value(v), json_string_length(v));
    if (ret->len > max || memchr(ret->p, '\0', ret->len))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be at most %zu bytes of text", key,
                             max);
    return 0;
}

static int b64_root(struct bol_str s, struct bol_hash *out)
{
    size_t n = 0;
    const char *end = NULL;

    if (sodium_base642bin(out->b, sizeof(out->b), s.p, s.len, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != BOL_HASH_LEN || end != s.p + s.len)
        return BOL_E_INVAL;
    return 0;
}

static int epoch_fields(json_t *p, struct bol_epoch *out, struct bol_diag *diag)
{
    static const char *const keys[] = { "epoch", "key", "note", "previous", "reason", NULL };
    static const char *const prev_keys[] = { "checkpoint", "key", "root", "size", NULL };
    struct bol_str key, note, pkey, pcp, proot, text;
    struct bol_checkpoint cp;
    json_t *prev = NULL;
    int64_t epoch = 0, size = 0;
    unsigned reason = 0;
    int r;

    memset(out, 0, sizeof(*out));
    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = jv_int(p, "epoch", 2, BOL_EPOCH_MAX, true, &epoch, diag)) < 0 ||
        (r = text_field(p, "key", 256, true, &key, diag)) < 0 ||
        (r = note_field(p, "note", BOL_EPOCH_NOTE_MAX, &note, diag)) < 0 ||
        (r = jv_enum(p, "reason", bol_epoch_reason_names, true, &reason, diag)) < 0 ||
        (r = jv_object(p, "previous", true, &prev, diag)) < 0)
        return r;
    if ((r = only_keys(prev, prev_keys, diag)) < 0 ||
        (r = text_field(prev, "key", 256, true, &pkey, diag)) < 0 ||
        (r = text_field(prev, "checkpoint", BOL_NOTE_MAX, true, &pcp, diag)) < 0 ||
        (r = text_field(prev, "root", 64, true, &proot, diag)) < 0 ||
        (r = jv_int(prev, "size", 1, INT64_MAX, true, &size, diag)) < 0)
        return r;
    if (bol_verifier_decode(key, &out->key, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "key", "'key' is not a verifier key");
    if (bol_verifier_decode(pkey, &out->prev_key, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "previous.key",
                             "'previous.key' is not a verifier key");
    if (b64_root(proot, &out->prev_root) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "previous.root",
                             "'previous.root' must be the base64 of a 32-byte hash");
    if (bol_note_open(pcp, &out->prev_key, &text, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "previous.checkpoint",
                             "'previous.checkpoint' is not signed by 'previous.key'");
    if (bol_checkpoint_parse(text, &cp, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "previous.checkpoint",
                             "'previous.checkpoint' is not a checkpoint");
    if (strcmp(cp.origin, out->prev_key.name) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "previous.checkpoint",
                             "'previous.checkpoint' is of origin '%s', not '%s'", cp.origin,
                             out->prev_key.name);
    if (cp.size != (uint64_t) size || memcmp(cp.root.b, out->prev_root.b, BOL_HASH_LEN) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "previous.checkpoint",
                             "'previous.checkpoint' does not match 'previous.size' and "
                             "'previous.root'");
    if (memcmp(out->key.pk, out->prev_key.pk, sizeof(out->key.pk)) == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "key", "'key' must differ from 'previous.key'");
    out->epoch = (uint64_t) epoch;
    out->prev_size = (uint64_t) size;
    out->reason = (enum bol_epoch_reason) reason;
    return 0;
}

static int epoch_check(json_t *p, struct bol_diag *diag)
{
    struct bol_epoch ep;

    return epoch_fields(p, &ep, diag);
}

static int epoch_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_epoch ep;
    struct bol_value row[5];
    struct bol_str key;
    int r = epoch_fields(p, &ep, diag);

    if (r < 0 || (r = text_field(p, "key", 256, true, &key, diag)) < 0)
        return r;
    row[0] = BOL_VAL_INT(ep.epoch);
    row[1] = BOL_VAL_INT(e->seq);
    row[2] = BOL_VAL_TEXT(key);
    row[3] = BOL_VAL_TEXT(bol_str_from(bol_epoch_reason_names[ep.reason]));
    row[4] = BOL_VAL_INT(e->at_us);
    return sink->put(sink->ctx, &bol_t_journal_epoch, row);
}

int bol_epoch_parse(struct bol_str payload, struct bol_epoch *out, struct bol_diag *diag)
{
    json_error_t err;
    json_t *p = json_loadb(payload.p, payload.len, JSON_REJECT_DUPLICATES, &err);
    int r;

    if (!p || !json_is_object(p)) {
        json_decref(p);
        return bol_diag_fail(diag, BOL_E_INVAL, "payload", "the epoch payload is not an object");
    }
    r = epoch_fields(p, out, diag);
    json_decref(p);
    return r;
}

int bol_epoch_payload(uint64_t epoch, const struct bol_verifier *key,
                      const struct bol_verifier *prev_key, struct bol_str prev_checkpoint,
                      enum bol_epoch_reason reason, struct bol_str note, struct bol_buf *out,
                      struct bol_diag *diag)
{
    char root[sodium_base64_ENCODED_LEN(BOL_HASH_LEN, sodium_base64_VARIANT_ORIGINAL)];
    struct bol_buf k = BOL_BUF_INIT(4096), pk = BOL_BUF_INIT(4096);
    struct bol_checkpoint cp;
    struct bol_str text;
    json_t *p = NULL, *prev = NULL;
    int r;

    if ((unsigned) reason > BOL_EPOCH_KEY_ROTATION || epoch < 2 || epoch > BOL_EPOCH_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "epoch", "bad epoch number or reason");
    if (note.len > BOL_EPOCH_NOTE_MAX || memchr(note.p ? note.p : "", '\0', note.len))
        return bol_diag_fail(diag, BOL_E_INVAL, "note", "the note must be at most %d bytes of text",
                             BOL_EPOCH_NOTE_MAX);
    if (bol_note_open(prev_checkpoint, prev_key, &text, diag) < 0 ||
        bol_checkpoint_parse(text, &cp, diag) < 0)
        return BOL_E_INVAL;
    sodium_bin2base64(root, sizeof(root), cp.root.b, BOL_HASH_LEN, sodium_base64_VARIANT_ORIGINAL);
    r = bol_verifier_encode(key, &k);
    if (r == 0)
        r = bol_verifier_encode(prev_key, &pk);
    if (r < 0)
        goto out;
    p = json_object();
    prev = json_object();
    r = (!p || !prev) ? BOL_E_NOMEM : 0;
    if (r == 0)
        r = jv_set_int(p, "epoch", (int64_t) epoch);
    if (r == 0)
        r = jv_set_str(p, "key", k.buf);
    if (r == 0)
        r = jv_set_strn(p, "note", note.p ? note : bol_str_make("", 0));
    if (r == 0)
        r = jv_set_str(p, "reason", bol_epoch_reason_names[reason]);
    if (r == 0)
        r = jv_set_strn(prev, "checkpoint", prev_checkpoint);
    if (r == 0)
        r = jv_set_str(prev, "key", pk.buf);
    if (r == 0)
        r = jv_set_str(prev, "root", root);
    if (r == 0)
        r = jv_set_int(prev, "size", (int64_t) cp.size);
    if (r == 0) {
        r = jv_set(p, "previous", prev);
        prev = NULL;
    }
    if (r == 0)
        r = jv_dump(p, out);
out:
    json_decref(p);
    json_decref(prev);
    bol_buf_release(&k);
    bol_buf_release(&pk);
    if (r < 0)
        return bol_diag_fail(diag, r, "payload", "cannot build the epoch payload");
    return 0;
}

/* ---- terminal.defined ---- */

static int tz_check(struct bol_str tz, struct bol_diag *diag)
{
    size_t i;

    for (i = 0; i < tz.len; i++) {
        char c = tz.p[i];

        if (!bol_is_alpha(c) && !bol_is_digit(c) && !strchr("_/+-", c))
            return bol_diag_fail(diag, BOL_E_INVAL, "timezone",
                                 "'timezone' must be an IANA zone name such as Asia/Tokyo");
    }
    return 0;
}

static int terminal_fields(json_t *p, struct bol_str *code, struct bol_str *name,
                           struct bol_str *tz, struct bol_str *loc, struct bol_diag *diag)
{
    static const char *const keys[] = { "code", "name", "timezone", "unlocode", NULL };
    struct bol_locode l;
    int r;

    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = text_field(p, "code", 8, true, code, diag)) < 0 ||
        (r = text_field(p, "name", 128, true, name, diag)) < 0 ||
        (r = text_field(p, "timezone", 64, true, tz, diag)) < 0 ||
        (r = text_field(p, "unlocode", 5, true, loc, diag)) < 0)
        return r;
    if ((r = bol_terminal_code_check(*code, diag)) < 0 || (r = tz_check(*tz, diag)) < 0)
        return r;
    if (bol_locode_parse(*loc, &l, diag) < 0 || !bol_str_eq_cstr(*loc, l.s))
        return bol_diag_fail(diag, BOL_E_INVAL, "unlocode",
                             "'unlocode' must be a normalised UN/LOCODE");
    for (size_t i = 0; i < code->len; i++) {
        if (bol_to_upper(code->p[i]) != code->p[i])
            return bol_diag_fail(diag, BOL_E_INVAL, "code", "'code' must be upper case");
    }
    return 0;
}

static int terminal_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str code, name, tz, loc;

    return terminal_fields(p, &code, &name, &tz, &loc, diag);
}

/* Version 1 had no time zone: such terminals are taken as keeping UTC. */
static int terminal_v1_to_v2(json_t *p, struct bol_diag *diag)
{
    if (json_object_get(p, "timezone"))
        return bol_diag_fail(diag, BOL_E_CORRUPT, "timezone", "version 1 has no 'timezone'");
    return json_object_set_new(p, "timezone", json_string("UTC")) == 0 ? 0 : BOL_E_NOMEM;
}

static int terminal_apply(const struct bol_entry *e, json_t *p,
                          const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_str code, name, tz, loc;
    struct bol_value row[5];
    int r;

    r = terminal_fields(p, &code, &name, &tz, &loc, diag);
    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(code);
    row[1] = BOL_VAL_TEXT(name);
    row[2] = BOL_VAL_TEXT(tz);
    row[3] = BOL_VAL_TEXT(loc);
    row[4] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &bol_t_terminal, row);
}

/* ---- line.defined: a shipping line (SMDG liner code) ---- */

static int line_fields(json_t *p, struct bol_str *code, struct bol_str *name, struct bol_str *scac,
                       struct bol_diag *diag)
{
    static const char *const keys[] = { "code", "name", "scac", NULL };
    size_t i;
    int r;

    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = text_field(p, "code", 3, true, code, diag)) < 0 ||
        (r = text_field(p, "name", 128, true, name, diag)) < 0 ||
        (r = text_field(p, "scac", 4, false, scac, diag)) < 0)
        return r;
    for (i = 0; i < code->len; i++) {
        if (!bol_is_upper(code->p[i]) && !bol_is_digit(code->p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "code",
                                 "'code' must be an SMDG liner code (A-Z, 0-9)");
    }
    if (scac->len && scac->len < 2)
        return bol_diag_fail(diag, BOL_E_INVAL, "scac", "'scac' must be 2 to 4 letters");
    for (i = 0; i < scac->len; i++) {
        if (!bol_is_upper(scac->p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "scac", "'scac' must be 2 to 4 letters");
    }
    return 0;
}

static int line_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str code, name, scac;

    return line_fields(p, &code, &name, &scac, diag);
}

static int line_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                      struct bol_diag *diag)
{
    struct bol_str code, name, scac;
    struct bol_value row[4];
    int r;

    r = line_fields(p, &code, &name, &scac, diag);
    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(code);
    row[1] = BOL_VAL_TEXT(name);
    row[2] = scac.len ? BOL_VAL_TEXT(scac) : BOL_VAL_NULL;
    row[3] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &bol_t_line, row);
}

/* ---- objects written by codec.h ---- */

/* Decode with from, re-encode with to, and insist on the same JSON. */
#define CODEC_CHECK(name, type, what)                                                              \
    static int name##_decode(json_t *p, type *out, struct bol_diag *diag)                          \
    {                                                                                              \
        json_t *again = NULL;                                                                      \
        int r = bol_##name##_from_json(p, out, diag);                                              \
                                                                                                   \
        if (r == 0)                                                                                \
            r = bol_##name##_to_json(out, &again);                                                 \
        if (r == 0)                                                                                \
            r = bol_ev_same(p, again, what, diag);                                                 \
        return r;                                                                                  \
    }                                                                                              \
    static int name##_check(json_t *p, struct bol_diag *diag)                                      \
    {                                                                                              \
        type x;                                                                                    \
                                                                                                   \
        return name##_decode(p, &x, diag);                                                         \
    }

CODEC_CHECK(berth, struct bol_berth, "berth")
CODEC_CHECK(block, struct bol_block, "block")
CODEC_CHECK(equipment, struct bol_equipment, "equipment")
CODEC_CHECK(vessel, struct bol_vessel, "vessel")
CODEC_CHECK(visit, struct bol_visit, "visit")

static int berth_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_berth b;
    struct bol_value row[6];
    int r = berth_decode(p, &b, diag);

    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(b.terminal));
    row[1] = BOL_VAL_TEXT(bol_str_from(b.code));
    row[2] = BOL_VAL_INT(b.from_m);
    row[3] = BOL_VAL_INT(b.to_m);
    row[4] = BOL_VAL_INT(b.depth_dm);
    row[5] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &bol_t_berth, row);
}

static int block_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_block b;
    struct bol_value row[8];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    int r = block_decode(p, &b, diag);

    if (r < 0 || (r = jv_dump(p, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(b.terminal));
    row[1] = BOL_VAL_TEXT(bol_str_from(b.code));
    row[2] = BOL_VAL_TEXT(bol_str_from(bol_block_kind_names[b.kind]));
    row[3] = BOL_VAL_INT(b.bays);
    row[4] = BOL_VAL_INT(b.rows);
    row[5] = BOL_VAL_INT(b.tiers);
    row[6] = BOL_VAL_TEXT(bol_str_make(doc.buf, doc.len));
    row[7] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_block, row);
    bol_buf_release(&doc);
    return r;
}

static int equipment_apply(const struct bol_entry *e, json_t *p,
                           const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_equipment q;
    struct bol_value row[5];
    int r = equipment_decode(p, &q, diag);

    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(q.terminal));
    row[1] = BOL_VAL_TEXT(bol_str_from(q.id));
    row[2] = BOL_VAL_TEXT(bol_str_from(bol_equip_kind_names[q.kind]));
    row[3] = BOL_VAL_TEXT(bol_str_from(bol_equip_status_names[q.status]));
    row[4] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &bol_t_equipment, row);
}

static int vessel_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    struct bol_vessel v;
    struct bol_value row[4];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    int r = vessel_decode(p, &v, diag);

    if (r < 0 || (r = jv_dump(p, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(v.imo));
    row[1] = BOL_VAL_TEXT(bol_str_from(v.name));
    row[2] = BOL_VAL_TEXT(bol_str_make(doc.buf, doc.len));
    row[3] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_vessel, row);
    bol_buf_release(&doc);
    return r;
}

static int visit_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_visit v;
    struct bol_value row[8];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    int r = visit_decode(p, &v, diag);

    if (r < 0 || (r = jv_dump(p, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(v.id));
    row[1] = BOL_VAL_TEXT(bol_str_from(v.terminal));
    row[2] = BOL_VAL_TEXT(bol_str_from(v.imo));
    row[3] = BOL_VAL_TEXT(bol_str_from(bol_phase_names[v.phase]));
    row[4] = v.eta ? BOL_VAL_INT(v.eta) : BOL_VAL_NULL;
    row[5] = v.etd ? BOL_VAL_INT(v.etd) : BOL_VAL_NULL;
    row[6] = BOL_VAL_TEXT(bol_str_make(doc.buf, doc.len));
    row[7] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_visit, row);
    bol_buf_release(&doc);
    return r;
}

static const bol_upcast_fn terminal_upcasts[] = { terminal_v1_to_v2 };

const struct bol_event_def bol_ref_events[] = {
    { "berth.defined", 1, NULL, berth_check, berth_apply },
    { "block.defined", 1, NULL, block_check, block_apply },
    { "equipment.defined", 1, NULL, equipment_check, equipment_apply },
    { "journal.epoch", 1, NULL, epoch_check, epoch_apply },
    { "journal.genesis", 1, NULL, genesis_check, genesis_apply },
    { "line.defined", 1, NULL, line_check, line_apply },
    { "terminal.defined", 2, terminal_upcasts, terminal_check, terminal_apply },
    { "vessel.defined", 1, NULL, vessel_check, vessel_apply },
    { "visit.defined", 1, NULL, visit_check, visit_apply },
};
const size_t bol_ref_nevents = BOL_ARRAY_SIZE(bol_ref_events);
