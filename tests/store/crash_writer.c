/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crash_writer.c - a writer for the crash harness: append until killed
 *
 * Usage: crash_writer DATA_DIR THREADS
 * THREADS threads send commands through one group committer.  After a
 * command's batch is durable the thread writes "ack <last seq>\n" to standard
 * output with one write(2), so whatever the harness reads was acknowledged.
 */
#include "compat.h"

#include <pthread.h>
#include <unistd.h>

#include "committer.h"
#include "errors.h"
#include "jsonw.h"
#include "sha256.h"
#include "store.h"
#include "utctime.h"

struct unit {
    unsigned id;
    uint64_t n;
    struct bol_append_result res;
};

static struct bol_committer *committer;

static int define(struct bol_store *s, void *ctx, struct bol_diag *diag)
{
    static const struct bol_actor actor = { { "user:crash", 10 }, { "127.0.0.1", 9 } };
    struct unit *u = ctx;
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_event ev[2];
    char code[16], name[64], req[64];
    uint8_t h[BOL_SHA256_LEN];
    int r;

    snprintf(code, sizeof(code), "C%u", (unsigned) (u->n % 97));
    snprintf(name, sizeof(name), "terminal %u/%" PRIu64, u->id, u->n);
    snprintf(req, sizeof(req), "w%u-%" PRIu64 "-%ld", u->id, u->n, (long) getpid());
    r = bol_buf_adds(&b, "{\"code\":");
    if (r == 0)
        r = bol_json_put_str(&b, code, strlen(code));
    if (r == 0)
        r = bol_buf_adds(&b, ",\"name\":");
    if (r == 0)
        r = bol_json_put_str(&b, name, strlen(name));
    if (r == 0)
        r = bol_buf_adds(&b, ",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}");
    if (r < 0)
        return r;
    ev[0] = (struct bol_event){ BOL_STR("terminal.defined"), 2, bol_str_from(code), bol_buf_str(&b),
                                NULL };
    ev[1] = (struct bol_event){ BOL_STR("line.defined"), 1, BOL_STR(""),
                                BOL_STR("{\"code\":\"ONE\",\"name\":\"Ocean Network Express\"}"),
                                NULL };
    bol_sha256(b.buf, b.len, h);
    r = bol_store_append(s, &actor, bol_str_from(req), h, bol_time_now_us(), ev,
                         u->n % 3 == 0 ? 2 : 1, &u->res, diag);
    bol_buf_release(&b);
    return r;
}

static void *writer(void *arg)
{
    struct unit u = { (unsigned) (uintptr_t) arg, 0, { 0, 0, false } };

    for (;;) {
        struct bol_diag d;
        char line[64];
        int n;

        bol_diag_init(&d);
        u.n++;
        if (bol_committer_run(committer, define, &u, &d) < 0) {
            fprintf(stderr, "crash_writer: %s\n", d.msg);
            exit(3);
        }
        n = snprintf(line, sizeof(line), "ack %" PRIu64 "\n", u.res.last_seq);
        if (write(STDOUT_FILENO, line, (size_t) n) != n)
            exit(4);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct bol_store_config c = { 0 };
    struct bol_committer_opts o = { 100, 2000 };
    struct bol_store *s;
    struct bol_diag d;
    pthread_t t[16];
    unsigned i, n;

    if (argc != 3) {
        fprintf(stderr, "usage: crash_writer DATA_DIR THREADS\n");
        return 2;
    }
    n = (unsigned) strtoul(argv[2], NULL, 10);
    if (n < 1 || n > 16)
        n = 4;
    c.data_dir = argv[1];
    c.checkpoint_every = 50;
    bol_diag_init(&d);
    if (bol_store_open(&c, &s, &d) < 0 || bol_committer_start(s, &o, &committer, &d) < 0) {
        fprintf(stderr, "crash_writer: %s\n", d.msg);
        return 1;
    }
    for (i = 0; i < n; i++)
        pthread_create(&t[i], NULL, writer, (void *) (uintptr_t) i);
    for (i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    return 0;
}
