/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storetest.h - a fresh store per test, on SQLite or on a real PostgreSQL
 *
 * The engine comes from the command line ("sqlite" or "pg").  For PostgreSQL
 * the server is named by BOL_TEST_PG_DSN (make check starts a throw-away
 * cluster and sets it); each fixture creates its own database there and drops
 * it afterwards, so tests never see each other's rows.
 */
#pragma once

#include "compat.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "mem.h"
#include "store.h"

struct fixture {
    char dir[512];
    char url[1024];
    char dbname[64];
    struct bol_store *s;
};

static bool use_pg;
static const char *pg_dsn;
static unsigned fixture_counter;

/* argv[1] is "sqlite" or "pg".  Returns an exit code to stop with, or -1 to go on. */
BOL_UNUSED static int store_test_engine(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "pg"))) {
        fprintf(stderr, "usage: %s sqlite|pg\n", argv[0]);
        return 2;
    }
    use_pg = !strcmp(argv[1], "pg");
    if (use_pg) {
        pg_dsn = getenv("BOL_TEST_PG_DSN");
        if (!pg_dsn || !*pg_dsn) {
            printf("BOL_TEST_PG_DSN is not set: skipping the PostgreSQL run "
                   "(make check starts a server and sets it)\n");
            return 77;
        }
    }
    return -1;
}

/* The DSN with its database name replaced. */
static void dsn_with_db(const char *dsn, const char *db, char *out, size_t n)
{
    const char *slash, *q;

    if (!dsn || !(slash = strrchr(dsn, '/'))) {
        snprintf(out, n, "%s", dsn ? dsn : "");
        return;
    }
    q = strchr(dsn, '?');

    snprintf(out, n, "%.*s/%s%s", (int) (slash - dsn), dsn, db, q ? q : "");
}

static int pg_admin(const char *sql)
{
    PGconn *c;
    PGresult *r;
    int ok;

    if (!pg_dsn)
        return -1;
    c = PQconnectdb(pg_dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect to %s: %s", pg_dsn, PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    r = PQexec(c, sql);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char p[1024];

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
        rm_rf(p);
    }
    closedir(d);
    rmdir(path);
}

/* Create the data directory (and PostgreSQL database) for a new store; does not open it. */
BOL_UNUSED static int fixture_make(struct fixture *f)
{
    struct bol_store_config c = { 0 };
    struct bol_diag d;
    int r;

    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s/bollard-test-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(f->dir))
        return BOL_E_IO;
    /* The store's directory is one level down, so init creates it with its own mode. */
    memcpy(f->dir + strlen(f->dir), "/data", 6);
    c.data_dir = f->dir;
    if (use_pg) {
        char sql[128];

        snprintf(f->dbname, sizeof(f->dbname), "bt_%ld_%u", (long) getpid(), ++fixture_counter);
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->dbname);
        if (pg_admin(sql) < 0)
            return BOL_E_IO;
        dsn_with_db(pg_dsn, f->dbname, f->url, sizeof(f->url));
        c.db_url = f->url;
    }
    bol_diag_init(&d);
    r = bol_store_init(&c, "test.example/bollard", 1795279200000000, NULL, &d);
    if (r < 0)
        fprintf(stderr, "init: %s\n", d.msg);
    return r;
}

BOL_UNUSED static int fixture_open(struct fixture *f, uint32_t checkpoint_every, bool read_only)
{
    struct bol_store_config c = { 0 };
    struct bol_diag d;
    int r;

    c.data_dir = f->dir;
    c.checkpoint_every = checkpoint_every;
    c.checkpoint_interval_us = 3600LL * 1000000; /* checkpoints by count in tests */
    c.read_only = read_only;
    bol_diag_init(&d);
    r = bol_store_open(&c, &f->s, &d);
    if (r < 0)
        fprintf(stderr, "open: %s\n", d.msg);
    return r;
}

BOL_UNUSED static void fixture_destroy(struct fixture *f)
{
    char parent[512];
    char *slash;

    bol_store_close(f->s);
    f->s = NULL;
    snprintf(parent, sizeof(parent), "%s", f->dir);
    slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    rm_rf(parent);
    if (use_pg && f->dbname[0]) {
        char sql[128];

        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
        pg_admin(sql);
    }
}

/* cmocka setup: a fresh store, opened (checkpoint every 10) when open is set. */
BOL_UNUSED static int fixture_setup(void **state, bool open)
{
    struct fixture *f = bol_xcalloc(1, sizeof(*f));

    if (fixture_make(f) < 0 || (open && fixture_open(f, 10, false) < 0)) {
        fixture_destroy(f);
        bol_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

BOL_UNUSED static int fixture_teardown(void **state)
{
    struct fixture *f = *state;

    fixture_destroy(f);
    bol_free(f);
    return 0;
}
