/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_edi.c - the UN/EDIFACT tokenizer and interchange walk on a generated
 * BAPLIE for a 24,000 TEU vessel
 *
 * Generates, in memory, an SMDG 2.2 (D.95B) BAPLIE with --containers boxes
 * (default 20,000: a mix of 40' and 20', 8 % reefers with TMP, 3 % with a
 * DGS line, VGM on every box), then measures, best of --runs:
 *
 *   - tokenizing it (bol_edi_next over every segment, every value touched);
 *   - walking it with its envelopes and counting (bol_edi_summarize);
 *   - the machine's ceiling: memchr over the same bytes for the terminator;
 *   - reading it as a bay plan (bol_baplie_read: cells, ids, size-types,
 *     masses, reefers, DG);
 *
 * and prints them beside the goals (>= 100 MB/s; the whole BAPLIE < 100 ms)
 * with the peak resident memory.  ../shared/edi files, when given with
 * --shared DIR, are tokenized as well.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "baplie.h"
#include "buf.h"
#include "edifact.h"
#include "errors.h"
#include "summary.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* ISO 6346 check digit of the first ten characters. */
static int check_digit(const char *id)
{
    static const int val[26] = { 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24,
                                 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38 };
    int sum = 0, i, w = 1;

    for (i = 0; i < 10; i++, w *= 2)
        sum += (id[i] >= 'A' ? val[id[i] - 'A'] : id[i] - '0') * w;
    return sum % 11 % 10;
}

static int generate(struct bol_buf *b, unsigned containers)
{
    unsigned i, segs = 0;
    int rc = bol_buf_adds(b, "UNB+UNOA:2+BOLLARD+TERMINAL+261121:0740+BENCH1'");

    rc |= bol_buf_adds(b, "UNH+1+BAPLIE:D:95B:UN:SMDG22'BGM++BENCH1+9'"
                          "DTM+137:202611210740:203'"
                          "TDT+20+024W+++MSC:172:20+++9811000:146::BOLLARD GIANT'"
                          "LOC+5+JPNGO:139:6'LOC+61+NLRTM:139:6'"
                          "DTM+178:202611210600:203'DTM+136:202611220600:203'");
    segs = 9;
    for (i = 0; i < containers && rc == 0; i++) {
        unsigned bay = 1 + (i / 300) % 98, row = (i / 20) % 24, tier = 2 + 2 * (i % 20);
        bool forty = (i % 3) != 0, reefer = (i % 25) == 3, dg = (i % 33) == 7;
        char id[16];

        snprintf(id, sizeof(id), "%c%c%cU%06u", letters[i % 26], letters[(i / 26) % 26],
                 letters[(i / 676) % 26], i % 1000000u);
        id[10] = (char) ('0' + check_digit(id));
        id[11] = '\0';
        rc |= bol_buf_addf(b, "LOC+147+%03u%02u%02u::5'", bay | (forty ? 1u : 0u), row,
                           tier > 90 ? 90 : tier);
        rc |= bol_buf_addf(b, "MEA+VGM++KGM:%u.%02u'", 4000 + (i * 37) % 26000, i % 100);
        rc |= bol_buf_adds(b, "LOC+9+JPNGO'LOC+11+NLRTM'LOC+83+NLRTM'RFF+BM:1'");
        rc |= bol_buf_addf(b, "EQD+CN+%s+%s+++5'NAD+CA+MSC:172:20'", id,
                           reefer ? "45R1" : (forty ? "45G1" : "22G1"));
        segs += 8;
        if (reefer) {
            rc |= bol_buf_adds(b, "TMP+2+-18,0:CEL'");
            segs++;
        }
        if (dg) {
            rc |= bol_buf_adds(b, "DGS+IMD+3+1263+23:CEL'FTX+AAD+++PAINT?'S RELATED MATERIAL'");
            segs += 2;
        }
    }
    rc |= bol_buf_addf(b, "UNT+%u+1'UNZ+1+BENCH1'", segs + 1);
    return rc < 0 ? BOL_E_NOMEM : 0;
}

/* Tokenize every segment and touch every value; returns segments, or -1. */
static long tokenize(const char *p, size_t n, unsigned long long *sink)
{
    static struct bol_edi_seg seg;
    struct bol_edi_reader r;
    struct bol_diag d;
    long k = 0;
    int rc;

    bol_edi_reader_init(&r, p, n, NULL);
    while ((rc = bol_edi_next(&r, &seg, &d)) == 1) {
        unsigned e, c;

        for (e = 0; e < seg.nelem; e++)
            for (c = 0; c < seg.ncomp[e]; c++)
                *sink += seg.v[e][c].len;
        k++;
    }
    if (rc < 0) {
        fprintf(stderr, "bench_edi: %s at byte %lld\n", d.msg, (long long) d.offset);
        return -1;
    }
    return k;
}

static size_t count_terms(const char *p, size_t n)
{
    size_t k = 0;
    const char *q = p, *end = p + n;

    while ((q = memchr(q, '\'', (size_t) (end - q))) != NULL) {
        k++;
        q++;
    }
    return k;
}

static long peak_rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    struct bol_buf b = BOL_BUF_INIT((size_t) 256 << 20);
    unsigned containers = 20000, runs = 7, r, i;
    double best_tok = 1e9, best_walk = 1e9, best_scan = 1e9, best_map = 1e9, mb;
    unsigned long long sink = 0;
    long segs = 0, rss_before;
    size_t terms = 0;
    struct bol_edi_summary s;

    for (i = 1; i < (unsigned) argc; i++) {
        if (!strcmp(argv[i], "--containers") && i + 1 < (unsigned) argc)
            containers = (unsigned) strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < (unsigned) argc)
            runs = (unsigned) strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_edi [--containers N] [--runs N]\n");
            return 2;
        }
    }
    if (generate(&b, containers) < 0) {
        fprintf(stderr, "bench_edi: out of memory\n");
        return 1;
    }
    mb = (double) b.len / 1e6;
    rss_before = peak_rss_kb();
    for (r = 0; r < runs; r++) {
        double t0 = now_s(), t1, t2, t3;

        segs = tokenize(b.buf, b.len, &sink);
        t1 = now_s();
        if (segs < 0)
            return 1;
        if (bol_edi_summarize(b.buf, b.len, NULL, &s) < 0 || s.ic.nmsgs != 1 ||
            s.msgs[0].containers != containers || s.ic.msgs[0].failed) {
            fprintf(stderr, "bench_edi: the generated BAPLIE does not read back\n");
            return 1;
        }
        t2 = now_s();
        bol_edi_summary_release(&s);
        terms = count_terms(b.buf, b.len);
        t3 = now_s();
        {
            struct bol_baplie_set bs;

            if (bol_baplie_read(b.buf, b.len, NULL, &bs) < 0 || bs.nplans != 1 ||
                bs.plans[0].nslots != containers || bs.ic.msgs[0].failed) {
                fprintf(stderr, "bench_edi: the generated BAPLIE does not map\n");
                return 1;
            }
            bol_baplie_set_release(&bs);
        }
        best_map = BOL_MIN(best_map, now_s() - t3);
        best_tok = BOL_MIN(best_tok, t1 - t0);
        best_walk = BOL_MIN(best_walk, t2 - t1);
        best_scan = BOL_MIN(best_scan, t3 - t2);
    }
    printf("EDIFACT: generated BAPLIE D.95B SMDG 2.2, %u containers, %.1f MB, %ld segments "
           "(%zu terminators, %llu value bytes per run), best of %u runs\n\n",
           containers, mb, segs, terms, sink / runs, runs);
    printf("| measure | bollard | reference | goal |\n|---|---|---|---|\n");
    printf("| tokenizer throughput | %.0f MB/s | memchr scan %.0f MB/s (ceiling) | >= 100 MB/s: %s "
           "|\n",
           mb / best_tok, mb / best_scan, mb / best_tok >= 100 ? "met" : "MISSED");
    printf("| tokenize + envelopes + counts, whole BAPLIE | %.1f ms | - | < 100 ms: %s |\n",
           best_walk * 1e3, best_walk < 0.1 ? "met" : "MISSED");
    printf("| parse and map the BAPLIE (slots, cells, ids, masses, reefers, DG) | %.1f ms | - | < "
           "100 ms: %s |\n",
           best_map * 1e3, best_map < 0.1 ? "met" : "MISSED");
    printf("| peak resident memory | %.1f MB (input %.1f MB) | - | < 64 MB: %s |\n",
           (double) peak_rss_kb() / 1024.0, mb, peak_rss_kb() < 64 * 1024 ? "met" : "MISSED");
    printf("\n(memory before the runs %.1f MB; mapping reads into bollard's BAPLIE structure,"
           " not yet into the journal)\n",
           (double) rss_before / 1024.0);
    bol_buf_release(&b);
    return 0;
}
