/* SPDX-License-Identifier: Apache-2.0 */
/*
 * access.c - the credential store for access: password hashes, TOTP
 * secrets, recovery codes, sessions, API key hashes and failed logins
 *
 * Plain rows in the cred_* tables (migration 0002); see store.h.  Nothing
 * here is journaled.  SQLite runs with secure_delete, so a deleted secret's
 * bytes are overwritten in the database file.
 */
#include "compat.h"

#include "errors.h"
#include "store-int.h"

#define DB(s) ((s)->db)

/* ---- passwords ---- */

static const struct bol_sql q_pw_put = {
    "INSERT INTO cred_password (user_name, hash, changed_at_us, verdict) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (user_name) DO UPDATE SET hash = excluded.hash, "
    "changed_at_us = excluded.changed_at_us, verdict = excluded.verdict"
};
static const struct bol_sql q_pw_get = { "SELECT hash FROM cred_password WHERE user_name = $1" };
static const struct bol_sql q_pw_login = {
    "UPDATE cred_password SET last_login_us = $2 WHERE user_name = $1"
};
static const struct bol_sql q_pw_info = {
    "SELECT changed_at_us, last_login_us, verdict FROM cred_password WHERE user_name = $1"
};

int bol_cred_password_set(struct bol_store *s, const char *user, const char *hash,
                          const char *verdict, int64_t now_us, struct bol_diag *diag)
{
    struct bol_db_val p[4] = { BOL_DBV_CSTR(user), BOL_DBV_CSTR(hash), BOL_DBV_INT(now_us),
                               verdict ? BOL_DBV_CSTR(verdict) : BOL_DBV_NULL };

    if (strlen(hash) > BOL_PWHASH_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "hash", "a password hash is too long");
    if (verdict && strlen(verdict) > BOL_PW_VERDICT_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "verdict", "a password verdict is too long");
    return bol_db_exec(DB(s), &q_pw_put, p, 4, diag);
}

int bol_cred_login_ok(struct bol_store *s, const char *user, int64_t now_us, struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(user), BOL_DBV_INT(now_us) };

    return bol_db_exec(DB(s), &q_pw_login, p, 2, diag);
}

struct info_out {
    struct bol_cred_password_info *out;
    bool found, bad;
};

static int take_info(void *ctx, const struct bol_db_row *row)
{
    struct info_out *o = ctx;
    struct bol_str v = bol_db_row_bytes(row, 2);

    o->found = true;
    o->out->changed_at_us = bol_db_row_int(row, 0);
    o->out->last_login_us = bol_db_row_is_null(row, 1) ? 0 : bol_db_row_int(row, 1);
    if (v.len > BOL_PW_VERDICT_MAX) {
        o->bad = true;
        return 1;
    }
    memcpy(o->out->verdict, v.p, v.len);
    o->out->verdict[v.len] = '\0';
    return 1;
}

int bol_cred_password_info(struct bol_store *s, const char *user,
                           struct bol_cred_password_info *out, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(user) };
    struct info_out o = { out, false, false };
    int r;

    memset(out, 0, sizeof(*out));
    r = bol_db_query(DB(s), &q_pw_info, p, 1, take_info, &o, diag);
    if (r < 0)
        return r;
    if (o.bad)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "verdict",
                             "a stored password verdict is damaged");
    return o.found ? 0 : BOL_E_NOTFOUND;
}

struct text_out {
    char *out;
    size_t size;
    bool found;
    bool too_long;
};

static int take_text(void *ctx, const struct bol_db_row *row)
{
    struct text_out *t = ctx;
    struct bol_str v = bol_db_row_bytes(row, 0);

    t->found = true;
    if (v.len >= t->size) {
        t->too_long = true;
        return 1;
    }
    memcpy(t->out, v.p, v.len);
    t->out[v.len] = '\0';
    return 1;
}

int bol_cred_password_get(struct bol_store *s, const char *user, char hash[BOL_PWHASH_MAX + 1],
                          struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(user) };
    struct text_out t = { hash, BOL_PWHASH_MAX + 1, false, false };
    int r = bol_db_query(DB(s), &q_pw_get, p, 1, take_text, &t, diag);

    if (r < 0)
        return r;
    if (t.too_long)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "hash", "a stored password hash is damaged");
    return t.found ? 0 : BOL_E_NOTFOUND;
}

/* ---- TOTP ---- */

static const struct bol_sql q_totp_put = {
    "INSERT INTO cred_totp (user_name, secret, last_step, confirmed, created_at_us) "
    "VALUES ($1, $2, 0, 0, $3) ON CONFLICT (user_name) DO UPDATE SET secret = excluded.secret, "
    "last_step = 0, confirmed = 0, created_at_us = excluded.created_at_us"
};
static const struct bol_sql q_totp_get = {
    "SELECT secret, last_step, confirmed FROM cred_totp WHERE user_name = $1"
};
static const struct bol_sql q_totp_use = {
    "UPDATE cred_totp SET last_step = $2, confirmed = 1 WHERE user_name = $1 AND last_step < $2"
};
static const struct bol_sql q_totp_del = { "DELETE FROM cred_totp WHERE user_name = $1" };

int bol_cred_totp_set(struct bol_store *s, const char *user, const uint8_t *secret, size_t len,
                      int64_t now_us, struct bol_diag *diag)
{
    struct bol_db_val p[3] = { BOL_DBV_CSTR(user), BOL_DBV_BLOB(secret, len), BOL_DBV_INT(now_us) };

    if (len == 0 || len > BOL_CRED_TOTP_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "secret", "a TOTP secret has 1 to %d bytes",
                             BOL_CRED_TOTP_MAX);
    return bol_db_exec(DB(s), &q_totp_put, p, 3, diag);
}

struct totp_out {
    struct bol_cred_totp *t;
    bool found, bad;
};

static int take_totp(void *ctx, const struct bol_db_row *row)
{
    struct totp_out *o = ctx;
    struct bol_str sec = bol_db_row_bytes(row, 0);

    o->found = true;
    if (sec.len == 0 || sec.len > BOL_CRED_TOTP_MAX) {
        o->bad = true;
        return 1;
    }
    memcpy(o->t->secret, sec.p, sec.len);
    o->t->len = sec.len;
    o->t->last_step = bol_db_row_int(row, 1);
    o->t->confirmed = bol_db_row_int(row, 2) != 0;
    return 1;
}

int bol_cred_totp_get(struct bol_store *s, const char *user, struct bol_cred_totp *out,
                      struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(user) };
    struct totp_out o = { out, false, false };
    int r;

    memset(out, 0, sizeof(*out));
    r = bol_db_query(DB(s), &q_totp_get, p, 1, take_totp, &o, diag);
    if (r < 0)
        return r;
    if (o.bad)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "secret", "a stored TOTP secret is damaged");
    return o.found ? 0 : BOL_E_NOTFOUND;
}

int bol_cred_totp_use(struct bol_store *s, const char *user, int64_t step, struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(user), BOL_DBV_INT(step) };
    int r = bol_db_exec(DB(s), &q_totp_use, p, 2, diag);

    if (r < 0)
        return r;
    if (bol_db_changes(DB(s)) != 1)
        return bol_diag_fail(diag, BOL_E_CONFLICT, "totp", "this code was already used");
    return 0;
}

int bol_cred_totp_del(struct bol_store *s, const char *user, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(user) };

    return bol_db_exec(DB(s), &q_totp_del, p, 1, diag);
}

/* ---- recovery codes ---- */

static const struct bol_sql q_rec_clear = { "DELETE FROM cred_recovery WHERE user_name = $1" };
static const struct bol_sql q_rec_put = {
    "INSERT INTO cred_recovery (user_name, code_hash, used_at_us) VALUES ($1, $2, NULL)"
};
static const struct bol_sql q_rec_use = {
    "UPDATE cred_recovery SET used_at_us = $3 "
    "WHERE user_name = $1 AND code_hash = $2 AND used_at_us IS NULL"
};

int bol_cred_recovery_set(struct bol_store *s, const char *user,
                          const uint8_t (*hashes)[BOL_CRED_HASH_LEN], size_t n,
                          struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(user) };
    size_t i;
    int r = bol_db_exec(DB(s), &q_rec_clear, p, 1, diag);

    for (i = 0; r == 0 && i < n; i++) {
        p[1] = BOL_DBV_BLOB(hashes[i], BOL_CRED_HASH_LEN);
        r = bol_db_exec(DB(s), &q_rec_put, p, 2, diag);
    }
    return r;
}

int bol_cred_recovery_use(struct bol_store *s, const char *user,
                          const uint8_t hash[BOL_CRED_HASH_LEN], int64_t now_us,
                          struct bol_diag *diag)
{
    struct bol_db_val p[3] = { BOL_DBV_CSTR(user), BOL_DBV_BLOB(hash, BOL_CRED_HASH_LEN),
                               BOL_DBV_INT(now_us) };
    int r = bol_db_exec(DB(s), &q_rec_use, p, 3, diag);

    if (r < 0)
        return r;
    return bol_db_changes(DB(s)) == 1 ? 0 : BOL_E_NOTFOUND;
}

/* ---- sessions ---- */

static const struct bol_sql q_ses_put = {
    "INSERT INTO cred_session (token_hash, user_name, created_at_us, last_seen_us, csrf, addr) "
    "VALUES ($1, $2, $3, $4, $5, $6)"
};
static const struct bol_sql q_ses_get = {
    "SELECT user_name, created_at_us, last_seen_us, csrf, addr FROM cred_session "
    "WHERE token_hash = $1"
};
static const struct bol_sql q_ses_touch = {
    "UPDATE cred_session SET last_seen_us = $2 WHERE token_hash = $1 AND last_seen_us < $2"
};
static const struct bol_sql q_ses_del = { "DELETE FROM cred_session WHERE token_hash = $1" };
static const struct bol_sql q_ses_del_user = { "DELETE FROM cred_session WHERE user_name = $1" };
static const struct bol_sql q_ses_expire = {
    "DELETE FROM cred_session WHERE last_seen_us < $1 OR created_at_us < $2"
};

int bol_cred_session_put(struct bol_store *s, const uint8_t token_hash[BOL_CRED_HASH_LEN],
                         const struct bol_cred_session *ses, struct bol_diag *diag)
{
    struct bol_db_val p[6] = {
        BOL_DBV_BLOB(token_hash, BOL_CRED_HASH_LEN),
        BOL_DBV_CSTR(ses->user),
        BOL_DBV_INT(ses->created_us),
        BOL_DBV_INT(ses->last_seen_us),
        BOL_DBV_BLOB(ses->csrf, BOL_CRED_HASH_LEN),
        BOL_DBV_CSTR(ses->addr),
    };

    return bol_db_exec(DB(s), &q_ses_put, p, 6, diag);
}

struct ses_out {
    struct bol_cred_session *ses;
    bool found, bad;
};

static int take_session(void *ctx, const struct bol_db_row *row)
{
    struct ses_out *o = ctx;
    struct bol_str user = bol_db_row_bytes(row, 0);
    struct bol_str csrf = bol_db_row_bytes(row, 3);
    struct bol_str addr = bol_db_row_bytes(row, 4);

    o->found = true;
    if (user.len >= sizeof(o->ses->user) || csrf.len != BOL_CRED_HASH_LEN ||
        addr.len >= sizeof(o->ses->addr)) {
        o->bad = true;
        return 1;
    }
    memcpy(o->ses->user, user.p, user.len);
    o->ses->user[user.len] = '\0';
    o->ses->created_us = bol_db_row_int(row, 1);
    o->ses->last_seen_us = bol_db_row_int(row, 2);
    memcpy(o->ses->csrf, csrf.p, BOL_CRED_HASH_LEN);
    memcpy(o->ses->addr, addr.p, addr.len);
    o->ses->addr[addr.len] = '\0';
    return 1;
}

int bol_cred_session_get(struct bol_store *s, const uint8_t token_hash[BOL_CRED_HASH_LEN],
                         struct bol_cred_session *out, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_BLOB(token_hash, BOL_CRED_HASH_LEN) };
    struct ses_out o = { out, false, false };
    int r;

    memset(out, 0, sizeof(*out));
    r = bol_db_query(DB(s), &q_ses_get, p, 1, take_session, &o, diag);
    if (r < 0)
        return r;
    if (o.bad)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "session", "a stored session is damaged");
    return o.found ? 0 : BOL_E_NOTFOUND;
}

int bol_cred_session_touch(struct bol_store *s, const uint8_t token_hash[BOL_CRED_HASH_LEN],
                           int64_t now_us, struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_BLOB(token_hash, BOL_CRED_HASH_LEN), BOL_DBV_INT(now_us) };

    return bol_db_exec(DB(s), &q_ses_touch, p, 2, diag);
}

int bol_cred_session_del(struct bol_store *s, const uint8_t token_hash[BOL_CRED_HASH_LEN],
                         struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_BLOB(token_hash, BOL_CRED_HASH_LEN) };

    return bol_db_exec(DB(s), &q_ses_del, p, 1, diag);
}

int bol_cred_session_del_user(struct bol_store *s, const char *user, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(user) };

    return bol_db_exec(DB(s), &q_ses_del_user, p, 1, diag);
}

int bol_cred_session_expire(struct bol_store *s, int64_t idle_before, int64_t created_before,
                            struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_INT(idle_before), BOL_DBV_INT(created_before) };

    return bol_db_exec(DB(s), &q_ses_expire, p, 2, diag);
}

/* ---- API keys ---- */

static const struct bol_sql q_key_put = {
    "INSERT INTO cred_apikey (id, secret_hash, last_used_us, last_addr) VALUES ($1, $2, NULL, NULL)"
};
static const struct bol_sql q_key_get = {
    "SELECT secret_hash, last_used_us, last_addr FROM cred_apikey WHERE id = $1"
};
static const struct bol_sql q_key_used = {
    "UPDATE cred_apikey SET last_used_us = $2, last_addr = $3 WHERE id = $1"
};

int bol_cred_key_put(struct bol_store *s, const char *id, const uint8_t hash[BOL_CRED_HASH_LEN],
                     struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(id), BOL_DBV_BLOB(hash, BOL_CRED_HASH_LEN) };

    return bol_db_exec(DB(s), &q_key_put, p, 2, diag);
}

struct key_out {
    uint8_t *hash;
    struct bol_cred_key_use *use;
    bool found, bad;
};

static int take_key(void *ctx, const struct bol_db_row *row)
{
    struct key_out *o = ctx;
    struct bol_str h = bol_db_row_bytes(row, 0);
    struct bol_str a = bol_db_row_bytes(row, 2);

    o->found = true;
    if (h.len != BOL_CRED_HASH_LEN || (o->use && a.len >= sizeof(o->use->last_addr))) {
        o->bad = true;
        return 1;
    }
    if (o->hash)
        memcpy(o->hash, h.p, BOL_CRED_HASH_LEN);
    if (o->use) {
        o->use->last_used_us = bol_db_row_is_null(row, 1) ? 0 : bol_db_row_int(row, 1);
        memcpy(o->use->last_addr, a.p, a.len);
        o->use->last_addr[a.len] = '\0';
    }
    return 1;
}

static int key_read(struct bol_store *s, const char *id, struct key_out *o, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(id) };
    int r = bol_db_query(DB(s), &q_key_get, p, 1, take_key, o, diag);

    if (r < 0)
        return r;
    if (o->bad)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "key", "a stored key hash is damaged");
    return o->found ? 0 : BOL_E_NOTFOUND;
}

int bol_cred_key_get(struct bol_store *s, const char *id, uint8_t hash[BOL_CRED_HASH_LEN],
                     struct bol_diag *diag)
{
    struct key_out o = { hash, NULL, false, false };

    return key_read(s, id, &o, diag);
}

int bol_cred_key_use_get(struct bol_store *s, const char *id, struct bol_cred_key_use *out,
                         struct bol_diag *diag)
{
    struct key_out o = { NULL, out, false, false };

    memset(out, 0, sizeof(*out));
    return key_read(s, id, &o, diag);
}

int bol_cred_key_used(struct bol_store *s, const char *id, int64_t now_us, const char *addr,
                      struct bol_diag *diag)
{
    struct bol_db_val p[3] = { BOL_DBV_CSTR(id), BOL_DBV_INT(now_us), BOL_DBV_CSTR(addr) };

    return bol_db_exec(DB(s), &q_key_used, p, 3, diag);
}

/* ---- failed logins ---- */

static const struct bol_sql q_fail_add = {
    "INSERT INTO cred_failure (user_name, at_us, addr) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_fail_count = {
    "SELECT count(*) FROM cred_failure WHERE user_name = $1 AND at_us >= $2"
};
static const struct bol_sql q_fail_clear = { "DELETE FROM cred_failure WHERE user_name = $1" };

int bol_cred_failure_add(struct bol_store *s, const char *user, int64_t now_us, const char *addr,
                         struct bol_diag *diag)
{
    struct bol_db_val p[3] = { BOL_DBV_CSTR(user), BOL_DBV_INT(now_us), BOL_DBV_CSTR(addr) };

    return bol_db_exec(DB(s), &q_fail_add, p, 3, diag);
}

int bol_cred_failure_count(struct bol_store *s, const char *user, int64_t since_us, unsigned *ret,
                           struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(user), BOL_DBV_INT(since_us) };
    int64_t n = 0;
    int r = bol_db_query_int(DB(s), &q_fail_count, p, 2, &n, diag);

    *ret = r == 0 && n > 0 ? (unsigned) n : 0;
    return r == BOL_E_NOTFOUND ? 0 : r;
}

int bol_cred_failure_clear(struct bol_store *s, const char *user, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(user) };

    return bol_db_exec(DB(s), &q_fail_clear, p, 1, diag);
}
