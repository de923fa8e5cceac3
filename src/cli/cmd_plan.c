/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_plan.c - bollard plan brp|cpmp: the yard planners on instance files
 *
 * Runs the block relocation or the pre-marshalling solver on benchmark
 * instance files (one file, or every .dat/.bay file under a directory) and
 * prints, per instance class, our average beside the reference average:
 * the published figure for the class, or per instance from --reference.
 * Every solution is replayed on its own (bay.h) before it is counted.
 */
#include "compat.h"

#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <sys/stat.h>

#include "brp.h"
#include "cli.h"
#include "cpmp.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "utctime.h"

const char *const cmd_plan_brp_usage[] = {
    "usage: bollard plan brp [--variant restricted|unrestricted] [--max-height T+2|N]",
    "                        [--time-limit S] [--reference CSV] [--json] [--moves] FILE|DIR...",
    "",
    "Retrieve every box of each bay in priority order (1 first) with the fewest",
    "relocations (the block relocation problem), and print per instance class",
    "our average beside the reference average, the gap, how many we proved",
    "optimal, and the seconds used.  Instances: Caserta-style files (\"S N\",",
    "then per stack \"h p1 .. ph\" from the bottom) and Tierney-style files",
    "(\"Stacks:\", \"Stack i:\"); a directory is read with everything under it.",
    "",
    "    --variant V       restricted (default: only the boxes above the next",
    "                      one move) or unrestricted (any top box)",
    "    --max-height H    T+2 (highest initial stack plus two, the default for",
    "                      these sets) or a number of tiers",
    "    --time-limit S    seconds per instance (default 10)",
    "    --reference CSV   per-instance reference values: columns class_TxS or",
    "                      group, instance, and opt_relocations, opt_moves or",
    "                      best_found; rows marked not proven are left out",
    "    --json            one JSON object per instance instead of the table",
    "    --moves           the move sequence too (stacks from 1; to 0: retrieved)",
    NULL,
};

const char *const cmd_plan_cpmp_usage[] = {
    "usage: bollard plan cpmp [--max-height T+2|N] [--time-limit S] [--reference CSV]",
    "                         [--json] [--moves] FILE|DIR...",
    "",
    "Reorder each bay with the fewest moves so that no box sits above one",
    "that leaves earlier (pre-marshalling), and print per instance class our",
    "average beside the reference average, the gap, how many we proved",
    "optimal, and the seconds used.  Instances as for bollard plan brp; a",
    "Bortfeldt-Forster file name (cpmp_S_H_N_G_X_i) gives the maximum height.",
    "",
    "    --max-height H    T+2 (highest initial stack plus two) or a number of",
    "                      tiers (default: from the file name, else T+2)",
    "    --time-limit S    seconds per instance (default 1)",
    "    --reference CSV   per-instance reference values, as for plan brp",
    "    --json            one JSON object per instance instead of the table",
    "    --moves           the move sequence too (stacks from 1)",
    NULL,
};

#define INSTANCE_MAX ((size_t) 1 << 20)
#define PATHS_MAX    100000

enum problem { BRP, CPMP };

struct opts {
    enum problem problem;
    enum bol_brp_variant variant;
    unsigned max_height; /* 0: as read; UINT32_MAX: T+2 */
    double seconds;
    bool json, moves;
};

/* -- instance files -------------------------------------------------------- */

struct paths {
    char **v;
    size_t n, alloc;
};

static int paths_add(struct paths *p, const char *path)
{
    if (p->n == PATHS_MAX) {
        bol_log_error("more than %d instance files", PATHS_MAX);
        return -1;
    }
    if (p->n == p->alloc) {
        size_t na = p->alloc ? p->alloc * 2 : 256;
        char **v = bol_realloc(p->v, na * sizeof(*v));
        if (!v)
            return -1;
        p->v = v;
        p->alloc = na;
    }
    size_t len = strlen(path);
    p->v[p->n] = bol_malloc(len + 1);
    if (!p->v[p->n])
        return -1;
    memcpy(p->v[p->n++], path, len + 1);
    return 0;
}

static void paths_release(struct paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        bol_free(p->v[i]);
    bol_free(p->v);
}

static bool instance_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && (!strcmp(name + n - 4, ".dat") || !strcmp(name + n - 4, ".bay"));
}

static int walk(struct paths *p, const char *dir, unsigned depth)
{
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (depth > 8)
        return 0;
    d = opendir(dir);
    if (!d) {
        bol_log_error("%s: %s", dir, strerror(errno));
        return -1;
    }
    while (rc == 0 && (e = readdir(d))) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
            continue;
        if (stat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(p, path, depth + 1);
        else if (S_ISREG(st.st_mode) && instance_name(e->d_name))
            rc = paths_add(p, path);
    }
    closedir(d);
    return rc;
}

/* Names in natural order: data3-3-2 before data3-3-10. */
static int natural_cmp(const void *a, const void *b)
{
    const char *x = *(char *const *) a, *y = *(char *const *) b;
    while (*x && *y) {
        if (isdigit((unsigned char) *x) && isdigit((unsigned char) *y)) {
            while (*x == '0')
                x++;
            while (*y == '0')
                y++;
            size_t nx = 0, ny = 0;
            while (isdigit((unsigned char) x[nx]))
                nx++;
            while (isdigit((unsigned char) y[ny]))
                ny++;
            if (nx != ny)
                return nx < ny ? -1 : 1;
            int c = memcmp(x, y, nx);
            if (c)
                return c;
            x += nx;
            y += ny;
            continue;
        }
        if (*x != *y)
            return (unsigned char) *x < (unsigned char) *y ? -1 : 1;
        x++;
        y++;
    }
    return *x ? 1 : *y ? -1 : 0;
}

/* The class and number of an instance: data{T}-{S}-{i} is class "T-S";
 * otherwise the folder's name, and the last number of the file's name. */
static void classify(const char *path, char *cls, size_t size, unsigned *index)
{
    const char *base = strrchr(path, '/');
    unsigned t, s, i;
    base = base ? base + 1 : path;
    *index = 0;
    if (sscanf(base, "data%u-%u-%u.dat", &t, &s, &i) == 3) {
        snprintf(cls, size, "%u-%u", t, s);
        *index = i;
        return;
    }
    const char *end = base > path ? base - 1 : path;
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    if (end > start)
        snprintf(cls, size, "%.*s", (int) (end - start), start);
    else
        snprintf(cls, size, ".");
    const char *q = base + strlen(base);
    while (q > base && !isdigit((unsigned char) q[-1]))
        q--;
    const char *digits = q;
    while (digits > base && isdigit((unsigned char) digits[-1]))
        digits--;
    unsigned v = 0;
    for (; digits < q && v < 100000000; digits++)
        v = v * 10 + (unsigned) (*digits - '0');
    *index = v;
}

/* -- reference values ------------------------------------------------------ */

struct ref {
    char cls[48];
    unsigned index;
    double value;
};

struct refs {
    struct ref *v;
    size_t n;
};

static int split_csv(char *line, char **cell, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return n;
        cell[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    char *e = cell[n - 1] + strcspn(cell[n - 1], "\r\n");
    *e = '\0';
    return n;
}

static int col(char **cell, int n, const char *const *names)
{
    for (int i = 0; i < n; i++)
        for (const char *const *q = names; *q; q++)
            if (!strcmp(cell[i], *q))
                return i;
    return -1;
}

static int load_refs(const char *path, const struct opts *o, struct refs *r)
{
    static const char *const cls_names[] = { "class_TxS", "group", "class", NULL };
    static const char *const idx_names[] = { "instance", NULL };
    static const char *const val_names[] = { "opt_relocations", "opt_moves", "best_found", "value",
                                             NULL };
    static const char *const var_names[] = { "variant", NULL };
    static const char *const prv_names[] = { "proven", "proven_optimal", NULL };
    char *text;
    size_t len;
    if (cli_read_file(path, (size_t) 16 << 20, &text, &len) < 0)
        return -1;
    char *save = text, *line = text;
    char *cell[32];
    int ci = -1, ii = -1, vi = -1, vari = -1, pi = -1, nh = 0;
    unsigned lineno = 0;
    int rc = -1;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        int n = split_csv(line, cell, 32);
        if (lineno == 1) {
            nh = n;
            ci = col(cell, n, cls_names);
            ii = col(cell, n, idx_names);
            vi = col(cell, n, val_names);
            vari = col(cell, n, var_names);
            pi = col(cell, n, prv_names);
            if (ci < 0 || ii < 0 || vi < 0) {
                bol_log_error("%s:1: needs columns class_TxS or group, instance, and "
                              "opt_relocations, opt_moves or best_found",
                              path);
                goto out;
            }
        } else if (n > 1 || cell[0][0]) {
            if (n != nh) {
                bol_log_error("%s:%u: %d fields, the header has %d", path, lineno, n, nh);
                goto out;
            }
            const char *want = o->problem == CPMP                   ? NULL
                               : o->variant == BOL_BRP_UNRESTRICTED ? "unrestricted"
                                                                    : "restricted";
            bool keep = cell[vi][0] != '\0';
            if (vari >= 0 && want && strcmp(cell[vari], want))
                keep = false;
            if (pi >= 0 && strcmp(cell[pi], "yes") && strcmp(cell[pi], "true"))
                keep = false;
            if (keep) {
                char *end;
                errno = 0;
                double v = strtod(cell[vi], &end);
                unsigned long idx = strtoul(cell[ii], &end, 10);
                if (errno || *end || strlen(cell[ci]) >= sizeof(r->v[0].cls)) {
                    bol_log_error("%s:%u: not a class, instance and value", path, lineno);
                    goto out;
                }
                struct ref *nv = bol_realloc(r->v, (r->n + 1) * sizeof(*nv));
                if (!nv)
                    goto out;
                r->v = nv;
                snprintf(nv[r->n].cls, sizeof(nv[r->n].cls), "%s", cell[ci]);
                nv[r->n].index = (unsigned) idx;
                nv[r->n].value = v;
                r->n++;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    rc = 0;
out:
    bol_free(save);
    return rc;
}

static const struct ref *find_ref(const struct refs *r, const char *cls, unsigned index)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].index == index && !strcmp(r->v[i].cls, cls))
            return &r->v[i];
    return NULL;
}

/*
 * Published class averages, printed when no --reference is given: the
 * restricted optima of Galle, Barnhart & Jaillet 2018 (all 40 proven), the
 * ant colony averages of Jovanovic, Tuba & Voss 2019 for the larger classes,
 * the GLAH heuristic (Jin, Zhu & Lim 2015) on instances 1-10 unrestricted,
 * and the optimal averages of the DLTS pre-marshalling test split.
 */
static const struct published {
    enum problem problem;
    int variant; /* -1: any */
    const char *cls;
    double avg;
    const char *source;
} published[] = {
    { BRP, BOL_BRP_RESTRICTED, "3-3", 5.000, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "3-4", 6.175, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "3-5", 7.025, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "3-6", 8.400, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "3-7", 9.275, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "3-8", 10.650, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "4-4", 10.200, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "4-5", 12.950, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "4-6", 14.025, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "4-7", 16.125, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "5-4", 15.425, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "5-5", 18.850, "optimum" },
    { BRP, BOL_BRP_RESTRICTED, "5-6", 22.15, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "5-7", 24.33, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "5-8", 27.73, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "5-9", 30.50, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "5-10", 33.40, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "6-6", 31.05, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "6-10", 45.93, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "10-6", 79.50, "ant colony" },
    { BRP, BOL_BRP_RESTRICTED, "10-10", 113.45, "ant colony" },
    { BRP, BOL_BRP_UNRESTRICTED, "10-6", 75.70, "GLAH, 1-10" },
    { BRP, BOL_BRP_UNRESTRICTED, "10-10", 99.60, "GLAH, 1-10" },
    { CPMP, -1, "5x5_cv1_test", 26.00, "optimum" },
    { CPMP, -1, "5x5_cv2_test", 24.89, "optimum" },
    { CPMP, -1, "5x5_cv3_test", 23.95, "optimum" },
    { CPMP, -1, "7x5_cv1_test", 31.70, "optimum" },
    { CPMP, -1, "7x5_cv2_test", 30.93, "optimum" },
    { CPMP, -1, "7x5_cv3_test", 30.13, "optimum" },
    { CPMP, -1, "10x5_cv1_test", 40.57, "optimum" },
    { CPMP, -1, "10x5_cv2_test", 39.98, "optimum" },
    { CPMP, -1, "10x5_cv3_test", 39.27, "optimum" },
};

static const struct published *find_published(const struct opts *o, const char *cls)
{
    for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++)
        if (published[i].problem == o->problem &&
            (published[i].variant < 0 || published[i].variant == (int) o->variant) &&
            !strcmp(published[i].cls, cls))
            return &published[i];
    return NULL;
}

/* -- solving --------------------------------------------------------------- */

struct outcome {
    struct bol_bay_move *moves;
    size_t n;
    unsigned objective, lower_bound;
    bool solved, proven;
    double seconds;
};

static bool expired(void *ctx)
{
    return bol_time_mono_us() >= *(const int64_t *) ctx;
}

static int solve(const struct opts *o, const struct bol_bay *b, struct outcome *out)
{
    int64_t start = bol_time_mono_us();
    int64_t deadline = start + (int64_t) (o->seconds * 1e6);
    struct bol_plan_limits lim = { .expired = expired, .ctx = &deadline };
    int rc;

    memset(out, 0, sizeof(*out));
    if (o->problem == BRP) {
        struct bol_brp_result r;
        rc = bol_brp_solve(b, o->variant, &lim, &r);
        if (rc == 0) {
            out->moves = r.moves;
            out->n = r.n;
            out->objective = r.relocations;
            out->lower_bound = r.lower_bound;
            out->proven = r.proven_optimal;
            out->solved = true;
        }
    } else {
        struct bol_cpmp_result r;
        rc = bol_cpmp_solve(b, &lim, &r);
        if (rc == 0) {
            out->moves = r.moves;
            out->n = r.n;
            out->objective = (unsigned) r.n;
            out->lower_bound = r.lower_bound;
            out->proven = r.proven_optimal;
            out->solved = r.solved;
            if (!r.solved) {
                bol_free(r.moves);
                out->moves = NULL;
                out->n = 0;
            }
        }
    }
    out->seconds = (double) (bol_time_mono_us() - start) / 1e6;
    return rc;
}

/* -- the table ------------------------------------------------------------- */

struct cls_stat {
    char cls[48];
    unsigned n, solved, proven, with_ref;
    double sum, ref_sum, ours_on_ref, seconds, max_seconds;
};

struct table {
    struct cls_stat *v;
    size_t n;
};

static struct cls_stat *table_class(struct table *t, const char *cls)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].cls, cls))
            return &t->v[i];
    struct cls_stat *nv = bol_realloc(t->v, (t->n + 1) * sizeof(*nv));
    if (!nv)
        return NULL;
    t->v = nv;
    memset(&nv[t->n], 0, sizeof(nv[t->n]));
    snprintf(nv[t->n].cls, sizeof(nv[t->n].cls), "%s", cls);
    return &nv[t->n++];
}

static void print_table(const struct opts *o, const struct table *t, bool have_refs)
{
    printf("%-14s %5s %9s %9s %8s %7s %9s %8s %8s  %s\n", "class", "n", "ours", "reference", "gap",
           "solved", "proven", "avg s", "max s", "reference is");
    for (size_t i = 0; i < t->n; i++) {
        const struct cls_stat *c = &t->v[i];
        char ours[32], ref[32] = "-", gap[32] = "-", proven[32];
        const char *source = "-";
        double avg = c->solved ? c->sum / c->solved : 0;
        snprintf(ours, sizeof(ours), c->solved ? "%.3f" : "-", avg);
        if (have_refs && c->with_ref) {
            double ra = c->ref_sum / c->with_ref, oa = c->ours_on_ref / c->with_ref;
            snprintf(ref, sizeof(ref), "%.3f", ra);
            snprintf(gap, sizeof(gap), "%+.2f%%", ra > 0 ? (oa - ra) / ra * 100 : 0.0);
            source = "per instance";
        } else if (!have_refs) {
            const struct published *p = find_published(o, c->cls);
            if (p && c->solved) {
                snprintf(ref, sizeof(ref), "%.3f", p->avg);
                snprintf(gap, sizeof(gap), "%+.2f%%", (avg - p->avg) / p->avg * 100);
                source = p->source;
            }
        }
        snprintf(proven, sizeof(proven), "%u/%u", c->proven, c->n);
        printf("%-14s %5u %9s %9s %8s %7u %9s %8.3f %8.3f  %s", c->cls, c->n, ours, ref, gap,
               c->solved, proven, c->n ? c->seconds / c->n : 0.0, c->max_seconds, source);
        if (have_refs && c->with_ref && c->with_ref != c->solved)
            printf(" (%u with a value)", c->with_ref);
        printf("\n");
    }
}

static json_t *moves_json(const struct outcome *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n; i++) {
        unsigned to = r->moves[i].to == BOL_BAY_OUT ? 0u : r->moves[i].to + 1u;
        json_array_append_new(a, json_pack("[ii]", (int) r->moves[i].from + 1, (int) to));
    }
    return a;
}

static void print_moves(const struct outcome *r)
{
    printf("  moves:");
    for (size_t i = 0; i < r->n; i++) {
        if (r->moves[i].to == BOL_BAY_OUT)
            printf(" %u>out", r->moves[i].from + 1u);
        else
            printf(" %u>%u", r->moves[i].from + 1u, r->moves[i].to + 1u);
    }
    printf("\n");
}

static int run(const struct opts *o, const struct paths *p, const struct refs *refs)
{
    struct table t = { 0 };
    int status = CLI_EXIT_OK;

    for (size_t i = 0; i < p->n; i++) {
        const char *path = p->v[i];
        char *text;
        size_t len;
        struct bol_bay b;
        struct bol_bay_error err;
        char cls[48];
        unsigned index;
        struct outcome r;

        classify(path, cls, sizeof(cls), &index);
        struct cls_stat *c = table_class(&t, cls);
        if (!c) {
            bol_log_error("out of memory");
            status = CLI_EXIT_FAIL;
            break;
        }
        c->n++;
        if (cli_read_file(path, INSTANCE_MAX, &text, &len) < 0) {
            status = CLI_EXIT_FAIL;
            continue;
        }
        int rc = bol_bay_parse(text, len, path, &b, &err);
        bol_free(text);
        if (rc < 0) {
            if (err.line)
                bol_log_error("%s:%u: %s", path, err.line, err.why);
            else
                bol_log_error("%s: %s", path, err.why);
            status = CLI_EXIT_FAIL;
            continue;
        }
        if (o->max_height) {
            unsigned h = o->max_height;
            if (h == UINT32_MAX) {
                h = 0;
                for (unsigned s = 0; s < b.stacks; s++)
                    if (b.height[s] > h)
                        h = b.height[s];
                h += 2;
            }
            if (h > BOL_BAY_TIERS_MAX) {
                bol_log_error("%s: maximum height %u above %u", path, h, BOL_BAY_TIERS_MAX);
                status = CLI_EXIT_FAIL;
                continue;
            }
            for (unsigned s = 0; s < b.stacks; s++)
                if (b.height[s] > h) {
                    bol_log_error("%s: stack %u holds %u boxes, above the maximum height %u", path,
                                  s + 1, b.height[s], h);
                    status = CLI_EXIT_FAIL;
                    goto next;
                }
            b.max_height = h;
        }
        rc = solve(o, &b, &r);
        if (rc < 0 || !r.solved) {
            bol_log_error("%s: %s", path,
                          rc == BOL_E_NOMEM ? "out of memory"
                          : rc == BOL_E_TIMEOUT || (rc == 0 && !r.solved)
                              ? "no solution found within the time limit"
                              : "the bay cannot be emptied: no room to move a box");
            status = CLI_EXIT_FAIL;
            c->seconds += r.seconds;
            continue;
        }
        struct bol_bay_replay rp;
        enum bol_bay_mode mode = o->problem == CPMP                 ? BOL_BAY_MODE_CPMP
                                 : o->variant == BOL_BRP_RESTRICTED ? BOL_BAY_MODE_BRP_RESTRICTED
                                                                    : BOL_BAY_MODE_BRP_UNRESTRICTED;
        if (bol_bay_replay(&b, mode, r.moves, r.n, &rp) < 0 || rp.relocations != r.objective) {
            bol_log_error("%s: internal error: the solution does not replay: %s", path, rp.why);
            bol_free(r.moves);
            status = CLI_EXIT_FAIL;
            continue;
        }
        const struct ref *ref = find_ref(refs, cls, index);
        c->solved++;
        c->proven += r.proven;
        c->sum += r.objective;
        c->seconds += r.seconds;
        if (r.seconds > c->max_seconds)
            c->max_seconds = r.seconds;
        if (ref) {
            c->with_ref++;
            c->ref_sum += ref->value;
            c->ours_on_ref += r.objective;
            if (r.proven && (double) r.objective != ref->value)
                bol_log_warn("%s: proven optimum %u, the reference says %g", path, r.objective,
                             ref->value);
        }
        if (o->json) {
            json_t *j = json_pack("{s:s,s:i,s:b,s:i,s:f}", "instance", path, "moves",
                                  (int) r.objective, "proven_optimal", r.proven, "lower_bound",
                                  (int) r.lower_bound, "seconds", r.seconds);
            if (j && ref)
                json_object_set_new(j, "reference", json_real(ref->value));
            if (j && o->moves)
                json_object_set_new(j, "sequence", moves_json(&r));
            if (j && json_dumpf(j, stdout, JSON_COMPACT) == 0)
                putchar('\n');
            json_decref(j);
        } else if (o->moves) {
            printf("%s: %u moves%s\n", path, r.objective, r.proven ? ", optimal" : "");
            print_moves(&r);
        }
        bol_free(r.moves);
    next:;
    }
    if (!o->json)
        print_table(o, &t, refs->n > 0);
    bol_free(t.v);
    return status;
}

static int plan_main(enum problem problem, int argc, char **argv)
{
    static const struct option opts[] = {
        { "variant", required_argument, NULL, 'v' },
        { "max-height", required_argument, NULL, 'H' },
        { "time-limit", required_argument, NULL, 't' },
        { "reference", required_argument, NULL, 'r' },
        { "json", no_argument, NULL, 'j' },
        { "moves", no_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *const *usage = problem == BRP ? cmd_plan_brp_usage : cmd_plan_cpmp_usage;
    struct opts o = { .problem = problem, .seconds = problem == BRP ? 10 : 1 };
    struct paths p = { 0 };
    struct refs refs = { 0 };
    const char *ref_path = NULL;
    int ch, status = CLI_EXIT_FAIL;

    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'v':
            if (problem != BRP)
                return cli_usage(usage, true);
            if (!strcmp(optarg, "restricted")) {
                o.variant = BOL_BRP_RESTRICTED;
            } else if (!strcmp(optarg, "unrestricted")) {
                o.variant = BOL_BRP_UNRESTRICTED;
            } else {
                bol_log_error("--variant '%s': restricted or unrestricted", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'H': {
            char *end;
            unsigned long v;
            if (!strcmp(optarg, "T+2")) {
                o.max_height = UINT32_MAX;
                break;
            }
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 1 || v > BOL_BAY_TIERS_MAX) {
                bol_log_error("--max-height '%s': T+2 or a number of tiers from 1 to %d", optarg,
                              BOL_BAY_TIERS_MAX);
                return CLI_EXIT_USAGE;
            }
            o.max_height = (unsigned) v;
            break;
        }
        case 't': {
            char *end;
            errno = 0;
            o.seconds = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(o.seconds > 0) || o.seconds > 86400) {
                bol_log_error("--time-limit '%s': seconds, more than 0 and at most 86400", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        }
        case 'r':
            ref_path = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        case 'm':
            o.moves = true;
            break;
        case 'h':
            return cli_usage(usage, false);
        default:
            return cli_usage(usage, true);
        }
    }
    if (optind >= argc)
        return cli_usage(usage, true);
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            bol_log_error("%s: %s", argv[i], strerror(errno));
            goto out;
        }
        size_t before = p.n;
        if (S_ISDIR(st.st_mode) ? walk(&p, argv[i], 0) < 0 : paths_add(&p, argv[i]) < 0)
            goto out;
        if (p.n == before) {
            bol_log_error("%s: no instance files (.dat, .bay) in it", argv[i]);
            goto out;
        }
        qsort(p.v + before, p.n - before, sizeof(*p.v), natural_cmp);
    }
    if (ref_path && load_refs(ref_path, &o, &refs) < 0)
        goto out;
    status = run(&o, &p, &refs);
out:
    paths_release(&p);
    bol_free(refs.v);
    return status;
}

int cmd_plan_brp(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return plan_main(BRP, argc, argv);
}

int cmd_plan_cpmp(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return plan_main(CPMP, argc, argv);
}
