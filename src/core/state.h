/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.h - state tables as core declares them, and changes to their rows
 *
 * State is derived from the journal: applying an event yields row changes
 * (put a row, delete a row) on tables that core declares here.  The store
 * creates the tables from these declarations and runs the changes as SQL;
 * core never sees SQL.  Because every table can be rebuilt from the journal,
 * a change to a declaration is handled by rebuilding state, not by a
 * migration (docs/internals/journal.md).
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

enum bol_value_type {
    BOL_V_NULL = 0,
    BOL_V_INT = 1,
    BOL_V_TEXT = 2,
};

struct bol_value {
    enum bol_value_type type;
    int64_t i;
    struct bol_str s;
};

#define BOL_VAL_NULL     ((struct bol_value){ .type = BOL_V_NULL })
#define BOL_VAL_INT(x)   ((struct bol_value){ .type = BOL_V_INT, .i = (int64_t) (x) })
#define BOL_VAL_TEXT(st) ((struct bol_value){ .type = BOL_V_TEXT, .s = (st) })

struct bol_column {
    const char *name;
    enum bol_value_type type;
    bool nullable;
};

#define BOL_TABLE_COLS_MAX 32

/*
 * The first nkey columns form the primary key.  Table and column names are
 * [a-z_].  indexes (NULL-terminated, or NULL) lists secondary indexes, each
 * as its column names separated by commas: "equipment,status".
 */
struct bol_table {
    const char *name;
    const struct bol_column *cols;
    unsigned ncols;
    unsigned nkey;
    const char *const *indexes;
};

/* Where applying an event sends its changes.  Each returns 0 or a BOL_E_* code. */
struct bol_mutation_sink {
    /* Insert or replace the row; row has t->ncols values in column order. */
    int (*put)(void *ctx, const struct bol_table *t, const struct bol_value *row);
    /* Delete the row with this key (t->nkey values); deleting a missing row is not an error. */
    int (*del)(void *ctx, const struct bol_table *t, const struct bol_value *key);
    /*
     * Set some columns of an existing row: row has t->ncols values, of which
     * the key and the columns whose bit (1 << column index) is in cols are
     * used.  BOL_E_NOTFOUND when no row has that key.
     */
    int (*upd)(void *ctx, const struct bol_table *t, const struct bol_value *row, uint32_t cols);
    void *ctx;
};

/* Every state table, in a fixed order. */
const struct bol_table *const *bol_state_tables(size_t *ret_n);

/*
 * A fingerprint of the declarations (names, types, keys): the store rebuilds
 * state when the fingerprint it stored differs.
 */
void bol_state_fingerprint(char out[65]);
