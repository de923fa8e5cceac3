/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_crash.c - kill -9 a writer at random moments; nothing acknowledged is lost
 *
 * Usage: test_crash CRASH_WRITER [RUNS]   (RUNS also from BOL_CRASH_RUNS)
 *
 * Each run starts crash_writer on the same data directory, lets it commit for
 * a random 5..150 ms, and kills it with SIGKILL.  Then the store is opened
 * (SQLite recovers its WAL), and:
 *   - the journal verifies (hashes, checkpoints, no gaps);
 *   - every sequence number acknowledged before the kill is present;
 *   - the state tables equal a replay of the journal.
 */
#include "compat.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "store.h"
#include "utctime.h"

static uint64_t rand_state = 0x853c49e6748fea9bull;

static uint64_t next_rand(void)
{
    rand_state ^= rand_state << 13;
    rand_state ^= rand_state >> 7;
    rand_state ^= rand_state << 17;
    return rand_state;
}

/* Read acks from fd until it closes; returns the highest. */
static uint64_t drain(int fd, uint64_t best, char *carry, size_t *ncarry)
{
    char buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        ssize_t i;

        for (i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                uint64_t v = 0;

                carry[*ncarry] = '\0';
                if (sscanf(carry, "ack %" SCNu64, &v) == 1 && v > best)
                    best = v;
                *ncarry = 0;
            } else if (*ncarry < 63) {
                carry[(*ncarry)++] = buf[i];
            }
        }
    }
    return best;
}

static int check_store(const char *dir, uint64_t acked, unsigned run)
{
    struct bol_store_config c = { .data_dir = dir };
    struct bol_state_digest live, replay;
    struct bol_verify_report rep;
    struct bol_store *s = NULL;
    struct bol_diag d;
    char path[1024];
    uint64_t n = 0, events = 0;
    int r;

    bol_diag_init(&d);
    r = bol_store_open(&c, &s, &d);
    if (r < 0) {
        printf("not ok %u - open after kill: %s\n", run, d.msg);
        return r;
    }
    r = bol_store_verify(s, NULL, 0, &rep, &d);
    if (r < 0) {
        printf("not ok %u - verify after kill: %s\n", run, rep.what[0] ? rep.what : d.msg);
        goto out;
    }
    if (rep.size < acked) {
        printf("not ok %u - acknowledged entry %" PRIu64 " lost (journal has %" PRIu64 ")\n", run,
               acked, rep.size);
        r = BOL_E_CORRUPT;
        goto out;
    }
    snprintf(path, sizeof(path), "%s/../replay-%u.db", dir, run);
    r = bol_store_state_digest(s, &live, &d);
    if (r == 0)
        r = bol_store_replay_into(s, path, &replay, &events, &d);
    unlink(path);
    if (r < 0) {
        printf("not ok %u - replay: %s\n", run, d.msg);
        goto out;
    }
    if (live.n != replay.n || memcmp(live.t, replay.t, sizeof(live.t[0]) * live.n) != 0) {
        printf("not ok %u - state differs from a replay of the journal\n", run);
        r = BOL_E_CORRUPT;
        goto out;
    }
    n = rep.size;
    printf("ok %u - killed with %" PRIu64 " acknowledged, %" PRIu64 " in the journal, %" PRIu64
           " checkpoints\n",
           run, acked, n, rep.checkpoints);
out:
    bol_store_close(s);
    return r;
}

int main(int argc, char **argv)
{
    struct bol_store_config c = { 0 };
    char root[512], dir[600];
    unsigned runs = 20, run, failed = 0;
    const char *env = getenv("BOL_CRASH_RUNS");
    struct bol_diag d;

    if (argc < 2) {
        fprintf(stderr, "usage: test_crash CRASH_WRITER [RUNS]\n");
        return 2;
    }
    if (argc > 2)
        runs = (unsigned) strtoul(argv[2], NULL, 10);
    if (env && *env)
        runs = (unsigned) strtoul(env, NULL, 10);
    rand_state ^= (uint64_t) bol_time_now_us();
    snprintf(root, sizeof(root), "%s/bollard-crash-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root))
        return 1;
    snprintf(dir, sizeof(dir), "%s/data", root);
    c.data_dir = dir;
    bol_diag_init(&d);
    if (bol_store_init(&c, "crash.example/bollard", bol_time_now_us(), NULL, &d) < 0) {
        fprintf(stderr, "init: %s\n", d.msg);
        return 1;
    }
    printf("1..%u\n", runs);
    for (run = 1; run <= runs; run++) {
        int fds[2];
        pid_t pid;
        uint64_t acked = 0;
        char carry[64];
        size_t ncarry = 0;
        int status;
        unsigned ms = 5 + (unsigned) (next_rand() % 146);

        if (pipe(fds) != 0)
            return 1;
        pid = fork();
        if (pid == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl(argv[1], argv[1], dir, (next_rand() & 1) ? "4" : "1", (char *) NULL);
            _exit(127);
        }
        close(fds[1]);
        usleep(ms * 1000);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
            printf("not ok %u - the writer exited by itself (status %d) before the kill\n", run,
                   status);
            failed++;
            close(fds[0]);
            continue;
        }
        acked = drain(fds[0], 0, carry, &ncarry);
        close(fds[0]);
        if (check_store(dir, acked, run) < 0)
            failed++;
    }
    if (!failed) {
        char cmd[700];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", root);
    } else {
        printf("# data kept in %s\n", root);
    }
    return failed ? 1 : 0;
}
