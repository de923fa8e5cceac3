/* SPDX-License-Identifier: Apache-2.0 */
/*
 * restore.c - journal epochs: restoring into a fresh store, key rotation
 *
 * A restore creates a data directory with a new signing key but no genesis
 * entry, and puts the store in import mode: verified entries of the old
 * journal are appended exactly as given (bol_store_import_entry) and the old
 * epoch's checkpoints stored as given (bol_store_import_checkpoint); no
 * checkpoint is signed.  The first commit with a normal append (the
 * journal.epoch entry naming the new key) forces a checkpoint signed with the
 * new key and leaves import mode.  SQLite runs with synchronous=OFF while
 * importing; leaving import mode flushes the database file and turns
 * synchronous=FULL back on before that commit, so the restored store is
 * durable from the moment the commit returns.
 *
 * A key rotation appends a journal.epoch entry and signs the checkpoint that
 * covers it with a new key.  The new key files are written under temporary
 * names before the commit and renamed after it; a crash in between is
 * finished on the next open (store_keys_settle), which goes by the key the
 * database records.
 */
#include "compat.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "epoch.h"
#include "errors.h"
#include "mem.h"
#include "sha256.h"
#include "migrate.h"
#include "store-int.h"

#define KEY_NAME     "journal.key"
#define PUB_NAME     "journal.pub"
#define KEY_NEW_NAME "journal.key.new"
#define PUB_NEW_NAME "journal.pub.new"

static const struct bol_sql q_insert_entry = {
    "INSERT INTO journal (seq, entry, leaf) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_import_request = {
    "INSERT INTO request (req, cmd_hash, first_seq, last_seq, at_us) VALUES ($1, NULL, $2, $2, $3) "
    "ON CONFLICT (req) DO UPDATE SET last_seq = excluded.last_seq"
};
static const struct bol_sql q_insert_checkpoint = {
    "INSERT INTO checkpoint (size, at_us, note) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_max_epoch = { "SELECT MAX(epoch) FROM journal_epoch" };

/* ---- a state image as the restored database (SQLite) ---- */

static bool dir_empty(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool empty = true;

    if (!d)
        return false;
    while (empty && (e = readdir(d)) != NULL)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}

int bol_store_restore_image_open(const char *data_dir, int *ret_fd, struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    int fd, r;

    *ret_fd = -1;
    if (mkdir(data_dir, 0700) != 0) {
        if (errno != EEXIST)
            return bol_diag_fail(diag, bol_err_from_errno(errno), "data",
                                 "cannot create data directory '%s': %s", data_dir,
                                 strerror(errno));
        if (!dir_empty(data_dir))
            return bol_diag_fail(diag, BOL_E_CONFLICT, "data",
                                 "'%s' exists and is not an empty directory", data_dir);
        if (chmod(data_dir, 0700) != 0)
            return bol_diag_fail(diag, bol_err_from_errno(errno), "data", "cannot chmod '%s': %s",
                                 data_dir, strerror(errno));
    }
    r = store_path_join(path, sizeof(path), data_dir, STORE_SQLITE_NAME, diag);
    if (r < 0)
        return r;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "data", "cannot create '%s': %s",
                             path, strerror(errno));
    *ret_fd = fd;
    return 0;
}

static const struct bol_sql q_image_meta = { "SELECT value FROM meta WHERE key = $1" };
static const struct bol_sql q_image_fingerprint = {
    "INSERT INTO meta (key, value) VALUES ($1, $2)"
};

static int take_value(void *ctx, const struct bol_db_row *row)
{
    struct bol_buf *b = ctx;
    struct bol_str v = bol_db_row_bytes(row, 0);

    bol_buf_reset(b);
    return bol_buf_addstr(b, v) < 0 ? BOL_E_NOMEM : 1;
}

static int image_meta(struct bol_db *db, const char *key, struct bol_buf *out,
                      struct bol_diag *diag)
{
    struct bol_db_val p = BOL_DBV_STR(bol_str_from(key));
    int r;

    bol_buf_reset(out);
    r = bol_db_query(db, &q_image_meta, &p, 1, take_value, out, diag);
    if (r < 0)
        return r;
    if (out->len == 0)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "the image has no %s", key);
    return 0;
}

int bol_store_restore_image_close(const char *data_dir, int fd, uint64_t *ret_seq,
                                  struct bol_diag *diag)
{
    struct bol_buf v = BOL_BUF_INIT(128);
    struct bol_db *db = NULL;
    char path[STORE_PATH_MAX], fp[65];
    uint64_t seq = 0;
    int r = 0;

    if (close(fd) != 0)
        r = bol_diag_fail(diag, BOL_E_IO, "snapshot", "cannot write the image: %s",
                          strerror(errno));
    if (r == 0)
        r = store_path_join(path, sizeof(path), data_dir, STORE_SQLITE_NAME, diag);
    if (r == 0)
        r = bol_db_open_sqlite(path, 0, NULL, &db, diag);
    bol_state_fingerprint(fp);
    if (r == 0)
        r = image_meta(db, "state_fingerprint", &v, diag);
    if (r == 0 && strcmp(v.buf, fp) != 0)
        r = bol_diag_fail(diag, BOL_E_STATE, "snapshot",
                          "the snapshot was made by a bollard with other state tables; replay "
                          "the journal instead");
    if (r == 0)
        r = image_meta(db, "state_seq", &v, diag);
    if (r == 0 && bol_str_to_u64(bol_buf_str(&v), &seq) < 0)
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "the image's state_seq is not a number");
    /*
     * The image's meta table was the state-only store's: it gives way to the
     * store's schema (migrations), whose meta then says the state tables are
     * this bollard's, so bol_store_restore_init keeps them as they are.
     */
    if (r == 0)
        r = bol_db_exec_script(db, "DROP TABLE meta", diag);
    if (r == 0)
        r = bol_migrate(db, NULL, diag);
    if (r == 0) {
        struct bol_db_val p[2] = { BOL_DBV_STR(BOL_STR("state_fingerprint")),
                                   BOL_DBV_STR(bol_str_from(fp)) };

        r = bol_db_exec(db, &q_image_fingerprint, p, 2, diag);
    }
    bol_db_close(db);
    bol_buf_release(&v);
    if (r == 0 && ret_seq)
        *ret_seq = seq;
    return r;
}

/* ---- import mode ---- */

static int fsync_path(const char *path, struct bol_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int r = 0;

    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || fsync(fd) != 0)
        r = bol_diag_fail(diag, BOL_E_IO, "db", "cannot flush '%s': %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return r;
}

/* Flush the SQLite database file and its WAL. */
static int fsync_db_files(struct bol_store *s, struct bol_diag *diag)
{
    char wal[STORE_PATH_MAX + 8];
    int r = fsync_path(s->location, diag);

    snprintf(wal, sizeof(wal), "%s-wal", s->location);
    if (r == 0)
        r = fsync_path(wal, diag);
    return r;
}

int store_import_sync(struct bol_store *s, enum store_sync step, struct bol_diag *diag)
{
    bool pg = s->db->kind == BOL_DB_POSTGRES;
    int r;

    switch (step) {
    case STORE_SYNC_IMPORT:
        /*
         * SQLite: no WAL while importing (every page written once, not to the
         * WAL and again to the database); a crash leaves a directory to throw
         * away, which the import_mode mark says.
         */
        return bol_db_exec_script(s->db,
                                  pg ? "SET synchronous_commit = off"
                                     : "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF",
                                  diag);
    case STORE_SYNC_SEAL:
        if (pg)
            return bol_db_exec_script(s->db, "SET synchronous_commit = on", diag);
        /* Inside the last transaction: what the import wrote is flushed before it commits. */
        return fsync_path(s->location, diag);
    case STORE_SYNC_DURABLE:
        if (pg)
            return 0;
        /* After that commit: back to WAL with synchronous=FULL, everything flushed. */
        r = bol_db_exec_script(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", diag);
        if (r == 0)
            r = fsync_db_files(s, diag);
        return r;
    }
    return BOL_E_INTERNAL;
}

int bol_store_restore_init(const struct bol_store_config *c, const char *origin, int64_t now_us,
                           struct bol_verifier *ret_pub, struct bol_store **ret,
                           struct bol_diag *diag)
{
    return store_create(c, origin, now_us, false, ret_pub, ret, diag);
}

static int import_ready(struct bol_store *s, struct bol_diag *diag)
{
    if (!s->importing || s->state_only)
        return bol_diag_fail(diag, BOL_E_STATE, "store",
                             "the store is not in import mode (bol_store_restore_init)");
    if (!s->db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "import outside a transaction");
    return store_head_load(s, diag);
}

int bol_store_import_entry(struct bol_store *s, struct bol_str entry, bool apply,
                           struct bol_diag *diag)
{
    struct bol_entry e;
    struct bol_hash leaf;
    int r;

    if (entry.len > BOL_ENTRY_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "entry", "entry larger than %u bytes",
                             BOL_ENTRY_MAX);
    r = bol_entry_decode(entry, &e, diag);
    if (r < 0)
        return r;
    bol_merkle_leaf_hash(entry.p, entry.len, &leaf);
    return bol_store_import_prepared(s, entry, &e, &leaf, apply, diag);
}

int bol_store_import_prepared(struct bol_store *s, struct bol_str entry, const struct bol_entry *e,
                              const struct bol_hash *leaf, bool apply, struct bol_diag *diag)
{
    struct store_node_sink ns = { s, diag, 0 };
    struct bol_db_val p[3];
    int r;

    r = import_ready(s, diag);
    if (r < 0)
        return r;
    if (entry.len > BOL_ENTRY_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "entry", "entry larger than %u bytes",
                             BOL_ENTRY_MAX);
    if (e->seq != s->head.f.size + 1)
        return bol_diag_fail(diag, BOL_E_INVAL, "seq",
                             "entry %" PRIu64 " cannot follow entry %" PRIu64 " (expected %" PRIu64
                             ")",
                             e->seq, s->head.f.size, s->head.f.size + 1);
    if (apply) {
        r = store_apply(s, e, diag);
        if (r < 0)
            return r;
    }
    p[0] = BOL_DBV_INT(e->seq);
    p[1] = BOL_DBV_BLOB(entry.p, entry.len);
    p[2] = BOL_DBV_BLOB(leaf->b, BOL_HASH_LEN);
    r = bol_db_exec(s->db, &q_insert_entry, p, 3, diag);
    if (r < 0)
        return r;
    if (e->req.len) {
        /* The command's hash is not journaled: a repeat after the restore is refused as a conflict. */
        p[0] = BOL_DBV_STR(e->req);
        p[1] = BOL_DBV_INT(e->seq);
        p[2] = BOL_DBV_INT(e->at_us);
        r = bol_db_exec(s->db, &q_import_request, p, 3, diag);
        if (r < 0)
            return r;
    }
    r = bol_merkle_frontier_append(&s->head.f, leaf, store_node_put, &ns);
    if (r == 0)
        r = ns.r;
    if (r < 0)
        return r;
    s->head_dirty = true;
    return 0;
}

int bol_store_import_checkpoint(struct bol_store *s, const struct bol_verifier *key,
                                struct bol_str note, struct bol_diag *diag)
{
    struct bol_checkpoint cp;
    struct bol_hash root;
    struct bol_str text;
    struct bol_db_val p[3];
    int r;

    r = import_ready(s, diag);
    if (r < 0)
        return r;
    if (note.len > BOL_NOTE_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "checkpoint", "checkpoint larger than %d bytes",
                             BOL_NOTE_MAX);
    r = bol_note_open(note, key, &text, diag);
    if (r < 0)
        return r;
    r = bol_checkpoint_parse(text, &cp, diag);
    if (r < 0)
        return r;
    if (strcmp(cp.origin, key->name) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "checkpoint",
                             "the checkpoint's origin '%s' is not the key's name '%s'", cp.origin,
                             key->name);
    if (cp.size != s->head.f.size)
        return bol_diag_fail(diag, BOL_E_INVAL, "checkpoint",
                             "checkpoint of size %" PRIu64 " but %" PRIu64 " entries were imported",
                             cp.size, s->head.f.size);
    bol_merkle_frontier_root(&s->head.f, &root);
    if (memcmp(root.b, cp.root.b, BOL_HASH_LEN) != 0)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "checkpoint",
                             "the checkpoint's root differs from the root of the %" PRIu64
                             " imported entries",
                             cp.size);
    p[0] = BOL_DBV_INT(cp.size);
    p[1] = BOL_DBV_INT(cp.at_us);
    p[2] = BOL_DBV_TEXT(note.p, note.len);
    r = bol_db_exec(s->db, &q_insert_checkpoint, p, 3, diag);
    if (r < 0)
        return r;
    s->head.cp_size = cp.size;
    s->head.cp_at_us = cp.at_us;
    s->head_dirty = true;
    return 0;
}

/* ---- key files ---- */

static int unlink_in(const char *dir, const char *name)
{
    char path[STORE_PATH_MAX];

    if (store_path_join(path, sizeof(path), dir, name, NULL) < 0)
        return BOL_E_TOOBIG;
    if (unlink(path) != 0 && errno != ENOENT)
        return bol_err_from_errno(errno);
    return 0;
}

static int rename_in(const char *dir, const char *from, const char *to, struct bol_diag *diag)
{
    char a[STORE_PATH_MAX], b[STORE_PATH_MAX];
    int r = store_path_join(a, sizeof(a), dir, from, diag);

    if (r == 0)
        r = store_path_join(b, sizeof(b), dir, to, diag);
    if (r == 0 && rename(a, b) != 0)
        r = bol_diag_fail(diag, bol_err_from_errno(errno), "key", "cannot rename '%s' to '%s': %s",
                          a, b, strerror(errno));
    return r;
}

/* Overwrite a private key file's bytes before it goes: it is suspected stolen, not needed. */
static void wipe_file(const char *dir, const char *name)
{
    char path[STORE_PATH_MAX];
    uint8_t zero[512];
    struct stat st;
    int fd;

    if (store_path_join(path, sizeof(path), dir, name, NULL) < 0)
        return;
    fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    memset(zero, 0, sizeof(zero));
    if (fstat(fd, &st) == 0) {
        off_t left = st.st_size;

        while (left > 0) {
            ssize_t w = write(fd, zero, (size_t) BOL_MIN(left, (off_t) sizeof(zero)));

            if (w <= 0)
                break;
            left -= w;
        }
        if (fsync(fd) != 0) {
            /* Best effort: the file is replaced next either way. */
        }
    }
    close(fd);
}

static int read_verifier(const char *dir, const char *name, struct bol_verifier *out,
                         struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct bol_buf b = BOL_BUF_INIT(4096);
    int r = store_path_join(path, sizeof(path), dir, name, diag);

    if (r == 0)
        r = store_read_small_file(path, 4096, &b, NULL, diag);
    if (r == 0)
        r = bol_verifier_decode(bol_buf_str(&b), out, diag);
    bol_buf_release(&b);
    return r;
}

static bool same_key(const struct bol_verifier *a, const struct bol_verifier *b)
{
    return !memcmp(a->pk, b->pk, sizeof(a->pk)) && !strcmp(a->name, b->name);
}

/* After the commit: the new key and public key take the usual names; the old public key is kept. */
static int keys_finish(struct bol_store *s, const char *epoch_text, struct bol_diag *diag)
{
    char old_pub[64], path[STORE_PATH_MAX];
    int r = 0;

    snprintf(old_pub, sizeof(old_pub), PUB_NAME ".%s", epoch_text);
    if (store_path_join(path, sizeof(path), s->data_dir, KEY_NEW_NAME, diag) < 0)
        return BOL_E_TOOBIG;
    if (access(path, F_OK) == 0) {
        wipe_file(s->data_dir, KEY_NAME);
        r = rename_in(s->data_dir, KEY_NEW_NAME, KEY_NAME, diag);
    }
    if (r == 0 && store_path_join(path, sizeof(path), s->data_dir, PUB_NAME, diag) == 0 &&
        access(path, F_OK) == 0)
        r = rename_in(s->data_dir, PUB_NAME, old_pub, diag);
    if (r == 0)
        r = rename_in(s->data_dir, PUB_NEW_NAME, PUB_NAME, diag);
    if (r == 0)
        r = store_fsync_dir(s->data_dir);
    return r;
}

int store_keys_settle(struct bol_store *s, const struct bol_verifier *db_key, bool *ret_settled,
                      struct bol_diag *diag)
{
    char path[STORE_PATH_MAX];
    struct bol_verifier pending;
    struct bol_buf ep = BOL_BUF_INIT(64);
    int r;

    *ret_settled = false;
    r = store_path_join(path, sizeof(path), s->data_dir, PUB_NEW_NAME, diag);
    if (r < 0 || access(path, F_OK) != 0)
        return r;
    if (read_verifier(s->data_dir, PUB_NEW_NAME, &pending, NULL) < 0 ||
        !same_key(&pending, db_key)) {
        /* A rotation that never committed: its files are stale. */
        if (s->read_only)
            return 0;
        wipe_file(s->data_dir, KEY_NEW_NAME);
        r = unlink_in(s->data_dir, KEY_NEW_NAME);
        if (r == 0)
            r = unlink_in(s->data_dir, PUB_NEW_NAME);
        if (r < 0)
            return bol_diag_fail(diag, r, "key", "cannot remove a stale '%s' in '%s'", PUB_NEW_NAME,
                                 s->data_dir);
        return 0;
    }
    /* The database holds the new key: the rotation committed; finish putting files in place. */
    r = store_meta_get(s, "epoch", &ep, NULL);
    if (r == 0) {
        uint64_t n = 0;

        if (bol_str_to_u64(bol_buf_str(&ep), &n) == 0 && n > 1) {
            bol_buf_reset(&ep);
            r = bol_buf_addf(&ep, "%" PRIu64, n - 1);
        }
    } else {
        bol_buf_reset(&ep);
        r = bol_buf_adds(&ep, "old");
    }
    if (r == 0)
        r = keys_finish(s, ep.buf, diag);
    bol_buf_release(&ep);
    if (r == 0)
        *ret_settled = true;
    return r;
}

/* ---- key rotation ---- */

static int write_key_files(struct bol_store *s, const struct bol_signer *k, struct bol_diag *diag)
{
    struct bol_buf key = BOL_BUF_INIT(4096), pub = BOL_BUF_INIT(4096);
    char path[STORE_PATH_MAX];
    int r;

    r = unlink_in(s->data_dir, KEY_NEW_NAME);
    if (r == 0)
        r = unlink_in(s->data_dir, PUB_NEW_NAME);
    if (r == 0)
        r = bol_signer_encode(k, &key);
    if (r == 0)
        r = bol_buf_addch(&key, '\n');
    if (r == 0)
        r = bol_verifier_encode(&k->v, &pub);
    if (r == 0)
        r = bol_buf_addch(&pub, '\n');
    if (r == 0)
        r = store_path_join(path, sizeof(path), s->data_dir, KEY_NEW_NAME, diag);
    if (r == 0)
        r = store_write_new_file(path, 0600, bol_buf_str(&key), diag);
    if (r == 0)
        r = store_path_join(path, sizeof(path), s->data_dir, PUB_NEW_NAME, diag);
    if (r == 0)
        r = store_write_new_file(path, 0644, bol_buf_str(&pub), diag);
    if (r == 0)
        r = store_fsync_dir(s->data_dir);
    bol_buf_release_wipe(&key);
    bol_buf_release(&pub);
    return r;
}

int bol_store_rotate_key(struct bol_store *s, const char *reason_note, int64_t now_us,
                         struct bol_verifier *ret_pub, struct bol_diag *diag)
{
    struct bol_actor sys = { BOL_STR("system"), BOL_STR("") };
    struct bol_signer next, prev_signer;
    struct bol_verifier prev_pub;
    struct bol_buf cp = BOL_BUF_INIT(BOL_NOTE_MAX), payload = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_buf pubtext = BOL_BUF_INIT(4096);
    struct bol_append_result res;
    struct bol_event ev;
    char epoch_text[32];
    int64_t max_epoch = 0;
    bool swapped = false;
    int r;

    memset(&next, 0, sizeof(next));
    if (s->read_only || s->state_only || !s->has_signer)
        return bol_diag_fail(diag, BOL_E_PERM, "store", "the store cannot sign (read-only)");
    if (s->importing)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "the store is still importing");
    if (reason_note && strlen(reason_note) > BOL_EPOCH_NOTE_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "note", "the note is longer than %d bytes",
                             BOL_EPOCH_NOTE_MAX);
    r = bol_signer_generate(s->origin, &next, diag);
    if (r == 0)
        r = write_key_files(s, &next, diag);
    if (r < 0)
        goto out;
    r = bol_store_begin(s, diag);
    if (r < 0)
        goto out;
    /* Cover every entry with a checkpoint of the old key first, so the epoch names its root. */
    r = store_head_load(s, diag);
    if (r == 0 && s->head.f.size > s->head.cp_size)
        r = store_write_checkpoint(s, now_us, diag);
    if (r == 0)
        r = bol_store_latest_checkpoint(s, &cp, diag);
    if (r == 0)
        r = bol_db_query_int(s->db, &q_max_epoch, NULL, 0, &max_epoch, diag);
    if (r == 0 && (max_epoch < 1 || max_epoch >= BOL_EPOCH_MAX))
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "journal_epoch",
                          "the journal's epochs are missing from state");
    if (r == 0)
        r = bol_epoch_payload((uint64_t) max_epoch + 1, &next.v, &s->pub, bol_buf_str(&cp),
                              BOL_EPOCH_KEY_ROTATION, bol_str_from(reason_note ? reason_note : ""),
                              &payload, diag);
    if (r == 0) {
        ev = (struct bol_event){ BOL_STR("journal.epoch"), 1, BOL_STR(""), bol_buf_str(&payload),
                                 NULL };
        r = bol_store_append(s, &sys, BOL_STR(""), NULL, now_us, &ev, 1, &res, diag);
    }
    if (r == 0)
        r = bol_verifier_encode(&next.v, &pubtext);
    snprintf(epoch_text, sizeof(epoch_text), "%" PRId64, max_epoch + 1);
    if (r == 0)
        r = store_meta_set(s, "vkey", pubtext.buf, diag);
    if (r == 0)
        r = store_meta_set(s, "epoch", epoch_text, diag);
    if (r < 0) {
        bol_store_rollback(s);
        goto out;
    }
    /* The checkpoint covering the epoch entry is the new key's first. */
    prev_signer = s->signer;
    prev_pub = s->pub;
    s->signer = next;
    s->pub = next.v;
    swapped = true;
    r = store_commit(s, now_us, true, diag);
    if (r < 0) {
        s->signer = prev_signer;
        s->pub = prev_pub;
        swapped = false;
        goto out;
    }
    bol_signer_wipe(&prev_signer);
    snprintf(epoch_text, sizeof(epoch_text), "%" PRId64, max_epoch);
    r = keys_finish(s, epoch_text, diag);
    if (r < 0)
        goto out;
    if (ret_pub)
        *ret_pub = next.v;
out:
    if (!swapped) {
        int ignored;

        wipe_file(s->data_dir, KEY_NEW_NAME);
        ignored = unlink_in(s->data_dir, KEY_NEW_NAME);
        ignored = unlink_in(s->data_dir, PUB_NEW_NAME);
        (void) ignored;
    }
    bol_signer_wipe(&next);
    bol_buf_release(&cp);
    bol_buf_release(&payload);
    bol_buf_release(&pubtext);
    return r;
}
