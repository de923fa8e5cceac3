/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica.c - pull, verify and keep the primary's journal (replica.h)
 *
 * The tree.  The replica keeps the frontier at `verified` (the newest size a
 * signed checkpoint covered) and, for the entries held beyond it, their leaf
 * hashes and bytes.  A checkpoint of size C is accepted when its signature
 * verifies with the key of the epoch that owns entry C and its root equals
 * the root of the replica's own entries 1..C; since every root comes from the
 * one sequence of leaves the replica holds, each accepted checkpoint is also
 * consistent with every earlier one.  The primary is only ever asked for
 * entries after the last one held, so nothing it sends can replace one.
 *
 * Epochs and lineages.  Epoch 1 is the journal the replica was set up with.
 * An approved epoch n names its parent and its base: the first entry it owns.
 * The current lineage is the chain of epochs from the newest back to 1;
 * entry s of the lineage belongs to the newest epoch whose base <= s.  The
 * vault keeps the records of every epoch, so a restore cut that left entries
 * of an old epoch behind keeps them as evidence.
 */
#include "compat.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "replica.h"
#include "replica-int.h"
#include "entry.h"
#include "errors.h"
#include "mem.h"
#include "pack.h"
#include "store.h"
#include "utctime.h"
#include "vault.h"

#define PATH_LEN        4096
#define DIR_LEN         3840 /* leaves room for the names under it */
#define KEY_TEXT_MAX    512
#define PULL_LIMIT      10000
#define HTTP_BODY_MAX   (64u << 20)
#define BLOB_MAX        (1u << 20)
#define INDEX_MAX       20000
#define ALERT_TEXT_MAX  512
#define PENDING_MAX_DEF 1000000
#define BATCH_BYTES_MAX (8u << 20) /* an entries record, well below the vault's 16 MiB */

struct epoch {
    uint32_t n;
    uint32_t parent;
    uint64_t base;
    char key_text[KEY_TEXT_MAX];
    struct bol_verifier key;
};

/* Where a segment's records of one epoch start. */
struct index_item {
    uint32_t segment;
    uint32_t epoch;
    uint64_t first_seq;
};

struct conf {
    char primary[1024];
    char ca[PATH_LEN];
    unsigned poll_ms;
    unsigned snapshot_every_s;
    unsigned pack_every_s;
    unsigned packs_kept;
    uint64_t pending_max;
    struct bol_vault_retention keep;
};

struct bol_replica {
    char dir[DIR_LEN];
    enum bol_replica_mode mode;
    struct conf conf;
    char api_key[256];
    struct bol_vault *v;
    bol_replica_alert_fn on_alert;
    void *alert_ctx;

    char origin[BOL_ORIGIN_MAX + 1];
    struct epoch ep[BOL_REPLICA_EPOCHS_MAX];
    unsigned nep;
    uint32_t cur; /* the newest epoch of the current lineage */

    uint64_t size;                /* entries held in the current lineage */
    struct bol_hash last_leaf;    /* of entry size */
    struct bol_hash vleaf;        /* of entry verified */
    uint64_t verified;            /* covered by a verified checkpoint */
    struct bol_merkle_frontier f; /* at verified */
    bool need_rescan;             /* the blob holds no frontier: recompute from the vault */

    /* Entries verified + 1 .. size: leaf hashes, and bytes (offsets into pend_bytes). */
    struct bol_hash *pend_leaf;
    size_t *pend_off;
    size_t npend, pend_cap;
    struct bol_buf pend_bytes;
    size_t pend_written; /* of those, stored in PENDING records of generation pgen */
    uint32_t
        pgen; /* raised when held entries are dropped (a fork): older PENDING records stay as evidence */

    uint64_t cp_size;
    struct bol_buf cp_note;

    struct index_item *idx;
    size_t nidx;

    uint64_t alerts;
    char last_alert[64]; /* the kind of the last alert, until a poll goes well */

    struct bol_store *state; /* write mode: the terminal's state at `verified` */
    uint64_t snap_seq;
    int64_t snap_at_us, pack_at_us;
    uint64_t pack_seq;

    CURL *curl;
};

/* ---- small helpers ---- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t) (v >> 32));
    put32(p + 4, (uint32_t) v);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t) get32(p) << 32 | get32(p + 4);
}

static int b64_hash(const struct bol_hash *h, char out[64])
{
    sodium_bin2base64(out, 64, h->b, sizeof(h->b), sodium_base64_VARIANT_ORIGINAL);
    return 0;
}

static int unb64_hash(const char *s, struct bol_hash *h)
{
    size_t n = 0;

    if (sodium_base642bin(h->b, sizeof(h->b), s, strlen(s), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != sizeof(h->b))
        return BOL_E_CORRUPT;
    return 0;
}

static int read_small_file(const char *path, struct bol_buf *out, size_t max, struct bol_diag *diag)
{
    char chunk[4096];
    FILE *f = fopen(path, "r");
    size_t n;
    int r = 0;

    if (!f)
        return bol_diag_fail(diag, errno == ENOENT ? BOL_E_NOTFOUND : BOL_E_IO, "replica",
                             "cannot open '%s': %s", path, strerror(errno));
    while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len + n > max)
            r = bol_diag_fail(diag, BOL_E_TOOBIG, "replica", "'%s' is larger than %zu bytes", path,
                              max);
        else if (bol_buf_add(out, chunk, n) < 0)
            r = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    }
    if (r == 0 && ferror(f))
        r = bol_diag_fail(diag, BOL_E_IO, "replica", "cannot read '%s'", path);
    fclose(f);
    return r;
}

/* Write a file that must not exist, with mode, and fsync it. */
static int write_new_file(const char *path, const void *p, size_t n, mode_t mode,
                          struct bol_diag *diag)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    const uint8_t *b = p;

    if (fd < 0)
        return bol_diag_fail(diag, BOL_E_IO, "replica", "cannot create '%s': %s", path,
                             strerror(errno));
    while (n > 0) {
        ssize_t w = write(fd, b, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return bol_diag_fail(diag, BOL_E_IO, "replica", "cannot write '%s': %s", path,
                                 strerror(errno));
        }
        b += w;
        n -= (size_t) w;
    }
    if (fsync(fd) != 0) {
        close(fd);
        return bol_diag_fail(diag, BOL_E_IO, "replica", "cannot sync '%s': %s", path,
                             strerror(errno));
    }
    close(fd);
    return 0;
}

static int secret_file_check(const char *path, struct bol_diag *diag)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return bol_diag_fail(diag, BOL_E_IO, "replica", "cannot stat '%s': %s", path,
                             strerror(errno));
    if (st.st_mode & 077)
        return bol_diag_fail(diag, BOL_E_PERM, "replica",
                             "'%s' is readable by others (mode %03o); it must be 0600", path,
                             (unsigned) (st.st_mode & 0777));
    return 0;
}

static void path_in(const struct bol_replica *r, const char *name, char out[PATH_LEN])
{
    size_t d = strlen(r->dir), n = strlen(name);

    /* dir is at most DIR_LEN - 1 and names are short: cut rather than overflow */
    if (d + 1 + n >= PATH_LEN)
        n = PATH_LEN - 2 - d;
    memcpy(out, r->dir, d);
    out[d] = '/';
    memcpy(out + d + 1, name, n);
    out[d + 1 + n] = '\0';
}

/* JSON text into a buffer (whatever allocator jansson was given). */
static int dump_json(json_t *o, size_t flags, struct bol_buf *out)
{
    size_t n = o ? json_dumpb(o, NULL, 0, flags) : 0;

    if (n == 0 || bol_buf_grow(out, n + 1) < 0)
        return BOL_E_NOMEM;
    if (json_dumpb(o, out->buf + out->len, n, flags) != n)
        return BOL_E_NOMEM;
    out->len += n;
    out->buf[out->len] = '\0';
    return 0;
}

/* ---- lineage ---- */

static const struct epoch *epoch_get(const struct bol_replica *r, uint32_t n)
{
    unsigned i;

    for (i = 0; i < r->nep; i++)
        if (r->ep[i].n == n)
            return &r->ep[i];
    return NULL;
}

/* The epoch of lineage `tip` that owns entry seq. */
static const struct epoch *owner(const struct bol_replica *r, uint32_t tip, uint64_t seq)
{
    const struct epoch *e = epoch_get(r, tip);

    while (e && seq < e->base && e->parent)
        e = epoch_get(r, e->parent);
    return e;
}

const struct bol_verifier *bol_replica_key_at(const struct bol_replica *r, uint64_t seq)
{
    const struct epoch *e = owner(r, r->cur, seq);

    return e ? &e->key : NULL;
}

/* ---- alerts ---- */

static int alert(struct bol_replica *r, int64_t now_us, const char *kind, const char *fmt, ...)
    BOL_PRINTF(4, 5);

static int alert(struct bol_replica *r, int64_t now_us, const char *kind, const char *fmt, ...)
{
    char msg[ALERT_TEXT_MAX], at[BOL_TIME_TEXT_MAX];
    struct bol_buf text = BOL_BUF_INIT(4096);
    json_t *o;
    va_list ap;
    int rc = 0;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!strcmp(kind, r->last_alert))
        return 0; /* the same kind of refusal again, poll after poll: said once */
    snprintf(r->last_alert, sizeof(r->last_alert), "%s", kind);
    r->alerts++;
    if (r->on_alert)
        r->on_alert(r->alert_ctx, kind, msg);
    if (r->mode != BOL_REPLICA_WRITE)
        return 0;
    bol_time_format(now_us, 0, 6, at);
    o = json_pack("{s:s,s:s,s:s}", "at", at, "kind", kind, "message", msg);
    rc = dump_json(o, JSON_COMPACT | JSON_SORT_KEYS, &text);
    json_decref(o);
    if (rc == 0) {
        struct bol_diag d;

        bol_diag_init(&d);
        rc = bol_vault_append(r->v, BOL_REC_ALERT, text.buf, text.len, &d);
    }
    bol_buf_release(&text);
    return rc;
}

/* ---- the head blob ---- */

static int blob_write(struct bol_replica *r, struct bol_diag *diag)
{
    json_t *o = json_object(), *eps = json_array(), *fr = json_array(), *ix = json_array();
    struct bol_buf text = BOL_BUF_INIT(BLOB_MAX);
    char h64[64];
    unsigned i;
    int rc;

    if (!o || !eps || !fr || !ix)
        goto nomem;
    for (i = 0; i < r->nep; i++)
        if (json_array_append_new(eps,
                                  json_pack("{s:I,s:I,s:I,s:s}", "n", (json_int_t) r->ep[i].n,
                                            "parent", (json_int_t) r->ep[i].parent, "base",
                                            (json_int_t) r->ep[i].base, "key", r->ep[i].key_text)))
            goto nomem;
    for (i = 0; i < r->f.n; i++) {
        b64_hash(&r->f.h[i], h64);
        if (json_array_append_new(fr, json_string(h64)))
            goto nomem;
    }
    for (i = 0; i < r->nidx; i++)
        if (json_array_append_new(ix, json_pack("[I,I,I]", (json_int_t) r->idx[i].segment,
                                                (json_int_t) r->idx[i].epoch,
                                                (json_int_t) r->idx[i].first_seq)))
            goto nomem;
    if (json_object_set_new(o, "v", json_integer(1)) ||
        json_object_set_new(o, "origin", json_string(r->origin)) ||
        json_object_set_new(o, "epochs", eps) ||
        json_object_set_new(o, "cur", json_integer(r->cur)) ||
        json_object_set_new(o, "size", json_integer((json_int_t) r->size)) ||
        json_object_set_new(o, "verified", json_integer((json_int_t) r->verified)) ||
        json_object_set_new(o, "frontier", r->need_rescan ? json_null() : fr) ||
        json_object_set_new(o, "cp_size", json_integer((json_int_t) r->cp_size)) ||
        json_object_set_new(o, "cp_note", json_stringn(r->cp_note.buf, r->cp_note.len)) ||
        json_object_set_new(o, "index", ix) ||
        json_object_set_new(o, "alerts", json_integer((json_int_t) r->alerts)) ||
        json_object_set_new(o, "pgen", json_integer((json_int_t) r->pgen)) ||
        (b64_hash(&r->vleaf, h64), json_object_set_new(o, "vleaf", json_string(h64))))
        goto nomem_set;
    if (r->need_rescan)
        json_decref(fr);
    rc = dump_json(o, JSON_COMPACT, &text);
    json_decref(o);
    if (rc < 0) {
        bol_buf_release(&text);
        return bol_diag_fail(diag, BOL_E_TOOBIG, "replica", "the replica's head is too large");
    }
    rc = bol_vault_sync(r->v, text.buf, text.len, diag);
    bol_buf_release(&text);
    return rc;
nomem:
    json_decref(eps);
    json_decref(fr);
    json_decref(ix);
    json_decref(o);
    return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
nomem_set:
    json_decref(o);
    return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
}

static int epoch_from_json(json_t *e, struct epoch *out, struct bol_diag *diag)
{
    json_t *n = json_object_get(e, "n"), *p = json_object_get(e, "parent"),
           *b = json_object_get(e, "base"), *k = json_object_get(e, "key");

    if (!json_is_integer(n) || !json_is_integer(p) || !json_is_integer(b) || !json_is_string(k) ||
        json_integer_value(n) < 1 || json_integer_value(b) < 1 ||
        json_string_length(k) >= KEY_TEXT_MAX)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "the replica's head has a bad epoch");
    out->n = (uint32_t) json_integer_value(n);
    out->parent = (uint32_t) json_integer_value(p);
    out->base = (uint64_t) json_integer_value(b);
    snprintf(out->key_text, sizeof(out->key_text), "%s", json_string_value(k));
    return bol_verifier_decode(bol_str_from(out->key_text), &out->key, diag);
}

static int blob_read(struct bol_replica *r, struct bol_diag *diag)
{
    struct bol_str b = bol_vault_blob(r->v);
    json_error_t je;
    json_t *o = json_loadb(b.p, b.len, 0, &je), *a, *x;
    size_t i;
    int rc = 0;

    if (!o)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "replica",
                             "the replica's head does not parse: %s", je.text);
    a = json_object_get(o, "epochs");
    if (!json_is_array(a) || json_array_size(a) == 0 ||
        json_array_size(a) > BOL_REPLICA_EPOCHS_MAX ||
        !json_is_string(json_object_get(o, "origin")) ||
        json_string_length(json_object_get(o, "origin")) > BOL_ORIGIN_MAX) {
        json_decref(o);
        return bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "the replica's head is incomplete");
    }
    snprintf(r->origin, sizeof(r->origin), "%s", json_string_value(json_object_get(o, "origin")));
    r->nep = 0;
    json_array_foreach(a, i, x)
    {
        if ((rc = epoch_from_json(x, &r->ep[r->nep], diag)) < 0)
            break;
        r->nep++;
    }
    r->cur = (uint32_t) json_integer_value(json_object_get(o, "cur"));
    r->size = (uint64_t) json_integer_value(json_object_get(o, "size"));
    r->verified = (uint64_t) json_integer_value(json_object_get(o, "verified"));
    r->cp_size = (uint64_t) json_integer_value(json_object_get(o, "cp_size"));
    r->alerts = (uint64_t) json_integer_value(json_object_get(o, "alerts"));
    r->pgen = (uint32_t) json_integer_value(json_object_get(o, "pgen"));
    x = json_object_get(o, "vleaf");
    memset(&r->vleaf, 0, sizeof(r->vleaf));
    if (rc == 0 && r->verified &&
        (!json_is_string(x) || unb64_hash(json_string_value(x), &r->vleaf) < 0))
        rc = bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "the replica's head has no last leaf");
    x = json_object_get(o, "cp_note");
    bol_buf_reset(&r->cp_note);
    if (rc == 0 && json_is_string(x) &&
        bol_buf_add(&r->cp_note, json_string_value(x), json_string_length(x)) < 0)
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    if (rc == 0 && (!epoch_get(r, r->cur) || r->verified > r->size))
        rc = bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "the replica's head is inconsistent");
    /* frontier */
    bol_merkle_frontier_init(&r->f);
    x = json_object_get(o, "frontier");
    r->need_rescan = !json_is_array(x);
    if (rc == 0 && json_is_array(x)) {
        json_t *h;
        size_t k;

        if (json_array_size(x) > 64)
            rc =
                bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "the replica's head is inconsistent");
        json_array_foreach(x, k, h)
        {
            if (rc < 0)
                break;
            if (!json_is_string(h) || unb64_hash(json_string_value(h), &r->f.h[k]) < 0)
                rc = bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "bad frontier hash");
        }
        r->f.size = r->verified;
        r->f.n = (unsigned) json_array_size(x);
        if (rc == 0 && (unsigned) __builtin_popcountll(r->verified) != r->f.n)
            rc = bol_diag_fail(diag, BOL_E_CORRUPT, "replica",
                               "the replica's frontier is inconsistent");
    }
    /* index */
    x = json_object_get(o, "index");
    r->nidx = 0;
    if (rc == 0 && json_is_array(x)) {
        json_t *it;
        size_t k;

        if (json_array_size(x) > INDEX_MAX)
            rc = bol_diag_fail(diag, BOL_E_CORRUPT, "replica", "the replica's index is too large");
        json_array_foreach(x, k, it)
        {
            if (rc < 0)
                break;
            r->idx[r->nidx].segment = (uint32_t) json_integer_value(json_array_get(it, 0));
            r->idx[r->nidx].epoch = (uint32_t) json_integer_value(json_array_get(it, 1));
            r->idx[r->nidx].first_seq = (uint64_t) json_integer_value(json_array_get(it, 2));
            r->nidx++;
        }
    }
    json_decref(o);
    return rc;
}

/* ---- configuration ---- */

static int conf_read(struct bol_replica *r, struct bol_diag *diag)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 16);
    char path[PATH_LEN];
    json_error_t je;
    json_t *o, *x;
    int rc;

    path_in(r, "replica.conf", path);
    rc = read_small_file(path, &b, 1 << 16, diag);
    if (rc < 0) {
        bol_buf_release(&b);
        return rc;
    }
    o = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
    bol_buf_release(&b);
    if (!o || !json_is_string(json_object_get(o, "primary")))
        return json_decref(o),
               bol_diag_fail(diag, BOL_E_PARSE, "replica", "%s line %d: %s", path, o ? 1 : je.line,
                             o ? "\"primary\" is missing" : je.text);
    snprintf(r->conf.primary, sizeof(r->conf.primary), "%s",
             json_string_value(json_object_get(o, "primary")));
    x = json_object_get(o, "ca");
    r->conf.ca[0] = '\0';
    if (json_is_string(x))
        snprintf(r->conf.ca, sizeof(r->conf.ca), "%s/%s", r->dir, json_string_value(x));
#define CONF_UINT(name, field, def, lo, hi)                                                        \
    do {                                                                                           \
        x = json_object_get(o, name);                                                              \
        r->conf.field = def;                                                                       \
        if (x && (!json_is_integer(x) || json_integer_value(x) < (lo) ||                           \
                  json_integer_value(x) > (hi))) {                                                 \
            json_decref(o);                                                                        \
            return bol_diag_fail(diag, BOL_E_INVAL, "replica", "%s: %s must be %d to %d", path,    \
                                 name, lo, hi);                                                    \
        }                                                                                          \
        if (x)                                                                                     \
            r->conf.field = (unsigned) json_integer_value(x);                                      \
    } while (0)
    CONF_UINT("poll_ms", poll_ms, 1000, 50, 3600000);
    CONF_UINT("snapshot_every_s", snapshot_every_s, 3600, 1, 86400 * 7);
    CONF_UINT("pack_every_s", pack_every_s, 300, 1, 86400);
    CONF_UINT("packs_kept", packs_kept, 5, 1, 1000);
    CONF_UINT("keep_hourly", keep.hourly, 24, 0, 10000);
    CONF_UINT("keep_daily", keep.daily, 7, 0, 10000);
    CONF_UINT("keep_weekly", keep.weekly, 5, 0, 10000);
    CONF_UINT("keep_monthly", keep.monthly, 12, 0, 10000);
#undef CONF_UINT
    r->conf.pending_max = PENDING_MAX_DEF;
    json_decref(o);
    return 0;
}

/* ---- creating ---- */

int bol_replica_create(const struct bol_replica_init *in, struct bol_buf *ret_pack_pub,
                       struct bol_diag *diag)
{
    struct bol_replica *r;
    struct bol_verifier pin;
    struct bol_signer pk;
    struct bol_buf sk = BOL_BUF_INIT(4096), pub = BOL_BUF_INIT(4096), ca = BOL_BUF_INIT(1 << 20);
    char path[PATH_LEN];
    struct bol_buf text = BOL_BUF_INIT(1 << 16);
    json_t *conf;
    int rc;

    if (strncmp(in->primary, "https://", 8) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "primary",
                             "the primary is reached over HTTPS only: '%s'", in->primary);
    if (strlen(in->api_key) == 0 || strlen(in->api_key) > 200)
        return bol_diag_fail(diag, BOL_E_INVAL, "api_key", "the API key is missing or too long");
    rc = bol_verifier_decode(bol_str_from(in->pin), &pin, diag);
    if (rc < 0)
        return rc;
    if (in->ca_file && (rc = read_small_file(in->ca_file, &ca, 1 << 20, diag)) < 0)
        return bol_buf_release(&ca), rc;
    rc = bol_vault_create(in->dir, diag);
    if (rc < 0)
        return bol_buf_release(&ca), rc;
    r = bol_calloc(1, sizeof(*r));
    if (!r)
        return bol_buf_release(&ca), bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    snprintf(r->dir, sizeof(r->dir), "%s", in->dir);
    bol_buf_init(&r->cp_note, NULL, BOL_NOTE_MAX);

    conf = json_pack("{s:s,s:i,s:i,s:i}", "primary", in->primary, "poll_ms", 1000,
                     "snapshot_every_s", 3600, "pack_every_s", 300);
    if (conf && in->ca_file)
        json_object_set_new(conf, "ca", json_string("primary.crt"));
    if (dump_json(conf, JSON_INDENT(2) | JSON_SORT_KEYS, &text) < 0 ||
        bol_buf_addch(&text, '\n') < 0)
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    json_decref(conf);
    path_in(r, "replica.conf", path);
    if (rc == 0)
        rc = write_new_file(path, text.buf, text.len, 0600, diag);
    bol_buf_release(&text);
    path_in(r, "replica.apikey", path);
    if (rc == 0)
        rc = write_new_file(path, in->api_key, strlen(in->api_key), 0600, diag);
    path_in(r, "primary.crt", path);
    if (rc == 0 && in->ca_file)
        rc = write_new_file(path, ca.buf, ca.len, 0644, diag);
    /* the pack key: the replica's own, never the primary's */
    if (rc == 0)
        rc = bol_signer_generate(pin.name, &pk, diag);
    if (rc == 0 && (bol_signer_encode(&pk, &sk) < 0 || bol_buf_addch(&sk, '\n') < 0 ||
                    bol_verifier_encode(&pk.v, &pub) < 0 || bol_buf_addch(&pub, '\n') < 0))
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    bol_signer_wipe(&pk);
    path_in(r, "pack.key", path);
    if (rc == 0)
        rc = write_new_file(path, sk.buf, sk.len, 0600, diag);
    path_in(r, "pack.pub", path);
    if (rc == 0)
        rc = write_new_file(path, pub.buf, pub.len, 0644, diag);
    if (rc == 0 && ret_pack_pub && bol_buf_add(ret_pack_pub, pub.buf, pub.len - 1) < 0)
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    sodium_memzero(sk.buf, sk.len);
    bol_buf_release(&sk);
    bol_buf_release(&pub);
    bol_buf_release(&ca);
    if (rc == 0) {
        struct bol_buf kt = BOL_BUF_INIT(KEY_TEXT_MAX - 1);

        snprintf(r->origin, sizeof(r->origin), "%s", pin.name);
        r->ep[0].n = 1;
        r->ep[0].parent = 0;
        r->ep[0].base = 1;
        r->ep[0].key = pin;
        if (bol_verifier_encode(&pin, &kt) < 0)
            rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
        else
            snprintf(r->ep[0].key_text, sizeof(r->ep[0].key_text), "%s", kt.buf);
        bol_buf_release(&kt);
        r->nep = 1;
        r->cur = 1;
        bol_merkle_frontier_init(&r->f);
    }
    if (rc == 0)
        rc = bol_vault_open(r->dir, NULL, &r->v, diag);
    if (rc == 0) {
        r->mode = BOL_REPLICA_WRITE;
        rc = blob_write(r, diag);
    }
    bol_vault_close(r->v);
    bol_buf_release(&r->cp_note);
    bol_free(r);
    if (rc == 0) {
        char p2[PATH_LEN];

        snprintf(p2, sizeof(p2), "%s/packs", in->dir);
        if (mkdir(p2, 0700) != 0)
            rc = bol_diag_fail(diag, BOL_E_IO, "replica", "cannot create '%s': %s", p2,
                               strerror(errno));
        snprintf(p2, sizeof(p2), "%s/drills", in->dir);
        if (rc == 0 && mkdir(p2, 0700) != 0)
            rc = bol_diag_fail(diag, BOL_E_IO, "replica", "cannot create '%s': %s", p2,
                               strerror(errno));
    }
    return rc;
}

/* ---- reading the vault ---- */

struct cps_ctx {
    struct bol_replica *r;
    uint64_t upto;
    bol_replica_cp_fn fn;
    void *ctx;
    uint64_t last;
    int rc;
};

static int cps_rec(void *ctx, uint32_t segment, uint8_t kind, struct bol_str rec)
{
    struct cps_ctx *c = ctx;
    const uint8_t *p = (const uint8_t *) rec.p;
    const struct epoch *o;
    uint64_t size;

    (void) segment;
    if (kind != BOL_REC_CHECKPOINT || rec.len < 12)
        return 0;
    size = get64(p + 4);
    if (size > c->upto || size <= c->last)
        return 0;
    o = owner(c->r, c->r->cur, size);
    if (!o || o->n != get32(p))
        return 0; /* a checkpoint of a lineage this one left */
    c->last = size;
    c->rc = c->fn(c->ctx, size, bol_str_make(rec.p + 12, rec.len - 12), &o->key);
    return c->rc;
}

struct scan_ctx {
    struct bol_replica *r;
    struct cps_ctx *cps; /* also the lineage's checkpoints, or NULL */
    uint8_t kind;        /* ENTRIES, or PENDING of generation r->pgen */
    uint64_t from, upto; /* entries of the current lineage wanted */
    bol_replica_entry_fn fn;
    void *ctx;
    uint64_t next; /* next seq expected */
    int rc;
    struct bol_diag *diag;
};

static int scan_rec(void *ctx, uint32_t segment, uint8_t kind, struct bol_str rec)
{
    struct scan_ctx *sc = ctx;
    const uint8_t *p = (const uint8_t *) rec.p;
    size_t off = kind == BOL_REC_PENDING ? 20 : 16;
    uint32_t epoch, count, i;
    uint64_t first;

    if (kind == BOL_REC_CHECKPOINT && sc->cps) {
        int rc = cps_rec(sc->cps, segment, kind, rec);

        return rc ? (sc->rc = rc) : 0;
    }
    if (kind != sc->kind)
        return 0;
    if (rec.len < off)
        return sc->rc = bol_diag_fail(sc->diag, BOL_E_CORRUPT, "vault", "short entries record");
    epoch = get32(p);
    first = get64(p + 4);
    count = get32(p + 12);
    if (kind == BOL_REC_PENDING && get32(p + 16) != sc->r->pgen)
        return 0;
    if (first > sc->upto || first + count <= sc->next)
        return 0;
    for (i = 0; i < count; i++) {
        uint64_t seq = first + i;
        uint32_t len;
        const struct epoch *o;

        if (off + 4 > rec.len)
            return sc->rc =
                       bol_diag_fail(sc->diag, BOL_E_CORRUPT, "vault", "truncated entries record");
        len = get32(p + off);
        off += 4;
        if (len > rec.len - off)
            return sc->rc = bol_diag_fail(sc->diag, BOL_E_CORRUPT, "vault", "truncated entry");
        if (seq == sc->next && seq <= sc->upto) {
            o = owner(sc->r, sc->r->cur, seq);
            if (o && o->n == epoch) {
                if (seq >= sc->from) {
                    int rc = sc->fn(sc->ctx, seq, bol_str_make(rec.p + off, len));

                    if (rc)
                        return sc->rc = rc;
                }
                sc->next++;
                if (sc->next > sc->upto)
                    return 1;
            }
        }
        off += len;
    }
    return 0;
}

/* First segment that can hold entry seq of the current lineage. */
static uint32_t start_segment(const struct bol_replica *r, uint64_t seq)
{
    const struct epoch *o = owner(r, r->cur, seq);
    uint32_t best = 0;
    bool found = false;
    size_t i;

    /* Every earlier entry of the lineage is in this segment or later ones only when its
     * owner's first record there starts at or before seq; take the latest such start. */
    for (i = 0; o && i < r->nidx; i++)
        if (r->idx[i].epoch == o->n && r->idx[i].first_seq <= seq &&
            (!found || r->idx[i].segment > best)) {
            best = r->idx[i].segment;
            found = true;
        }
    return found ? best : 0;
}

/* Records of one kind in the vault: entries from..upto of the current lineage. */
static int scan_range(struct bol_replica *r, uint8_t kind, uint64_t from, uint64_t upto,
                      bol_replica_entry_fn fn, void *ctx, struct cps_ctx *cps,
                      struct bol_diag *diag)
{
    struct scan_ctx sc = { r, cps, kind, from, upto, fn, ctx, from, 0, diag };
    int rc;

    if (from > upto)
        return 0;
    rc = bol_vault_scan(r->v, start_segment(r, from), scan_rec, &sc, diag);
    if (rc < 0)
        return rc;
    if (sc.rc < 0)
        return sc.rc;
    if (sc.rc > 0)
        return sc.rc;
    if (sc.next <= upto)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "vault",
                             "entry %" PRIu64 " is missing from the vault", sc.next);
    return 0;
}

static struct bol_str pend_entry(const struct bol_replica *r, size_t i);

/* Entries from..upto of the current lineage: verified ones from the vault, the rest held in memory. */
static int read_range_cps(struct bol_replica *r, uint64_t from, uint64_t upto,
                          bol_replica_entry_fn fn, void *ctx, struct cps_ctx *cps,
                          struct bol_diag *diag)
{
    uint64_t seq;
    int rc = 0;

    if (from <= r->verified)
        rc = scan_range(r, BOL_REC_ENTRIES, from, upto < r->verified ? upto : r->verified, fn, ctx,
                        cps, diag);
    for (seq = from > r->verified ? from : r->verified + 1; rc == 0 && seq <= upto; seq++) {
        if (seq - r->verified > r->npend)
            return bol_diag_fail(diag, BOL_E_CORRUPT, "vault",
                                 "entry %" PRIu64 " is missing from the vault", seq);
        rc = fn(ctx, seq, pend_entry(r, (size_t) (seq - r->verified - 1)));
    }
    return rc;
}

static int read_range(struct bol_replica *r, uint64_t from, uint64_t upto, bol_replica_entry_fn fn,
                      void *ctx, struct bol_diag *diag)
{
    return read_range_cps(r, from, upto, fn, ctx, NULL, diag);
}

int bol_replica_read_all(struct bol_replica *r, uint64_t upto, bol_replica_entry_fn fn,
                         bol_replica_cp_fn cp_fn, void *ctx, struct bol_diag *diag)
{
    struct cps_ctx c = { r, upto, cp_fn, ctx, 0, 0 };

    if (upto > r->size)
        return bol_diag_fail(diag, BOL_E_INVAL, "replica",
                             "the replica holds %" PRIu64 " entries, not %" PRIu64, r->size, upto);
    return read_range_cps(r, 1, upto, fn, ctx, &c, diag);
}

int bol_replica_read(struct bol_replica *r, uint64_t upto, bol_replica_entry_fn fn, void *ctx,
                     struct bol_diag *diag)
{
    if (upto > r->size)
        return bol_diag_fail(diag, BOL_E_INVAL, "replica",
                             "the replica holds %" PRIu64 " entries, not %" PRIu64, r->size, upto);
    return read_range(r, 1, upto, fn, ctx, diag);
}

/* ---- pending entries ---- */

static int pend_push(struct bol_replica *r, struct bol_str entry, const struct bol_hash *leaf,
                     struct bol_diag *diag)
{
    if (r->npend == r->pend_cap) {
        size_t cap = r->pend_cap ? r->pend_cap * 2 : 4096;
        struct bol_hash *l = bol_realloc(r->pend_leaf, cap * sizeof(*l));
        size_t *o;

        if (!l)
            return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
        r->pend_leaf = l;
        o = bol_realloc(r->pend_off, (cap + 1) * sizeof(*o));
        if (!o)
            return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
        r->pend_off = o;
        r->pend_cap = cap;
    }
    r->pend_leaf[r->npend] = *leaf;
    r->pend_off[r->npend] = r->pend_bytes.len;
    if (bol_buf_addstr(&r->pend_bytes, entry) < 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    r->npend++;
    r->pend_off[r->npend] = r->pend_bytes.len;
    return 0;
}

static struct bol_str pend_entry(const struct bol_replica *r, size_t i)
{
    return bol_str_make(r->pend_bytes.buf + r->pend_off[i], r->pend_off[i + 1] - r->pend_off[i]);
}

/* Entries up to size are now verified: fold them into the frontier and the state. */
static int pend_commit(struct bol_replica *r, uint64_t size, struct bol_diag *diag)
{
    size_t k = (size_t) (size - r->verified), i;
    int rc = 0;

    if (k > 0)
        r->vleaf = r->pend_leaf[k - 1];
    for (i = 0; i < k && rc == 0; i++) {
        if (bol_merkle_frontier_append(&r->f, &r->pend_leaf[i], NULL, NULL) < 0)
            rc = bol_diag_fail(diag, BOL_E_INTERNAL, "replica", "tree too large");
    }
    if (rc < 0)
        return rc;
    /* shift what stays pending to the front */
    {
        size_t base = r->pend_off[k], left = r->npend - k;

        memmove(r->pend_leaf, r->pend_leaf + k, left * sizeof(*r->pend_leaf));
        memmove(r->pend_bytes.buf, r->pend_bytes.buf + base, r->pend_bytes.len - base);
        r->pend_bytes.len -= base;
        for (i = 0; i <= left; i++)
            r->pend_off[i] = r->pend_off[i + k] - base;
        r->npend = left;
        r->pend_written = r->pend_written > k ? r->pend_written - k : 0;
    }
    r->verified = size;
    return 0;
}

/* ---- recomputing the tree from the vault (after open, after an epoch cut) ---- */

struct rescan_ctx {
    struct bol_replica *r;
    struct bol_diag *diag;
};

static int rescan_entry(void *ctx, uint64_t seq, struct bol_str entry)
{
    struct rescan_ctx *rc = ctx;
    struct bol_replica *r = rc->r;
    struct bol_hash leaf;

    bol_merkle_leaf_hash(entry.p, entry.len, &leaf);
    if (seq == r->verified)
        r->vleaf = leaf;
    if (seq <= r->verified)
        return bol_merkle_frontier_append(&r->f, &leaf, NULL, NULL) < 0
                   ? bol_diag_fail(rc->diag, BOL_E_INTERNAL, "replica", "tree too large")
                   : 0;
    return pend_push(r, entry, &leaf, rc->diag);
}

static int reload_tree(struct bol_replica *r, struct bol_diag *diag)
{
    struct rescan_ctx rc = { r, diag };
    int e;

    r->npend = 0;
    r->pend_written = 0;
    bol_buf_reset(&r->pend_bytes);
    e = 0;
    if (r->need_rescan) {
        bol_merkle_frontier_init(&r->f);
        e = scan_range(r, BOL_REC_ENTRIES, 1, r->verified, rescan_entry, &rc, NULL, diag);
        r->need_rescan = false;
    }
    if (e == 0)
        e = scan_range(r, BOL_REC_PENDING, r->verified + 1, r->size, rescan_entry, &rc, NULL, diag);
    r->pend_written = r->npend;
    r->last_leaf = r->npend ? r->pend_leaf[r->npend - 1] : r->vleaf;
    if (e == 0 && r->verified && r->cp_size == r->verified) {
        /* the newest checkpoint must still match what the vault holds */
        struct bol_checkpoint cp;
        struct bol_str text;
        struct bol_hash root;

        e = bol_note_open(bol_buf_str(&r->cp_note), bol_replica_key_at(r, r->cp_size), &text, diag);
        if (e == 0)
            e = bol_checkpoint_parse(text, &cp, diag);
        bol_merkle_frontier_root(&r->f, &root);
        if (e == 0 && (cp.size != r->verified || memcmp(root.b, cp.root.b, 32) != 0))
            e = bol_diag_fail(diag, BOL_E_CORRUPT, "vault",
                              "the vault's entries do not match its newest checkpoint");
    }
    return e;
}

/* ---- state ---- */

struct snapmeta {
    uint32_t epoch;
    bool ok;
};

static int take_snap_meta(void *ctx, uint64_t seq, int64_t at_us, struct bol_str meta)
{
    struct snapmeta *m = ctx;
    char text[16];

    (void) seq;
    (void) at_us;
    if (meta.len > 0 && meta.len < sizeof(text)) {
        memcpy(text, meta.p, meta.len);
        text[meta.len] = '\0';
        m->ok = sscanf(text, "e%" SCNu32, &m->epoch) == 1;
    }
    return 1; /* the metadata is all that is wanted */
}

static int skip_data(void *ctx, const void *p, size_t n)
{
    (void) ctx;
    (void) p;
    (void) n;
    return 1;
}

int bol_replica_snapshot_find(struct bol_replica *r, uint64_t seq, char name[64], uint64_t *ret_seq,
                              struct bol_diag *diag)
{
    struct bol_vault_snap_info *list = NULL;
    size_t n = 0, i;
    int rc = bol_vault_snaps(r->v, &list, &n, diag);
    bool found = false;

    if (rc < 0)
        return rc;
    /*
     * Newest first.  A snapshot's metadata names the epoch that owned its
     * last entry; it is usable for this lineage when that is the owner here
     * too (then every earlier entry is shared as well).
     */
    for (i = n; i-- > 0 && !found;) {
        struct snapmeta m = { 0, false };
        const struct epoch *mine;

        if (list[i].seq > seq || list[i].seq == 0)
            continue;
        if (bol_vault_snap_read(r->v, list[i].name, take_snap_meta, skip_data, &m, diag) < 0) {
            bol_diag_init(diag); /* an unreadable snapshot is passed over: the journal has it all */
            continue;
        }
        mine = owner(r, r->cur, list[i].seq);
        if (m.ok && mine && mine->n == m.epoch) {
            snprintf(name, 64, "%s", list[i].name);
            *ret_seq = list[i].seq;
            found = true;
        }
    }
    bol_free(list);
    return found ? 0 : BOL_E_NOTFOUND;
}

/*
 * A snapshot into an empty store: a SQLite image ("e<epoch> img", what this
 * replica writes) is gathered and attached; a row dump ("e<epoch>") is fed
 * to the loader as it is read.
 */
static bool meta_is_image(struct bol_str meta)
{
    return meta.len > 4 && !memcmp(meta.p + meta.len - 4, " img", 4);
}

struct snap_in {
    struct bol_store *into;
    int image; /* the memory file an image is gathered in, or -1 */
    struct bol_state_loader *l;
    struct bol_diag *diag;
};

static int snap_in_meta(void *ctx, uint64_t seq, int64_t at_us, struct bol_str meta)
{
    struct snap_in *si = ctx;

    (void) seq;
    (void) at_us;
    if (meta_is_image(meta)) {
        si->image = bol_store_image_fd(si->diag);
        return si->image < 0 ? si->image : 0;
    }
    return bol_store_state_load_begin(si->into, &si->l, si->diag);
}

static int snap_in_data(void *ctx, const void *p, size_t n)
{
    struct snap_in *si = ctx;

    if (si->image >= 0)
        return bol_store_image_put(si->image, p, n, si->diag);
    return bol_store_state_load_feed(si->l, p, n, si->diag);
}

static int snap_kind(void *ctx, uint64_t seq, int64_t at_us, struct bol_str meta)
{
    (void) seq;
    (void) at_us;
    *(bool *) ctx = meta_is_image(meta);
    return 1; /* the header says it: read no further */
}

int bol_replica_snapshot_is_image(struct bol_replica *r, const char *name, bool *ret,
                                  struct bol_diag *diag)
{
    *ret = false;
    return bol_vault_snap_read(r->v, name, snap_kind, NULL, ret, diag);
}

struct snap_to_fd {
    int fd;
    bool image;
    struct bol_diag *diag;
};

static int snap_fd_meta(void *ctx, uint64_t seq, int64_t at_us, struct bol_str meta)
{
    struct snap_to_fd *t = ctx;

    (void) seq;
    (void) at_us;
    t->image = meta_is_image(meta);
    return t->image ? 0 : 1;
}

static int snap_fd_data(void *ctx, const void *p, size_t n)
{
    struct snap_to_fd *t = ctx;

    return bol_store_image_put(t->fd, p, n, t->diag);
}

int bol_replica_snapshot_image(struct bol_replica *r, const char *name, int fd,
                               struct bol_diag *diag)
{
    struct snap_to_fd t = { fd, false, diag };
    int rc = bol_vault_snap_read(r->v, name, snap_fd_meta, snap_fd_data, &t, diag);

    if (rc == 0 && !t.image)
        rc = bol_diag_fail(diag, BOL_E_INVAL, "snapshot", "%s holds rows, not an image", name);
    return rc;
}

int bol_replica_snapshot_load(struct bol_replica *r, const char *name, struct bol_store *into,
                              uint64_t *ret_seq, struct bol_diag *diag)
{
    struct snap_in si = { into, -1, NULL, diag };
    int rc = bol_vault_snap_read(r->v, name, snap_in_meta, snap_in_data, &si, diag);

    if (rc == 0 && si.image >= 0)
        rc = bol_store_state_load_image_fd(into, si.image, ret_seq, diag);
    else if (rc == 0 && si.l) {
        rc = bol_store_state_load_end(si.l, ret_seq, diag);
        si.l = NULL;
    } else if (rc == 0)
        rc = bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "%s holds nothing", name);
    if (si.l)
        bol_store_state_load_abort(si.l);
    if (si.image >= 0)
        close(si.image);
    return rc;
}

static int state_apply_entry(void *ctx, uint64_t seq, struct bol_str entry)
{
    struct rescan_ctx *rc = ctx;

    (void) seq;
    return bol_store_state_apply(rc->r->state, entry, rc->diag);
}

/* Bring the state up to `verified` from the vault (snapshots and packs need it). */
static int catch_up_state(struct bol_replica *r, struct bol_diag *diag)
{
    struct rescan_ctx rc = { r, diag };
    uint64_t at = bol_store_state_seq(r->state);
    int e = 0;

    if (at < r->verified)
        e = read_range(r, at + 1, r->verified, state_apply_entry, &rc, diag);
    if (e == 0)
        e = bol_store_state_flush(r->state, diag);
    return e;
}

/* The state at `verified`: the newest usable snapshot, then the entries since. */
static int reload_state(struct bol_replica *r, struct bol_diag *diag)
{
    char name[64];
    uint64_t at = 0;
    int e;

    bol_store_close(r->state);
    r->state = NULL;
    e = bol_store_open_state(NULL, &r->state, diag);
    if (e < 0)
        return e;
    e = bol_replica_snapshot_find(r, r->verified, name, &at, diag);
    if (e == 0) {
        uint64_t got = 0;

        e = bol_replica_snapshot_load(r, name, r->state, &got, diag);
        if (e == 0 && got != at)
            e = bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "snapshot %s holds entry %" PRIu64,
                              name, got);
        if (e < 0) {
            /* a bad snapshot is not fatal: the journal has everything */
            bol_store_close(r->state);
            r->state = NULL;
            if ((e = bol_store_open_state(NULL, &r->state, diag)) < 0)
                return e;
            at = 0;
        }
        r->snap_seq = at;
    } else if (e != BOL_E_NOTFOUND) {
        return e;
    }
    bol_diag_init(diag);
    (void) at;
    return catch_up_state(r, diag);
}

/* ---- opening ---- */

int bol_replica_load_key(struct bol_replica *r, struct bol_diag *diag)
{
    struct bol_buf k = BOL_BUF_INIT(256);
    char path[PATH_LEN];
    int rc;

    path_in(r, "replica.apikey", path);
    rc = secret_file_check(path, diag);
    if (rc == 0)
        rc = read_small_file(path, &k, 255, diag);
    if (rc == 0) {
        while (k.len && (k.buf[k.len - 1] == '\n' || k.buf[k.len - 1] == '\r'))
            k.len--;
        memcpy(r->api_key, k.buf, k.len);
        r->api_key[k.len] = '\0';
    }
    if (k.len)
        sodium_memzero(k.buf, k.len);
    bol_buf_release(&k);
    return rc;
}

void bol_replica_override(struct bol_replica *r, const struct bol_replica_config_override *o)
{
    if (o->poll_ms)
        r->conf.poll_ms = o->poll_ms;
    if (o->snapshot_every_s)
        r->conf.snapshot_every_s = o->snapshot_every_s;
    if (o->pack_every_s)
        r->conf.pack_every_s = o->pack_every_s;
}

static void free_replica(struct bol_replica *r)
{
    if (r->curl)
        curl_easy_cleanup(r->curl);
    bol_store_close(r->state);
    bol_vault_close(r->v);
    sodium_memzero(r->api_key, sizeof(r->api_key));
    bol_free(r->pend_leaf);
    bol_free(r->pend_off);
    bol_buf_release(&r->pend_bytes);
    bol_buf_release(&r->cp_note);
    bol_free(r->idx);
    bol_free(r);
}

int bol_replica_open(const char *dir, enum bol_replica_mode mode, bol_replica_alert_fn on_alert,
                     void *alert_ctx, struct bol_replica **ret, struct bol_diag *diag)
{
    struct bol_replica *r = bol_calloc(1, sizeof(*r));
    int rc = 0;

    *ret = NULL;
    if (strlen(dir) >= DIR_LEN)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "replica", "the directory name is too long");
    if (!r)
        return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    snprintf(r->dir, sizeof(r->dir), "%s", dir);
    r->mode = mode;
    r->on_alert = on_alert;
    r->alert_ctx = alert_ctx;
    bol_buf_init(&r->cp_note, NULL, BOL_NOTE_MAX);
    bol_buf_init(&r->pend_bytes, NULL, (size_t) 1 << 40);
    r->idx = bol_calloc(INDEX_MAX + 1, sizeof(*r->idx));
    if (!r->idx)
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    if (rc == 0)
        rc = conf_read(r, diag);
    if (rc == 0) {
        struct bol_vault_config vc = { 0, mode == BOL_REPLICA_READ };

        rc = bol_vault_open(dir, &vc, &r->v, diag);
    }
    if (rc == 0)
        rc = blob_read(r, diag);
    if (rc == 0)
        rc = reload_tree(r, diag);
    if (rc == 0 && mode == BOL_REPLICA_WRITE) {
        rc = bol_replica_load_key(r, diag);
        if (rc == 0)
            rc = reload_state(r, diag);
        if (rc == 0 && r->need_rescan == false)
            rc = blob_write(r, diag); /* a fresh segment and head for this run */
    }
    if (rc < 0) {
        free_replica(r);
        return rc;
    }
    *ret = r;
    return 0;
}

void bol_replica_close(struct bol_replica *r)
{
    if (!r)
        return;
    if (r->mode == BOL_REPLICA_WRITE && r->state) {
        struct bol_diag d;

        bol_diag_init(&d);
        if (bol_store_state_flush(r->state, &d) < 0)
            bol_diag_init(&d); /* the snapshots and the vault have what matters */
    }
    free_replica(r);
}

/* ---- HTTP ---- */

static size_t http_take(char *p, size_t size, size_t n, void *ctx)
{
    struct bol_buf *b = ctx;

    if (bol_buf_add(b, p, size * n) < 0)
        return 0; /* too large: curl stops with a write error */
    return size * n;
}

int bol_replica_http_get(struct bol_replica *r, const char *path, struct bol_buf *out, long *status,
                         struct bol_diag *diag)
{
    char url[2048], auth[300], err[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = NULL;
    CURLcode c;

    *status = 0;
    if (!r->curl && !(r->curl = curl_easy_init()))
        return bol_diag_fail(diag, BOL_E_NOMEM, "http", "cannot start the HTTP client");
    curl_easy_reset(r->curl);
    snprintf(url, sizeof(url), "%s%s", r->conf.primary, path);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", r->api_key);
    h = curl_slist_append(NULL, auth);
    sodium_memzero(auth, sizeof(auth));
    if (!h)
        return bol_diag_fail(diag, BOL_E_NOMEM, "http", "out of memory");
    curl_easy_setopt(r->curl, CURLOPT_URL, url);
    curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(r->curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(r->curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(r->curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(r->curl, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, http_take);
    curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(r->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) HTTP_BODY_MAX);
    if (r->conf.ca[0])
        curl_easy_setopt(r->curl, CURLOPT_CAINFO, r->conf.ca);
    c = curl_easy_perform(r->curl);
    curl_slist_free_all(h);
    if (c != CURLE_OK)
        return bol_diag_fail(diag, BOL_E_IO, "http", "%s: %s", r->conf.primary,
                             err[0] ? err : curl_easy_strerror(c));
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

/* ---- pulling ---- */

/* The entry that opens epoch e must be its journal.epoch entry naming e's key. */
static int check_epoch_entry(const struct epoch *e, const struct bol_entry *en,
                             struct bol_diag *diag)
{
    json_error_t je;
    json_t *p;
    struct bol_verifier k;
    int rc = 0;

    if (!bol_str_eq(en->type, BOL_STR("journal.epoch")))
        return bol_diag_fail(diag, BOL_E_CORRUPT, "epoch",
                             "entry %" PRIu64 " should open the approved epoch %u but is '%.*s'",
                             en->seq, e->n, (int) en->type.len, en->type.p);
    p = json_loadb(en->payload.p, en->payload.len, 0, &je);
    if (!p || !json_is_string(json_object_get(p, "key")) ||
        bol_verifier_decode(bol_str_from(json_string_value(json_object_get(p, "key"))), &k, diag) <
            0 ||
        memcmp(k.pk, e->key.pk, 32) != 0)
        rc = bol_diag_fail(
            diag, BOL_E_CORRUPT, "epoch",
            "entry %" PRIu64 " opens an epoch with a key other than the approved one", en->seq);
    json_decref(p);
    return rc;
}

/*
 * Write held entries [from, to) (indexes into the pending arrays) to the
 * vault as ENTRIES (verified) or PENDING (of generation pgen) records, one
 * record per epoch run and at most BATCH_BYTES_MAX each.
 */
static int store_held(struct bol_replica *r, uint8_t kind, size_t from, size_t to,
                      struct bol_diag *diag)
{
    struct bol_buf rec = BOL_BUF_INIT(BATCH_BYTES_MAX + BOL_ENTRY_MAX + 64);
    size_t hdr = kind == BOL_REC_PENDING ? 20 : 16, i = from;
    int rc = 0;

    while (rc == 0 && i < to) {
        uint64_t first = r->verified + 1 + i;
        uint32_t epoch = owner(r, r->cur, first)->n, count = 0;
        uint8_t h[20] = { 0 };
        uint32_t seg;

        bol_buf_reset(&rec);
        rc = bol_buf_add(&rec, h, hdr);
        while (rc == 0 && i < to) {
            struct bol_str e = pend_entry(r, i);
            uint8_t l4[4];

            if (count && (owner(r, r->cur, r->verified + 1 + i)->n != epoch ||
                          rec.len + 4 + e.len > BATCH_BYTES_MAX))
                break;
            put32(l4, (uint32_t) e.len);
            rc = bol_buf_add(&rec, l4, 4);
            if (rc == 0)
                rc = bol_buf_addstr(&rec, e);
            count++;
            i++;
        }
        if (rc < 0) {
            rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
            break;
        }
        put32((uint8_t *) rec.buf, epoch);
        put64((uint8_t *) rec.buf + 4, first);
        put32((uint8_t *) rec.buf + 12, count);
        if (kind == BOL_REC_PENDING)
            put32((uint8_t *) rec.buf + 16, r->pgen);
        seg = bol_vault_segment(r->v);
        rc = bol_vault_append(r->v, kind, rec.buf, rec.len, diag);
        if (rc == 0 && kind == BOL_REC_ENTRIES &&
            (r->nidx == 0 || r->idx[r->nidx - 1].segment != seg ||
             r->idx[r->nidx - 1].epoch != epoch)) {
            if (r->nidx >= INDEX_MAX)
                rc = bol_diag_fail(diag, BOL_E_TOOBIG, "replica", "the vault index is full");
            else
                r->idx[r->nidx++] = (struct index_item){ seg, epoch, first };
        }
    }
    bol_buf_release(&rec);
    return rc;
}

/* Held entries not yet in the vault go in as PENDING records: a crash of the replica keeps them. */
static int store_pending(struct bol_replica *r, struct bol_diag *diag)
{
    int rc = 0;

    if (r->pend_written < r->npend) {
        rc = store_held(r, BOL_REC_PENDING, r->pend_written, r->npend, diag);
        if (rc == 0)
            r->pend_written = r->npend;
    }
    return rc;
}

/* A checkpoint contradicts the held entries: drop them (their records stay as evidence). */
static void drop_pending(struct bol_replica *r)
{
    r->npend = 0;
    r->pend_written = 0;
    bol_buf_reset(&r->pend_bytes);
    r->size = r->verified;
    r->last_leaf = r->vleaf;
    r->pgen++;
}

/*
 * Take a body of entries (one per line), check each is the next one, and
 * append them.  *refused set with an alert when the primary sent something
 * the replica cannot accept.
 */
static int take_entries(struct bol_replica *r, struct bol_str body, int64_t now_us, uint64_t *added,
                        bool *refused, struct bol_diag *diag)
{
    const char *p = body.p, *end = body.p + body.len;
    int rc = 0;

    *added = 0;
    while (rc == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        struct bol_str line;
        struct bol_entry en;
        struct bol_hash leaf;
        struct bol_diag ed;
        const struct epoch *o;
        uint64_t seq = r->size + 1;

        if (!nl) {
            rc = alert(r, now_us, "replica.refused",
                       "the primary sent an unterminated entry %" PRIu64, seq);
            *refused = true;
            break;
        }
        line = bol_str_make(p, (size_t) (nl - p));
        p = nl + 1;
        bol_diag_init(&ed);
        if (line.len > BOL_ENTRY_MAX || bol_entry_decode(line, &en, &ed) < 0 || en.seq != seq) {
            rc = alert(r, now_us, "replica.refused",
                       "the primary sent a bad entry where %" PRIu64 " was expected: %s", seq,
                       ed.msg[0] ? ed.msg : "a different sequence number");
            *refused = true;
            break;
        }
        o = owner(r, r->cur, seq);
        if (o->n > 1 && o->base == seq) {
            if (check_epoch_entry(o, &en, &ed) < 0) {
                rc = alert(r, now_us, "replica.fork", "%s", ed.msg);
                *refused = true;
                break;
            }
        } else if (bol_str_eq(en.type, BOL_STR("journal.epoch"))) {
            rc = alert(r, now_us, "replica.epoch",
                       "the primary started a new journal epoch at entry %" PRIu64
                       " that nobody approved on this host; refused (approve it with "
                       "`bollard replica approve` once the restore is confirmed)",
                       seq);
            *refused = true;
            break;
        }
        if (r->npend >= r->conf.pending_max) {
            rc = alert(r, now_us, "replica.gap",
                       "%" PRIu64 " entries arrived without a checkpoint: the primary stopped "
                       "signing; pulling paused",
                       (uint64_t) r->npend);
            *refused = true;
            break;
        }
        bol_merkle_leaf_hash(line.p, line.len, &leaf);
        rc = pend_push(r, line, &leaf, diag);
        if (rc == 0) {
            r->size = seq;
            r->last_leaf = leaf;
            (*added)++;
        }
    }
    return rc;
}

/*
 * The answer starts with the last entry the replica holds: it must be the
 * same entry (same leaf hash), or the primary's history is not the one held.
 * Cuts it off the body.
 */
static int check_overlap(struct bol_replica *r, struct bol_str *body, int64_t now_us, bool *refused)
{
    const char *nl = body->len ? memchr(body->p, '\n', body->len) : NULL;
    struct bol_hash leaf;

    if (!nl) {
        if (body->len == 0) {
            *refused = true;
            return alert(r, now_us, "replica.truncated",
                         "the primary no longer has entry %" PRIu64 ", which this replica holds; "
                         "refused",
                         r->size);
        }
        *refused = true;
        return alert(r, now_us, "replica.refused", "the primary sent an unterminated entry");
    }
    bol_merkle_leaf_hash(body->p, (size_t) (nl - body->p), &leaf);
    if (memcmp(leaf.b, r->last_leaf.b, sizeof(leaf.b)) != 0) {
        *refused = true;
        return alert(r, now_us, "replica.fork",
                     "the primary's entry %" PRIu64 " differs from the one this replica holds: "
                     "its history was rewritten or forked; refused",
                     r->size);
    }
    body->len -= (size_t) (nl + 1 - body->p);
    body->p = nl + 1;
    return 0;
}

/*
 * Checkpoints of one answer, verified in order of size against a frontier
 * advanced through the held entries once; the accepted ones are committed
 * together (entries and checkpoints to the vault, the tree moved on).
 */
struct cp_run {
    struct bol_merkle_frontier g; /* the tree at `at` */
    uint64_t at;
    uint64_t last;            /* largest accepted size, 0: none */
    struct bol_buf recs;      /* CHECKPOINT records to append: u32 length, then the record */
    struct bol_buf last_note; /* the note of `last` */
    bool fork;                /* a checkpoint contradicted the held entries */
};

static int verify_checkpoint(struct bol_replica *r, struct cp_run *run, uint64_t size,
                             struct bol_str note, int64_t now_us, bool *refused,
                             struct bol_diag *diag)
{
    const struct bol_verifier *key = bol_replica_key_at(r, size);
    struct bol_checkpoint cp;
    struct bol_str text;
    struct bol_hash root;
    struct bol_diag nd;
    uint8_t hdr[16];
    int rc;

    if (size <= run->at || size > r->size)
        return 0;
    bol_diag_init(&nd);
    rc = bol_note_open(note, key, &text, &nd);
    if (rc == BOL_E_NOTFOUND) {
        *refused = true;
        return alert(r, now_us, "replica.epoch",
                     "checkpoint %" PRIu64 " is not signed by the pinned key %s: a new signing key "
                     "must be approved on this host; refused",
                     size, key->name);
    }
    if (rc == 0)
        rc = bol_checkpoint_parse(text, &cp, &nd);
    if (rc == 0 && (cp.size != size || strcmp(cp.origin, r->origin) != 0))
        rc = bol_diag_fail(&nd, BOL_E_CORRUPT, "checkpoint", "origin or size does not match");
    if (rc < 0) {
        *refused = true;
        return alert(r, now_us, "replica.refused", "checkpoint %" PRIu64 " refused: %s", size,
                     nd.msg);
    }
    for (; run->at < size; run->at++)
        if (bol_merkle_frontier_append(&run->g, &r->pend_leaf[run->at - r->verified], NULL, NULL) <
            0)
            return bol_diag_fail(diag, BOL_E_INTERNAL, "replica", "tree too large");
    bol_merkle_frontier_root(&run->g, &root);
    if (memcmp(root.b, cp.root.b, 32) != 0) {
        *refused = true;
        run->fork = true;
        return alert(r, now_us, "replica.fork",
                     "checkpoint %" PRIu64 " signed by the primary does not match the entries "
                     "this replica holds: the primary's history was rewritten or forked; refused",
                     size);
    }
    put32(hdr, (uint32_t) (12 + note.len));
    put32(hdr + 4, owner(r, r->cur, size)->n);
    put64(hdr + 8, size);
    bol_buf_reset(&run->last_note);
    if (bol_buf_add(&run->recs, hdr, sizeof(hdr)) < 0 || bol_buf_addstr(&run->recs, note) < 0 ||
        bol_buf_addstr(&run->last_note, note) < 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    run->last = size;
    return 0;
}

/* What the run accepted: entries, then checkpoints, into the vault; the tree moves on. */
static int commit_run(struct bol_replica *r, struct cp_run *run, struct bol_diag *diag)
{
    size_t off = 0;
    int rc;

    if (!run->last)
        return 0;
    /* checkpoints first: a restore reading in one pass knows them when it reaches their size */
    rc = 0;
    while (rc == 0 && off + 4 <= run->recs.len) {
        uint32_t len = get32((const uint8_t *) run->recs.buf + off);

        rc = bol_vault_append(r->v, BOL_REC_CHECKPOINT, run->recs.buf + off + 4, len, diag);
        off += 4 + len;
    }
    if (rc == 0)
        rc = store_held(r, BOL_REC_ENTRIES, 0, (size_t) (run->last - r->verified), diag);
    if (rc == 0)
        rc = pend_commit(r, run->last, diag);
    if (rc == 0) {
        bol_buf_reset(&r->cp_note);
        if (bol_buf_addstr(&r->cp_note, bol_buf_str(&run->last_note)) < 0)
            rc = bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
        r->cp_size = run->last;
    }
    return rc;
}

static int take_checkpoints(struct bol_replica *r, int64_t now_us, uint64_t *n, bool *refused,
                            bool *unreachable, struct bol_diag *diag)
{
    struct bol_buf body = BOL_BUF_INIT(HTTP_BODY_MAX);
    struct cp_run run = {
        r->f, r->verified, 0, BOL_BUF_INIT(HTTP_BODY_MAX), BOL_BUF_INIT(BOL_NOTE_MAX), false
    };
    char path[128];
    json_error_t je;
    json_t *o, *a, *c;
    long status;
    size_t i;
    int rc;

    snprintf(path, sizeof(path), "/api/v1/journal/checkpoints?from=%" PRIu64 "&limit=1000",
             r->verified + 1);
    rc = bol_replica_http_get(r, path, &body, &status, diag);
    if (rc < 0 || status != 200) {
        *unreachable = true;
        if (rc == 0)
            rc = alert(r, now_us, "replica.unreachable", "the primary answered %ld to %s", status,
                       path);
        else
            rc = alert(r, now_us, "replica.unreachable", "%s", diag->msg);
        bol_buf_release(&body);
        bol_diag_init(diag);
        return rc;
    }
    o = json_loadb(body.buf, body.len, 0, &je);
    bol_buf_release(&body);
    a = json_object_get(o, "checkpoints");
    if (!json_is_array(a)) {
        json_decref(o);
        *refused = true;
        return alert(r, now_us, "replica.refused", "the primary's checkpoint list does not parse");
    }
    rc = 0;
    json_array_foreach(a, i, c)
    {
        json_t *s = json_object_get(c, "size"), *note = json_object_get(c, "note");
        uint64_t before = run.last;

        if (!json_is_integer(s) || !json_is_string(note) || json_integer_value(s) < 1) {
            *refused = true;
            rc = alert(r, now_us, "replica.refused",
                       "a checkpoint in the primary's list is malformed");
            break;
        }
        if ((uint64_t) json_integer_value(s) > r->size)
            break; /* entries not pulled yet */
        rc = verify_checkpoint(r, &run, (uint64_t) json_integer_value(s),
                               bol_str_make(json_string_value(note), json_string_length(note)),
                               now_us, refused, diag);
        if (rc < 0 || *refused)
            break;
        if (run.last != before)
            (*n)++;
    }
    json_decref(o);
    /* what verified before a refusal is kept; after a contradicting checkpoint the rest goes */
    if (rc == 0)
        rc = commit_run(r, &run, diag);
    if (rc == 0 && run.fork)
        drop_pending(r);
    bol_buf_release(&run.recs);
    bol_buf_release(&run.last_note);
    return rc;
}

/* The primary's newest checkpoint must not be behind or beside what the replica verified. */
static int check_latest(struct bol_replica *r, int64_t now_us, bool *refused, bool *unreachable,
                        struct bol_diag *diag)
{
    struct bol_buf body = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_checkpoint cp;
    struct bol_str text;
    struct bol_diag nd;
    long status;
    int rc = bol_replica_http_get(r, "/api/v1/journal/checkpoint", &body, &status, diag);

    if (rc < 0 || status != 200) {
        *unreachable = true;
        rc = rc < 0 ? alert(r, now_us, "replica.unreachable", "%s", diag->msg)
                    : alert(r, now_us, "replica.unreachable",
                            "the primary answered %ld for its newest checkpoint", status);
        bol_buf_release(&body);
        bol_diag_init(diag);
        return rc;
    }
    bol_diag_init(&nd);
    /* parse without trusting: the size decides whether it is a truncation */
    rc = bol_checkpoint_parse(bol_buf_str(&body), &cp, &nd);
    if (rc < 0) {
        /* the note's text ends at the blank line; parse just that part */
        size_t i;

        for (i = 0; i + 1 < body.len; i++)
            if (body.buf[i] == '\n' && body.buf[i + 1] == '\n') {
                rc = bol_checkpoint_parse(bol_str_make(body.buf, i + 1), &cp, &nd);
                break;
            }
    }
    if (rc == 0 && cp.size < r->verified) {
        *refused = true;
        rc =
            alert(r, now_us, "replica.truncated",
                  "the primary's journal has %" PRIu64 " entries but this replica verified %" PRIu64
                  ": the primary lost or removed entries; refused",
                  cp.size, r->verified);
    } else if (rc == 0 && cp.size == r->verified && r->cp_size == r->verified &&
               bol_note_open(bol_buf_str(&body), bol_replica_key_at(r, cp.size), &text, &nd) == 0) {
        struct bol_checkpoint mine;

        if (bol_checkpoint_parse(text, &cp, &nd) == 0 &&
            bol_note_open(bol_buf_str(&r->cp_note), bol_replica_key_at(r, cp.size), &text, &nd) ==
                0 &&
            bol_checkpoint_parse(text, &mine, &nd) == 0 &&
            memcmp(mine.root.b, cp.root.b, 32) != 0) {
            *refused = true;
            rc = alert(r, now_us, "replica.fork",
                       "the primary's checkpoint %" PRIu64
                       " has another root than the one this replica verified; refused",
                       cp.size);
        }
        rc = rc < 0 ? rc : 0;
    } else {
        rc = 0; /* malformed or newer: the list and the entries decide */
    }
    bol_buf_release(&body);
    return rc;
}

int bol_replica_poll(struct bol_replica *r, int64_t now_us, struct bol_replica_poll *out,
                     struct bol_diag *diag)
{
    bool more = true;
    int rc;

    memset(out, 0, sizeof(*out));
    if (r->mode != BOL_REPLICA_WRITE)
        return bol_diag_fail(diag, BOL_E_STATE, "replica", "opened for reading only");
    rc = check_latest(r, now_us, &out->refused, &out->unreachable, diag);
    while (rc == 0 && more && !out->refused && !out->unreachable) {
        struct bol_buf body = BOL_BUF_INIT(HTTP_BODY_MAX);
        char path[128];
        uint64_t added = 0;
        long status = 0;

        /* from the last entry held: the primary must still agree on it before anything is added */
        snprintf(path, sizeof(path), "/api/v1/journal/entries?from=%" PRIu64 "&limit=%d",
                 r->size ? r->size : 1, PULL_LIMIT + (r->size ? 1 : 0));
        rc = bol_replica_http_get(r, path, &body, &status, diag);
        if (rc < 0 || status != 200) {
            out->unreachable = true;
            rc = rc < 0 ? alert(r, now_us, "replica.unreachable", "%s", diag->msg)
                        : alert(r, now_us, "replica.unreachable", "the primary answered %ld to %s",
                                status, path);
            bol_diag_init(diag);
        } else {
            struct bol_str b = bol_buf_str(&body);

            rc = r->size ? check_overlap(r, &b, now_us, &out->refused) : 0;
            if (rc == 0 && !out->refused)
                rc = take_entries(r, b, now_us, &added, &out->refused, diag);
            out->entries += added;
            more = added == PULL_LIMIT;
        }
        bol_buf_release(&body);
        if (rc == 0 && !out->refused && !out->unreachable && r->size > r->verified)
            rc = take_checkpoints(r, now_us, &out->checkpoints, &out->refused, &out->unreachable,
                                  diag);
        /* durable before the next request: what was pulled is kept whatever happens next */
        if (rc == 0)
            rc = store_pending(r, diag);
        if (rc == 0)
            rc = blob_write(r, diag);
    }
    if (rc == 0 && (out->refused || out->unreachable))
        rc = blob_write(r, diag); /* the alert is durable too */
    if (rc == 0 && !out->refused && !out->unreachable)
        r->last_alert[0] = '\0'; /* a good poll: the next refusal is news again */
    return rc;
}

unsigned bol_replica_poll_ms(const struct bol_replica *r)
{
    return r->conf.poll_ms;
}

/* ---- snapshots and packs ---- */

struct snap_w {
    struct bol_vault_snap_writer *w;
    struct bol_diag *diag;
};

static int snap_write(void *ctx, const void *p, size_t n)
{
    struct snap_w *s = ctx;

    return bol_vault_snap_write(s->w, p, n, s->diag);
}

static int take_snapshot(struct bol_replica *r, int64_t now_us, struct bol_diag *diag)
{
    struct snap_w s = { NULL, diag };
    char meta[64];
    uint64_t seq = 0;
    bool image;
    int rc;

    if (!r->state || r->verified == 0 || r->verified == r->snap_seq)
        return 0;
    rc = catch_up_state(r, diag);
    if (rc < 0)
        return rc;
    /*
     * A SQLite image (made in a memory file, db.h), else - when memory
     * would not hold it - the portable row dump.  The name carries the
     * epoch owning the last entry, which decides which lineages can use it.
     */
    for (image = true;; image = false) {
        snprintf(meta, sizeof(meta), image ? "e%u img" : "e%u", owner(r, r->cur, r->verified)->n);
        rc = bol_vault_snap_begin(r->v, r->verified, now_us, bol_str_from(meta), &s.w, diag);
        if (rc < 0)
            return rc;
        rc = image ? bol_store_state_image(r->state, snap_write, &s, &seq, diag)
                   : bol_store_state_dump(r->state, snap_write, &s, &seq, diag);
        if (rc == 0 || !image || rc != BOL_E_NOMEM)
            break;
        bol_vault_snap_abort(s.w);
        bol_diag_init(diag);
    }
    if (rc == 0 && seq != r->verified)
        rc = bol_diag_fail(diag, BOL_E_INTERNAL, "snapshot",
                           "the state is at %" PRIu64 ", not %" PRIu64, seq, r->verified);
    if (rc < 0) {
        bol_vault_snap_abort(s.w);
        return rc;
    }
    rc = bol_vault_snap_commit(s.w, diag);
    if (rc == 0) {
        unsigned kept = 0, deleted = 0;

        r->snap_seq = r->verified;
        r->snap_at_us = now_us;
        rc = bol_vault_retain(r->v, &r->conf.keep, now_us, &kept, &deleted, diag);
    }
    return rc;
}

int bol_replica_rmtree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;
    char p[PATH_LEN];

    if (!d)
        return unlink(path);
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
        if (unlink(p) != 0)
            (void) bol_replica_rmtree(p);
    }
    closedir(d);
    return rmdir(path);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Keep the newest packs_kept packs (their names sort by time). */
static void prune_packs(struct bol_replica *r)
{
    char dir[PATH_LEN], p[PATH_LEN];
    char *names[4096];
    size_t n = 0, i;
    DIR *d;
    struct dirent *de;

    path_in(r, "packs", dir);
    if (!(d = opendir(dir)))
        return;
    while ((de = readdir(d)) != NULL && n < BOL_ARRAY_SIZE(names))
        if (de->d_name[0] != '.' && (names[n] = bol_strdup(de->d_name)) != NULL)
            n++;
    closedir(d);
    qsort(names, n, sizeof(names[0]), cmp_name);
    for (i = 0; i < n; i++) {
        if (i + r->conf.packs_kept < n) {
            if (strlen(dir) + 1 + strlen(names[i]) < sizeof(p)) {
                snprintf(p, sizeof(p), "%.3900s/%.190s", dir, names[i]);
                (void) bol_replica_rmtree(p);
            }
        }
        bol_free(names[i]);
    }
}

static int write_pack(struct bol_replica *r, int64_t now_us, struct bol_diag *diag)
{
    struct bol_buf k = BOL_BUF_INIT(4096);
    struct bol_signer key;
    struct bol_pack_stats st;
    char path[PATH_LEN], stamp[BOL_TIME_TEXT_MAX], name[128];
    int rc;

    if (!r->state || r->verified == 0 || r->verified == r->pack_seq)
        return 0;
    path_in(r, "pack.key", path);
    rc = secret_file_check(path, diag);
    if (rc == 0)
        rc = read_small_file(path, &k, 4000, diag);
    if (rc == 0)
        rc = bol_signer_decode(bol_buf_str(&k), &key, diag);
    sodium_memzero(k.buf, k.len);
    bol_buf_release(&k);
    if (rc < 0)
        return rc;
    rc = catch_up_state(r, diag);
    bol_time_format(now_us, 0, 0, stamp);
    /* 2026-11-22T05:40:00Z -> 20261122T054000Z */
    {
        size_t i, j = 0;
        char compact[32];

        for (i = 0; stamp[i] && j + 1 < sizeof(compact); i++)
            if (stamp[i] != '-' && stamp[i] != ':')
                compact[j++] = stamp[i];
        compact[j] = '\0';
        snprintf(name, sizeof(name), "packs/%s-%020" PRIu64, compact, r->verified);
    }
    path_in(r, name, path);
    if (rc == 0)
        rc = bol_pack_write(r->state, path, &key, r->origin, r->verified, now_us, &st, diag);
    bol_signer_wipe(&key);
    if (rc == 0) {
        r->pack_seq = r->verified;
        r->pack_at_us = now_us;
        prune_packs(r);
    }
    return rc;
}

int bol_replica_tend(struct bol_replica *r, int64_t now_us, bool force, struct bol_diag *diag)
{
    int rc = 0;

    if (r->mode != BOL_REPLICA_WRITE)
        return bol_diag_fail(diag, BOL_E_STATE, "replica", "opened for reading only");
    if (force || now_us - r->snap_at_us >= (int64_t) r->conf.snapshot_every_s * 1000000)
        rc = take_snapshot(r, now_us, diag);
    if (rc == 0 && (force || now_us - r->pack_at_us >= (int64_t) r->conf.pack_every_s * 1000000))
        rc = write_pack(r, now_us, diag);
    return rc;
}

/* ---- approving an epoch ---- */

int bol_replica_approve(struct bol_replica *r, struct bol_str key, uint64_t from, const char *note,
                        int64_t now_us, struct bol_diag *diag)
{
    struct epoch e;
    struct bol_buf kt = BOL_BUF_INIT(KEY_TEXT_MAX - 1);
    struct bol_buf text = BOL_BUF_INIT(1 << 16);
    char at[BOL_TIME_TEXT_MAX];
    json_t *o;
    unsigned i;
    int rc;

    if (r->mode != BOL_REPLICA_WRITE)
        return bol_diag_fail(diag, BOL_E_STATE, "replica", "opened for reading only");
    if (r->nep >= BOL_REPLICA_EPOCHS_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "replica", "too many epochs");
    memset(&e, 0, sizeof(e));
    rc = bol_verifier_decode(key, &e.key, diag);
    if (rc < 0)
        return rc;
    if (strcmp(e.key.name, r->origin) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "key", "the key is named '%s', the journal '%s'",
                             e.key.name, r->origin);
    for (i = 0; i < r->nep; i++)
        if (!memcmp(r->ep[i].key.pk, e.key.pk, 32))
            return bol_diag_fail(diag, BOL_E_CONFLICT, "key", "this key already signs epoch %u",
                                 r->ep[i].n);
    if (from < 2 || from > r->size + 1)
        return bol_diag_fail(diag, BOL_E_INVAL, "from",
                             "the new epoch must start at an entry from 2 to %" PRIu64
                             " (the replica holds %" PRIu64 ")",
                             r->size + 1, r->size);
    if (from <= owner(r, r->cur, from - 1)->base && owner(r, r->cur, from - 1)->n > 1)
        return bol_diag_fail(diag, BOL_E_INVAL, "from", "an epoch must keep its own first entry");
    if (bol_verifier_encode(&e.key, &kt) < 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    snprintf(e.key_text, sizeof(e.key_text), "%s", kt.buf);
    bol_buf_release(&kt);
    e.n = 0;
    for (i = 0; i < r->nep; i++)
        if (r->ep[i].n > e.n)
            e.n = r->ep[i].n;
    e.n++;
    e.parent = r->cur;
    e.base = from;

    bol_time_format(now_us, 0, 6, at);
    o = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:I}", "epoch", (json_int_t) e.n, "parent",
                  (json_int_t) e.parent, "base", (json_int_t) from, "key", e.key_text, "at", at,
                  "note", note ? note : "", "held", (json_int_t) r->size, "verified",
                  (json_int_t) r->verified);
    rc = dump_json(o, JSON_COMPACT | JSON_SORT_KEYS, &text);
    json_decref(o);
    if (rc < 0)
        return bol_buf_release(&text), bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    rc = bol_vault_append(r->v, BOL_REC_EPOCH, text.buf, text.len, diag);
    bol_buf_release(&text);
    if (rc < 0)
        return rc;
    r->ep[r->nep++] = e;
    r->cur = e.n;
    if (from <= r->size && from - 1 >= r->verified) {
        /* the new epoch continues from from - 1, inside what is held but not yet verified */
        size_t keep = (size_t) (from - 1 - r->verified);

        r->npend = keep;
        r->pend_bytes.len = keep ? r->pend_off[keep] : 0;
        r->last_leaf = keep ? r->pend_leaf[keep - 1] : r->vleaf;
        r->size = from - 1;
        r->pgen++;
        r->pend_written = 0;
        rc = store_pending(r, diag);
    } else if (from <= r->size) {
        /* ... or inside what was verified: the entries after it stay in the vault */
        r->size = from - 1;
        r->verified = r->size;
        r->need_rescan = true;
        r->pgen++;
        if (r->cp_size > r->verified) {
            /* the newest checkpoint that still holds is found again by the next pull's list */
            r->cp_size = 0;
            bol_buf_reset(&r->cp_note);
        }
        rc = reload_tree(r, diag);
        if (rc == 0)
            rc = reload_state(r, diag);
    }
    r->last_alert[0] = '\0';
    if (rc == 0)
        rc = blob_write(r, diag);
    return rc;
}

/* ---- status and reading helpers ---- */

const char *bol_replica_dir(const struct bol_replica *r)
{
    return r->dir;
}

const char *bol_replica_origin(const struct bol_replica *r)
{
    return r->origin;
}

uint64_t bol_replica_size(const struct bol_replica *r)
{
    return r->size;
}

uint64_t bol_replica_verified(const struct bol_replica *r)
{
    return r->verified;
}

int bol_replica_last_checkpoint(struct bol_replica *r, struct bol_buf *note,
                                struct bol_verifier *key, struct bol_diag *diag)
{
    if (r->cp_size == 0)
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "replica", "no checkpoint verified yet");
    if (bol_buf_addstr(note, bol_buf_str(&r->cp_note)) < 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    *key = *bol_replica_key_at(r, r->cp_size);
    return 0;
}

int bol_replica_checkpoints(struct bol_replica *r, uint64_t upto, bol_replica_cp_fn fn, void *ctx,
                            struct bol_diag *diag)
{
    struct cps_ctx c = { r, upto, fn, ctx, 0, 0 };
    int rc = bol_vault_scan(r->v, 0, cps_rec, &c, diag);

    return rc < 0 ? rc : c.rc;
}

int bol_replica_status(struct bol_replica *r, json_t **ret, struct bol_diag *diag)
{
    json_t *o = json_object(), *eps = json_array(), *snaps = json_array();
    struct bol_vault_snap_info *list = NULL;
    size_t n = 0, i;
    int rc;

    if (!o || !eps || !snaps) {
        json_decref(o);
        json_decref(eps);
        json_decref(snaps);
        return bol_diag_fail(diag, BOL_E_NOMEM, "replica", "out of memory");
    }
    for (i = 0; i < r->nep; i++)
        json_array_append_new(eps, json_pack("{s:I,s:I,s:I,s:s}", "epoch", (json_int_t) r->ep[i].n,
                                             "parent", (json_int_t) r->ep[i].parent, "first_entry",
                                             (json_int_t) r->ep[i].base, "key", r->ep[i].key_text));
    rc = bol_vault_snaps(r->v, &list, &n, diag);
    for (i = 0; rc == 0 && i < n; i++) {
        char at[BOL_TIME_TEXT_MAX];

        bol_time_format(list[i].at_us, 0, 0, at);
        json_array_append_new(snaps, json_pack("{s:s,s:I,s:s}", "name", list[i].name, "seq",
                                               (json_int_t) list[i].seq, "at", at));
    }
    bol_free(list);
    json_object_set_new(o, "origin", json_string(r->origin));
    json_object_set_new(o, "primary", json_string(r->conf.primary));
    json_object_set_new(o, "entries", json_integer((json_int_t) r->size));
    json_object_set_new(o, "verified", json_integer((json_int_t) r->verified));
    json_object_set_new(o, "epoch", json_integer(r->cur));
    json_object_set_new(o, "epochs", eps);
    json_object_set_new(o, "alerts", json_integer((json_int_t) r->alerts));
    json_object_set_new(o, "snapshots", snaps);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *ret = o;
    return 0;
}

/* ---- drills ---- */

int bol_replica_record_drill(struct bol_replica *r, json_t *record, int64_t now_us, char *ret_path,
                             size_t path_len, struct bol_diag *diag)
{
    struct bol_buf k = BOL_BUF_INIT(4096), note = BOL_BUF_INIT(1 << 16),
                   text = BOL_BUF_INIT(1 << 15);
    struct bol_signer key;
    char path[PATH_LEN], stamp[BOL_TIME_TEXT_MAX], name[128];
    struct bol_buf body = BOL_BUF_INIT(1 << 15);
    size_t i, j = 0;
    int rc;

    /* the record as the text of a signed note: one line of JSON */
    rc = dump_json(record, JSON_COMPACT | JSON_SORT_KEYS, &body);
    if (rc == 0)
        rc = bol_buf_addf(&text, "%s drill\n%s\n", r->origin, body.buf);
    bol_buf_release(&body);
    if (rc < 0)
        return bol_buf_release(&text), bol_diag_fail(diag, BOL_E_NOMEM, "drill", "out of memory");
    path_in(r, "pack.key", path);
    if (rc == 0)
        rc = secret_file_check(path, diag);
    if (rc == 0)
        rc = read_small_file(path, &k, 4000, diag);
    if (rc == 0)
        rc = bol_signer_decode(bol_buf_str(&k), &key, diag);
    sodium_memzero(k.buf, k.len);
    bol_buf_release(&k);
    if (rc == 0) {
        rc = bol_note_sign(bol_buf_str(&text), &key, &note, diag);
        bol_signer_wipe(&key);
    }
    bol_time_format(now_us, 0, 0, stamp);
    for (i = 0; stamp[i] && j + 1 < sizeof(name); i++)
        if (stamp[i] != '-' && stamp[i] != ':')
            name[j++] = stamp[i];
    name[j] = '\0';
    name[sizeof(name) - 16] = '\0';
    snprintf(path, sizeof(path), "%.3840s/drills/%.100s.note", r->dir, name);
    if (rc == 0)
        rc = write_new_file(path, note.buf, note.len, 0644, diag);
    if (rc == 0 && ret_path)
        snprintf(ret_path, path_len, "%s", path);
    bol_buf_release(&note);
    bol_buf_release(&text);
    return rc;
}
