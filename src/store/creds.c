/* SPDX-License-Identifier: Apache-2.0 */
/*
 * creds.c - the credential store: per-person keys for personal data
 *
 * Keys live in cred_person_key, a table the journal never sees and the
 * replica never copies.  Erasing a person deletes the row; SQLite runs with
 * secure_delete so the key's bytes are overwritten in the file (the WAL
 * keeps the old page until the next checkpoint, which the store triggers).
 */
#include "compat.h"

#include "errors.h"
#include "mem.h"
#include "pii.h"
#include "store-int.h"
#include "utctime.h"

static const struct bol_sql q_key_get = { "SELECT key FROM cred_person_key WHERE person = $1" };
static const struct bol_sql q_key_put = {
    "INSERT INTO cred_person_key (person, key, created_at_us) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_key_del = { "DELETE FROM cred_person_key WHERE person = $1" };

struct key_ctx {
    uint8_t key[BOL_PII_KEY_LEN];
    bool found;
    bool bad;
};

static int take_key(void *ctx, const struct bol_db_row *row)
{
    struct key_ctx *kc = ctx;
    struct bol_str k = bol_db_row_bytes(row, 0);

    kc->found = true;
    if (k.len != BOL_PII_KEY_LEN) {
        kc->bad = true;
        return 1;
    }
    memcpy(kc->key, k.p, BOL_PII_KEY_LEN);
    return 1;
}

static int get_key(struct bol_store *s, struct bol_str person, bool create, struct key_ctx *kc,
                   struct bol_diag *diag)
{
    struct bol_db_val p[3] = { BOL_DBV_STR(person) };
    int r;

    memset(kc, 0, sizeof(*kc));
    r = bol_db_query(s->db, &q_key_get, p, 1, take_key, kc, diag);
    if (r < 0)
        return r;
    if (kc->bad)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "person", "the key of person '%.*s' is damaged",
                             (int) person.len, person.p);
    if (kc->found)
        return 0;
    if (!create)
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "person",
                             "person '%.*s' was erased: their data cannot be read",
                             (int) person.len, person.p);
    bol_pii_keygen(kc->key);
    p[1] = BOL_DBV_BLOB(kc->key, BOL_PII_KEY_LEN);
    p[2] = BOL_DBV_INT(bol_time_now_us());
    return bol_db_exec(s->db, &q_key_put, p, 3, diag);
}

int bol_store_pii_seal(struct bol_store *s, struct bol_str person, struct bol_str field,
                       struct bol_str plaintext, struct bol_buf *out, struct bol_diag *diag)
{
    struct key_ctx kc;
    int r;

    r = bol_pii_check_person(person, diag);
    if (r < 0)
        return r;
    if (!s->db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "sealing outside a transaction");
    r = get_key(s, person, true, &kc, diag);
    if (r == 0)
        r = bol_pii_seal(kc.key, person, field, plaintext, out, diag);
    bol_wipe(&kc, sizeof(kc));
    return r;
}

int bol_store_pii_open(struct bol_store *s, struct bol_str field, struct bol_str sealed,
                       struct bol_buf *out, struct bol_diag *diag)
{
    struct bol_str person;
    struct key_ctx kc;
    int r;

    r = bol_pii_person(sealed, &person, diag);
    if (r < 0)
        return r;
    r = get_key(s, person, false, &kc, diag);
    if (r == 0)
        r = bol_pii_open(kc.key, field, sealed, out, diag);
    bol_wipe(&kc, sizeof(kc));
    return r;
}

int bol_store_pii_erase(struct bol_store *s, struct bol_str person, struct bol_diag *diag)
{
    struct bol_db_val p = BOL_DBV_STR(person);
    int r;

    r = bol_pii_check_person(person, diag);
    if (r < 0)
        return r;
    r = bol_db_exec(s->db, &q_key_del, &p, 1, diag);
    if (r == 0 && bol_db_changes(s->db) == 0)
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "person", "no key for person '%.*s'",
                             (int) person.len, person.p);
    /* Push the overwritten page out of the WAL too (SQLite; a no-op elsewhere). */
    if (r == 0 && s->db->kind == BOL_DB_SQLITE && !s->db->in_tx)
        r = bol_db_exec_script(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", diag);
    return r;
}
