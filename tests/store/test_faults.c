/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_faults.c - power cuts, I/O errors, a full disk and damaged files (SQLite)
 *
 * Usage: test_faults [POWERCUTS]   (also BOL_POWERCUT_RUNS)
 *
 *   power cut  writes go through the "fault" VFS (faultvfs.h), which loses a
 *              random part of what was not yet synced when the power goes out
 *              at a random sync.  Reopened normally, the journal must verify,
 *              hold every acknowledged entry, and state must equal replay.
 *   I/O error  a failing write gives BOL_E_IO, a full disk BOL_E_NOSPACE, with
 *              a message; the store stays consistent and usable afterwards.
 *   damage     a changed byte in an entry, a destroyed header or a trashed
 *              page is reported with the file's path (and the entry) and
 *              never repaired silently.
 */
#include "compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sqlite3.h>

#include "faultvfs.h"
#include "jsonw.h"
#include "storetest.h"

#define NOW 1795279200000000LL

static const struct bol_actor actor = { { "user:fault", 10 }, { "", 0 } };
static unsigned powercut_runs = 30;

static int open_with(struct fixture *f, const char *vfs)
{
    struct bol_store_config c = { .data_dir = f->dir, .sqlite_vfs = vfs, .checkpoint_every = 20 };
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_store_open(&c, &f->s, &d);
    if (r < 0)
        printf("# open: %s\n", d.msg);
    return r;
}

static int append_one(struct bol_store *s, uint64_t n, uint64_t *ret_seq, struct bol_diag *d)
{
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_append_result res;
    struct bol_event ev;
    char code[16], name[64];
    int r;

    snprintf(code, sizeof(code), "P%u", (unsigned) (n % 50));
    snprintf(name, sizeof(name), "Terminal %" PRIu64, n);
    r = bol_buf_adds(&b, "{\"code\":");
    r = r ? r : bol_json_put_str(&b, code, strlen(code));
    r = r ? r : bol_buf_adds(&b, ",\"name\":");
    r = r ? r : bol_json_put_str(&b, name, strlen(name));
    r = r ? r : bol_buf_adds(&b, ",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}");
    assert_int_equal(r, 0);
    ev = (struct bol_event){ BOL_STR("terminal.defined"), 2, bol_str_from(code), bol_buf_str(&b),
                             NULL };
    r = bol_store_begin(s, d);
    if (r == 0)
        r = bol_store_append(s, &actor, BOL_STR(""), NULL, NOW, &ev, 1, &res, d);
    if (r == 0)
        r = bol_store_commit(s, NOW, d);
    else
        bol_store_rollback(s);
    if (r == 0)
        *ret_seq = res.last_seq;
    bol_buf_release(&b);
    return r;
}

static void check_consistent(struct fixture *f, uint64_t acked)
{
    struct bol_state_digest live, replay;
    struct bol_verify_report rep;
    struct bol_diag d;
    char path[600], shm[600];

    /* After a power cut the shared-memory index is gone as well. */
    snprintf(shm, sizeof(shm), "%s/bollard.db-shm", f->dir);
    unlink(shm);
    assert_int_equal(open_with(f, NULL), 0);
    bol_diag_init(&d);
    if (bol_store_verify(f->s, NULL, BOL_VERIFY_DEEP, &rep, &d) != 0)
        fail_msg("verify: %s", rep.what[0] ? rep.what : d.msg);
    if (rep.size < acked)
        fail_msg("acknowledged entry %" PRIu64 " lost: the journal has %" PRIu64, acked, rep.size);
    snprintf(path, sizeof(path), "%s/replay.db", f->dir);
    unlink(path);
    assert_int_equal(bol_store_state_digest(f->s, &live, NULL), 0);
    assert_int_equal(bol_store_replay_into(f->s, path, &replay, NULL, NULL), 0);
    unlink(path);
    assert_int_equal(live.n, replay.n);
    assert_memory_equal(live.t, replay.t, sizeof(live.t[0]) * live.n);
    bol_store_close(f->s);
    f->s = NULL;
}

static int setup(void **state)
{
    return fixture_setup(state, false);
}

static int teardown(void **state)
{
    return fixture_teardown(state);
}

static void test_power_cuts(void **state)
{
    struct fixture *f = *state;
    uint64_t acked = 1, n = 0;
    unsigned run, lost_unsynced = 0;

    for (run = 1; run <= powercut_runs; run++) {
        struct bol_diag d;
        uint64_t seq = 0;
        unsigned k = 0;
        int r = 0;

        faultvfs_reset(0x9e3779b97f4a7c15ull * run);
        assert_int_equal(open_with(f, "fault"), 0);
        faultvfs_powercut_at_sync(1 + (run * 7) % 40);
        while (r == 0 && k < 200) {
            bol_diag_init(&d);
            r = append_one(f->s, ++n, &seq, &d);
            if (r == 0)
                acked = seq;
            k++;
        }
        if (r == 0)
            fail_msg("run %u: the power cut never came", run);
        assert_true(faultvfs_dead());
        assert_int_equal(r, BOL_E_IO);
        bol_store_close(f->s);
        f->s = NULL;
        check_consistent(f, acked);
        lost_unsynced++;
    }
    printf("# %u power cuts, %" PRIu64 " commands attempted, %" PRIu64
           " acknowledged entries kept\n",
           lost_unsynced, n, acked);
}

static void test_io_error_then_recovery(void **state)
{
    struct fixture *f = *state;
    uint64_t acked = 1, seq = 0, n = 0;
    struct bol_diag d;
    int r = 0, i;

    faultvfs_reset(7);
    assert_int_equal(open_with(f, "fault"), 0);
    for (i = 0; i < 5; i++) {
        assert_int_equal(append_one(f->s, ++n, &seq, NULL), 0);
        acked = seq;
    }
    faultvfs_fail_write(3);
    bol_diag_init(&d);
    while (r == 0 && i++ < 100) {
        r = append_one(f->s, ++n, &seq, &d);
        if (r == 0)
            acked = seq;
    }
    assert_int_equal(r, BOL_E_IO);
    assert_non_null(strstr(d.msg, "bollard.db"));
    /* The same store carries on once the disk works again. */
    assert_int_equal(append_one(f->s, ++n, &seq, NULL), 0);
    acked = seq;
    bol_store_close(f->s);
    f->s = NULL;
    check_consistent(f, acked);
}

static void test_disk_full_then_recovery(void **state)
{
    struct fixture *f = *state;
    uint64_t acked = 1, seq = 0, n = 0;
    struct bol_diag d;
    int r = 0, i = 0;

    faultvfs_reset(11);
    assert_int_equal(open_with(f, "fault"), 0);
    faultvfs_quota(1024 * 1024);
    bol_diag_init(&d);
    while (r == 0 && i++ < 10000) {
        r = append_one(f->s, ++n, &seq, &d);
        if (r == 0)
            acked = seq;
    }
    assert_int_equal(r, BOL_E_NOSPACE);
    assert_non_null(strstr(d.msg, "full"));
    assert_true(acked > 5);
    faultvfs_reset(12);
    assert_int_equal(append_one(f->s, ++n, &seq, NULL), 0);
    acked = seq;
    bol_store_close(f->s);
    f->s = NULL;
    check_consistent(f, acked);
}

/* Replace the first occurrence of from (same length as to) in the file. */
static bool patch_file(const char *path, const char *from, const char *to)
{
    FILE *fp = fopen(path, "r+b");
    char *buf;
    long size;
    size_t n = strlen(from), i;
    bool done = false;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = bol_xmalloc((size_t) size);
    assert_int_equal(fread(buf, 1, (size_t) size, fp), (size_t) size);
    for (i = 0; i + n <= (size_t) size; i++) {
        if (!memcmp(buf + i, from, n)) {
            fseek(fp, (long) i, SEEK_SET);
            fwrite(to, 1, n, fp);
            done = true;
            break;
        }
    }
    fclose(fp);
    bol_free(buf);
    return done;
}

static void fill_and_close(struct fixture *f, unsigned n)
{
    uint64_t seq = 0;
    unsigned i;

    assert_int_equal(open_with(f, NULL), 0);
    for (i = 1; i <= n; i++)
        assert_int_equal(append_one(f->s, i, &seq, NULL), 0);
    /* Closing the last connection moves the WAL into the database file. */
    bol_store_close(f->s);
    f->s = NULL;
}

static void test_damaged_entry_is_named(void **state)
{
    struct fixture *f = *state;
    struct bol_verify_report rep;
    char path[600];

    fill_and_close(f, 40);
    snprintf(path, sizeof(path), "%s/bollard.db", f->dir);
    /* Entry 24 defines "Terminal 23". */
    assert_true(patch_file(path, "Terminal 23\"", "Terminal 2X\""));
    assert_int_equal(open_with(f, NULL), 0);
    assert_int_equal(bol_store_verify(f->s, NULL, 0, &rep, NULL), BOL_E_CORRUPT);
    assert_int_equal(rep.bad_seq, 24);
    assert_non_null(strstr(rep.what, "does not match its stored hash"));
}

static void test_damaged_header_is_reported(void **state)
{
    struct fixture *f = *state;
    struct bol_store_config c = { .data_dir = f->dir };
    struct bol_diag d;
    char path[600];
    int fd;

    fill_and_close(f, 10);
    snprintf(path, sizeof(path), "%s/bollard.db", f->dir);
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "this is not a database, it was overwritten", 42, 0), 42);
    close(fd);
    bol_diag_init(&d);
    assert_int_equal(bol_store_open(&c, &f->s, &d), BOL_E_CORRUPT);
    assert_non_null(strstr(d.msg, path));
}

static void test_damaged_page_is_reported(void **state)
{
    struct fixture *f = *state;
    struct bol_store_config c = { .data_dir = f->dir };
    struct bol_verify_report rep;
    struct bol_diag d;
    char path[600], junk[4096];
    int fd, r;

    fill_and_close(f, 400);
    snprintf(path, sizeof(path), "%s/bollard.db", f->dir);
    memset(junk, 0x5a, sizeof(junk));
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    /* Trash the third page: part of the schema or the journal's b-tree. */
    assert_int_equal(pwrite(fd, junk, sizeof(junk), 2 * 4096), (ssize_t) sizeof(junk));
    close(fd);
    bol_diag_init(&d);
    r = bol_store_open(&c, &f->s, &d);
    if (r == 0) {
        r = bol_store_verify(f->s, NULL, 0, &rep, &d);
        if (r == BOL_E_CORRUPT && rep.what[0]) {
            printf("# damage found by verify: %s\n", rep.what);
            return;
        }
    }
    printf("# damage reported: %s (%d)\n", d.msg, r);
    assert_int_equal(r, BOL_E_CORRUPT);
    assert_non_null(strstr(d.msg, path));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_cuts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_error_then_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full_then_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_entry_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_header_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_page_is_reported, setup, teardown),
    };
    const char *env = getenv("BOL_POWERCUT_RUNS");

    if (argc > 1)
        powercut_runs = (unsigned) strtoul(argv[1], NULL, 10);
    if (env && *env)
        powercut_runs = (unsigned) strtoul(env, NULL, 10);
    if (faultvfs_register() != SQLITE_OK)
        return 1;
    use_pg = false;
    return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
