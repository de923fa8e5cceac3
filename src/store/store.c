/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.c - data directories, opening and closing, transactions
 *
 * A data directory (mode 0700) holds:
 *     bollard.conf   format, origin, database location (mode 0600: a
 *                    PostgreSQL URL may carry a password)
 *     journal.key    the Ed25519 checkpoint signing key (mode 0600)
 *     journal.pub    its public half, for other hosts to pin
 *     bollard.db     the SQLite database, when SQLite is the engine
 */
#include "compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "errors.h"
#include "events.h"
#include "jsonw.h"
#include "mem.h"
#include "migrate.h"
#include "store-int.h"

#define CONF_NAME   "bollard.conf"
#define KEY_NAME    "journal.key"
#define PUB_NAME    "journal.pub"
#define SQLITE_NAME STORE_SQLITE_NAME
#define CONF_FORMAT "1"

int store_path_join(char *out, size_t n, const char *dir, const char *name, struct bol_diag *diag)
{
    int w = snprintf(out, n, "%s/%s", dir, name);

    if (w < 0 || (size_t) w >= n)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "path", "path too long: '%s/%s'", dir, name);
    return 0;
}

int store_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int r = 0;

    if (fd < 0)
        return bol_err_from_errno(errno);
    if (fsync(fd) != 0)
        r = bol_err_from_errno(errno);
    close(fd);
    return r;
}

int store_write_new_file(const char *path, mode_t mode, struct bol_str data, struct bol_diag *diag)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    size_t off = 0;

    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "file", "cannot create '%s': %s",
                             path, strerror(errno));
    while (off < data.len) {
        ssize_t w = write(fd, data.p + off, data.len - off);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        off += (size_t) w;
    }
    if (fsync(fd) != 0)
        goto fail;
    close(fd);
    return 0;
fail : {
    int e = errno;

    close(fd);
    unlink(path);
    return bol_diag_fail(diag, bol_err_from_errno(e), "file", "cannot write '%s': %s", path,
                         strerror(e));
}
}

/* Read a small file whole (at most max bytes). */
int store_read_small_file(const char *path, size_t max, struct bol_buf *out, struct stat *st,
                          struct bol_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    char chunk[4096];
    ssize_t n;
    int r = 0;

    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "file", "cannot open '%s': %s", path,
                             strerror(errno));
    if (st && fstat(fd, st) != 0) {
        r = bol_diag_fail(diag, BOL_E_IO, "file", "cannot stat '%s': %s", path, strerror(errno));
        goto out;
    }
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            r = bol_diag_fail(diag, BOL_E_IO, "file", "cannot read '%s': %s", path,
                              strerror(errno));
            goto out;
        }
        if (out->len + (size_t) n > max) {
            r = bol_diag_fail(diag, BOL_E_TOOBIG, "file", "'%s' is larger than %zu bytes", path,
                              max);
            goto out;
        }
        r = bol_buf_add(out, chunk, (size_t) n);
        if (r < 0)
            goto out;
    }
out:
    close(fd);
    bol_wipe(chunk, sizeof(chunk));
    return r;
}

/* ---- configuration ---- */

struct conf {
    char origin[BOL_ORIGIN_MAX + 1];
    char db[STORE_PATH_MAX];
};

static int conf_read(const char *dir, struct conf *c, struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct bol_buf b = BOL_BUF_INIT(65536);
    struct bol_str cur, line;
    unsigned lineno = 0;
    bool format_ok = false;
    int r;

    memset(c, 0, sizeof(*c));
    r = store_path_join(path, sizeof(path), dir, CONF_NAME, diag);
    if (r == 0)
        r = store_read_small_file(path, 65536, &b, NULL, diag);
    if (r < 0) {
        if (r == BOL_E_NOTFOUND)
            bol_diag_fail(diag, r, "data",
                          "'%s' is not a bollard data directory (no %s); "
                          "create one with 'bollard init'",
                          dir, CONF_NAME);
        goto out;
    }
    cur = bol_buf_str(&b);
    while (bol_str_next_token(&cur, '\n', &line)) {
        struct bol_str key, val;
        const char *eq;

        lineno++;
        line = bol_str_trim(line);
        if (!line.len || line.p[0] == '#')
            continue;
        eq = memchr(line.p, '=', line.len);
        if (!eq) {
            r = bol_diag_fail(diag, BOL_E_PARSE, "config", "%s:%u: expected 'key = value'", path,
                              lineno);
            goto out;
        }
        key = bol_str_trim(bol_str_make(line.p, (size_t) (eq - line.p)));
        val = bol_str_trim(bol_str_make(eq + 1, (size_t) (line.p + line.len - eq - 1)));
        if (bol_str_eq_cstr(key, "format")) {
            format_ok = bol_str_eq_cstr(val, CONF_FORMAT);
        } else if (bol_str_eq_cstr(key, "origin")) {
            if (bol_str_copy(val, c->origin, sizeof(c->origin)) < 0 ||
                bol_key_name_check(val, NULL) < 0) {
                r = bol_diag_fail(diag, BOL_E_PARSE, "config", "%s:%u: bad origin", path, lineno);
                goto out;
            }
        } else if (bol_str_eq_cstr(key, "db")) {
            if (bol_str_copy(val, c->db, sizeof(c->db)) < 0) {
                r = bol_diag_fail(diag, BOL_E_PARSE, "config", "%s:%u: db too long", path, lineno);
                goto out;
            }
        } else {
            r = bol_diag_fail(diag, BOL_E_PARSE, "config", "%s:%u: unknown key '%.*s'", path,
                              lineno, (int) BOL_MIN(key.len, 32u), key.p);
            goto out;
        }
    }
    if (!format_ok || !c->origin[0] || !c->db[0])
        r = bol_diag_fail(diag, BOL_E_PARSE, "config", "%s: needs 'format = %s', 'origin' and 'db'",
                          path, CONF_FORMAT);
out:
    bol_buf_release_wipe(&b);
    return r;
}

/* The database location without a password, for messages. */
static void redact_url(const char *url, char *out, size_t n)
{
    const char *scheme = strstr(url, "://");
    const char *at = strchr(url, '@');
    const char *colon;

    if (!scheme || !at) {
        snprintf(out, n, "%s", url);
        return;
    }
    colon = memchr(scheme + 3, ':', (size_t) (at - scheme - 3));
    if (!colon) {
        snprintf(out, n, "%s", url);
        return;
    }
    snprintf(out, n, "%.*s:***%s", (int) (colon - url), url, at);
}

static int open_db(struct bol_store *s, const struct conf *c, const struct bol_store_config *cfg,
                   bool create, struct bol_diag *diag)
{
    unsigned flags = (s->read_only ? BOL_DB_READ_ONLY : 0) | (create ? BOL_DB_CREATE : 0);
    char path[STORE_PATH_MAX];
    int r;

    if (!strcmp(c->db, "sqlite")) {
        r = store_path_join(path, sizeof(path), s->data_dir, SQLITE_NAME, diag);
        if (r < 0)
            return r;
        snprintf(s->location, sizeof(s->location), "%s", path);
        snprintf(s->sqlite_vfs, sizeof(s->sqlite_vfs), "%s",
                 cfg->sqlite_vfs ? cfg->sqlite_vfs : "");
        return bol_db_open_sqlite(path, flags, cfg->sqlite_vfs, &s->db, diag);
    }
    if (bol_db_url_is_pg(c->db)) {
        redact_url(c->db, s->location, sizeof(s->location));
        snprintf(s->db_url, sizeof(s->db_url), "%s", c->db);
        return bol_db_open_pg(c->db, flags, &s->db, diag);
    }
    return bol_diag_fail(diag, BOL_E_PARSE, "config",
                         "db must be 'sqlite' or a postgres:// URL, got '%.32s'", c->db);
}

/* Load the signing key, refusing one that others can read (ssh does the same). */
static int load_signer(struct bol_store *s, struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct stat st;
    int r;

    r = store_path_join(path, sizeof(path), s->data_dir, KEY_NAME, diag);
    if (r == 0)
        r = store_read_small_file(path, 4096, &b, &st, diag);
    if (r < 0)
        goto out;
    if (st.st_mode & 077) {
        r = bol_diag_fail(diag, BOL_E_PERM, "key",
                          "signing key '%s' is accessible by others (mode %03o); "
                          "run: chmod 600 '%s'",
                          path, (unsigned) (st.st_mode & 0777), path);
        goto out;
    }
    if (st.st_uid != geteuid()) {
        r = bol_diag_fail(diag, BOL_E_PERM, "key", "signing key '%s' belongs to another user",
                          path);
        goto out;
    }
    r = bol_signer_decode(bol_buf_str(&b), &s->signer, diag);
    if (r < 0)
        goto out;
    if (memcmp(s->signer.v.pk, s->pub.pk, 32) != 0 || strcmp(s->signer.v.name, s->pub.name)) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "key",
                          "signing key '%s' does not match the journal's public key", path);
        bol_signer_wipe(&s->signer);
        goto out;
    }
    s->has_signer = true;
out:
    bol_buf_release_wipe(&b);
    return r;
}

/* The store's own record of its key must match journal.pub on disk. */
static int load_public(struct bol_store *s, struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_buf m = BOL_BUF_INIT(4096);
    struct bol_verifier file_v;
    int r;

    r = store_meta_get(s, "vkey", &m, diag);
    if (r == 0)
        r = bol_verifier_decode(bol_buf_str(&m), &s->pub, diag);
    if (r == 0) {
        /* A key rotation may have committed without putting its files in place. */
        bool settled = false;

        r = store_keys_settle(s, &s->pub, &settled, diag);
    }
    if (r == 0)
        r = store_path_join(path, sizeof(path), s->data_dir, PUB_NAME, diag);
    if (r == 0)
        r = store_read_small_file(path, 4096, &b, NULL, diag);
    if (r == 0)
        r = bol_verifier_decode(bol_buf_str(&b), &file_v, diag);
    if (r == 0 && (memcmp(file_v.pk, s->pub.pk, 32) != 0 || strcmp(file_v.name, s->pub.name)))
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "key",
                          "'%s' differs from the public key recorded in the journal", path);
    if (r == 0 && strcmp(s->pub.name, s->origin))
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "key",
                          "the journal's key name '%s' differs from the origin '%s'", s->pub.name,
                          s->origin);
    bol_buf_release(&b);
    bol_buf_release(&m);
    return r;
}

static struct bol_store *store_alloc(const struct bol_store_config *c)
{
    struct bol_store *s = bol_calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    snprintf(s->data_dir, sizeof(s->data_dir), "%s", c->data_dir);
    s->read_only = c->read_only;
    s->cp_every = c->checkpoint_every ? c->checkpoint_every : BOL_CHECKPOINT_EVERY_DEFAULT;
    s->cp_interval_us =
        c->checkpoint_interval_us ? c->checkpoint_interval_us : BOL_CHECKPOINT_INTERVAL_US_DEFAULT;
    bol_buf_init(&s->entry_buf, NULL, BOL_ENTRY_MAX);
    return s;
}

void bol_store_close(struct bol_store *s)
{
    if (!s)
        return;
    bol_db_close(s->db);
    store_tables_release(s);
    bol_buf_release(&s->entry_buf);
    bol_signer_wipe(&s->signer);
    bol_wipe(s->db_url, sizeof(s->db_url));
    bol_free(s);
}

int bol_store_open(const struct bol_store_config *c, struct bol_store **ret, struct bol_diag *diag)
{
    struct bol_store *s;
    struct conf conf;
    int version = 0;
    int r;

    if (!c->data_dir || !c->data_dir[0])
        return bol_diag_fail(diag, BOL_E_INVAL, "data", "no data directory given");
    s = store_alloc(c);
    if (!s)
        return bol_diag_fail(diag, BOL_E_NOMEM, "store", "out of memory");
    r = conf_read(c->data_dir, &conf, diag);
    if (r < 0)
        goto fail;
    snprintf(s->origin, sizeof(s->origin), "%s", conf.origin);
    r = open_db(s, &conf, c, false, diag);
    bol_wipe(&conf, sizeof(conf));
    if (r < 0)
        goto fail;
    if (s->read_only) {
        r = bol_migrate_version(s->db, &version, diag);
        if (r == 0 && version != (int) bol_migrations_count)
            r = bol_diag_fail(diag, BOL_E_STATE, "schema",
                              "database schema is version %d, this bollard needs %zu: open it "
                              "once for writing to migrate",
                              version, bol_migrations_count);
    } else {
        r = bol_migrate(s->db, NULL, diag);
    }
    if (r == 0)
        r = load_public(s, diag);
    if (r == 0 && !s->read_only)
        r = load_signer(s, diag);
    if (r == 0)
        r = store_tables_prepare(s, diag);
    if (r == 0)
        r = store_tables_ensure(s, diag);
    if (r == 0) {
        struct bol_buf m = BOL_BUF_INIT(64);

        r = store_meta_get(s, "import_mode", &m, NULL);
        s->importing = r == 0 && !strcmp(m.buf, "1");
        bol_buf_release(&m);
        r = r == BOL_E_NOTFOUND ? 0 : r;
    }
    if (r == 0 && s->importing && !s->read_only)
        r = store_import_sync(s, STORE_SYNC_IMPORT, diag);
    if (r < 0)
        goto fail;
    *ret = s;
    return 0;
fail:
    bol_store_close(s);
    return r;
}

static int write_conf(const char *dir, const char *origin, const char *db, struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct bol_buf b = BOL_BUF_INIT(8192);
    int r;

    r = bol_buf_addf(&b,
                     "# bollard data directory: written by 'bollard init'\n"
                     "format = %s\norigin = %s\ndb = %s\n",
                     CONF_FORMAT, origin, db);
    if (r == 0)
        r = store_path_join(path, sizeof(path), dir, CONF_NAME, diag);
    if (r == 0)
        r = store_write_new_file(path, 0600, bol_buf_str(&b), diag);
    bol_buf_release_wipe(&b);
    return r;
}

static int make_data_dir(const char *dir, struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct stat st;

    if (mkdir(dir, 0700) == 0)
        return 0;
    if (errno != EEXIST)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "data",
                             "cannot create data directory '%s': %s", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return bol_diag_fail(diag, BOL_E_CONFLICT, "data", "'%s' exists and is not a directory",
                             dir);
    if (store_path_join(path, sizeof(path), dir, CONF_NAME, diag) < 0)
        return BOL_E_TOOBIG;
    if (access(path, F_OK) == 0)
        return bol_diag_fail(diag, BOL_E_CONFLICT, "data",
                             "'%s' already holds a bollard store; refusing to overwrite it", dir);
    if (chmod(dir, 0700) != 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "data", "cannot chmod '%s': %s", dir,
                             strerror(errno));
    return 0;
}

int bol_store_init(const struct bol_store_config *c, const char *origin, int64_t now_us,
                   struct bol_verifier *ret_pub, struct bol_diag *diag)
{
    return store_create(c, origin, now_us, true, ret_pub, NULL, diag);
}

int store_create(const struct bol_store_config *c, const char *origin, int64_t now_us, bool genesis,
                 struct bol_verifier *ret_pub, struct bol_store **ret, struct bol_diag *diag)
{
    struct bol_store *s = NULL;
    struct bol_signer signer;
    struct bol_buf keytext = BOL_BUF_INIT(4096);
    struct bol_buf pubtext = BOL_BUF_INIT(4096);
    struct bol_buf payload = BOL_BUF_INIT(4096);
    char path[STORE_PATH_MAX];
    struct conf conf;
    struct bol_append_result res;
    struct bol_event ev;
    struct bol_actor sys = { BOL_STR("system"), BOL_STR("") };
    int r;

    memset(&signer, 0, sizeof(signer));
    if (!c->data_dir || !c->data_dir[0])
        return bol_diag_fail(diag, BOL_E_INVAL, "data", "no data directory given");
    if (c->db_url && !bol_db_url_is_pg(c->db_url))
        return bol_diag_fail(diag, BOL_E_INVAL, "db",
                             "--db must be a postgres:// or postgresql:// URL");
    r = bol_key_name_check(bol_str_from(origin), diag);
    if (r < 0)
        return r;
    r = make_data_dir(c->data_dir, diag);
    if (r < 0)
        return r;
    /* Keys first: a directory with a key but no conf is not a store and can be re-initialised. */
    r = bol_signer_generate(origin, &signer, diag);
    if (r == 0)
        r = bol_signer_encode(&signer, &keytext);
    if (r == 0)
        r = bol_buf_addch(&keytext, '\n');
    if (r == 0)
        r = store_path_join(path, sizeof(path), c->data_dir, KEY_NAME, diag);
    if (r == 0)
        r = store_write_new_file(path, 0600, bol_buf_str(&keytext), diag);
    if (r == 0)
        r = bol_verifier_encode(&signer.v, &pubtext);
    if (r == 0)
        r = bol_buf_addch(&pubtext, '\n');
    if (r == 0)
        r = store_path_join(path, sizeof(path), c->data_dir, PUB_NAME, diag);
    if (r == 0)
        r = store_write_new_file(path, 0644, bol_buf_str(&pubtext), diag);
    if (r < 0)
        goto out;

    /* The database: schema, meta, then the conf that makes the directory a store. */
    s = store_alloc(c);
    if (!s) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "store", "out of memory");
        goto out;
    }
    memset(&conf, 0, sizeof(conf));
    snprintf(conf.origin, sizeof(conf.origin), "%s", origin);
    snprintf(conf.db, sizeof(conf.db), "%s", c->db_url ? c->db_url : "sqlite");
    snprintf(s->origin, sizeof(s->origin), "%s", origin);
    r = open_db(s, &conf, c, true, diag);
    if (r < 0)
        goto out;
    r = bol_migrate(s->db, NULL, diag);
    if (r < 0)
        goto out;
    {
        int64_t size = 0;
        static const struct bol_sql q_count = { "SELECT COUNT(*) FROM journal" };

        r = bol_db_query_int(s->db, &q_count, NULL, 0, &size, diag);
        if (r == 0 && size > 0)
            r = bol_diag_fail(diag, BOL_E_CONFLICT, "db",
                              "the database '%s' already holds a journal; refusing to initialise",
                              s->location);
        if (r < 0)
            goto out;
    }
    s->pub = signer.v;
    s->signer = signer;
    s->has_signer = true;
    /* journal.pub ends in a newline; meta and the genesis entry keep the key alone. */
    bol_buf_truncate(&pubtext, pubtext.len - 1);
    r = bol_db_begin(s->db, true, diag);
    if (r == 0)
        r = store_meta_set(s, "origin", origin, diag);
    if (r == 0)
        r = store_meta_set(s, "vkey", pubtext.buf, diag);
    if (r == 0 && !genesis)
        r = store_meta_set(s, "import_mode", "1", diag);
    if (r == 0)
        r = bol_db_commit(s->db, diag);
    else
        bol_db_rollback(s->db);
    if (r == 0)
        r = store_tables_prepare(s, diag);
    if (r == 0)
        r = store_tables_ensure(s, diag);
    if (r < 0)
        goto out;
    if (!genesis) {
        s->importing = true;
        r = store_import_sync(s, STORE_SYNC_IMPORT, diag);
        if (r < 0)
            goto out;
        goto conf;
    }

    /* The first entry names the origin and key; its checkpoint follows at once. */
    r = bol_buf_adds(&payload, "{\"key\":");
    if (r == 0)
        r = bol_json_put_str(&payload, pubtext.buf, pubtext.len);
    if (r == 0)
        r = bol_buf_adds(&payload, ",\"origin\":");
    if (r == 0)
        r = bol_json_put_str(&payload, origin, strlen(origin));
    if (r == 0)
        r = bol_buf_addch(&payload, '}');
    if (r < 0)
        goto out;
    ev = (struct bol_event){ BOL_STR("journal.genesis"), 1, BOL_STR(""), bol_buf_str(&payload),
                             NULL };
    r = bol_store_begin(s, diag);
    if (r == 0)
        r = bol_store_append(s, &sys, BOL_STR(""), NULL, now_us, &ev, 1, &res, diag);
    if (r == 0)
        r = bol_store_commit(s, now_us, diag);
    else
        bol_store_rollback(s);
    if (r < 0)
        goto out;
conf:
    r = write_conf(c->data_dir, origin, conf.db, diag);
    bol_wipe(&conf, sizeof(conf));
    if (r == 0)
        r = store_fsync_dir(c->data_dir);
    if (r < 0)
        goto out;
    if (ret_pub)
        *ret_pub = signer.v;
    if (ret) {
        *ret = s;
        s = NULL;
    }
out:
    bol_store_close(s);
    bol_signer_wipe(&signer);
    bol_buf_release_wipe(&keytext);
    bol_buf_release(&pubtext);
    bol_buf_release(&payload);
    return r;
}

int store_open_reader(struct bol_store *s, struct bol_db **ret, struct bol_diag *diag)
{
    if (s->db_url[0])
        return bol_db_open_pg(s->db_url, BOL_DB_READ_ONLY, ret, diag);
    return bol_db_open_sqlite(s->location, BOL_DB_READ_ONLY,
                              s->sqlite_vfs[0] ? s->sqlite_vfs : NULL, ret, diag);
}

const char *bol_store_origin(const struct bol_store *s)
{
    return s->origin;
}

const struct bol_verifier *bol_store_verifier(const struct bol_store *s)
{
    return &s->pub;
}

const char *bol_store_location(const struct bol_store *s)
{
    return s->location;
}

uint64_t bol_store_writes(const struct bol_store *s)
{
    return bol_db_writes(s->db);
}

/* ---- transactions ---- */

/* The in-memory head belongs to one transaction only. */
static void tx_reset(struct bol_store *s)
{
    s->head_loaded = false;
    s->head_dirty = false;
    s->nsaved = 0;
    s->tx_appended = false;
}

int bol_store_begin(struct bol_store *s, struct bol_diag *diag)
{
    if (s->read_only)
        return bol_diag_fail(diag, BOL_E_PERM, "store", "store opened read-only");
    tx_reset(s);
    return bol_db_begin(s->db, true, diag);
}

int store_commit(struct bol_store *s, int64_t now_us, bool force_checkpoint, struct bol_diag *diag)
{
    bool leave_import = s->importing && s->tx_appended;
    int r = 0;

    if (leave_import) {
        /* The first normal commit after an import: a checkpoint with the new key, durably. */
        s->importing = false;
        force_checkpoint = true;
        r = store_meta_set(s, "import_mode", "0", diag);
        if (r == 0)
            r = store_import_sync(s, STORE_SYNC_SEAL, diag);
    }
    if (r == 0 && (s->head_dirty || force_checkpoint))
        r = store_head_flush(s, now_us, force_checkpoint, diag);
    if (r == 0)
        r = bol_db_commit(s->db, diag);
    else
        bol_db_rollback(s->db);
    if (leave_import) {
        if (r < 0) {
            s->importing = true;
            if (store_import_sync(s, STORE_SYNC_IMPORT, NULL) < 0) {
                /* Only speed is lost: the next commits sync. */
            }
        } else {
            r = store_import_sync(s, STORE_SYNC_DURABLE, diag);
        }
    }
    tx_reset(s);
    return r;
}

int bol_store_commit(struct bol_store *s, int64_t now_us, struct bol_diag *diag)
{
    return store_commit(s, now_us, false, diag);
}

void bol_store_rollback(struct bol_store *s)
{
    bol_db_rollback(s->db);
    tx_reset(s);
}

int bol_store_savepoint(struct bol_store *s, struct bol_diag *diag)
{
    int r;

    if (s->nsaved == STORE_SAVEPOINT_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "store", "savepoints nested too deeply");
    r = bol_db_savepoint(s->db, diag);
    if (r < 0)
        return r;
    /* The in-memory head must roll back with the database. */
    s->saved[s->nsaved].head = s->head;
    s->saved[s->nsaved].loaded = s->head_loaded;
    s->saved[s->nsaved].dirty = s->head_dirty;
    s->nsaved++;
    return 0;
}

int bol_store_release(struct bol_store *s, struct bol_diag *diag)
{
    int r = bol_db_release(s->db, diag);

    if (r == 0 && s->nsaved)
        s->nsaved--;
    return r;
}

void bol_store_rollback_to(struct bol_store *s)
{
    bol_db_rollback_to(s->db);
    if (s->nsaved) {
        s->nsaved--;
        s->head = s->saved[s->nsaved].head;
        s->head_loaded = s->saved[s->nsaved].loaded;
        s->head_dirty = s->saved[s->nsaved].dirty;
    }
}
