/* SPDX-License-Identifier: Apache-2.0 */
/* test_vault.c - the replica's encrypted append-only vault: segments, head, snapshots, retention */
#include "testutil.h"

#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utctime.h"
#include "vault.h"

#define HOUR_US ((int64_t) 3600 * BOL_US_PER_SEC)
#define DAY_US  (24 * HOUR_US)

struct tdir {
    char base[64];
    char dir[96];
};

/* Remove a directory tree (the vault's is two levels deep). */
static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[512];

    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        rm_rf(sub);
    }
    closedir(d);
    rmdir(path);
}

static int setup_dir(void **state)
{
    struct tdir *t = bol_calloc(1, sizeof(*t)); /* cmocka's allocator: checked for leaks */

    assert_non_null(t);
    snprintf(t->base, sizeof(t->base), "/tmp/bol-vault-XXXXXX");
    assert_non_null(mkdtemp(t->base));
    snprintf(t->dir, sizeof(t->dir), "%s/v", t->base);
    *state = t;
    return 0;
}

static int teardown_dir(void **state)
{
    struct tdir *t = *state;

    rm_rf(t->base);
    bol_free(t);
    return 0;
}

static void pathf(char *out, size_t n, const struct tdir *t, const char *name)
{
    snprintf(out, n, "%s/%s", t->dir, name);
}

static off_t file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static void flip_byte(const char *path, off_t at)
{
    int fd = open(path, O_RDWR);
    unsigned char c;

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &c, 1, at), 1);
    c ^= 0x20;
    assert_int_equal(pwrite(fd, &c, 1, at), 1);
    close(fd);
}

static void assert_msg_has(const struct bol_diag *d, const char *s)
{
    if (!strstr(d->msg, s))
        fail_msg("diag '%s' does not mention '%s'", d->msg, s);
}

/* Deterministic record contents: record i has i % 300 + 1 bytes derived from i. */
static size_t rec_make(uint64_t i, unsigned char *out)
{
    size_t n = (size_t) (i % 300) + 1, k;

    for (k = 0; k < n; k++)
        out[k] = (unsigned char) (i * 31 + k * 7);
    return n;
}

struct got {
    size_t n, cap;
    uint32_t *seg;
    uint64_t *idx; /* decoded from the record's contents (first 8 bytes hold i) */
    bool bad;      /* a record did not match what was written */
    size_t stop_after;
};

static int collect(void *ctx, uint32_t segment, uint8_t kind, struct bol_str rec)
{
    struct got *g = ctx;
    unsigned char want[400];
    uint64_t i;

    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->seg = bol_realloc(g->seg, g->cap * sizeof(*g->seg));
        g->idx = bol_realloc(g->idx, g->cap * sizeof(*g->idx));
    }
    assert_true(rec.len >= 8);
    memcpy(&i, rec.p, 8);
    memcpy(want, &i, 8);
    if (kind != (uint8_t) (i % 7) || rec.len != 8 + rec_make(i, want + 8) ||
        memcmp(rec.p, want, rec.len) != 0)
        g->bad = true;
    g->seg[g->n] = segment;
    g->idx[g->n] = i;
    g->n++;
    return g->stop_after && g->n == g->stop_after ? 1 : 0;
}

static void got_free(struct got *g)
{
    bol_free(g->seg);
    bol_free(g->idx);
    memset(g, 0, sizeof(*g));
}

static void append_range(struct bol_vault *v, uint64_t from, uint64_t to)
{
    unsigned char buf[400];
    struct bol_diag d;
    uint64_t i;

    for (i = from; i < to; i++) {
        size_t n;

        memcpy(buf, &i, 8);
        n = rec_make(i, buf + 8);
        assert_int_equal(bol_vault_append(v, (uint8_t) (i % 7), buf, 8 + n, &d), 0);
    }
}

static void scan_all(struct bol_vault *v, uint32_t from, struct got *g)
{
    struct bol_diag d;
    int r = bol_vault_scan(v, from, collect, g, &d);

    if (r != 0)
        fail_msg("scan: %d %s", r, d.msg);
    assert_false(g->bad);
}

static struct bol_vault *open_ok(const struct tdir *t, uint64_t seg_bytes)
{
    struct bol_vault_config c = { .segment_bytes = seg_bytes };
    struct bol_vault *v = NULL;
    struct bol_diag d;
    int r = bol_vault_open(t->dir, &c, &v, &d);

    if (r != 0)
        fail_msg("open: %d %s", r, d.msg);
    return v;
}

static void test_round_trip(void **state)
{
    struct tdir *t = *state;
    struct bol_vault *v;
    struct bol_diag d;
    struct got g = { 0 }, g3 = { 0 };
    uint32_t last;
    size_t i, in3 = 0;

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 4096);
    assert_int_equal(bol_vault_blob(v).len, 0);
    assert_int_equal(bol_vault_generation(v), 0);
    assert_int_equal(bol_vault_segment(v), 1);
    append_range(v, 0, 1000);
    /* nothing is durable before the sync */
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(bol_vault_sync(v, "b1", 2, &d), 0);
    assert_true(bol_vault_segment(v) > 5);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 1000);
    for (i = 0; i < g.n; i++) {
        assert_int_equal(g.idx[i], i);
        if (i > 0)
            assert_true(g.seg[i] == g.seg[i - 1] || g.seg[i] == g.seg[i - 1] + 1);
        in3 += g.seg[i] >= 3;
    }
    assert_int_equal(g.seg[0], 1);
    last = g.seg[g.n - 1];
    scan_all(v, 3, &g3);
    assert_int_equal(g3.n, in3);
    assert_int_equal(g3.seg[0], 3);
    got_free(&g3);
    /* early stop */
    g3.stop_after = 10;
    scan_all(v, 0, &g3);
    assert_int_equal(g3.n, 10);
    got_free(&g3);
    bol_vault_close(v);

    /* a new run keeps the blob and starts a new segment */
    v = open_ok(t, 4096);
    assert_memory_equal(bol_vault_blob(v).p, "b1", 2);
    assert_int_equal(bol_vault_generation(v), 2); /* the sync, then close finishing the segment */
    assert_int_equal(bol_vault_segment(v), last + 1);
    append_range(v, 1000, 1100);
    assert_int_equal(bol_vault_sync(v, "b2-longer", 9, &d), 0);
    bol_vault_close(v);
    v = open_ok(t, 0);
    assert_int_equal(bol_vault_blob(v).len, 9);
    got_free(&g);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 1100);
    for (i = 0; i < g.n; i++)
        assert_int_equal(g.idx[i], i);
    assert_int_equal(g.seg[1000], last + 1);
    got_free(&g);
    bol_vault_close(v);
}

static void test_create_refuses_nonempty_and_lock(void **state)
{
    struct tdir *t = *state;
    struct bol_vault *v, *v2 = NULL;
    struct bol_diag d;

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    assert_int_equal(bol_vault_create(t->dir, &d), BOL_E_CONFLICT);
    v = open_ok(t, 0);
    assert_int_equal(bol_vault_open(t->dir, NULL, &v2, &d), BOL_E_STATE);
    assert_null(v2);
    /* a reader opens beside the writer, and may not write */
    assert_int_equal(
        bol_vault_open(t->dir, &(struct bol_vault_config){ .read_only = true }, &v2, &d), 0);
    assert_int_equal(bol_vault_append(v2, 1, "x", 1, &d), BOL_E_STATE);
    assert_int_equal(bol_vault_sync(v2, "", 0, &d), BOL_E_STATE);
    bol_vault_close(v2);
    v2 = NULL;
    bol_vault_close(v);
    assert_int_equal(
        bol_vault_open(t->dir, &(struct bol_vault_config){ .segment_bytes = (uint64_t) 2 << 30 },
                       &v2, &d),
        BOL_E_INVAL);
    assert_null(v2);
}

/* A child process appends, syncs part, and dies without closing. */
static void crash_child(const struct tdir *t, uint64_t seg_bytes, uint64_t synced,
                        uint64_t unsynced)
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        struct bol_vault_config c = { .segment_bytes = seg_bytes };
        struct bol_vault *v = NULL;
        struct bol_diag d;
        unsigned char buf[400];
        uint64_t i;

        bol_mem_set_hooks(NULL);
        if (bol_vault_open(t->dir, &c, &v, &d) != 0)
            _exit(2);
        for (i = 0; i < synced + unsynced; i++) {
            memcpy(buf, &i, 8);
            if (bol_vault_append(v, (uint8_t) (i % 7), buf, 8 + rec_make(i, buf + 8), &d) != 0)
                _exit(3);
            if (i + 1 == synced && bol_vault_sync(v, "s1", 2, &d) != 0)
                _exit(4);
        }
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_crash_recovery(void **state)
{
    struct tdir *t = *state;
    struct bol_vault *v;
    struct bol_diag d;
    struct got g = { 0 };
    char path[256];
    size_t i;

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    /* One big segment: the unsynced tail (about 1.6 MB) is flushed into segment 1 past its
     * durable point. */
    crash_child(t, 0, 100, 10000);
    pathf(path, sizeof(path), t, "segments/00000001.seg");
    assert_true(file_size(path) > 1000000);
    v = open_ok(t, 0);
    assert_memory_equal(bol_vault_blob(v).p, "s1", 2);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 100);
    assert_int_equal(bol_vault_segment(v), 2);
    append_range(v, 100, 110);
    assert_int_equal(bol_vault_sync(v, "s2", 2, &d), 0);
    got_free(&g);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 110);
    for (i = 0; i < g.n; i++) {
        assert_int_equal(g.idx[i], i);
        assert_int_equal(g.seg[i], i < 100 ? 1 : 2);
    }
    got_free(&g);
    bol_vault_close(v);

    /* Small segments: the crashed run created segment files the head never listed; the next run
     * must not reuse their numbers. */
    crash_child(t, 16384, 50, 2000);
    pathf(path, sizeof(path), t, "segments/00000010.seg");
    assert_true(access(path, F_OK) == 0);
    v = open_ok(t, 16384);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 110 + 50);
    got_free(&g);
    assert_true(bol_vault_segment(v) > 10);
    snprintf(path, sizeof(path), "%s/segments/%08u.seg", t->dir, bol_vault_segment(v) - 1);
    assert_true(access(path, F_OK) == 0);
    snprintf(path, sizeof(path), "%s/segments/%08u.seg", t->dir, bol_vault_segment(v));
    assert_true(access(path, F_OK) != 0);
    append_range(v, 0, 5);
    assert_int_equal(bol_vault_sync(v, NULL, 0, &d), 0);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 165);
    assert_int_equal(g.idx[160], 0);
    assert_int_equal(g.idx[164], 4);
    assert_true(g.seg[164] > 10);
    got_free(&g);
    /* close without syncing: those records are dropped like a crash */
    append_range(v, 5, 8);
    bol_vault_close(v);
    v = open_ok(t, 0);
    scan_all(v, 0, &g);
    assert_int_equal(g.n, 165);
    got_free(&g);
    bol_vault_close(v);
}

/* A vault of three full segments of equal size (100-byte records) plus a fourth. */
static void make_equal_segments(const struct tdir *t)
{
    unsigned char buf[100] = { 0 };
    struct bol_vault *v;
    struct bol_diag d;
    int i;

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 4096);
    for (i = 0; i < 34 * 3 + 5; i++) {
        buf[0] = (unsigned char) i;
        assert_int_equal(bol_vault_append(v, 1, buf, sizeof(buf), &d), 0);
    }
    assert_int_equal(bol_vault_sync(v, "x", 1, &d), 0);
    assert_int_equal(bol_vault_segment(v), 4);
    bol_vault_close(v);
}

static int count_rec(void *ctx, uint32_t segment, uint8_t kind, struct bol_str rec)
{
    (void) segment;
    (void) kind;
    (void) rec;
    (*(int *) ctx)++;
    return 0;
}

/* Open (which may already refuse) and scan: the result must be BOL_E_CORRUPT naming `what`. */
static void expect_corrupt(const struct tdir *t, const char *what)
{
    struct bol_vault *v = NULL;
    struct bol_diag d;
    int n = 0, r;

    r = bol_vault_open(t->dir, NULL, &v, &d);
    if (r == 0) {
        r = bol_vault_scan(v, 0, count_rec, &n, &d);
        bol_vault_close(v);
    }
    assert_int_equal(r, BOL_E_CORRUPT);
    assert_msg_has(&d, what);
}

static void test_tamper_segment_byte(void **state)
{
    struct tdir *t = *state;
    struct bol_vault *v;
    struct bol_diag d;
    char path[256];
    int n = 0;

    make_equal_segments(t);
    pathf(path, sizeof(path), t, "segments/00000002.seg");
    flip_byte(path, 1010); /* inside record 9: records are 122 bytes after the 24-byte header */
    v = open_ok(t, 0);
    assert_int_equal(bol_vault_scan(v, 0, count_rec, &n, &d), BOL_E_CORRUPT);
    assert_msg_has(&d, "segments/00000002.seg");
    assert_msg_has(&d, "record 9");
    assert_int_equal(n, 34 + 8); /* segment 1, then segment 2 up to the damage */
    assert_int_equal(d.offset, 24 + 8 * 122);
    n = 0;
    assert_int_equal(bol_vault_scan(v, 3, count_rec, &n, &d), 0);
    assert_int_equal(n, 34 + 5);
    bol_vault_close(v);
}

static void test_tamper_head(void **state)
{
    struct tdir *t = *state;
    char path[256];

    make_equal_segments(t);
    pathf(path, sizeof(path), t, "head");
    flip_byte(path, file_size(path) / 2);
    expect_corrupt(t, "/head'");
}

static void test_tamper_swap_segments(void **state)
{
    struct tdir *t = *state;
    char a[256], b[256], tmp[256];

    make_equal_segments(t);
    pathf(a, sizeof(a), t, "segments/00000001.seg");
    pathf(b, sizeof(b), t, "segments/00000002.seg");
    pathf(tmp, sizeof(tmp), t, "segments/tmp");
    assert_int_equal(file_size(a), file_size(b));
    assert_int_equal(rename(a, tmp), 0);
    assert_int_equal(rename(b, a), 0);
    assert_int_equal(rename(tmp, b), 0);
    expect_corrupt(t, "segments/00000001.seg");
}

static void test_tamper_truncate_and_final(void **state)
{
    struct tdir *t = *state;
    char path[256];

    make_equal_segments(t);
    pathf(path, sizeof(path), t, "segments/00000003.seg");
    /* the final message: 4-byte length, 8-byte count, 17-byte tag */
    assert_int_equal(truncate(path, file_size(path) - 29), 0);
    expect_corrupt(t, "segments/00000003.seg");
    assert_int_equal(truncate(path, 500), 0);
    expect_corrupt(t, "segments/00000003.seg");
    assert_int_equal(unlink(path), 0);
    expect_corrupt(t, "segments/00000003.seg");
}

static void test_key_file(void **state)
{
    struct tdir *t = *state;
    struct bol_vault *v = NULL;
    struct bol_diag d;
    char path[256];

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    pathf(path, sizeof(path), t, "vault.key");
    assert_int_equal(file_size(path), 32);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(bol_vault_open(t->dir, NULL, &v, &d), BOL_E_PERM);
    assert_null(v);
    assert_msg_has(&d, path);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(bol_vault_open(t->dir, NULL, &v, &d), BOL_E_PERM);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(truncate(path, 31), 0);
    assert_int_equal(bol_vault_open(t->dir, NULL, &v, &d), BOL_E_CORRUPT);
    assert_msg_has(&d, path);
    assert_null(v);
    /* another key of the right size: the head does not authenticate */
    assert_int_equal(truncate(path, 0), 0);
    assert_int_equal(truncate(path, 32), 0);
    assert_int_equal(bol_vault_open(t->dir, NULL, &v, &d), BOL_E_CORRUPT);
    assert_msg_has(&d, "head");
}

static void test_limits(void **state)
{
    struct tdir *t = *state;
    size_t big = BOL_VAULT_RECORD_MAX;
    unsigned char *p = bol_calloc(1, big + 1);
    struct bol_vault *v;
    struct bol_diag d;
    int n = 0;

    assert_non_null(p);
    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 0);
    assert_int_equal(bol_vault_append(v, 1, p, big + 1, &d), BOL_E_TOOBIG);
    assert_int_equal(bol_vault_append(v, 1, p, big, &d), 0);
    assert_int_equal(bol_vault_append(v, 2, NULL, 0, &d), 0);
    assert_int_equal(bol_vault_sync(v, p, BOL_VAULT_BLOB_MAX + 1, &d), BOL_E_TOOBIG);
    assert_int_equal(bol_vault_sync(v, p, BOL_VAULT_BLOB_MAX, &d), 0);
    assert_int_equal(bol_vault_blob(v).len, BOL_VAULT_BLOB_MAX);
    assert_int_equal(bol_vault_scan(v, 0, count_rec, &n, &d), 0);
    assert_int_equal(n, 2);
    /* the 16 MiB record finished segment 1 (over 8 MiB); the empty one went to segment 2 */
    assert_int_equal(bol_vault_segment(v), 2);
    bol_vault_close(v);
    bol_free(p);
}

/* ---- snapshots ---- */

struct snapread {
    uint64_t seq;
    int64_t at_us;
    char meta[64];
    unsigned char *data;
    size_t len, pieces;
};

static int sr_meta(void *ctx, uint64_t seq, int64_t at_us, struct bol_str meta)
{
    struct snapread *s = ctx;

    s->seq = seq;
    s->at_us = at_us;
    assert_true(meta.len < sizeof(s->meta));
    memcpy(s->meta, meta.p, meta.len);
    s->meta[meta.len] = '\0';
    return 0;
}

static int sr_data(void *ctx, const void *p, size_t n)
{
    struct snapread *s = ctx;

    assert_true(n <= ((size_t) 1 << 20));
    s->data = bol_realloc(s->data, s->len + n);
    memcpy(s->data + s->len, p, n);
    s->len += n;
    s->pieces++;
    return 0;
}

static unsigned char *snap_data(size_t n)
{
    unsigned char *p = bol_malloc(n ? n : 1);
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (unsigned char) (i * 131 + (i >> 9));
    return p;
}

static void write_snap(struct bol_vault *v, uint64_t seq, int64_t at_us, const char *meta, size_t n)
{
    struct bol_vault_snap_writer *w = NULL;
    unsigned char *p = snap_data(n);
    struct bol_diag d;
    size_t off = 0, step = 1;

    assert_int_equal(bol_vault_snap_begin(v, seq, at_us, S(meta), &w, &d), 0);
    while (off < n) {
        size_t k = BOL_MIN(step, n - off);

        assert_int_equal(bol_vault_snap_write(w, p + off, k, &d), 0);
        off += k;
        step = step * 3 + 1;
    }
    if (bol_vault_snap_commit(w, &d) != 0)
        fail_msg("commit: %s", d.msg);
    bol_free(p);
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    return n;
}

static void test_snapshots(void **state)
{
    struct tdir *t = *state;
    struct bol_vault_snap_writer *w = NULL;
    struct bol_vault_snap_info *list = NULL;
    size_t sizes[] = { 0, 1, (size_t) 1 << 20, ((size_t) 5 << 19) + 7 };
    struct bol_vault *v;
    struct bol_diag d;
    char sdir[256], path[512];
    size_t n = 0, i;

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 0);
    for (i = 0; i < BOL_ARRAY_SIZE(sizes); i++)
        write_snap(v, 10 + i, (int64_t) (1000 + i) * BOL_US_PER_SEC, "meta", sizes[i]);
    assert_int_equal(bol_vault_snap_begin(v, 11, 5, S(""), &w, &d), BOL_E_CONFLICT);
    /* abort leaves nothing behind */
    assert_int_equal(bol_vault_snap_begin(v, 99, 5, S("m"), &w, &d), 0);
    assert_int_equal(bol_vault_snap_write(w, "abc", 3, &d), 0);
    bol_vault_snap_abort(w);
    pathf(sdir, sizeof(sdir), t, "snapshots");
    assert_int_equal(count_files(sdir), BOL_ARRAY_SIZE(sizes));

    assert_int_equal(bol_vault_snaps(v, &list, &n, &d), 0);
    assert_int_equal(n, BOL_ARRAY_SIZE(sizes));
    for (i = 0; i < n; i++) {
        struct snapread s = { 0 };
        unsigned char *want = snap_data(sizes[i]);

        assert_int_equal(list[i].seq, 10 + i);
        assert_int_equal(list[i].at_us, (int64_t) (1000 + i) * BOL_US_PER_SEC);
        assert_int_equal(bol_vault_snap_read(v, list[i].name, sr_meta, sr_data, &s, &d), 0);
        assert_int_equal(s.seq, 10 + i);
        assert_string_equal(s.meta, "meta");
        assert_int_equal(s.len, sizes[i]);
        if (sizes[i])
            assert_memory_equal(s.data, want, sizes[i]);
        bol_free(want);
        bol_free(s.data);
    }
    assert_int_equal(bol_vault_snap_read(v, "../head", NULL, NULL, NULL, &d), BOL_E_INVAL);
    assert_int_equal(bol_vault_snap_read(v, "00000000000000000001-0.snap", NULL, NULL, NULL, &d),
                     BOL_E_NOTFOUND);
    assert_int_equal(
        bol_vault_snap_begin(v, 1, 0, bol_str_make(sdir, BOL_VAULT_SNAP_META_MAX + 1), &w, &d),
        BOL_E_TOOBIG);

    /* tampering: a data byte, the clear seq, truncation, bytes after the end */
    snprintf(path, sizeof(path), "%s/%s", sdir, list[3].name);
    flip_byte(path, file_size(path) - 100000);
    assert_int_equal(bol_vault_snap_read(v, list[3].name, NULL, NULL, NULL, &d), BOL_E_CORRUPT);
    assert_msg_has(&d, list[3].name);
    flip_byte(path, file_size(path) - 100000);
    assert_int_equal(bol_vault_snap_read(v, list[3].name, NULL, NULL, NULL, &d), 0);
    flip_byte(path, 15);
    assert_int_equal(bol_vault_snap_read(v, list[3].name, NULL, NULL, NULL, &d), BOL_E_CORRUPT);
    bol_free(list);
    list = NULL;
    assert_int_equal(bol_vault_snaps(v, &list, &n, &d), BOL_E_CORRUPT);
    assert_null(list);
    flip_byte(path, 15);
    assert_int_equal(truncate(path, file_size(path) - 17), 0);
    assert_int_equal(
        bol_vault_snap_read(v, "00000000000000000013-1003000000.snap", NULL, NULL, NULL, &d),
        BOL_E_CORRUPT);
    assert_msg_has(&d, "00000000000000000013-1003000000.snap");
    snprintf(path, sizeof(path), "%s/00000000000000000012-1002000000.snap", sdir);
    {
        int fd = open(path, O_WRONLY | O_APPEND);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, "x", 1), 1);
        close(fd);
    }
    assert_int_equal(
        bol_vault_snap_read(v, "00000000000000000012-1002000000.snap", NULL, NULL, NULL, &d),
        BOL_E_CORRUPT);
    assert_msg_has(&d, "after the final");
    bol_vault_close(v);
}

/* ---- retention ---- */

static int64_t at(int y, int mo, int d, int h, int mi)
{
    return bol_days_from_civil(y, mo, d) * DAY_US + h * HOUR_US + mi * 60 * BOL_US_PER_SEC;
}

static bool snap_exists(struct bol_vault *v, uint64_t seq)
{
    struct bol_vault_snap_info *list = NULL;
    struct bol_diag d;
    size_t n = 0, i;
    bool found = false;

    assert_int_equal(bol_vault_snaps(v, &list, &n, &d), 0);
    for (i = 0; i < n; i++)
        found |= list[i].seq == seq;
    bol_free(list);
    return found;
}

static void test_retention_by_hand(void **state)
{
    struct tdir *t = *state;
    /* now is Thursday 2026-01-15 12:30; ISO week of Mon 12 Jan .. Sun 18 Jan */
    const struct {
        int64_t at_us;
        bool keep;
    } s[] = {
        { at(2026, 1, 15, 12, 10), true },  /*  1 newest: hour 12, day 15, this week, Jan */
        { at(2026, 1, 15, 12, 5), false },  /*  2 same hour, older */
        { at(2026, 1, 15, 11, 50), true },  /*  3 hour 11: the second hour */
        { at(2026, 1, 15, 10, 59), false }, /*  4 hour 10: outside 2 hours */
        { at(2026, 1, 14, 23, 0), true },   /*  5 newest of day 14 */
        { at(2026, 1, 14, 8, 0), false },   /*  6 */
        { at(2026, 1, 13, 20, 0), false },  /*  7 day 13 outside 2 days; this week's newest is 1 */
        { at(2026, 1, 11, 18, 0), true },   /*  8 Sunday: newest of last week */
        { at(2026, 1, 5, 10, 0), false },   /*  9 Monday of last week */
        { at(2026, 1, 4, 10, 0), false },   /* 10 the week before: outside 2 weeks; Jan is 1's */
        { at(2025, 12, 31, 10, 0), true },  /* 11 newest of December */
        { at(2025, 12, 20, 0, 0), false },  /* 12 */
        { at(2025, 11, 30, 0, 0), false },  /* 13 November: outside 2 months */
        { at(2026, 1, 15, 13, 0), true },   /* 14 after now (the clock went back): kept */
    };
    const struct bol_vault_retention r = { 2, 2, 2, 2 };
    struct bol_vault *v;
    struct bol_diag d;
    unsigned kept = 0, deleted = 0;
    size_t i;

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 0);
    for (i = 0; i < BOL_ARRAY_SIZE(s); i++)
        write_snap(v, i + 1, s[i].at_us, "", 10);
    assert_int_equal(bol_vault_retain(v, &r, at(2026, 1, 15, 12, 30), &kept, &deleted, &d), 0);
    assert_int_equal(kept, 6);
    assert_int_equal(deleted, 8);
    for (i = 0; i < BOL_ARRAY_SIZE(s); i++)
        if (snap_exists(v, i + 1) != s[i].keep)
            fail_msg("snapshot %zu: expected %s", i + 1, s[i].keep ? "kept" : "deleted");
    /* nothing to keep but the newest: the highest seq (14) and the newest by time */
    assert_int_equal(bol_vault_retain(v, &(struct bol_vault_retention){ 0, 0, 0, 0 },
                                      at(2026, 2, 1, 0, 0), &kept, &deleted, &d),
                     0);
    assert_int_equal(kept, 1);
    assert_int_equal(deleted, 5);
    assert_true(snap_exists(v, 14));
    bol_vault_close(v);
}

/* An independent formulation: bucket keys as text, ISO weeks by the Thursday rule. */
static void iso_key(int64_t at_us, int kind, char *out, size_t n)
{
    struct bol_civil c;
    int64_t days = at_us >= 0 ? at_us / DAY_US : -((-at_us + DAY_US - 1) / DAY_US);
    int wd;

    assert_int_equal(bol_time_to_civil(at_us, 0, &c), 0);
    switch (kind) {
    case 0:
        snprintf(out, n, "%04d-%02d-%02dT%02d", c.year, c.month, c.day, c.hour);
        break;
    case 1:
        snprintf(out, n, "%04d-%02d-%02d", c.year, c.month, c.day);
        break;
    case 2: {
        struct bol_civil th;

        wd = (int) (((days + 3) % 7 + 7) % 7) + 1; /* Monday 1 .. Sunday 7 */
        assert_int_equal(bol_time_to_civil((days - wd + 4) * DAY_US, 0, &th), 0);
        snprintf(out, n, "%04d-W%02d", th.year,
                 (int) ((days - wd + 4 - bol_days_from_civil(th.year, 1, 1)) / 7) + 1);
        break;
    }
    default:
        snprintf(out, n, "%04d-%02d", c.year, c.month);
    }
}

/* Is key among the last `count` buckets of `kind` up to now? */
static bool key_recent(int64_t now, int kind, unsigned count, const char *key)
{
    struct bol_civil c;
    char k[32];
    unsigned i;

    assert_int_equal(bol_time_to_civil(now, 0, &c), 0);
    for (i = 0; i < count; i++) {
        if (kind == 0)
            iso_key(now - (int64_t) i * HOUR_US, 0, k, sizeof(k));
        else if (kind == 1)
            iso_key(now - (int64_t) i * DAY_US, 1, k, sizeof(k));
        else if (kind == 2)
            iso_key(now - (int64_t) i * 7 * DAY_US, 2, k, sizeof(k));
        else {
            int m = c.year * 12 + c.month - 1 - (int) i;

            snprintf(k, sizeof(k), "%04d-%02d", m / 12, m % 12 + 1);
        }
        if (strcmp(k, key) == 0)
            return true;
    }
    return false;
}

static void test_retention_90_days(void **state)
{
    struct tdir *t = *state;
    enum { N = 200 };
    const struct bol_vault_retention pol = BOL_VAULT_RETENTION_DEFAULT;
    const unsigned counts[4] = { pol.hourly, pol.daily, pol.weekly, pol.monthly };
    int64_t now = at(2026, 3, 15, 10, 20), ts[N];
    bool expect[N];
    struct bol_vault *v;
    struct bol_diag d;
    unsigned kept = 0, deleted = 0, want_kept = 0;
    int i, j, k;

    /* 30 snapshots every 40 minutes, then 170 spread over the 89 days before, with jitter */
    for (i = 0; i < N; i++)
        ts[i] = i < 30 ? now - 5 * 60 * BOL_US_PER_SEC - (int64_t) i * 40 * 60 * BOL_US_PER_SEC
                       : now - 20 * HOUR_US - (int64_t) (i - 30) * (89 * DAY_US / 170) -
                             (int64_t) ((i * 7919) % 3600) * BOL_US_PER_SEC;
    for (i = 0; i < N; i++) {
        expect[i] = i == 0;
        for (k = 0; k < 4 && !expect[i]; k++) {
            char key[32], other[32];
            bool newest = true;

            iso_key(ts[i], k, key, sizeof(key));
            if (!key_recent(now, k, counts[k], key))
                continue;
            for (j = 0; j < N; j++) {
                iso_key(ts[j], k, other, sizeof(other));
                if (j != i && strcmp(key, other) == 0 && ts[j] > ts[i])
                    newest = false;
            }
            expect[i] = newest;
        }
        want_kept += expect[i];
    }
    print_message("retention: %u of %d kept\n", want_kept, N);
    assert_true(want_kept > 24 && want_kept < N / 2);

    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 0);
    for (i = 0; i < N; i++)
        write_snap(v, (uint64_t) (1000 - i), ts[i], "", 0);
    assert_int_equal(bol_vault_retain(v, NULL, now, &kept, &deleted, &d), 0);
    assert_int_equal(kept, want_kept);
    assert_int_equal(deleted, N - want_kept);
    for (i = 0; i < N; i++)
        if (snap_exists(v, (uint64_t) (1000 - i)) != expect[i])
            fail_msg("snapshot %d: expected %s", i, expect[i] ? "kept" : "deleted");
    /* a second pass at the same clock deletes nothing */
    assert_int_equal(bol_vault_retain(v, NULL, now, &kept, &deleted, &d), 0);
    assert_int_equal(kept, want_kept);
    assert_int_equal(deleted, 0);
    bol_vault_close(v);
}

/* ---- speed (reported, never failed on) ---- */

static void test_speed(void **state)
{
    struct tdir *t = *state;
    enum { N = 10000, BIG = 200000 };
    unsigned char rec[250];
    struct bol_vault *v;
    struct bol_diag d;
    int64_t t0, t1, t2, t3;
    int i, n = 0;
    char path[256];
    off_t total = 0;
    uint32_t s;

    memset(rec, 0x5a, sizeof(rec));
    assert_int_equal(bol_vault_create(t->dir, &d), 0);
    v = open_ok(t, 0);
    t0 = bol_time_mono_us();
    for (i = 0; i < N; i++)
        assert_int_equal(bol_vault_append(v, 1, rec, sizeof(rec), &d), 0);
    assert_int_equal(bol_vault_sync(v, "x", 1, &d), 0);
    t1 = bol_time_mono_us();
    for (i = 0; i < BIG; i++)
        assert_int_equal(bol_vault_append(v, 1, rec, sizeof(rec), &d), 0);
    assert_int_equal(bol_vault_sync(v, "x", 1, &d), 0);
    t2 = bol_time_mono_us();
    assert_int_equal(bol_vault_scan(v, 0, count_rec, &n, &d), 0);
    t3 = bol_time_mono_us();
    assert_int_equal(n, N + BIG);
    for (s = 1; s < bol_vault_segment(v); s++) {
        snprintf(path, sizeof(path), "%s/segments/%08u.seg", t->dir, s);
        total += file_size(path);
    }
    print_message("vault: %d x 250 B appended + synced in %.1f ms (%.0f records/s)\n", N,
                  (double) (t1 - t0) / 1e3, N * 1e6 / (double) (t1 - t0));
    print_message("vault: %d x 250 B appended + synced: %.0f records/s\n", BIG,
                  BIG * 1e6 / (double) (t2 - t1));
    print_message("vault: scan of %d records (%.1f MB) in %.1f ms: %.0f MB/s, %.0f records/s\n", n,
                  (double) total / 1e6, (double) (t3 - t2) / 1e3,
                  (double) total / (double) (t3 - t2), n * 1e6 / (double) (t3 - t2));
    bol_vault_close(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_create_refuses_nonempty_and_lock, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_recovery, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_tamper_segment_byte, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_tamper_head, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_tamper_swap_segments, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_tamper_truncate_and_final, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_key_file, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_limits, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_snapshots, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_retention_by_hand, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_retention_90_days, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_speed, setup_dir, teardown_dir),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
