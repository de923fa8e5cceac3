/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db-int.h - what the engines share with db.c, private to src/store
 */
#pragma once

#include "compat.h"
#include "db.h"

/* The SQLite connection of db (db_image.c uses it); NULL for another engine. */
struct sqlite3 *bol_db_sqlite_conn(struct bol_db *db);

/* Most parameters a statement may take. */
#define BOL_DB_PARAMS_MAX 32

struct bol_db_row_ops {
    unsigned (*ncols)(const struct bol_db_row *row);
    bool (*is_null)(const struct bol_db_row *row, unsigned col);
    int64_t (*get_int)(const struct bol_db_row *row, unsigned col);
    struct bol_str (*get_bytes)(const struct bol_db_row *row, unsigned col);
};

struct bol_db_row {
    const struct bol_db_row_ops *ops;
    void *impl; /* the engine's statement or result */
    int index;  /* row number within the result (PostgreSQL) */
};

/*
 * Pointer-keyed cache of prepared statements, open addressing.  Engines keep
 * their handle in `handle` and whatever else they need in `extra`.
 */
struct stmt_slot {
    const struct bol_sql *key;
    void *handle;
    int extra[BOL_DB_PARAMS_MAX];
};

struct stmt_cache {
    struct stmt_slot *slots;
    size_t cap; /* power of two */
    size_t used;
};

/* Find the slot for q, creating an empty one (handle NULL) when absent.  NULL when out of memory. */
struct stmt_slot *stmt_cache_get(struct stmt_cache *c, const struct bol_sql *q);
/* Call fn on every handle, then free the table. */
void stmt_cache_release(struct stmt_cache *c, void (*fn)(void *handle));
