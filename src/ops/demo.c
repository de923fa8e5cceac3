/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo.c - the demo terminal and its day, planned as commands (see demo.h)
 *
 * The model.  A yard block is cut into 40 ft bay pairs (20 ft bays 4k+1 and
 * 4k+3, 40 ft bay 4k+2); each pair is given to 40 ft boxes or to 20 ft ones
 * for the whole demo, so every stack holds one length and the planner's
 * stacks are exactly the rules' stacks.  A vessel is cut the same way, per
 * row, under and on deck.  Every command the planner writes is applied to
 * the model at once, so the next one sees the state the rules will see.
 *
 * The streams of the day own disjoint state: a quay crane's stream owns its
 * vessel bays, its yard blocks and its cranes; a gate lane owns its blocks,
 * its trucks and its empty handler.  Boxes a crane discharges stay in its
 * blocks, exports it loads come from them; imports a lane delivers were
 * stocked in its blocks before the day.  So streams may interleave freely.
 *
 * Times are written in the terminal's zone.  Asia/Tokyo has kept +09:00
 * without daylight saving since 1951, so a fixed offset is exact here.
 */
#include "compat.h"

#include <stdarg.h>
#include <time.h>

#include "container_id.h"
#include "demo.h"
#include "errors.h"
#include "mem.h"

#define TZ_OFFSET_S (9 * 3600)
#define MIN_US      (60 * 1000000LL)
#define HOUR_US     (60 * MIN_US)
#define DAY_US      (24 * HOUR_US)

/* ---- reference tables ---- */

static const struct line {
    const char *code, *name, *scac, *owner;
} lines[] = {
    { "MSC", "Mediterranean Shipping Company", "MSCU", "MSCU" },
    { "MSK", "Maersk", "MAEU", "MSKU" },
    { "CMA", "CMA CGM", "CMDU", "CMAU" },
    { "COS", "COSCO Shipping Lines", "COSU", "CSNU" },
    { "HLC", "Hapag-Lloyd", "HLCU", "HLXU" },
    { "ONE", "Ocean Network Express", "ONEY", "ONEU" },
    { "EMC", "Evergreen Marine", "EGLV", "EGHU" },
    { "YML", "Yang Ming Marine Transport", "YMLU", "YMLU" },
    { "HMM", "HMM", "HDMU", "HDMU" },
};
#define NLINES BOL_ARRAY_SIZE(lines)

/* Ports the terminal's services call, by service. */
static const char *const ports_europe[] = { "NLRTM", "DEHAM", "BEANR", "GBFXT", "FRLEH" };
static const char *const ports_pacific[] = { "USLAX", "USLGB", "USOAK", "CAVAN", "USSEA" };
static const char *const ports_asia[] = { "KRPUS", "TWKHH", "HKHKG", "CNSHA", "CNNGB",
                                          "SGSIN", "THLCH", "VNSGN", "PHMNL", "MYPKG" };

enum vclass { V_MEGA, V_MID, V_FEEDER, V_CLASSES };

/* Vessel profiles: 40 ft bay pairs, rows to each side, hold and deck tiers. */
static const struct vprofile {
    const char *kind;
    unsigned pairs, rows_side;
    bool centre;
    unsigned hold_tiers, deck_tiers; /* counted from 02 and 82 in steps of 2 */
    unsigned teu, length_m;
    unsigned qcs; /* quay cranes working her */
    const char *const *ports;
    unsigned nports;
    const char *service;
} vprofiles[V_CLASSES] = {
    [V_MEGA] = { "mainliner", 24, 12, false, 11, 9, 23000, 400, 4, ports_europe,
                 BOL_ARRAY_SIZE(ports_europe), "Asia-North Europe" },
    [V_MID] = { "trans-Pacific", 18, 8, true, 9, 7, 8500, 300, 2, ports_pacific,
                BOL_ARRAY_SIZE(ports_pacific), "Transpacific" },
    [V_FEEDER] = { "intra-Asia feeder", 10, 5, true, 6, 5, 1700, 172, 2, ports_asia,
                   BOL_ARRAY_SIZE(ports_asia), "Intra-Asia" },
};

static const char *const vnames[V_CLASSES][9] = {
    { "KINJO STAR", "TOBISHIMA SPIRIT", "NABESHIMA GLORY", "ATSUTA BRIDGE", "SHONAI STAR",
      "KISO SPIRIT", "IBI GLORY", "NAGARA BRIDGE", "HORIKAWA STAR" },
    { "ISE HORIZON", "CHITA PIONEER", "TOKAI HORIZON", "MIKAWA PIONEER", "OWARI HORIZON",
      "HEKINAN PIONEER", "TOYOHASHI HORIZON", "GAMAGORI PIONEER", "TAKETOYO HORIZON" },
    { "CHITA MARU", "HANDA MARU", "TOKONAME MARU", "KOWA MARU", "MOROZAKI MARU", "IRAGO MARU",
      "SHINOJIMA MARU", "HIMAKAJIMA MARU", "SAKUSHIMA MARU" },
};

/* Yard block kinds and sizes: 20 ft bays, rows, tiers, share of 40 ft pairs in percent. */
enum bkind { B_RTG, B_REEFER, B_DG, B_EMPTY };
static const struct bshape {
    const char *kind;
    unsigned bays, rows, tiers, pct40;
} bshapes[] = {
    [B_RTG] = { "rtg", 40, 6, 5, 60 },
    [B_REEFER] = { "reefer", 30, 6, 4, 75 },
    [B_DG] = { "dg", 20, 6, 3, 50 },
    [B_EMPTY] = { "empty", 50, 8, 7, 60 },
};

/* Dangerous goods that need no segregation from one another (IMDG 7.2.4: 3, 6.1, 8, 9). */
static const struct dg {
    const char *un, *cls;
} dgs[] = { { "1263", "3" }, { "1993", "3" }, { "2810", "6.1" }, { "1789", "8" },
            { "1760", "8" }, { "3082", "9" }, { "3480", "9" } };

static const char *const family[] = { "Sato",    "Suzuki",   "Takahashi", "Tanaka",    "Watanabe",
                                      "Ito",     "Yamamoto", "Nakamura",  "Kobayashi", "Kato",
                                      "Yoshida", "Yamada",   "Sasaki",    "Matsumoto", "Inoue" };
static const char *const given[] = { "Hiroshi", "Takeshi", "Kenji", "Yuki",    "Akira",
                                     "Daisuke", "Naoki",   "Yumi",  "Satoshi", "Keiko",
                                     "Kazuya",  "Makoto",  "Emi",   "Shota",   "Ryo" };
static const char *const hauliers[] = { "Meiko Unyu", "Chubu Kaiun", "Owari Transport",
                                        "Ise Logistics", "Tokai Drayage" };
static const char *const kana[] = { "a", "i", "u", "e", "ka", "ki", "ku", "ke", "sa", "ta" };

/* ---- the model ---- */

enum cargo { K_GP, K_REEFER, K_DG };
enum cat { C_IMPORT, C_EXPORT, C_TRANSSHIP, C_EMPTY };
static const char *const cat_names[] = { "import", "export", "transshipment", "empty" };

struct box {
    char id[12];
    uint8_t len, cargo, cat;
    bool held;      /* a customs hold is active */
    bool keep;      /* stays held: not picked for delivery today */
    uint32_t stack; /* yard stack, or UINT32_MAX */
    uint32_t pos;   /* index in its pick list, or UINT32_MAX */
};

struct ystack {
    uint32_t block;
    uint16_t bay;
    uint8_t row, len, max, h;
    uint32_t box[8];
};

struct yblock {
    char code[5];
    enum bkind kind;
    unsigned term;
    uint32_t first, n; /* its stacks */
    int owner;         /* index of the stream that owns it */
};

struct vstack {
    uint16_t bay; /* 20 ft bay for 20 ft stacks, even bay for 40 ft */
    uint8_t row, len, base, max, n;
    bool deck;
    uint32_t box[12];
};

struct visit {
    char id[16];
    unsigned term, vclass, first_pair;
    char imo[8];
    const struct line *line;
};

/* A list of box indices (pick candidates), with each box's position kept in the box. */
struct pick {
    uint32_t *v;
    size_t n, cap;
};

/* What a stream of the day owns and plans. */
struct lane {
    struct bol_demo_stream *s;
    unsigned term, index;
    bool quay;
    char eq_main[8], eq_yard[8], eq_empty[8];
    struct visit *visit;
    unsigned pair_from, pair_to; /* its vessel bay pairs */
    uint32_t *blocks;
    unsigned nblocks;
    struct pick exports[2][3]; /* [len 20/40][cargo] boxes to load, quay lanes */
    struct pick imports[2];    /* [len] GP imports to deliver, gate lanes */
    struct pick empties[2];    /* [len] empties to hand out, gate lanes */
    unsigned long wi, truck, rel, steps_since_query;
    int64_t now;
};

struct plan {
    const struct bol_demo_opts *o;
    struct bol_demo *d;
    uint64_t rng;
    int rc;
    struct box *box;
    size_t nbox, capbox;
    struct ystack *st;
    size_t nst, capst;
    struct yblock *blk;
    size_t nblk;
    struct visit vis[9 * V_CLASSES];
    unsigned nvis;
    struct vstack *vs; /* per visit: pairs x rows x (hold, deck) x up to two 20 ft stacks */
    size_t nvs, capvs;
    size_t vs_first[9 * V_CLASSES];
    struct lane *lanes;
    unsigned nlanes;
    unsigned long serial[NLINES];
    unsigned long booking, bl, release, hold;
};

/* ---- small things ---- */

static uint64_t rnd(struct plan *p)
{
    /* splitmix64 */
    uint64_t z = (p->rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned below(struct plan *p, unsigned n)
{
    return n ? (unsigned) (rnd(p) % n) : 0;
}

static bool chance(struct plan *p, unsigned pct)
{
    return below(p, 100) < pct;
}

static unsigned between(struct plan *p, unsigned lo, unsigned hi)
{
    return lo + below(p, hi - lo + 1);
}

static void *grow(struct plan *p, void *v, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 64;
    void *w;

    if (need <= *cap)
        return v;
    while (n < need)
        n *= 2;
    w = bol_realloc(v, n * size);
    if (!w) {
        p->rc = BOL_E_NOMEM;
        return NULL;
    }
    *cap = n;
    return w;
}

/* Local time text of a UTC instant, in the terminal's zone. */
static void local_time(int64_t us, char out[32])
{
    time_t t = (time_t) (us / 1000000 + TZ_OFFSET_S);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+09:00", &tm);
}

static void stream_init(struct bol_demo_stream *s, const char *name, const char *actor)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->name, sizeof(s->name), "%s", name);
    snprintf(s->actor, sizeof(s->actor), "%s", actor);
    bol_buf_init(&s->text, NULL, SIZE_MAX / 2);
}

/* Add a step; for a command, req is its request id ("" for none). */
static void step(struct plan *p, struct bol_demo_stream *s, int64_t at, enum bol_demo_step_kind k,
                 const char *req, const char *fmt, ...) BOL_PRINTF(6, 7);
static void step(struct plan *p, struct bol_demo_stream *s, int64_t at, enum bol_demo_step_kind k,
                 const char *req, const char *fmt, ...)
{
    struct bol_demo_step *st;
    size_t off = s->text.len;
    va_list ap;
    int r;

    if (p->rc < 0)
        return;
    /* A stream's clock never runs backwards. */
    if (s->n && at < s->step[s->n - 1].at_us)
        at = s->step[s->n - 1].at_us;
    s->step = grow(p, s->step, &s->cap, s->n + 1, sizeof(*s->step));
    if (!s->step)
        return;
    va_start(ap, fmt);
    r = bol_buf_vaddf(&s->text, fmt, ap);
    va_end(ap);
    if (r < 0 || (r = bol_buf_addch(&s->text, '\0')) < 0) {
        p->rc = r;
        return;
    }
    st = &s->step[s->n++];
    memset(st, 0, sizeof(*st));
    st->at_us = at;
    st->off = (uint32_t) off;
    st->len = (uint32_t) (s->text.len - off - 1);
    st->kind = (uint8_t) k;
    snprintf(st->req, sizeof(st->req), "%s", req ? req : "");
    if (s == &p->d->setup)
        p->d->counts.setup_cmds++;
    else if (k == BOL_DEMO_CMD)
        p->d->counts.day_cmds++;
    else
        p->d->counts.queries++;
}

#define SETUP(p, at, ...) step((p), &(p)->d->setup, (at), BOL_DEMO_CMD, "", __VA_ARGS__)

/* ---- boxes ---- */

static uint32_t new_box(struct plan *p, const struct line **lp, unsigned len, enum cargo k,
                        enum cat c)
{
    unsigned li = below(p, NLINES);
    const struct line *l = &lines[li];
    char code10[11];
    struct box *b;
    int cd;

    p->box = grow(p, p->box, &p->capbox, p->nbox + 1, sizeof(*p->box));
    if (!p->box)
        return 0;
    b = &p->box[p->nbox];
    memset(b, 0, sizeof(*b));
    /* Serials per owner code, from a base so numbers look lived-in. */
    snprintf(code10, sizeof(code10), "%s%06lu", l->owner, (100000 + p->serial[li]++ * 7) % 1000000);
    cd = bol_iso6346_check_digit(code10);
    if (cd < 0) {
        p->rc = BOL_E_INTERNAL;
        return 0;
    }
    memcpy(b->id, code10, 10);
    b->id[10] = (char) ('0' + cd);
    b->id[11] = '\0';
    b->len = (uint8_t) len;
    b->cargo = (uint8_t) k;
    b->cat = (uint8_t) c;
    b->stack = UINT32_MAX;
    b->pos = UINT32_MAX;
    *lp = l;
    return (uint32_t) p->nbox++;
}

/* The master data of a box as a JSON object's members (no braces). */
static void box_json(struct plan *p, uint32_t bi, const struct line *l, const char *pol,
                     const char *pod, char *out, size_t n)
{
    const struct box *b = &p->box[bi];
    const char *st;
    unsigned tare, gross;
    size_t k;

    if (b->cargo == K_REEFER)
        st = b->len == 20 ? "22R1" : "45R1";
    else
        st = b->len == 20 ? "22G1" : (chance(p, 70) ? "45G1" : "42G1");
    tare =
        b->len == 20 ? (b->cargo == K_REEFER ? 3050 : 2200) : (b->cargo == K_REEFER ? 4600 : 3800);
    k = (size_t) snprintf(out, n,
                          "\"id\":\"%s\",\"sizetype\":\"%s\",\"line\":\"%s\",\"category\":"
                          "\"%s\",\"full\":%s,\"tare_kg\":%u",
                          b->id, st, l->code, cat_names[b->cat],
                          b->cat == C_EMPTY ? "false" : "true", tare);
    if (b->cat != C_EMPTY) {
        /* Within the ISO 668 rating of 30,480 kg, VGM included. */
        gross = tare + between(p, 4000, 30480 - 300 - tare);
        k += (size_t) snprintf(out + k, n - k,
                               ",\"gross_kg\":%u,\"vgm_kg\":%u,\"vgm_method\":\"%s\",\"seals\":"
                               "\"%s%07u\"",
                               gross, gross + below(p, 200), chance(p, 60) ? "SM1" : "SM2", l->scac,
                               between(p, 1000000, 9999999));
        if (b->cargo == K_REEFER)
            k += (size_t) snprintf(out + k, n - k, ",\"reefer_on\":true,\"setpoint_c10\":%d",
                                   chance(p, 60) ? -180 - 10 * (int) below(p, 8)
                                                 : 5 * (int) between(p, 0, 26) - 10);
        if (b->cargo == K_DG) {
            const struct dg *g = &dgs[below(p, BOL_ARRAY_SIZE(dgs))];

            k += (size_t) snprintf(out + k, n - k, ",\"dg\":[{\"un\":\"%s\",\"class\":\"%s\"}]",
                                   g->un, g->cls);
        }
        if (b->cat == C_EXPORT)
            k += (size_t) snprintf(out + k, n - k, ",\"booking\":\"%sBK%07lu\"", l->code,
                                   1000000 + p->booking++);
        else
            k += (size_t) snprintf(out + k, n - k, ",\"bl\":\"%s%09lu\"", l->scac,
                                   200000000 + p->bl++);
    }
    if (pol)
        k += (size_t) snprintf(out + k, n - k, ",\"pol\":\"%s\"", pol);
    if (pod && k < n)
        snprintf(out + k, n - k, ",\"pod\":\"%s\"", pod);
}

static void pick_add(struct plan *p, struct pick *l, uint32_t bi)
{
    l->v = grow(p, l->v, &l->cap, l->n + 1, sizeof(*l->v));
    if (!l->v)
        return;
    p->box[bi].pos = (uint32_t) l->n;
    l->v[l->n++] = bi;
}

static void pick_del(struct plan *p, struct pick *l, uint32_t bi)
{
    uint32_t at = p->box[bi].pos, last;

    if (at == UINT32_MAX || at >= l->n || l->v[at] != bi)
        return;
    last = l->v[--l->n];
    l->v[at] = last;
    p->box[last].pos = at;
    p->box[bi].pos = UINT32_MAX;
}

static bool on_top(const struct plan *p, uint32_t bi)
{
    const struct ystack *s = &p->st[p->box[bi].stack];

    return s->h && s->box[s->h - 1] == bi;
}

/*
 * Choose a box from a list, one on top of its stack top_pct times in a
 * hundred when there is one: exports are stacked by vessel and loaded from
 * the top; imports leave when their trucks come, so digging is common.
 * UINT32_MAX when the list is empty.
 */
static uint32_t pick_one(struct plan *p, struct pick *l, unsigned top_pct)
{
    uint32_t bi = UINT32_MAX;
    unsigned i;

    if (!l->n)
        return UINT32_MAX;
    if (!chance(p, top_pct))
        return l->v[below(p, (unsigned) l->n)];
    for (i = 0; i < 32; i++) {
        bi = l->v[below(p, (unsigned) l->n)];
        if (on_top(p, bi))
            break;
    }
    return bi;
}

/* ---- yard ---- */

static void yard_push(struct plan *p, uint32_t si, uint32_t bi)
{
    struct ystack *s = &p->st[si];

    s->box[s->h++] = bi;
    p->box[bi].stack = si;
}

static void yard_pop(struct plan *p, uint32_t bi)
{
    struct ystack *s = &p->st[p->box[bi].stack];

    if (s->h && s->box[s->h - 1] == bi)
        s->h--;
    else
        p->rc = BOL_E_INTERNAL;
    p->box[bi].stack = UINT32_MAX;
}

static void slot_text(const struct plan *p, uint32_t si, unsigned tier, char out[32])
{
    const struct ystack *s = &p->st[si];
    const struct yblock *b = &p->blk[s->block];

    snprintf(out, 32, "DCT%u/%s/%03u/%02u/%u", b->term + 1, b->code, s->bay, s->row, tier);
}

/* A stack with room for a box of len in one of the lane's blocks of kind k, not except. */
static uint32_t find_room(struct plan *p, const struct lane *ln, enum bkind k, unsigned len,
                          uint32_t only_block, uint32_t except)
{
    unsigned tries, i;
    uint32_t cand[64];
    unsigned nc = 0;

    for (i = 0; i < ln->nblocks; i++) {
        if (p->blk[ln->blocks[i]].kind == k &&
            (only_block == UINT32_MAX || ln->blocks[i] == only_block) && nc < 64)
            cand[nc++] = ln->blocks[i];
    }
    if (!nc)
        return UINT32_MAX;
    for (tries = 0; tries < 64; tries++) {
        const struct yblock *b = &p->blk[cand[below(p, nc)]];
        uint32_t si = b->first + below(p, b->n);
        const struct ystack *s = &p->st[si];

        if (si != except && s->len == len && s->h < s->max)
            return si;
    }
    for (i = 0; i < nc; i++) {
        const struct yblock *b = &p->blk[cand[i]];
        uint32_t si;

        for (si = b->first; si < b->first + b->n; si++) {
            if (si != except && p->st[si].len == len && p->st[si].h < p->st[si].max)
                return si;
        }
    }
    return UINT32_MAX;
}

static void define_block(struct plan *p, unsigned term, const char *code, enum bkind k, int64_t at)
{
    const struct bshape *sh = &bshapes[k];
    struct yblock *b = &p->blk[p->nblk];
    unsigned pair, row, half;

    memset(b, 0, sizeof(*b));
    snprintf(b->code, sizeof(b->code), "%s", code);
    b->kind = k;
    b->term = term;
    b->first = (uint32_t) p->nst;
    b->owner = -1;
    for (pair = 0; pair < sh->bays / 2; pair++) {
        bool forty = chance(p, sh->pct40);

        for (row = 1; row <= sh->rows; row++) {
            for (half = 0; half < (forty ? 1u : 2u); half++) {
                struct ystack *s;

                p->st = grow(p, p->st, &p->capst, p->nst + 1, sizeof(*p->st));
                if (!p->st)
                    return;
                s = &p->st[p->nst++];
                memset(s, 0, sizeof(*s));
                s->block = (uint32_t) p->nblk;
                s->bay = (uint16_t) (forty ? 4 * pair + 2 : 4 * pair + 1 + 2 * half);
                s->row = (uint8_t) row;
                s->len = forty ? 40 : 20;
                s->max = (uint8_t) sh->tiers;
            }
        }
    }
    b->n = (uint32_t) (p->nst - b->first);
    p->nblk++;
    p->d->counts.blocks++;
    p->d->counts.capacity_teu += sh->bays * sh->rows * sh->tiers;
    SETUP(p, at,
          "{\"cmd\":\"block.define\",\"terminal\":\"DCT%u\",\"code\":\"%s\",\"kind\":\"%s\","
          "\"bays\":%u,\"rows\":%u,\"tiers\":%u,\"max_stack_kg\":%u}",
          term + 1, code, sh->kind, sh->bays, sh->rows, sh->tiers, sh->tiers * 30480u);
}

/* ---- vessels ---- */

static void imo_number(unsigned base6, char out[8])
{
    unsigned d[6], sum = 0, i;

    for (i = 0; i < 6; i++) {
        d[5 - i] = base6 % 10;
        base6 /= 10;
    }
    for (i = 0; i < 6; i++)
        sum += d[i] * (7 - i);
    snprintf(out, 8, "%u%u%u%u%u%u%u", d[0], d[1], d[2], d[3], d[4], d[5], sum % 10);
}

static struct vstack *vstack_at(struct plan *p, unsigned vi, unsigned pair, unsigned rowi,
                                bool deck, unsigned half)
{
    const struct vprofile *vp = &vprofiles[p->vis[vi].vclass];
    unsigned rows = 2 * vp->rows_side + (vp->centre ? 1 : 0);

    return &p->vs[p->vs_first[vi] + ((pair * rows + rowi) * 2 + (deck ? 1 : 0)) * 2 + half];
}

static void define_visit(struct plan *p, unsigned term, enum vclass vc, unsigned berth, int64_t at)
{
    const struct vprofile *vp = &vprofiles[vc];
    struct visit *v = &p->vis[p->nvis];
    unsigned rows = 2 * vp->rows_side + (vp->centre ? 1 : 0), pair, ri, deck, half;
    const struct line *l = &lines[(term * 3 + vc) % NLINES];
    char eta[32], etb[32], etd[32];
    size_t need;

    memset(v, 0, sizeof(*v));
    v->term = term;
    v->vclass = vc;
    v->line = l;
    imo_number(960000 + 1237 * (term * V_CLASSES + vc) % 39000, v->imo);
    snprintf(v->id, sizeof(v->id), "DCT%u-%s%02u", term + 1,
             vc == V_MEGA  ? "M"
             : vc == V_MID ? "P"
                           : "F",
             (unsigned) (47 + 3 * term + vc) % 100);
    SETUP(p, at,
          "{\"cmd\":\"vessel.define\",\"imo\":\"%s\",\"name\":\"%s\",\"call_sign\":\"3E%c%c%u\","
          "\"operator\":\"%s\",\"profile\":{\"bays\":%u,\"rows_starboard\":%u,\"rows_port\":%u,"
          "\"centre_row\":%s,\"hold_tier_max\":%u,\"deck_tier_min\":82,\"deck_tier_max\":%u,"
          "\"max_stack_kg_hold\":%u,\"max_stack_kg_deck\":%u,\"reefer\":[{\"bays\":[1,%u],"
          "\"tiers\":[82,88]}],\"teu\":%u}}",
          v->imo, vnames[vc][term % 9], 'A' + (char) (term % 26), 'K' + (char) vc, 1000 + term * 7,
          l->code, 4 * vp->pairs - 1, vp->rows_side, vp->rows_side, vp->centre ? "true" : "false",
          2 * vp->hold_tiers, 80 + 2 * vp->deck_tiers, vp->hold_tiers * 30480u,
          vp->deck_tiers * 30480u, 4 * vp->pairs - 1, vp->teu);
    local_time(p->o->day_start_us - 3 * HOUR_US, eta);
    local_time(p->o->day_start_us - 2 * HOUR_US, etb);
    local_time(p->o->day_start_us + 26 * HOUR_US, etd);
    SETUP(p, at,
          "{\"cmd\":\"visit.define\",\"id\":\"%s\",\"terminal\":\"DCT%u\",\"imo\":\"%s\","
          "\"line\":\"%s\",\"voyage_in\":\"%03uW\",\"voyage_out\":\"%03uE\",\"berth\":\"B%u\","
          "\"eta\":\"%s\",\"etb\":\"%s\",\"etd\":\"%s\",\"phase\":\"planned\"}",
          v->id, term + 1, v->imo, l->code, 40 + term, 41 + term, berth, eta, etb, etd);
    SETUP(p, at, "{\"cmd\":\"visit.advance\",\"visit\":\"%s\",\"phase\":\"arrived\"}", v->id);
    SETUP(p, at, "{\"cmd\":\"visit.advance\",\"visit\":\"%s\",\"phase\":\"working\"}", v->id);

    /* Her stacks: per pair and row, hold and deck, a 40 ft stack or two 20 ft ones. */
    p->vs_first[p->nvis] = p->nvs;
    need = p->nvs + (size_t) vp->pairs * rows * 2 * 2;
    p->vs = grow(p, p->vs, &p->capvs, need, sizeof(*p->vs));
    if (!p->vs)
        return;
    p->nvs = need;
    for (pair = 0; pair < vp->pairs; pair++) {
        bool forty = chance(p, 65);

        for (ri = 0; ri < rows; ri++) {
            /* rows 01, 03 ... to starboard, 02, 04 ... to port, 00 in the centre */
            unsigned row = ri < vp->rows_side       ? 2 * ri + 1
                           : ri < 2 * vp->rows_side ? 2 * (ri - vp->rows_side) + 2
                                                    : 0;

            for (deck = 0; deck < 2; deck++) {
                for (half = 0; half < 2; half++) {
                    struct vstack *s =
                        &p->vs[p->vs_first[p->nvis] + ((pair * rows + ri) * 2 + deck) * 2 + half];

                    memset(s, 0, sizeof(*s));
                    s->row = (uint8_t) row;
                    s->deck = deck;
                    s->base = deck ? 82 : 2;
                    s->max = (uint8_t) (deck ? vp->deck_tiers : vp->hold_tiers);
                    if (forty) {
                        s->len = half ? 0 : 40; /* the second half is unused */
                        s->bay = (uint16_t) (4 * pair + 2);
                    } else {
                        s->len = 20;
                        s->bay = (uint16_t) (4 * pair + 1 + 2 * half);
                    }
                }
            }
        }
    }
    p->nvis++;
    p->d->counts.visits++;
}

/* ---- reference data ---- */

static void reference(struct plan *p, int64_t at)
{
    unsigned t, i, k;
    size_t li;

    for (li = 0; li < NLINES; li++)
        SETUP(p, at, "{\"cmd\":\"line.define\",\"code\":\"%s\",\"name\":\"%s\",\"scac\":\"%s\"}",
              lines[li].code, lines[li].name, lines[li].scac);
    for (t = 0; t < p->o->terminals; t++) {
        SETUP(p, at,
              "{\"cmd\":\"terminal.define\",\"code\":\"DCT%u\",\"name\":\"Demo Container "
              "Terminal %u\",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}",
              t + 1, t + 1);
        p->d->counts.terminals++;
        SETUP(p, at,
              "{\"cmd\":\"berth.define\",\"terminal\":\"DCT%u\",\"code\":\"B1\",\"from_m\":0,"
              "\"to_m\":400,\"depth_dm\":180}",
              t + 1);
        SETUP(p, at,
              "{\"cmd\":\"berth.define\",\"terminal\":\"DCT%u\",\"code\":\"B2\",\"from_m\":400,"
              "\"to_m\":700,\"depth_dm\":160}",
              t + 1);
        SETUP(p, at,
              "{\"cmd\":\"berth.define\",\"terminal\":\"DCT%u\",\"code\":\"B3\",\"from_m\":700,"
              "\"to_m\":1000,\"depth_dm\":140}",
              t + 1);
        /* RTG blocks 1A..8D: eight rows of four along the quay. */
        for (i = 0; i < 8; i++) {
            for (k = 0; k < 4; k++) {
                char code[4] = { (char) ('1' + i), (char) ('A' + k), '\0' };

                define_block(p, t, code, B_RTG, at);
            }
        }
        for (k = 1; k <= 4; k++) {
            char code[4] = { 'R', 'F', (char) ('0' + k), '\0' };

            define_block(p, t, code, B_REEFER, at);
        }
        define_block(p, t, "DG1", B_DG, at);
        define_block(p, t, "DG2", B_DG, at);
        define_block(p, t, "MT1", B_EMPTY, at);
        define_block(p, t, "MT2", B_EMPTY, at);
        for (i = 1; i <= 8; i++)
            SETUP(p, at,
                  "{\"cmd\":\"equipment.define\",\"terminal\":\"DCT%u\",\"id\":\"QC%02u\","
                  "\"kind\":\"qc\"}",
                  t + 1, i);
        for (i = 1; i <= 26; i++)
            SETUP(p, at,
                  "{\"cmd\":\"equipment.define\",\"terminal\":\"DCT%u\",\"id\":\"RTG%02u\","
                  "\"kind\":\"rtg\"%s}",
                  t + 1, i,
                  i == 25   ? ",\"status\":\"maintenance\""
                  : i == 26 ? ",\"status\":\"breakdown\""
                            : "");
        for (i = 1; i <= 4; i++)
            SETUP(p, at,
                  "{\"cmd\":\"equipment.define\",\"terminal\":\"DCT%u\",\"id\":\"EH%02u\","
                  "\"kind\":\"eh\"}",
                  t + 1, i);
        for (i = 1; i <= 40; i++)
            SETUP(p, at,
                  "{\"cmd\":\"equipment.define\",\"terminal\":\"DCT%u\",\"id\":\"TT%02u\","
                  "\"kind\":\"tt\"}",
                  t + 1, i);
        define_visit(p, t, V_MEGA, 1, at);
        define_visit(p, t, V_MID, 2, at);
        define_visit(p, t, V_FEEDER, 3, at);
    }
}

/* ---- lanes: who owns what ---- */

static void lanes_make(struct plan *p)
{
    unsigned t, q, g, per = 12;
    char name[24], actor[40];

    p->nlanes = p->o->terminals * per;
    p->lanes = bol_calloc(p->nlanes, sizeof(*p->lanes));
    p->d->day = bol_calloc(p->nlanes, sizeof(*p->d->day));
    if (!p->lanes || !p->d->day) {
        p->rc = BOL_E_NOMEM;
        return;
    }
    p->d->nday = p->nlanes;
    for (t = 0; t < p->o->terminals; t++) {
        uint32_t b0 = (uint32_t) (t * 40); /* 1A..8D, RF1..RF4, DG1, DG2, MT1, MT2 */
        struct visit *v = &p->vis[t * V_CLASSES];

        for (q = 0; q < 8; q++) {
            struct lane *ln = &p->lanes[t * per + q];
            unsigned vc = q < 4 ? V_MEGA : q < 6 ? V_MID : V_FEEDER;
            unsigned first = vc == V_MEGA ? 0 : vc == V_MID ? 4 : 6;
            unsigned pairs = vprofiles[vc].pairs, nq = vprofiles[vc].qcs;

            ln->term = t;
            ln->index = q;
            ln->quay = true;
            ln->s = &p->d->day[t * per + q];
            snprintf(name, sizeof(name), "DCT%u-QC%02u", t + 1, q + 1);
            snprintf(actor, sizeof(actor), "user:demo.qc%02u.dct%u", q + 1, t + 1);
            stream_init(ln->s, name, actor);
            snprintf(ln->eq_main, sizeof(ln->eq_main), "QC%02u", q + 1);
            snprintf(ln->eq_yard, sizeof(ln->eq_yard), "RTG%02u", 2 * q + 1);
            ln->visit = &v[vc];
            ln->pair_from = pairs * (q - first) / nq;
            ln->pair_to = pairs * (q - first + 1) / nq;
            ln->blocks = bol_calloc(5, sizeof(uint32_t));
            if (!ln->blocks) {
                p->rc = BOL_E_NOMEM;
                return;
            }
            ln->blocks[ln->nblocks++] = b0 + 3 * q;
            ln->blocks[ln->nblocks++] = b0 + 3 * q + 1;
            ln->blocks[ln->nblocks++] = b0 + 3 * q + 2;
            if (q < 4)
                ln->blocks[ln->nblocks++] = b0 + 32 + q; /* RF1..RF4 */
            else if (q < 6)
                ln->blocks[ln->nblocks++] = b0 + 36 + (q - 4); /* DG1, DG2 */
        }
        for (g = 0; g < 4; g++) {
            struct lane *ln = &p->lanes[t * per + 8 + g];

            ln->term = t;
            ln->index = g;
            ln->s = &p->d->day[t * per + 8 + g];
            snprintf(name, sizeof(name), "DCT%u-GATE%u", t + 1, g + 1);
            snprintf(actor, sizeof(actor), "user:demo.gate%u.dct%u", g + 1, t + 1);
            stream_init(ln->s, name, actor);
            snprintf(ln->eq_main, sizeof(ln->eq_main), "RTG%02u", 17 + 2 * g);
            snprintf(ln->eq_yard, sizeof(ln->eq_yard), "RTG%02u", 18 + 2 * g);
            snprintf(ln->eq_empty, sizeof(ln->eq_empty), "EH%02u", g + 1);
            ln->blocks = bol_calloc(3, sizeof(uint32_t));
            if (!ln->blocks) {
                p->rc = BOL_E_NOMEM;
                return;
            }
            ln->blocks[ln->nblocks++] = b0 + 24 + 2 * g;
            ln->blocks[ln->nblocks++] = b0 + 25 + 2 * g;
            if (g < 2)
                ln->blocks[ln->nblocks++] = b0 + 38 + g; /* MT1, MT2 */
        }
        for (q = 0; q < per; q++) {
            struct lane *ln = &p->lanes[t * per + q];
            unsigned i;

            for (i = 0; i < ln->nblocks; i++)
                p->blk[ln->blocks[i]].owner = (int) (t * per + q);
        }
    }
}

/* ---- stock before the day ---- */

static const char *any_port(struct plan *p, const struct vprofile *vp)
{
    return vp->ports[below(p, vp->nports)];
}

static void stock(struct plan *p, int64_t at)
{
    size_t bi;
    char js[768], slot[32];

    for (bi = 0; bi < p->nblk && p->rc == 0; bi++) {
        const struct yblock *b = &p->blk[bi];
        struct lane *ln = b->owner >= 0 ? &p->lanes[b->owner] : NULL;
        const struct vprofile *vp =
            ln && ln->quay ? &vprofiles[ln->visit->vclass] : &vprofiles[V_FEEDER];
        uint32_t si;

        for (si = b->first; si < b->first + b->n && p->rc == 0; si++) {
            struct ystack *s = &p->st[si];
            unsigned want = (p->o->fill_pct * s->max * 2 + below(p, 200)) / 200, j;

            /* Stacks vary around the fill: some full, some empty. */
            want = chance(p, 50) ? want : (unsigned) below(p, s->max + 1u);
            if (want > s->max)
                want = s->max;
            for (j = 0; j < want; j++) {
                enum cargo k = b->kind == B_REEFER ? K_REEFER : b->kind == B_DG ? K_DG : K_GP;
                enum cat c;
                const struct line *l;
                uint32_t x;

                if (b->kind == B_EMPTY)
                    c = C_EMPTY;
                else if (ln && ln->quay)
                    c = chance(p, 55) ? C_EXPORT : C_IMPORT;
                else
                    c = chance(p, 60) ? C_IMPORT : C_EXPORT;
                x = new_box(p, &l, s->len, k, c);
                if (p->rc < 0)
                    return;
                box_json(p, x, l,
                         c == C_EXPORT  ? "JPNGO"
                         : c == C_EMPTY ? NULL
                                        : any_port(p, vp),
                         c == C_EXPORT  ? any_port(p, vp)
                         : c == C_EMPTY ? NULL
                                        : "JPNGO",
                         js, sizeof(js));
                slot_text(p, si, s->h + 1u, slot);
                SETUP(p, at,
                      "{\"cmd\":\"container.register\",\"container\":{%s},\"at\":\"%s\","
                      "\"reason\":\"go-live stock take\"}",
                      js, slot);
                yard_push(p, si, x);
                p->d->counts.yard_boxes++;
                p->d->counts.yard_teu += s->len / 20u;
                if (!ln)
                    continue;
                if (ln->quay && c == C_EXPORT)
                    pick_add(p, &ln->exports[s->len == 40][k], x);
                else if (!ln->quay && c == C_IMPORT) {
                    /* Some imports wait for customs; a few of those are cleared today. */
                    if (chance(p, 4)) {
                        p->box[x].held = true;
                        p->box[x].keep = chance(p, 40);
                        SETUP(p, at,
                              "{\"cmd\":\"hold.place\",\"id\":\"%s\",\"kind\":\"customs\","
                              "\"reason\":\"import declaration under examination\","
                              "\"ref\":\"NACCS-%07lu\"}",
                              p->box[x].id, 3000000 + p->hold++);
                    }
                    if (!p->box[x].keep)
                        pick_add(p, &ln->imports[s->len == 40], x);
                } else if (!ln->quay && c == C_EMPTY)
                    pick_add(p, &ln->empties[s->len == 40], x);
            }
        }
    }
}

/* ---- the day: helpers shared by cranes and gates ---- */

static void next_req(struct lane *ln, char req[28])
{
    snprintf(req, 28, "%.16s-%07lu", ln->s->name, (unsigned long) ((ln->s->n + 1) % 10000000));
}

#define DAY(ln, at, ...)                                                                           \
    do {                                                                                           \
        char req_[28];                                                                             \
        next_req((ln), req_);                                                                      \
        step(p, (ln)->s, (at), BOL_DEMO_CMD, req_, __VA_ARGS__);                                   \
        maybe_query(p, (ln), (at));                                                                \
    } while (0)

/* Now and then the clerk or the planner looks something up. */
static void maybe_query(struct plan *p, struct lane *ln, int64_t at)
{
    const struct yblock *b;
    unsigned n;

    if (!p->o->query_every || ++ln->steps_since_query < p->o->query_every)
        return;
    ln->steps_since_query = 0;
    b = &p->blk[ln->blocks[below(p, ln->nblocks)]];
    switch (below(p, 4)) {
    case 0:
        if (p->nbox) {
            step(p, ln->s, at, BOL_DEMO_Q_CONTAINER, "", "%s",
                 p->box[below(p, (unsigned) p->nbox)].id);
            break;
        }
        /* fall through */
    case 1:
        n = bshapes[b->kind].bays;
        step(p, ln->s, at, BOL_DEMO_Q_YARD, "", "DCT%u/%s/%u", b->term + 1, b->code,
             2 * below(p, n) + 1);
        break;
    case 2:
        step(p, ln->s, at, BOL_DEMO_Q_QUEUE, "", "DCT%u/%s", ln->term + 1, ln->eq_main);
        break;
    default:
        if (ln->quay)
            step(p, ln->s, at, BOL_DEMO_Q_VISIT, "", "%s", ln->visit->id);
        else
            step(p, ln->s, at, BOL_DEMO_Q_QUEUE, "", "DCT%u/%s", ln->term + 1, ln->eq_yard);
        break;
    }
}

/*
 * One work instruction through its life: planned, dispatched to equipment,
 * started, completed.  to is a yard slot text or a place object.
 */
static void work(struct plan *p, struct lane *ln, int64_t at, int64_t span, const char *kind,
                 const char *id, const char *to, bool to_is_text, const char *eq, unsigned prio)
{
    char ref[32];

    snprintf(ref, sizeof(ref), "%s-W%05lu", ln->s->name, ++ln->wi);
    DAY(ln, at,
        "{\"cmd\":\"wi.plan\",\"kind\":\"%s\",\"id\":\"%s\",\"to\":%s%s%s,\"equipment\":\"%s\","
        "\"priority\":%u,\"ref\":\"%s\"}",
        kind, id, to_is_text ? "\"" : "", to, to_is_text ? "\"" : "", eq, prio, ref);
    DAY(ln, at + span / 4,
        "{\"cmd\":\"wi.dispatch\",\"wi\":\"%s\",\"equipment\":\"%s\",\"queue_seq\":%lu}", ref, eq,
        ln->wi);
    DAY(ln, at + span / 2, "{\"cmd\":\"wi.start\",\"wi\":\"%s\"}", ref);
    DAY(ln, at + 3 * span / 4, "{\"cmd\":\"wi.complete\",\"wi\":\"%s\"}", ref);
}

/* Dig a yard box out: everything on top of it goes to other stacks of the same block. */
static void dig_out(struct plan *p, struct lane *ln, uint32_t bi, int64_t at, int64_t span,
                    const char *eq)
{
    uint32_t si = p->box[bi].stack;
    char slot[32];

    while (p->rc == 0 && p->st[si].h && p->st[si].box[p->st[si].h - 1] != bi) {
        struct ystack *s = &p->st[si];
        uint32_t top = s->box[s->h - 1];
        uint32_t to = find_room(p, ln, p->blk[s->block].kind, s->len, s->block, si);

        if (to == UINT32_MAX) {
            p->rc = BOL_E_INTERNAL; /* a block too full to dig in: the fill is too high */
            return;
        }
        slot_text(p, to, p->st[to].h + 1u, slot);
        work(p, ln, at, span, "rhdl", p->box[top].id, slot, true, eq, 7);
        yard_pop(p, top);
        yard_push(p, to, top);
        p->d->counts.relocate++;
    }
}

/* ---- quay cranes ---- */

static void crane_day(struct plan *p, struct lane *ln, unsigned moves)
{
    const struct visit *v = ln->visit;
    const struct vprofile *vp = &vprofiles[v->vclass];
    unsigned vi = (unsigned) (v - p->vis);
    unsigned rows = 2 * vp->rows_side + (vp->centre ? 1 : 0);
    unsigned dis = moves / 2, load = moves - dis, placed = 0, pair, ri, deck, half, j;
    unsigned long done = 0;
    int64_t t0 = p->o->day_start_us, dt = DAY_US / (moves ? moves : 1);
    bool reefers = ln->nblocks > 3 && p->blk[ln->blocks[3]].kind == B_REEFER;
    bool dg = ln->nblocks > 3 && p->blk[ln->blocks[3]].kind == B_DG;
    char js[768], place[96], slot[32];

    /* The bay plan: what she brings, from the bottom of each stack up, in the crane's bays. */
    for (pair = ln->pair_from; pair < ln->pair_to && placed < dis && p->rc == 0; pair++) {
        for (ri = 0; ri < rows && placed < dis; ri++) {
            for (deck = 0; deck < 2 && placed < dis; deck++) {
                for (half = 0; half < 2 && placed < dis; half++) {
                    struct vstack *s = vstack_at(p, vi, pair, ri, deck, half);
                    unsigned want = between(p, s->max / 2u, s->max);

                    if (!s->len)
                        continue;
                    for (j = 0; j < want && placed < dis; j++) {
                        unsigned tier = s->base + 2u * s->n;
                        bool rf = reefers && deck && tier <= 88 && chance(p, 25);
                        enum cargo k = rf ? K_REEFER : dg && chance(p, 6) ? K_DG : K_GP;
                        enum cat c = chance(p, 15) ? C_TRANSSHIP : C_IMPORT;
                        const struct line *l;
                        uint32_t x = new_box(p, &l, s->len, k, c);

                        if (p->rc < 0)
                            return;
                        box_json(p, x, l, any_port(p, vp),
                                 c == C_IMPORT ? "JPNGO"
                                               : ports_asia[below(p, BOL_ARRAY_SIZE(ports_asia))],
                                 js, sizeof(js));
                        SETUP(p, t0 - HOUR_US,
                              "{\"cmd\":\"container.register\",\"container\":{%s},\"at\":{"
                              "\"kind\":\"vessel\",\"visit\":\"%s\",\"cell\":\"%03u%02u%02u\"}}",
                              js, v->id, s->bay, s->row, tier);
                        s->box[s->n++] = x;
                        placed++;
                        p->d->counts.on_board++;
                    }
                }
            }
        }
    }

    /* Bay by bay: discharge deck then hold, top down; then load hold then deck, bottom up. */
    for (pair = ln->pair_from; pair < ln->pair_to && p->rc == 0; pair++) {
        for (deck = 2; deck-- > 0;) {
            for (ri = 0; ri < rows; ri++) {
                for (half = 0; half < 2; half++) {
                    struct vstack *s = vstack_at(p, vi, pair, ri, deck, half);

                    while (s->n && p->rc == 0) {
                        uint32_t x = s->box[--s->n];
                        const struct box *b = &p->box[x];
                        enum bkind bk = b->cargo == K_REEFER ? B_REEFER
                                        : b->cargo == K_DG   ? B_DG
                                                             : B_RTG;
                        uint32_t to = find_room(p, ln, bk, b->len, UINT32_MAX, UINT32_MAX);
                        int64_t at = t0 + (int64_t) done * dt;

                        if (to == UINT32_MAX) {
                            p->rc = BOL_E_INTERNAL;
                            return;
                        }
                        slot_text(p, to, p->st[to].h + 1u, slot);
                        work(p, ln, at, dt, "dsch", b->id, slot, true, ln->eq_main, 5);
                        yard_push(p, to, x);
                        done++;
                        p->d->counts.discharge++;
                    }
                }
            }
        }
        for (deck = 0; deck < 2 && load; deck++) {
            for (ri = 0; ri < rows && load; ri++) {
                for (half = 0; half < 2 && load; half++) {
                    struct vstack *s = vstack_at(p, vi, pair, ri, deck, half);

                    while (s->len && s->n < s->max && load && p->rc == 0) {
                        unsigned tier = s->base + 2u * s->n;
                        bool plug = deck && tier <= 88;
                        struct pick *l = &ln->exports[s->len == 40][K_GP];
                        int64_t at = t0 + (int64_t) done * dt;
                        uint32_t x;

                        if (plug && ln->exports[s->len == 40][K_REEFER].n && chance(p, 30))
                            l = &ln->exports[s->len == 40][K_REEFER];
                        else if (ln->exports[s->len == 40][K_DG].n && chance(p, 5))
                            l = &ln->exports[s->len == 40][K_DG];
                        x = pick_one(p, l, 95);
                        if (x == UINT32_MAX)
                            break;
                        pick_del(p, l, x);
                        dig_out(p, ln, x, at, dt / 4, ln->eq_yard);
                        snprintf(place, sizeof(place),
                                 "{\"kind\":\"vessel\",\"visit\":\"%s\",\"cell\":\"%03u%02u%02u\"}",
                                 v->id, s->bay, s->row, tier);
                        work(p, ln, at, dt, "load", p->box[x].id, place, false, ln->eq_main, 5);
                        yard_pop(p, x);
                        s->box[s->n++] = x;
                        load--;
                        done++;
                        p->d->counts.load++;
                    }
                }
            }
        }
    }
}

/* ---- gate lanes ---- */

static void truck_arrive(struct plan *p, struct lane *ln, int64_t at, char ref[32])
{
    unsigned person = below(p, 3000);

    snprintf(ref, 32, "%s-T%05lu", ln->s->name, ++ln->truck);
    DAY(ln, at,
        "{\"cmd\":\"truck.arrive\",\"terminal\":\"DCT%u\",\"person\":\"drv-%04u\",\"driver\":\"%s "
        "%s\",\"plate\":\"Nagoya %u %s %02u-%02u\",\"company\":\"%s\",\"ref\":\"%s\"}",
        ln->term + 1, person, given[person % BOL_ARRAY_SIZE(given)],
        family[person / 7 % BOL_ARRAY_SIZE(family)], 100 + person % 800,
        kana[person % BOL_ARRAY_SIZE(kana)], person / 100 % 100, person % 100,
        hauliers[person % BOL_ARRAY_SIZE(hauliers)], ref);
    p->d->counts.trucks++;
}

/* An export or an empty comes in and is put where the lane stacks such boxes. */
static void receive(struct plan *p, struct lane *ln, const char *truck, int64_t at, int64_t span,
                    unsigned len, bool empty)
{
    enum cat c = empty ? C_EMPTY : C_EXPORT;
    enum bkind bk = empty ? B_EMPTY : B_RTG;
    uint32_t to = find_room(p, ln, bk, len, UINT32_MAX, UINT32_MAX), x;
    const struct line *l;
    char js[768], slot[32];

    if (to == UINT32_MAX)
        return;
    x = new_box(p, &l, len, K_GP, c);
    if (p->rc < 0)
        return;
    box_json(p, x, l, empty ? NULL : "JPNGO",
             empty ? NULL : any_port(p, &vprofiles[below(p, V_CLASSES)]), js, sizeof(js));
    DAY(ln, at, "{\"cmd\":\"gate.receive\",\"truck\":\"%s\",\"container\":{%s}}", truck, js);
    slot_text(p, to, p->st[to].h + 1u, slot);
    work(p, ln, at + span / 8, span / 2, "gtin", p->box[x].id, slot, true,
         empty ? ln->eq_empty : ln->eq_main, 6);
    yard_push(p, to, x);
    p->d->counts.receive++;
}

/* An import (or an empty on an empty release) goes out on the truck. */
static bool deliver(struct plan *p, struct lane *ln, const char *truck, int64_t at, int64_t span,
                    unsigned len, bool empty)
{
    struct pick *l = empty ? &ln->empties[len == 40] : &ln->imports[len == 40];
    uint32_t x = pick_one(p, l, empty ? 90 : 60);
    const char *eq = empty ? ln->eq_empty : ln->eq_main;
    char place[64];

    if (x == UINT32_MAX)
        return false;
    pick_del(p, l, x);
    if (p->box[x].held) {
        DAY(ln, at,
            "{\"cmd\":\"hold.lift\",\"id\":\"%s\",\"kind\":\"customs\",\"reason\":\"import "
            "permit granted\"}",
            p->box[x].id);
        p->box[x].held = false;
        p->d->counts.holds_lifted++;
    }
    DAY(ln, at, "{\"cmd\":\"release.grant\",\"id\":\"%s\",\"ref\":\"%s%07lu\"}", p->box[x].id,
        empty ? "ER" : "DO", 4000000 + ++ln->rel * 10 + ln->index);
    dig_out(p, ln, x, at + span / 8, span / 8, eq);
    snprintf(place, sizeof(place), "{\"kind\":\"truck\",\"truck\":\"%s\"}", truck);
    work(p, ln, at + span / 4, span / 2, "gtot", p->box[x].id, place, false, eq, 6);
    yard_pop(p, x);
    p->d->counts.deliver++;
    return true;
}

static void gate_day(struct plan *p, struct lane *ln, unsigned visits)
{
    /* Trucks come from 06:00 to 22:00 local time, most of them in the day. */
    int64_t open = p->o->day_start_us, span = visits ? (16 * HOUR_US) / visits : HOUR_US;
    unsigned i;
    char truck[32];

    for (i = 0; i < visits && p->rc == 0; i++) {
        int64_t at = open + 6 * HOUR_US + (int64_t) i * span;
        unsigned kind = below(p, 100), len = chance(p, 60) ? 40 : 20;
        bool has_empty = ln->eq_empty[0] && ln->nblocks > 2;

        truck_arrive(p, ln, at, truck);
        if (kind < 35) {
            if (!deliver(p, ln, truck, at, span, len, false))
                receive(p, ln, truck, at, span, len, false);
        } else if (kind < 45 && has_empty) {
            if (!deliver(p, ln, truck, at, span, len, true))
                receive(p, ln, truck, at, span, len, true);
        } else if (kind < 55 && has_empty) {
            receive(p, ln, truck, at, span, len, true);
        } else if (kind < 65) {
            /* Dual: a 20 ft export in, a 20 ft import out on the same chassis. */
            receive(p, ln, truck, at, span / 2, 20, false);
            (void) deliver(p, ln, truck, at + span / 2, span / 2, 20, false);
        } else {
            receive(p, ln, truck, at, span, len, false);
        }
        DAY(ln, at + span - MIN_US, "{\"cmd\":\"truck.depart\",\"truck\":\"%s\"}", truck);
    }
}

/* ---- the plan ---- */

void bol_demo_opts_default(struct bol_demo_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->terminals = 1;
    o->fill_pct = 60;
    o->vessel_moves = 3200;
    o->gate_visits = 3000;
    o->query_every = 20;
    o->seed = 1;
}

int bol_demo_plan(const struct bol_demo_opts *o, struct bol_demo *ret, struct bol_diag *diag)
{
    struct plan p;
    unsigned i, nq, ng;
    int64_t setup_at;

    memset(ret, 0, sizeof(*ret));
    if (o->terminals < 1 || o->terminals > 9)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminals", "1 to 9 terminals, not %u",
                             o->terminals);
    if (o->fill_pct > 90)
        return bol_diag_fail(diag, BOL_E_INVAL, "fill", "fill at most 90 %%, not %u", o->fill_pct);
    if (o->vessel_moves > 1000000 || o->gate_visits > 1000000)
        return bol_diag_fail(diag, BOL_E_INVAL, "moves", "at most 1,000,000 moves and visits");
    memset(&p, 0, sizeof(p));
    p.o = o;
    p.d = ret;
    p.rng = o->seed * 0x2545f4914f6cdd1dULL + 1;
    setup_at = o->day_start_us - 2 * HOUR_US;
    stream_init(&ret->setup, "setup", "user:demo.setup");
    p.blk = bol_calloc(40u * o->terminals, sizeof(*p.blk));
    if (!p.blk)
        return bol_diag_fail(diag, BOL_E_NOMEM, NULL, "out of memory");
    reference(&p, setup_at);
    lanes_make(&p);
    if (p.rc == 0)
        stock(&p, setup_at);
    nq = 8 * o->terminals;
    ng = 4 * o->terminals;
    for (i = 0; i < p.nlanes && p.rc == 0; i++) {
        struct lane *ln = &p.lanes[i];
        unsigned k = ln->quay ? (unsigned) (ln - p.lanes) / 12 * 8 + ln->index
                              : (unsigned) (ln - p.lanes) / 12 * 4 + ln->index;

        if (ln->quay)
            crane_day(&p, ln, o->vessel_moves * (k + 1) / nq - o->vessel_moves * k / nq);
        else
            gate_day(&p, ln, o->gate_visits * (k + 1) / ng - o->gate_visits * k / ng);
    }
    for (i = 0; i < p.nlanes; i++) {
        unsigned a, b;

        for (a = 0; a < 2; a++) {
            for (b = 0; b < 3; b++)
                bol_free(p.lanes[i].exports[a][b].v);
            bol_free(p.lanes[i].imports[a].v);
            bol_free(p.lanes[i].empties[a].v);
        }
        bol_free(p.lanes[i].blocks);
    }
    bol_free(p.lanes);
    bol_free(p.box);
    bol_free(p.st);
    bol_free(p.blk);
    bol_free(p.vs);
    if (p.rc < 0) {
        bol_demo_release(ret);
        return bol_diag_fail(diag, p.rc, NULL, "cannot plan the demo: %s%s", bol_strerror(p.rc),
                             p.rc == BOL_E_INTERNAL ? " (the yard is too full for the day)" : "");
    }
    return 0;
}

static void stream_release(struct bol_demo_stream *s)
{
    bol_free(s->step);
    bol_buf_release(&s->text);
    memset(s, 0, sizeof(*s));
}

void bol_demo_release(struct bol_demo *d)
{
    unsigned i;

    if (!d)
        return;
    stream_release(&d->setup);
    for (i = 0; i < d->nday; i++)
        stream_release(&d->day[i]);
    bol_free(d->day);
    memset(d, 0, sizeof(*d));
}
