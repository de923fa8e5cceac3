/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpmp.c - container pre-marshalling: lower bound, greedy completion,
 * iterated beam search (method in cpmp.h)
 */
#include "cpmp.h"

#include <limits.h>
#include <string.h>

#include "bay.h"
#include "compat.h"
#include "errors.h"
#include "mem.h"

#define NONE       UINT_MAX /* no solution; a bound showing there is none */
#define NO_STACK   0xffu
#define POLL_EVERY 1024u

/*
 * A bay being searched: heights, priorities, and the length of each stack's
 * well-placed prefix (the sorted part from the bottom up).
 */
struct work {
    uint8_t h[BOL_BAY_STACKS_MAX];
    uint8_t w[BOL_BAY_STACKS_MAX];
    uint8_t p[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX];
};

/* A child bay waiting to be ranked: its parent in the beam and the move. */
struct cand {
    uint64_t hash;
    uint64_t key;
    uint32_t parent;
    uint32_t f; /* moves so far + lower bound */
    uint8_t from, to;
};

/* How each beam bay was reached, to rebuild the path of a solution. */
struct hist {
    uint32_t parent; /* index into the hist array; UINT32_MAX at the root */
    uint8_t from, to;
};

/* Open-addressing set of bay hashes; entries of an older stamp are empty. */
struct hent {
    uint64_t key;
    uint32_t stamp;
    uint32_t g;
};
struct hset {
    struct hent *e;
    size_t cap, used;
    uint32_t stamp;
};

struct ctx {
    unsigned S, H, top; /* stacks, maximum height, one above the highest priority */
    size_t stride;      /* bytes of a packed bay: heights, then S*H priorities */
    const struct bol_plan_limits *lim;
    uint64_t nodes;
    bool stop;
    uint64_t z[BOL_BAY_TIERS_MAX][256];

    unsigned ub; /* moves of the best solution, NONE before the first */
    struct bol_bay_move *best;
    size_t best_cap;

    struct bol_bay_move *roll; /* one completion's moves */
    unsigned roll_cap;

    struct hist *hist;
    size_t nhist, hist_cap;
    struct cand *cand;
    size_t ncand, cand_cap;
    uint8_t *beam, *next; /* packed bays */
    size_t beam_cap;      /* bays each holds */
    struct hset seen, level;
};

/* -- small helpers ------------------------------------------------------- */

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned base_top(const struct ctx *c, const struct work *x, unsigned s)
{
    return x->w[s] ? x->p[s][x->w[s] - 1] : c->top;
}

static void set_prefix(struct work *x, unsigned s)
{
    unsigned w = 0;
    while (w < x->h[s] && (w == 0 || x->p[s][w] <= x->p[s][w - 1]))
        w++;
    x->w[s] = (uint8_t) w;
}

static void do_move(struct work *x, unsigned f, unsigned t)
{
    uint8_t v = x->p[f][--x->h[f]];
    if (x->w[f] > x->h[f])
        x->w[f] = x->h[f];
    if (x->w[t] == x->h[t] && (x->h[t] == 0 || x->p[t][x->h[t] - 1] >= v))
        x->w[t]++;
    x->p[t][x->h[t]++] = v;
}

static void pack(const struct ctx *c, const struct work *x, uint8_t *out)
{
    memcpy(out, x->h, c->S);
    for (unsigned s = 0; s < c->S; s++)
        memcpy(out + c->S + s * c->H, x->p[s], c->H);
}

static void unpack(const struct ctx *c, const uint8_t *in, struct work *x)
{
    memcpy(x->h, in, c->S);
    for (unsigned s = 0; s < c->S; s++) {
        memcpy(x->p[s], in + c->S + s * c->H, c->H);
        set_prefix(x, s);
    }
}

static uint64_t stack_sum(const struct ctx *c, const struct work *x, unsigned s)
{
    uint64_t k = 0x9e3779b97f4a7c15ull;
    for (unsigned t = 0; t < x->h[s]; t++)
        k += c->z[t][x->p[s][t]];
    return k;
}

/* Order-free over the stacks: the same bay with stacks permuted hashes the same. */
static uint64_t bay_hash(const struct ctx *c, const struct work *x)
{
    uint64_t h = 0;
    for (unsigned s = 0; s < c->S; s++)
        h += mix(stack_sum(c, x, s));
    return h ? h : 1;
}

static bool budget_left(struct ctx *c)
{
    c->nodes++;
    if (c->stop)
        return false;
    if (c->lim && c->lim->nodes && c->nodes >= c->lim->nodes)
        c->stop = true;
    else if (c->lim && c->lim->expired && c->nodes % POLL_EVERY == 0 &&
             c->lim->expired(c->lim->ctx))
        c->stop = true;
    return !c->stop;
}

/* -- lower bound --------------------------------------------------------- */

static unsigned lower_bound(const struct ctx *c, const struct work *x)
{
    unsigned S = c->S, H = c->H;
    unsigned cnt[257];
    unsigned nbad = 0, vmax = 0, clean_top = 0, dirty_min = c->top + 1, min_bad = UINT_MAX;
    bool any_clean = false;

    memset(cnt, 0, sizeof(cnt));
    for (unsigned s = 0; s < S; s++) {
        unsigned h = x->h[s], w = x->w[s];
        if (h == w) {
            any_clean = true;
            if (h < H && base_top(c, x, s) > clean_top)
                clean_top = base_top(c, x, s);
            continue;
        }
        nbad += h - w;
        if (h - w < min_bad)
            min_bad = h - w;
        for (unsigned t = w; t < h; t++) {
            cnt[x->p[s][t]]++;
            if (x->p[s][t] > vmax)
                vmax = x->p[s][t];
        }
        if (x->p[s][h - 1] < dirty_min)
            dirty_min = x->p[s][h - 1];
    }
    if (nbad == 0)
        return 0;

    /*
     * Demand and supply.  The badly placed boxes of value >= g (demand d)
     * end above untouched boxes all >= g.  Stacks whose prefix top is >= g
     * offer H - w tiers for nothing; a stack with a smaller value in its
     * prefix offers H - a (a: its prefix boxes >= g) once its b = w - a
     * boxes below g are moved.  The cheapest cover takes at least m stacks,
     * m the fewest of the largest offers that reach the shortfall, and
     * costs at least the m smallest b.
     */
    unsigned gx = 0, d = 0;
    for (unsigned g = vmax; g >= 1; g--) {
        d += cnt[g];
        if (cnt[g] == 0)
            continue;
        unsigned supply = 0, n = 0;
        unsigned caps[BOL_BAY_STACKS_MAX], costs[BOL_BAY_STACKS_MAX];
        for (unsigned s = 0; s < S; s++) {
            unsigned w = x->w[s];
            if (base_top(c, x, s) >= g) {
                supply += H - w;
                continue;
            }
            unsigned a = 0;
            while (a < w && x->p[s][a] >= g)
                a++;
            /* insertion: caps descending, costs ascending */
            unsigned i = n;
            while (i > 0 && caps[i - 1] < H - a) {
                caps[i] = caps[i - 1];
                i--;
            }
            caps[i] = H - a;
            i = n;
            while (i > 0 && costs[i - 1] > w - a) {
                costs[i] = costs[i - 1];
                i--;
            }
            costs[i] = w - a;
            n++;
        }
        if (supply >= d)
            continue;
        unsigned short_by = d - supply, got = 0, cost = 0, m = 0;
        while (m < n && got < short_by) {
            got += caps[m];
            cost += costs[m];
            m++;
        }
        if (got < short_by)
            return NONE;
        if (cost > gx)
            gx = cost;
    }
    /*
     * No badly placed box can go straight onto a sorted stack: the first
     * move is wasted; with no sorted stack at all, every move is wasted until
     * some stack has lost all its badly placed boxes.
     */
    if (clean_top < dirty_min) {
        unsigned w1 = any_clean ? 1 : min_bad;
        if (w1 > gx)
            gx = w1;
    }
    return nbad + gx;
}

/* -- greedy completion --------------------------------------------------- */

/*
 * Where box v, taken from stack `from`, does least harm: on a sorted stack
 * it fits, most tightly; else on a stack that must be cleaned anyway, above
 * a box that leaves no earlier (tightest first); only then on a sorted
 * stack, the shortest one.  Never on `avoid` when there is another choice.
 * NO_STACK when every other stack is full.
 */
static unsigned park(const struct ctx *c, const struct work *x, unsigned from, unsigned avoid,
                     unsigned v)
{
    unsigned best = NO_STACK, bs = UINT_MAX;
    for (unsigned d = 0; d < c->S; d++) {
        if (d == from || x->h[d] >= c->H)
            continue;
        unsigned sc;
        if (x->h[d] == x->w[d]) {
            unsigned t = base_top(c, x, d);
            sc = t >= v ? t - v : 4096u + 16u * x->w[d] + (v - t);
        } else {
            unsigned t = x->p[d][x->h[d] - 1];
            sc = t >= v ? 512u + (t - v) : 1024u + (v - t);
        }
        if (d == avoid)
            sc += 65536u;
        if (sc < bs) {
            bs = sc;
            best = d;
        }
    }
    return best;
}

/*
 * Completes x greedily.  A badly placed top box goes onto the sorted stack
 * it fits most tightly.  When none fits, the stack cheapest to dig down to a
 * sorted base that the lowest dirty top of another stack fits on is chosen
 * (not the one the last box went to) and dug down to that base, box by box,
 * each parked where it harms least; meanwhile nothing is put back on it.
 * Returns the moves (written to out, at most cap), or NONE past cap or when
 * stuck.
 */
static unsigned greedy(const struct ctx *c, struct work *x, unsigned last_to,
                       struct bol_bay_move *out, unsigned cap)
{
    unsigned S = c->S, H = c->H;
    unsigned n = 0;
    unsigned dig = NO_STACK, dig_to = 0, keep = NO_STACK; /* the dig under way */

    for (;;) {
        unsigned bf = NO_STACK, bt = NO_STACK, best = UINT_MAX;
        unsigned min1 = UINT_MAX, min1_at = NO_STACK, min2 = UINT_MAX, min2_at = NO_STACK;

        for (unsigned s = 0; s < S; s++) {
            if (x->h[s] == x->w[s])
                continue;
            unsigned v = x->p[s][x->h[s] - 1];
            if (v < min1) {
                min2 = min1;
                min2_at = min1_at;
                min1 = v;
                min1_at = s;
            } else if (v < min2) {
                min2 = v;
                min2_at = s;
            }
            for (unsigned d = 0; d < S; d++) {
                if (x->h[d] != x->w[d] || x->h[d] >= H || base_top(c, x, d) < v || d == dig)
                    continue;
                unsigned sc = (base_top(c, x, d) - v) * 64u + (x->h[s] - x->w[s]);
                if (sc < best) {
                    best = sc;
                    bf = s;
                    bt = d;
                }
            }
        }
        if (min1_at == NO_STACK)
            return n;
        if (n >= cap)
            return NONE;
        if (bf == NO_STACK) {
            if (dig == NO_STACK) {
                /* dig the stack cheapest to turn into a base for another dirty top */
                unsigned tc = UINT_MAX;
                dig = NO_STACK;
                for (unsigned d = 0; d < S; d++) {
                    if (x->h[d] == 0 || d == last_to)
                        continue;
                    unsigned v = d == min1_at ? min2 : min1;
                    if (v == UINT_MAX)
                        continue;
                    unsigned l = x->w[d];
                    while (l > 0 && x->p[d][l - 1] < v)
                        l--;
                    if (l >= H)
                        l = H - 1;
                    unsigned base = l ? x->p[d][l - 1] : c->top;
                    unsigned cost = (x->h[d] - l) * 1024u + (base - v);
                    if (cost < tc) {
                        tc = cost;
                        dig = d;
                        dig_to = l;
                        keep = d == min1_at ? min2_at : min1_at;
                    }
                }
                if (dig == NO_STACK)
                    return NONE;
            }
            bf = dig;
            bt = park(c, x, bf, keep, x->p[bf][x->h[bf] - 1]);
            if (bt == NO_STACK)
                return NONE;
        }
        do_move(x, bf, bt);
        out[n].from = (uint8_t) bf;
        out[n].to = (uint8_t) bt;
        n++;
        last_to = bt;
        if (dig != NO_STACK && x->h[dig] <= dig_to)
            dig = NO_STACK; /* dug down to its base: it takes boxes again */
    }
}

/* -- hash sets ----------------------------------------------------------- */

static struct hent *hset_slot(struct hset *t, uint64_t key)
{
    size_t mask = t->cap - 1, i = (size_t) (key ^ (key >> 29)) & mask;
    while (t->e[i].stamp == t->stamp && t->e[i].key != key)
        i = (i + 1) & mask;
    return &t->e[i];
}

static int hset_grow(struct hset *t, size_t want)
{
    if (t->cap && (t->used + want) * 2 <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 1024;
    while ((t->used + want) * 2 > cap)
        cap *= 2;
    struct hent *e = bol_calloc(cap, sizeof(*e));
    if (!e)
        return BOL_E_NOMEM;
    struct hset n = { .e = e, .cap = cap, .used = 0, .stamp = t->stamp ? t->stamp : 1 };
    for (size_t i = 0; i < t->cap; i++)
        if (t->e[i].stamp == t->stamp) {
            *hset_slot(&n, t->e[i].key) = t->e[i];
            n.used++;
        }
    bol_free(t->e);
    *t = n;
    return 0;
}

/* A new, empty generation of the set (no clearing needed). */
static void hset_reset(struct hset *t)
{
    t->stamp++;
    t->used = 0;
    if (t->stamp == 0) { /* wrapped: clear for real */
        if (t->e)
            memset(t->e, 0, t->cap * sizeof(*t->e));
        t->stamp = 1;
    }
}

/* -- solutions ----------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < want)
        n *= 2;
    void *q = bol_realloc(*p, n * size);
    if (!q)
        return BOL_E_NOMEM;
    *p = q;
    *cap = n;
    return 0;
}

/* Keeps a better solution: the path to hist entry `at`, one move, the completion. */
static int record(struct ctx *c, size_t at, unsigned depth, unsigned from, unsigned to,
                  const struct bol_bay_move *tail, unsigned ntail)
{
    unsigned total = depth + (from != NO_STACK) + ntail;
    if (total >= c->ub)
        return 0;
    int r = grow((void **) &c->best, &c->best_cap, total + 1, sizeof(*c->best));
    if (r < 0)
        return r;
    unsigned i = depth;
    while (i > 0) {
        i--;
        c->best[i].from = c->hist[at].from;
        c->best[i].to = c->hist[at].to;
        at = c->hist[at].parent;
    }
    i = depth;
    if (from != NO_STACK) {
        c->best[i].from = (uint8_t) from;
        c->best[i].to = (uint8_t) to;
        i++;
    }
    if (ntail)
        memcpy(c->best + i, tail, ntail * sizeof(*tail));
    c->ub = total;
    return 0;
}

/* -- beam search --------------------------------------------------------- */

/*
 * Among children of equal g + bound, which the beam keeps first (smaller
 * key first): more boxes still badly placed (the bound then owes less to
 * its structural term), then more badly placed top boxes that some sorted
 * stack could take right now, then the hash, to break ties without a bias
 * to the order of generation.
 */
static uint64_t tie(const struct ctx *c, const struct work *y, uint64_t hy)
{
    unsigned nbad = 0, fit = 0, nb = 0;
    unsigned open[BOL_BAY_STACKS_MAX];

    for (unsigned s = 0; s < c->S; s++) {
        nbad += y->h[s] - y->w[s];
        if (y->h[s] == y->w[s] && y->h[s] < c->H)
            open[nb++] = base_top(c, y, s);
    }
    for (unsigned s = 0; s < c->S; s++) {
        if (y->h[s] == y->w[s])
            continue;
        unsigned v = y->p[s][y->h[s] - 1];
        for (unsigned i = 0; i < nb; i++)
            if (open[i] >= v) {
                fit++;
                break;
            }
    }
    return ((uint64_t) (255 - BOL_MIN(nbad, 255u)) << 24) |
           ((uint64_t) (255 - BOL_MIN(fit, 255u)) << 16) | (hy >> 48);
}

static void swap_cand(struct cand *a, struct cand *b)
{
    struct cand t = *a;
    *a = *b;
    *b = t;
}

/* Moves the m smallest keys to the front (three-way quickselect). */
static void select_first(struct cand *v, size_t n, size_t m)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1 && m > lo && m < hi) {
        uint64_t a = v[lo].key, b = v[lo + (hi - lo) / 2].key, z = v[hi - 1].key;
        uint64_t piv = a < b ? (b < z ? b : (a < z ? z : a)) : (a < z ? a : (b < z ? z : b));
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (v[i].key < piv)
                swap_cand(&v[lt++], &v[i++]);
            else if (v[i].key > piv)
                swap_cand(&v[i], &v[--gt]);
            else
                i++;
        }
        if (m <= lt)
            hi = lt;
        else if (m >= gt)
            lo = gt;
        else
            return;
    }
}

/*
 * One beam pass of width W from the root.  *complete stays true when no
 * child was ever dropped for want of room: the pass was then exhaustive.
 */
static int beam_pass(struct ctx *c, const struct work *root, size_t W, bool *complete)
{
    unsigned S = c->S;
    size_t nbeam = 1, level_at = 0;
    int r;

    *complete = true;
    if (grow((void **) &c->hist, &c->hist_cap, 1, sizeof(*c->hist)) < 0)
        return BOL_E_NOMEM;
    c->nhist = 1;
    c->hist[0] = (struct hist){ .parent = UINT32_MAX, .from = NO_STACK, .to = NO_STACK };
    if (W > c->beam_cap) {
        uint8_t *a = bol_realloc(c->beam, W * c->stride);
        if (!a)
            return BOL_E_NOMEM;
        c->beam = a;
        uint8_t *b = bol_realloc(c->next, W * c->stride);
        if (!b)
            return BOL_E_NOMEM;
        c->next = b;
        c->beam_cap = W;
    }
    pack(c, root, c->beam);
    hset_reset(&c->seen);
    if ((r = hset_grow(&c->seen, 1)) < 0)
        return r;
    struct hent *e = hset_slot(&c->seen, bay_hash(c, root));
    *e = (struct hent){ .key = bay_hash(c, root), .stamp = c->seen.stamp, .g = 0 };
    c->seen.used++;

    for (unsigned g = 0; nbeam > 0 && !c->stop; g++) {
        if (c->ub != NONE && g + 1 >= c->ub)
            break;
        if (g >= c->roll_cap) { /* deeper than any sensible solution */
            *complete = false;
            break;
        }
        c->ncand = 0;
        hset_reset(&c->level);
        for (size_t i = 0; i < nbeam && !c->stop; i++) {
            struct work x;
            unpack(c, c->beam + i * c->stride, &x);
            unsigned last_to = c->hist[level_at + i].to;
            uint64_t hx = bay_hash(c, &x);
            if ((r = grow((void **) &c->cand, &c->cand_cap, c->ncand + S * S, sizeof(*c->cand))) <
                    0 ||
                (r = hset_grow(&c->level, S * S)) < 0)
                return r;
            unsigned first_empty = NO_STACK;
            for (unsigned s = 0; s < S; s++)
                if (x.h[s] == 0 && first_empty == NO_STACK)
                    first_empty = s;
            for (unsigned f = 0; f < S && !c->stop; f++) {
                if (x.h[f] == 0 || f == last_to)
                    continue;
                uint64_t sf = mix(stack_sum(c, &x, f));
                for (unsigned t = 0; t < S; t++) {
                    if (t == f || x.h[t] >= c->H || (x.h[t] == 0 && t != first_empty))
                        continue;
                    if (!budget_left(c))
                        break;
                    struct work y = x;
                    do_move(&y, f, t);
                    uint64_t hy = hx - sf - mix(stack_sum(c, &x, t)) + mix(stack_sum(c, &y, f)) +
                                  mix(stack_sum(c, &y, t));
                    if (!hy)
                        hy = 1;
                    struct hent *se = hset_slot(&c->seen, hy);
                    if (se->stamp == c->seen.stamp && se->g <= g + 1)
                        continue;
                    struct hent *le = hset_slot(&c->level, hy);
                    if (le->stamp == c->level.stamp)
                        continue;
                    *le = (struct hent){ .key = hy, .stamp = c->level.stamp, .g = g + 1 };
                    c->level.used++;
                    unsigned lb = lower_bound(c, &y);
                    if (lb == NONE || (c->ub != NONE && g + 1 + lb >= c->ub))
                        continue;
                    if (lb == 0) {
                        if ((r = record(c, level_at + i, g, f, t, NULL, 0)) < 0)
                            return r;
                        continue;
                    }
                    struct cand *cd = &c->cand[c->ncand++];
                    cd->hash = hy;
                    cd->parent = (uint32_t) i;
                    cd->f = g + 1 + lb;
                    cd->from = (uint8_t) f;
                    cd->to = (uint8_t) t;
                    cd->key = ((uint64_t) cd->f << 44) | tie(c, &y, hy);
                }
            }
        }
        if (c->stop)
            break;
        /* drop what a solution found meanwhile has made useless */
        size_t n = 0;
        for (size_t k = 0; k < c->ncand; k++)
            if (c->ub == NONE || c->cand[k].f < c->ub)
                c->cand[n++] = c->cand[k];
        if (n == 0)
            break;
        if (n > W) {
            select_first(c->cand, n, W);
            n = W;
            *complete = false;
        }
        /* the next beam */
        if ((r = grow((void **) &c->hist, &c->hist_cap, c->nhist + n, sizeof(*c->hist))) < 0 ||
            (r = hset_grow(&c->seen, n)) < 0)
            return r;
        size_t at = c->nhist, kept = 0;
        for (size_t k = 0; k < n; k++) {
            struct cand *cd = &c->cand[k];
            if (c->ub != NONE && cd->f >= c->ub)
                continue;
            struct work y;
            unpack(c, c->beam + cd->parent * c->stride, &y);
            do_move(&y, cd->from, cd->to);
            if (c->ub == NONE) {
                /* no solution yet: try completing this bay greedily */
                struct work z = y;
                unsigned len = greedy(c, &z, cd->to, c->roll, c->roll_cap);
                if (len != NONE &&
                    (r = record(c, level_at + cd->parent, g, cd->from, cd->to, c->roll, len)) < 0)
                    return r;
            }
            pack(c, &y, c->next + kept * c->stride);
            c->hist[at + kept] = (struct hist){ .parent = (uint32_t) (level_at + cd->parent),
                                                .from = cd->from,
                                                .to = cd->to };
            struct hent *se = hset_slot(&c->seen, cd->hash);
            if (se->stamp != c->seen.stamp)
                c->seen.used++;
            *se = (struct hent){ .key = cd->hash, .stamp = c->seen.stamp, .g = g + 1 };
            kept++;
        }
        c->nhist = at + kept;
        level_at = at;
        nbeam = kept;
        uint8_t *tmp = c->beam;
        c->beam = c->next;
        c->next = tmp;
    }
    if (c->stop)
        *complete = false;
    return 0;
}

/* -- entry points -------------------------------------------------------- */

static bool valid(const struct bol_bay *b)
{
    if (!b || b->stacks == 0 || b->stacks > BOL_BAY_STACKS_MAX || b->max_height == 0 ||
        b->max_height > BOL_BAY_TIERS_MAX)
        return false;
    for (unsigned s = 0; s < b->stacks; s++) {
        if (b->height[s] > b->max_height)
            return false;
        for (unsigned t = 0; t < b->height[s]; t++)
            if (b->prio[s][t] == 0)
                return false;
    }
    return true;
}

static void load(struct ctx *c, const struct bol_bay *b, struct work *x)
{
    memset(x, 0, sizeof(*x));
    unsigned k = 0;
    for (unsigned s = 0; s < b->stacks; s++) {
        x->h[s] = b->height[s];
        for (unsigned t = 0; t < b->height[s]; t++) {
            x->p[s][t] = b->prio[s][t];
            if (b->prio[s][t] > k)
                k = b->prio[s][t];
        }
        set_prefix(x, s);
    }
    c->S = b->stacks;
    c->H = b->max_height;
    c->top = k + 1;
    c->stride = c->S + (size_t) c->S * c->H;
}

unsigned bol_cpmp_lower_bound(const struct bol_bay *b)
{
    struct ctx c;
    struct work x;
    if (!valid(b))
        return 0;
    memset(&c, 0, sizeof(c));
    load(&c, b, &x);
    return lower_bound(&c, &x);
}

void bol_cpmp_result_release(struct bol_cpmp_result *r)
{
    if (!r)
        return;
    bol_free(r->moves);
    r->moves = NULL;
    r->n = 0;
}

static void ctx_free(struct ctx *c)
{
    bol_free(c->best);
    bol_free(c->roll);
    bol_free(c->hist);
    bol_free(c->cand);
    bol_free(c->beam);
    bol_free(c->next);
    bol_free(c->seen.e);
    bol_free(c->level.e);
    bol_free(c);
}

int bol_cpmp_solve(const struct bol_bay *b, const struct bol_plan_limits *lim,
                   struct bol_cpmp_result *out)
{
    struct work root;
    int r = BOL_E_NOMEM;

    if (!valid(b) || !out)
        return BOL_E_INVAL;
    struct ctx *c = bol_calloc(1, sizeof(*c));
    if (!c)
        return BOL_E_NOMEM;
    load(c, b, &root);
    c->lim = lim;
    c->ub = NONE;
    uint64_t seed = lim ? lim->seed : 0;
    for (unsigned t = 0; t < BOL_BAY_TIERS_MAX; t++)
        for (unsigned v = 0; v < 256; v++) {
            seed += 0x9e3779b97f4a7c15ull;
            c->z[t][v] = mix(seed);
        }
    c->roll_cap = 4 * b->n + 2 * c->S * c->H + 16;
    c->roll = bol_malloc(c->roll_cap * sizeof(*c->roll));
    if (!c->roll)
        goto out;

    unsigned lb0 = lower_bound(c, &root);
    bool proven = false;
    if (lb0 == 0) {
        c->ub = 0;
        proven = true;
    } else if (lb0 != NONE) {
        struct work y = root;
        unsigned len = greedy(c, &y, NO_STACK, c->roll, c->roll_cap);
        if (len != NONE && (r = record(c, 0, 0, NO_STACK, NO_STACK, c->roll, len)) < 0)
            goto out;
        for (size_t W = 1; c->ub != lb0 && !c->stop; W *= 2) {
            bool exhaustive;
            if ((r = beam_pass(c, &root, W, &exhaustive)) < 0)
                goto out;
            if (exhaustive) {
                proven = true;
                break;
            }
            if (W >= BOL_CPMP_WIDTH_MAX)
                break;
        }
        if (c->ub == lb0)
            proven = true;
    }

    struct bol_cpmp_result res = { 0 };
    res.solved = c->ub != NONE;
    res.nodes = c->nodes;
    if (res.solved) {
        res.n = c->ub;
        res.proven_optimal = proven;
        res.lower_bound = proven ? c->ub : lb0;
        if (res.n) {
            res.moves = bol_malloc(res.n * sizeof(*res.moves));
            if (!res.moves) {
                r = BOL_E_NOMEM;
                goto out;
            }
            memcpy(res.moves, c->best, res.n * sizeof(*res.moves));
        }
    } else {
        /* an exhaustive pass that found nothing proves there is nothing */
        res.lower_bound = (lb0 == NONE || proven) ? NONE : lb0;
    }
    *out = res;
    r = 0;
out:
    ctx_free(c);
    return r;
}
