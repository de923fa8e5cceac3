/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_year.c - grow a demo terminal's journal to a terminal year
 *
 * Usage: bench_year --data DIR --entries N
 *
 * DIR holds a demo installation (`bollard demo-data`: the yard stocked and a
 * day of discharges, loads, dig-outs and truck visits with every
 * work-instruction step).  Its events, from the first terminal definition
 * on, are journaled again and again, in their order, through the store's
 * ordinary append (each checked, applied to state and hashed into the tree,
 * checkpoints every 1,000 entries) until the journal holds N entries - the
 * mix and size of a terminal's real traffic, at the length of a year
 * (about 15 million entries).  The tail is checkpointed at the end.  For
 * bench/recovery; not a model of a year's state, which stays the demo's.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "errors.h"
#include "mem.h"
#include "store.h"
#include "utctime.h"

#define TX_ENTRIES 20000

struct day {
    struct bol_buf bytes; /* the entries, back to back */
    size_t *off;
    size_t n, cap;
};

static void die(const char *what, const struct bol_diag *d)
{
    fprintf(stderr, "bench_year: %s: %s\n", what, d ? d->msg : "");
    exit(1);
}

static int take(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct day *dy = ctx;

    struct bol_entry e;
    struct bol_diag d;

    (void) seq;
    (void) leaf;
    bol_diag_init(&d);
    if (bol_entry_decode(entry, &e, &d) < 0)
        return BOL_E_CORRUPT;
    /* the genesis and other journal.* entries belong to the journal, not the traffic */
    if (e.type.len > 8 && !memcmp(e.type.p, "journal.", 8))
        return 0;
    if (dy->n + 1 >= dy->cap) {
        size_t cap = dy->cap ? dy->cap * 2 : 65536;
        size_t *o = bol_realloc(dy->off, cap * sizeof(*o));

        if (!o)
            return BOL_E_NOMEM;
        dy->off = o;
        dy->cap = cap;
    }
    dy->off[dy->n++] = dy->bytes.len;
    dy->off[dy->n] = dy->bytes.len + entry.len;
    return bol_buf_addstr(&dy->bytes, entry);
}

int main(int argc, char **argv)
{
    struct bol_store_config c = { 0 };
    struct day dy = { BOL_BUF_INIT((size_t) 1 << 34), NULL, 0, 0 };
    struct bol_store *s = NULL;
    struct bol_diag d;
    uint64_t want = 0, size = 0, in_tx = 0, k = 0;
    int64_t t0, now;
    int i;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data"))
            c.data_dir = argv[i + 1];
        else if (!strcmp(argv[i], "--entries"))
            want = strtoull(argv[i + 1], NULL, 10);
    }
    if (!c.data_dir || !want) {
        fprintf(stderr, "usage: bench_year --data DIR --entries N\n");
        return 2;
    }
    bol_diag_init(&d);
    if (bol_store_open(&c, &s, &d) < 0)
        die("open", &d);
    if (bol_store_read(s, 1, 0, take, &dy, &d) < 0 || bol_store_size(s, &size, &d) < 0)
        die("read", &d);
    if (dy.n == 0)
        die("the journal holds no traffic (run bollard demo-data first)", NULL);
    t0 = bol_time_mono_us();
    /* one entry per microsecond, ending about now */
    now = bol_time_now_us() - (int64_t) (want - size);
    if (bol_store_begin(s, &d) < 0)
        die("begin", &d);
    while (size < want) {
        struct bol_str raw = bol_str_make(dy.bytes.buf + dy.off[k], dy.off[k + 1] - dy.off[k]);
        struct bol_entry e;
        struct bol_event ev;
        struct bol_actor actor;
        struct bol_append_result res;

        if (bol_entry_decode(raw, &e, &d) < 0)
            die("decode", &d);
        ev = (struct bol_event){ e.type, e.ver, e.terminal, e.payload, NULL };
        actor = (struct bol_actor){ e.actor, e.addr };
        if (bol_store_append(s, &actor, BOL_STR(""), NULL, now + (int64_t) size, &ev, 1, &res, &d) <
            0)
            die("append", &d);
        size++;
        k = (k + 1) % dy.n;
        if (++in_tx == TX_ENTRIES) {
            if (bol_store_commit(s, now + (int64_t) size, &d) < 0 || bol_store_begin(s, &d) < 0)
                die("commit", &d);
            in_tx = 0;
        }
    }
    if (bol_store_commit(s, now + (int64_t) size, &d) < 0)
        die("commit", &d);
    /* the tail's checkpoint, as the server's timer would write it */
    if (bol_store_checkpoint_if_due(s, now + (int64_t) size + 5LL * 1000000, &d) < 0)
        die("checkpoint", &d);
    printf("journal grown to %" PRIu64 " entries (%zu traffic entries repeated) in %.1f s\n", size,
           dy.n, (double) (bol_time_mono_us() - t0) / 1e6);
    bol_store_close(s);
    bol_buf_release(&dy.bytes);
    bol_free(dy.off);
    return 0;
}
