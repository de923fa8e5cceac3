/* SPDX-License-Identifier: Apache-2.0 */
/*
 * migrate.c - schema migrations on SQLite and PostgreSQL
 */
#include "compat.h"

#include "buf.h"
#include "db.h"
#include "errors.h"
#include "migrate.h"
#include "utctime.h"

static const char create_table[] = "CREATE TABLE IF NOT EXISTS schema_migration ("
                                   " version INTEGER PRIMARY KEY,"
                                   " name TEXT NOT NULL,"
                                   " applied_at_us INTEGER NOT NULL)";

static const struct bol_sql q_version = {
    "SELECT COALESCE(MAX(version), 0) FROM schema_migration"
};
static const struct bol_sql q_exists_sqlite = {
    "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migration'"
};
static const struct bol_sql q_exists_pg = {
    "SELECT COUNT(*) FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_name = 'schema_migration'"
};
static const struct bol_sql q_record = {
    "INSERT INTO schema_migration (version, name, applied_at_us) VALUES ($1, $2, $3)"
};

static bool is_word_char(char c)
{
    return bol_is_alpha(c) || bol_is_digit(c) || c == '_';
}

int bol_migrate_translate(const char *sql, bool postgres, struct bol_buf *out)
{
    const char *p = sql;
    int r = 0;

    if (!postgres)
        return bol_buf_adds(out, sql);
    while (*p && r == 0) {
        /* Copy comments and string literals unchanged. */
        if (p[0] == '-' && p[1] == '-') {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t) (e - p) : strlen(p);

            r = bol_buf_add(out, p, n);
            p += n;
        } else if (*p == '\'') {
            const char *e = strchr(p + 1, '\'');
            size_t n = e ? (size_t) (e - p) + 1 : strlen(p);

            r = bol_buf_add(out, p, n);
            p += n;
        } else if (is_word_char(*p)) {
            const char *s = p;

            while (is_word_char(*p))
                p++;
            if (p - s == 7 && !strncmp(s, "INTEGER", 7)) {
                r = bol_buf_adds(out, "BIGINT");
            } else if (p - s == 4 && !strncmp(s, "BLOB", 4)) {
                r = bol_buf_adds(out, "BYTEA");
            } else if (p - s == 1 && (*s == 'X' || *s == 'x') && *p == '\'') {
                /* X'hex' blob literal: PostgreSQL spells bytea '\x<hex>'. */
                const char *e = strchr(p + 1, '\'');
                size_t n = e ? (size_t) (e - p - 1) : 0;

                r = bol_buf_adds(out, "'\\x");
                if (r == 0)
                    r = bol_buf_add(out, p + 1, n);
                if (r == 0)
                    r = bol_buf_adds(out, "'::bytea");
                p = e ? e + 1 : p + strlen(p);
            } else if (p - s == 7 && !strncmp(s, "WITHOUT", 7) && !strncmp(p, " ROWID", 6)) {
                p += 6;
            } else {
                r = bol_buf_add(out, s, (size_t) (p - s));
            }
        } else {
            r = bol_buf_addch(out, *p++);
        }
    }
    return r;
}

static int run_script(struct bol_db *db, const char *sql, struct bol_diag *diag)
{
    struct bol_buf b = BOL_BUF_INIT(1u << 20);
    int r;

    r = bol_migrate_translate(sql, db->kind == BOL_DB_POSTGRES, &b);
    if (r == 0)
        r = bol_db_exec_script(db, b.buf, diag);
    else
        bol_diag_fail(diag, r, "migration", "cannot prepare migration text");
    bol_buf_release(&b);
    return r;
}

int bol_migrate_version(struct bol_db *db, int *ret, struct bol_diag *diag)
{
    int64_t v = 0, exists = 0;
    int r;

    /* Only read: a read-only connection may ask too. */
    r = bol_db_query_int(db, db->kind == BOL_DB_POSTGRES ? &q_exists_pg : &q_exists_sqlite, NULL, 0,
                         &exists, diag);
    if (r < 0)
        return r;
    if (!exists) {
        *ret = 0;
        return 0;
    }
    r = bol_db_query_int(db, &q_version, NULL, 0, &v, diag);
    if (r < 0)
        return r;
    *ret = (int) v;
    return 0;
}

int bol_migrate(struct bol_db *db, unsigned *ret_applied, struct bol_diag *diag)
{
    unsigned applied = 0;
    int current = 0;
    size_t i;
    int r;

    r = run_script(db, create_table, diag);
    if (r == 0)
        r = bol_migrate_version(db, &current, diag);
    if (r < 0)
        return r;
    if (current > (int) bol_migrations_count)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "schema",
                             "database schema version %d is newer than this bollard's %zu", current,
                             bol_migrations_count);
    for (i = 0; i < bol_migrations_count; i++) {
        const struct bol_migration *m = &bol_migrations[i];
        struct bol_db_val p[3];

        if (m->version <= current)
            continue;
        r = bol_db_begin(db, true, diag);
        if (r < 0)
            return r;
        r = run_script(db, m->sql, diag);
        if (r == 0) {
            p[0] = BOL_DBV_INT(m->version);
            p[1] = BOL_DBV_CSTR(m->name);
            p[2] = BOL_DBV_INT(bol_time_now_us());
            r = bol_db_exec(db, &q_record, p, 3, diag);
        }
        if (r == 0)
            r = bol_db_commit(db, diag);
        if (r < 0) {
            bol_db_rollback(db);
            return r;
        }
        applied++;
    }
    if (ret_applied)
        *ret_applied = applied;
    return 0;
}
