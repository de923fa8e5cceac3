/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pack.c - the manual operations pack: writer and verifier
 *
 * The writer reads state through the store's queries (query.h) and builds
 * every CSV and the HTML page in one pass over each answer, so the page and
 * the files cannot disagree.  Files go into a private temporary directory
 * beside the target, each fsync'd; the signed MANIFEST is written last, the
 * directory fsync'd and renamed into place with RENAME_NOREPLACE.
 *
 * CSV (RFC 4180) and HTML escaping: see pack.h.  A text field beginning
 * with = + - @ TAB or CR is written with a leading "'" (formula injection).
 */
#include "compat.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
#include "mem.h"
#include "note.h"
#include "pack.h"
#include "query.h"
#include "sha256.h"
#include "store.h"
#include "utctime.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

#define MANIFEST_HEAD "bollard operations pack 1"
#define TERMINALS_MAX 64
#define COLS_MAX      16
#define CELL_TEXT_MAX 64
#define READ_CHUNK    65536

/* ---- escaping ---- */

bool bol_pack_name_ok(struct bol_str name)
{
    size_t i;

    if (!name.len || name.len > BOL_PACK_NAME_MAX || name.p[0] == '.')
        return false;
    for (i = 0; i < name.len; i++) {
        char c = name.p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

int bol_pack_csv_field(struct bol_buf *out, struct bol_str v, bool text)
{
    size_t len0 = out->len, i;
    bool quote = false, guard = false;
    int r = 0;

    for (i = 0; i < v.len; i++) {
        char c = v.p[i];

        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            quote = true;
    }
    if (text && v.len &&
        (v.p[0] == '=' || v.p[0] == '+' || v.p[0] == '-' || v.p[0] == '@' || v.p[0] == '\t' ||
         v.p[0] == '\r'))
        guard = true;
    if (quote)
        r = bol_buf_addch(out, '"');
    if (r == 0 && guard)
        r = bol_buf_addch(out, '\'');
    for (i = 0; r == 0 && i < v.len;) {
        const char *q = memchr(v.p + i, '"', v.len - i);
        size_t n = q ? (size_t) (q - (v.p + i)) + 1 : v.len - i;

        r = bol_buf_add(out, v.p + i, n);
        if (r == 0 && q)
            r = bol_buf_addch(out, '"');
        i += n;
    }
    if (r == 0 && quote)
        r = bol_buf_addch(out, '"');
    if (r < 0)
        bol_buf_truncate(out, len0);
    return r;
}

int bol_pack_html_escape(struct bol_buf *out, struct bol_str v)
{
    size_t len0 = out->len, i, from = 0;
    int r = 0;

    for (i = 0; r == 0 && i < v.len; i++) {
        unsigned char c = (unsigned char) v.p[i];
        const char *ent = NULL;

        switch (c) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                ent = "&#xFFFD;";
            break;
        }
        if (!ent)
            continue;
        r = bol_buf_add(out, v.p + from, i - from);
        if (r == 0)
            r = bol_buf_adds(out, ent);
        from = i + 1;
    }
    if (r == 0)
        r = bol_buf_add(out, v.p + from, v.len - from);
    if (r < 0)
        bol_buf_truncate(out, len0);
    return r;
}

static void hex32(const uint8_t h[BOL_SHA256_LEN], char out[2 * BOL_SHA256_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < BOL_SHA256_LEN; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * BOL_SHA256_LEN] = '\0';
}

/* ---- tables: one row goes to a CSV buffer and an HTML buffer ---- */

struct table {
    const char *const *heads;  /* CSV header names */
    const char *const *labels; /* HTML column headings */
    unsigned ncols;
    unsigned numeric; /* bit per column: a number (no formula guard; right-aligned) */
};

struct row {
    struct bol_str v[COLS_MAX];
    char scratch[COLS_MAX][CELL_TEXT_MAX];
};

static void row_clear(struct row *rw)
{
    unsigned i;

    for (i = 0; i < COLS_MAX; i++)
        rw->v[i] = bol_str_make("", 0);
}

static void row_cstr(struct row *rw, unsigned c, const char *s)
{
    rw->v[c] = bol_str_from(s ? s : "");
}

/* A string member of o (absent or not a string: empty). */
static struct bol_str jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        return bol_str_make("", 0);
    return bol_str_make(json_string_value(v), json_string_length(v));
}

static void row_json(struct row *rw, unsigned c, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (json_is_integer(v)) {
        snprintf(rw->scratch[c], CELL_TEXT_MAX, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        rw->v[c] = bol_str_from(rw->scratch[c]);
    } else {
        rw->v[c] = jstr(o, key);
    }
}

static void row_int(struct row *rw, unsigned c, int64_t n)
{
    snprintf(rw->scratch[c], CELL_TEXT_MAX, "%" PRId64, n);
    rw->v[c] = bol_str_from(rw->scratch[c]);
}

/* Tenths of a degree as decimal text: -185 -> "-18.5", -5 -> "-0.5". */
static void row_c10(struct row *rw, unsigned c, int64_t c10)
{
    uint64_t a = c10 < 0 ? (uint64_t) -c10 : (uint64_t) c10;

    snprintf(rw->scratch[c], CELL_TEXT_MAX, "%s%" PRIu64 ".%" PRIu64, c10 < 0 ? "-" : "", a / 10,
             a % 10);
    rw->v[c] = bol_str_from(rw->scratch[c]);
}

/* Master-data columns shared by the inventory and the bay plans. */
static void row_dg(struct row *rw, unsigned c, json_t *doc)
{
    json_t *dg = json_object_get(doc, "dg"), *line;
    size_t i, n = 0;
    char *out = rw->scratch[c];

    out[0] = '\0';
    json_array_foreach(dg, i, line)
    {
        struct bol_str un = jstr(line, "un"), cls = jstr(line, "class");
        int k = snprintf(out + n, CELL_TEXT_MAX - n, "%sUN%.*s/%.*s", n ? " " : "", (int) un.len,
                         un.p, (int) cls.len, cls.p);

        if (k < 0 || (size_t) k >= CELL_TEXT_MAX - n)
            break;
        n += (size_t) k;
    }
    out[n] = '\0';
    rw->v[c] = bol_str_from(out);
}

static void row_setpoint(struct row *rw, unsigned c, json_t *doc)
{
    json_t *sp = json_object_get(doc, "setpoint_c10");

    if (json_is_integer(sp))
        row_c10(rw, c, json_integer_value(sp));
}

static void row_full(struct row *rw, unsigned c, json_t *doc)
{
    json_t *f = json_object_get(doc, "full");

    if (json_is_boolean(f))
        row_cstr(rw, c, json_is_true(f) ? "F" : "E");
}

/* The mass that counts: VGM when declared, else gross, else tare (bol_container_mass_kg). */
static void row_mass(struct row *rw, unsigned c, json_t *doc)
{
    static const char *const keys[] = { "vgm_kg", "gross_kg", "tare_kg" };
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(keys); i++) {
        json_t *m = json_object_get(doc, keys[i]);

        if (json_is_integer(m) && json_integer_value(m) > 0) {
            row_int(rw, c, json_integer_value(m));
            return;
        }
    }
}

static int csv_header(struct bol_buf *b, const struct table *t)
{
    unsigned i;
    int r = 0;

    for (i = 0; r == 0 && i < t->ncols; i++) {
        if (i)
            r = bol_buf_addch(b, ',');
        if (r == 0)
            r = bol_pack_csv_field(b, bol_str_from(t->heads[i]), true);
    }
    return r == 0 ? bol_buf_adds(b, "\r\n") : r;
}

static int csv_row(struct bol_buf *b, const struct table *t, const struct row *rw)
{
    unsigned i;
    int r = 0;

    for (i = 0; r == 0 && i < t->ncols; i++) {
        if (i)
            r = bol_buf_addch(b, ',');
        if (r == 0)
            r = bol_pack_csv_field(b, rw->v[i], !(t->numeric & (1u << i)));
    }
    return r == 0 ? bol_buf_adds(b, "\r\n") : r;
}

/* Open a table; skip has a bit per column left out of the page. */
static int html_table_open(struct bol_buf *b, const struct table *t, unsigned skip)
{
    unsigned i, shown = 0;
    int r = bol_buf_adds(b, "<table><thead><tr>");

    for (i = 0; r == 0 && i < t->ncols; i++) {
        if (skip & (1u << i))
            continue;
        shown++;
        r = bol_buf_adds(b, t->numeric & (1u << i) ? "<th class=\"n\">" : "<th>");
        if (r == 0)
            r = bol_pack_html_escape(b, bol_str_from(t->labels[i]));
        if (r == 0)
            r = bol_buf_adds(b, "</th>");
    }
    /* The empty footer repeats on every printed page and keeps rows clear of the page footer. */
    if (r == 0)
        r = bol_buf_addf(b,
                         "</tr></thead><tfoot><tr class=\"sp\"><td colspan=\"%u\"></td></tr>"
                         "</tfoot><tbody>\n",
                         shown);
    return r;
}

static int html_row(struct bol_buf *b, const struct table *t, const struct row *rw, unsigned skip)
{
    unsigned i;
    int r = bol_buf_adds(b, "<tr>");

    for (i = 0; r == 0 && i < t->ncols; i++) {
        if (skip & (1u << i))
            continue;
        r = bol_buf_adds(b, t->numeric & (1u << i) ? "<td class=\"n\">" : "<td>");
        if (r == 0)
            r = bol_pack_html_escape(b, rw->v[i]);
        if (r == 0)
            r = bol_buf_adds(b, "</td>");
    }
    return r == 0 ? bol_buf_adds(b, "</tr>\n") : r;
}

static int html_table_close(struct bol_buf *b)
{
    return bol_buf_adds(b, "</tbody></table>\n");
}

/* Close the open section (if any) and open one titled title (escaped here). */
static int html_section(struct bol_buf *b, bool *open, const char *title)
{
    int r = 0;

    if (*open)
        r = bol_buf_adds(b, "</section>\n");
    if (r == 0)
        r = bol_buf_adds(b, "<section><h2>");
    if (r == 0)
        r = bol_pack_html_escape(b, bol_str_from(title));
    if (r == 0)
        r = bol_buf_adds(b, "</h2>\n");
    if (r == 0)
        *open = true;
    return r;
}

static int html_section_close(struct bol_buf *b, bool *open)
{
    if (!*open)
        return 0;
    *open = false;
    return bol_buf_adds(b, "</section>\n");
}

/* ---- the tables of a pack ---- */

enum {
    INV_TERMINAL,
    INV_BLOCK,
    INV_BAY,
    INV_ROW,
    INV_TIER,
    INV_CONTAINER,
    INV_SIZETYPE,
    INV_LINE,
    INV_CATEGORY,
    INV_FULL,
    INV_MASS,
    INV_POD,
    INV_SETPOINT,
    INV_DG,
    INV_HOLDS,
    INV_PLACE,
    INV_NCOLS
};

static const char *const inv_heads[] = {
    "terminal", "block",      "bay",      "row", "tier",       "container", "size_type", "line",
    "category", "full_empty", "gross_kg", "pod", "setpoint_c", "dg_un",     "holds",     "place",
};
static const char *const inv_labels[] = {
    "Terminal", "Block", "Bay",      "Row", "Tier",         "Container",     "Size-type", "Line",
    "Category", "F/E",   "Gross kg", "POD", "Set point °C", "DG (UN/class)", "Holds",     "Place",
};
static const struct table t_inv = { inv_heads, inv_labels, INV_NCOLS,
                                    1u << INV_BAY | 1u << INV_ROW | 1u << INV_TIER |
                                        1u << INV_MASS | 1u << INV_SETPOINT };

enum {
    WI_TERMINAL,
    WI_ID,
    WI_KIND,
    WI_CONTAINER,
    WI_FROM,
    WI_TO,
    WI_EQUIPMENT,
    WI_SEQUENCE,
    WI_PRIORITY,
    WI_STATUS,
    WI_VISIT,
    WI_PLANNED,
    WI_NCOLS
};
static const char *const wi_heads[] = {
    "terminal",  "id",       "kind",     "container", "from",  "to",
    "equipment", "sequence", "priority", "status",    "visit", "planned_at",
};
static const char *const wi_labels[] = {
    "Terminal",  "WI",  "Kind",     "Container", "From",  "To",
    "Equipment", "Seq", "Priority", "Status",    "Visit", "Planned",
};
static const struct table t_wi = { wi_heads, wi_labels, WI_NCOLS,
                                   1u << WI_ID | 1u << WI_SEQUENCE | 1u << WI_PRIORITY };

enum {
    VI_TERMINAL,
    VI_VISIT,
    VI_VESSEL,
    VI_IMO,
    VI_PHASE,
    VI_BERTH,
    VI_ETA,
    VI_ETD,
    VI_LINE,
    VI_VOY_IN,
    VI_VOY_OUT,
    VI_ON_BOARD,
    VI_NCOLS
};
static const char *const vi_heads[] = {
    "terminal", "visit", "vessel", "imo",       "phase",      "berth",
    "eta",      "etd",   "line",   "voyage_in", "voyage_out", "on_board",
};
static const char *const vi_labels[] = {
    "Terminal", "Visit", "Vessel", "IMO",       "Phase",      "Berth",
    "ETA",      "ETD",   "Line",   "Voyage in", "Voyage out", "On board",
};
static const struct table t_vi = { vi_heads, vi_labels, VI_NCOLS, 1u << VI_ON_BOARD };

enum {
    BP_CELL,
    BP_CONTAINER,
    BP_SIZETYPE,
    BP_LINE,
    BP_FULL,
    BP_POD,
    BP_MASS,
    BP_DG,
    BP_SETPOINT,
    BP_NCOLS
};
static const char *const bp_heads[] = {
    "cell", "container", "size_type", "line",       "full_empty",
    "pod",  "gross_kg",  "dg_un",     "setpoint_c",
};
static const char *const bp_labels[] = {
    "Cell", "Container", "Size-type",     "Line",         "F/E",
    "POD",  "Gross kg",  "DG (UN/class)", "Set point °C",
};
static const struct table t_bp = { bp_heads, bp_labels, BP_NCOLS,
                                   1u << BP_MASS | 1u << BP_SETPOINT };

enum {
    HO_TERMINAL,
    HO_CONTAINER,
    HO_KIND,
    HO_PLACED_BY,
    HO_PLACED_AT,
    HO_REASON,
    HO_REF,
    HO_PLACE,
    HO_NCOLS
};
static const char *const ho_heads[] = {
    "terminal", "container", "hold", "placed_by", "placed_at", "reason", "ref", "place",
};
static const char *const ho_labels[] = {
    "Terminal", "Container", "Hold", "Placed by", "When", "Reason", "Reference", "Place",
};
static const struct table t_ho = { ho_heads, ho_labels, HO_NCOLS, 0 };

/* ---- the writer ---- */

struct pack_file {
    char name[BOL_PACK_NAME_MAX + 1];
    uint64_t size;
    uint8_t hash[BOL_SHA256_LEN];
};

struct term_counts {
    char code[BOL_KEY_NAME_MAX + 1];
    uint64_t boxes, work, visits, holds;
};

struct packw {
    struct bol_store *s;
    struct bol_diag *diag;
    int dirfd;
    struct pack_file files[BOL_PACK_FILES_MAX];
    unsigned nfiles;
    json_t *terminals;
    struct term_counts counts[TERMINALS_MAX];
    unsigned nterm;
    struct bol_buf body; /* the page after its head and summary */
    struct bol_buf csv;  /* the file being built */
    struct bol_pack_stats st;
};

static int buf_fail(struct packw *pw, int r, const char *what)
{
    if (r == BOL_E_TOOBIG)
        return bol_diag_fail(pw->diag, r, what, "'%s' would be over %u bytes", what,
                             BOL_PACK_FILE_MAX);
    return bol_diag_fail(pw->diag, r, what, "out of memory building '%s'", what);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Write the concatenation of parts as name in the temporary directory and list it. */
static int put_file(struct packw *pw, const char *name, const struct bol_buf *const *parts,
                    size_t nparts, bool listed)
{
    struct bol_sha256_stream h;
    struct pack_file *f;
    uint64_t size = 0;
    size_t i;
    int fd, r;

    if (!bol_pack_name_ok(bol_str_from(name)))
        return bol_diag_fail(pw->diag, BOL_E_INVAL, "file", "'%s' is not a pack file name", name);
    if (listed && pw->nfiles >= BOL_PACK_FILES_MAX)
        return bol_diag_fail(pw->diag, BOL_E_TOOBIG, name, "a pack holds at most %d files",
                             BOL_PACK_FILES_MAX);
    for (i = 0; i < nparts; i++)
        size += parts[i]->len;
    if (size > BOL_PACK_FILE_MAX)
        return bol_diag_fail(pw->diag, BOL_E_TOOBIG, name, "'%s' would be over %u bytes", name,
                             BOL_PACK_FILE_MAX);
    r = bol_sha256_stream_init(&h);
    if (r < 0)
        return bol_diag_fail(pw->diag, r, name, "out of memory");
    fd = openat(pw->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        bol_sha256_stream_abort(&h);
        return bol_diag_fail(pw->diag, bol_err_from_errno(errno), name, "cannot create '%s': %s",
                             name, strerror(errno));
    }
    for (i = 0; i < nparts; i++) {
        bol_sha256_stream_update(&h, parts[i]->buf, parts[i]->len);
        if (write_all(fd, parts[i]->buf, parts[i]->len) < 0)
            break;
    }
    if (i < nparts || fsync(fd) != 0) {
        int e = errno;

        close(fd);
        bol_sha256_stream_abort(&h);
        return bol_diag_fail(pw->diag, bol_err_from_errno(e), name, "cannot write '%s': %s", name,
                             strerror(e));
    }
    if (close(fd) != 0) {
        bol_sha256_stream_abort(&h);
        return bol_diag_fail(pw->diag, bol_err_from_errno(errno), name, "cannot write '%s': %s",
                             name, strerror(errno));
    }
    if (!listed) {
        bol_sha256_stream_abort(&h);
        return 0;
    }
    f = &pw->files[pw->nfiles++];
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->size = size;
    bol_sha256_stream_final(&h, f->hash);
    pw->st.files++;
    pw->st.bytes += size;
    return 0;
}

static int put_csv(struct packw *pw, const char *name)
{
    const struct bol_buf *parts[1] = { &pw->csv };
    int r = put_file(pw, name, parts, 1, true);

    bol_buf_reset(&pw->csv);
    return r;
}

static const char *term_code(struct packw *pw, unsigned t)
{
    return pw->counts[t].code;
}

/* Start a new group in the page: close the table, open a section titled title, open a table. */
static int html_group(struct bol_buf *b, bool *sect, bool *tab, const char *title,
                      const struct table *t, unsigned skip)
{
    int r = 0;

    if (*tab)
        r = html_table_close(b);
    *tab = false;
    if (r == 0)
        r = html_section(b, sect, title);
    if (r == 0)
        r = html_table_open(b, t, skip);
    if (r == 0)
        *tab = true;
    return r;
}

static int html_group_end(struct bol_buf *b, bool *sect, bool *tab)
{
    int r = 0;

    if (*tab)
        r = html_table_close(b);
    *tab = false;
    return r == 0 ? html_section_close(b, sect) : r;
}

/* A title of short text parts; each %s argument is cut to fit. */
static const char *title_of(char out[256], const char *fmt, ...) BOL_PRINTF(2, 3);
static const char *title_of(char out[256], const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(out, 256, fmt, ap);
    va_end(ap);
    return out;
}

/* Active hold kinds per container of terminal t: {"ID": "customs line"}. */
static int hold_map(struct packw *pw, unsigned t, json_t **ret_map)
{
    json_t *o = NULL, *map, *h;
    size_t i;
    int r = bol_query_holds(pw->s, term_code(pw, t), &o, pw->diag);

    if (r < 0)
        return r;
    map = json_object();
    json_array_foreach(json_object_get(o, "holds"), i, h)
    {
        const char *id = json_string_value(json_object_get(h, "id"));
        const char *kind = json_string_value(json_object_get(h, "kind"));
        const char *had;
        char both[128];

        if (!map)
            break;
        if (!id || !kind)
            continue;
        had = json_string_value(json_object_get(map, id));
        snprintf(both, sizeof(both), "%s%s%s", had ? had : "", had ? " " : "", kind);
        if (json_object_set_new(map, id, json_string(both)) != 0) {
            json_decref(map);
            map = NULL;
        }
    }
    json_decref(o);
    if (!map)
        return bol_diag_fail(pw->diag, BOL_E_NOMEM, "holds", "out of memory");
    *ret_map = map;
    return 0;
}

/* inventory.csv and the yard pages: a section per block, then one for quay and trucks. */
static int write_inventory(struct packw *pw)
{
    static const unsigned skip_yard = 1u << INV_TERMINAL | 1u << INV_BLOCK | 1u << INV_PLACE;
    static const unsigned skip_other =
        1u << INV_TERMINAL | 1u << INV_BLOCK | 1u << INV_BAY | 1u << INV_ROW | 1u << INV_TIER;
    struct bol_buf *b = &pw->body;
    bool sect = false, tab = false;
    struct row rw;
    unsigned t;
    int r = csv_header(&pw->csv, &t_inv);

    if (r < 0)
        return buf_fail(pw, r, "inventory.csv");
    for (t = 0; r == 0 && t < pw->nterm; t++) {
        json_t *boxes = NULL, *map = NULL, *x;
        char block[BOL_PACK_NAME_MAX + 1] = "", title[256];
        bool first = true, in_yard = true;
        size_t i;

        r = bol_query_boxes(pw->s, term_code(pw, t), &boxes, pw->diag);
        if (r == 0)
            r = hold_map(pw, t, &map);
        json_array_foreach(boxes, i, x)
        {
            json_t *doc = json_object_get(x, "container");
            const char *id = json_string_value(json_object_get(doc, "id"));
            struct bol_str bl = jstr(x, "block");
            bool yard = bol_str_eq_cstr(jstr(x, "kind"), "yard");

            if (r < 0)
                break;
            if (yard && (first || !bol_str_eq_cstr(bl, block))) {
                snprintf(block, sizeof(block), "%.*s", (int) bl.len, bl.p);
                r = html_group(
                    b, &sect, &tab,
                    title_of(title, "Yard %s \xe2\x80\x94 block %s", term_code(pw, t), block),
                    &t_inv, skip_yard);
            } else if (!yard && (first || in_yard)) {
                r = html_group(b, &sect, &tab,
                               title_of(title, "Quay and trucks %s", term_code(pw, t)), &t_inv,
                               skip_other);
            }
            first = false;
            in_yard = yard;
            row_clear(&rw);
            row_cstr(&rw, INV_TERMINAL, term_code(pw, t));
            rw.v[INV_BLOCK] = bl;
            if (yard) {
                row_json(&rw, INV_BAY, x, "bay");
                row_json(&rw, INV_ROW, x, "row");
                row_json(&rw, INV_TIER, x, "tier");
            }
            rw.v[INV_CONTAINER] = jstr(doc, "id");
            rw.v[INV_SIZETYPE] = jstr(doc, "sizetype");
            rw.v[INV_LINE] = jstr(doc, "line");
            rw.v[INV_CATEGORY] = jstr(doc, "category");
            row_full(&rw, INV_FULL, doc);
            row_json(&rw, INV_MASS, x, "mass_kg");
            rw.v[INV_POD] = jstr(doc, "pod");
            row_setpoint(&rw, INV_SETPOINT, doc);
            row_dg(&rw, INV_DG, doc);
            rw.v[INV_HOLDS] = jstr(map, id ? id : "");
            rw.v[INV_PLACE] = jstr(x, "place");
            if (r == 0)
                r = csv_row(&pw->csv, &t_inv, &rw);
            if (r == 0)
                r = html_row(b, &t_inv, &rw, yard ? skip_yard : skip_other);
            if (r < 0)
                r = buf_fail(pw, r, "inventory.csv");
            pw->counts[t].boxes++;
            pw->st.boxes++;
        }
        json_decref(boxes);
        json_decref(map);
    }
    if (r == 0 && (r = html_group_end(b, &sect, &tab)) < 0)
        r = buf_fail(pw, r, "index.html");
    return r == 0 ? put_csv(pw, "inventory.csv") : r;
}

/* work.csv and a page per piece of equipment with open work. */
static int write_work(struct packw *pw)
{
    struct bol_buf *b = &pw->body;
    bool sect = false, tab = false;
    struct row rw;
    unsigned t;
    int r = csv_header(&pw->csv, &t_wi);

    if (r < 0)
        return buf_fail(pw, r, "work.csv");
    for (t = 0; r == 0 && t < pw->nterm; t++) {
        json_t *work = NULL, *x;
        char eq[BOL_PACK_NAME_MAX + 1] = "", title[256];
        bool first = true;
        size_t i;

        r = bol_query_open_work(pw->s, term_code(pw, t), &work, pw->diag);
        json_array_foreach(work, i, x)
        {
            struct bol_str e = jstr(x, "equipment");

            if (r < 0)
                break;
            if (first || !bol_str_eq_cstr(e, eq)) {
                snprintf(eq, sizeof(eq), "%.*s", (int) e.len, e.p);
                r = html_group(
                    b, &sect, &tab,
                    eq[0] ? title_of(title, "Open work %s \xe2\x80\x94 %s", term_code(pw, t), eq)
                          : title_of(title, "Open work %s \xe2\x80\x94 not assigned",
                                     term_code(pw, t)),
                    &t_wi, 1u << WI_TERMINAL | 1u << WI_EQUIPMENT);
            }
            first = false;
            row_clear(&rw);
            row_cstr(&rw, WI_TERMINAL, term_code(pw, t));
            row_json(&rw, WI_ID, x, "wi");
            rw.v[WI_KIND] = jstr(x, "kind");
            rw.v[WI_CONTAINER] = jstr(x, "id");
            rw.v[WI_FROM] = jstr(x, "from");
            rw.v[WI_TO] = jstr(x, "to");
            rw.v[WI_EQUIPMENT] = e;
            row_json(&rw, WI_SEQUENCE, x, "queue_seq");
            row_json(&rw, WI_PRIORITY, x, "priority");
            rw.v[WI_STATUS] = jstr(x, "status");
            rw.v[WI_VISIT] = jstr(x, "visit");
            rw.v[WI_PLANNED] = jstr(x, "planned_at");
            if (r == 0)
                r = csv_row(&pw->csv, &t_wi, &rw);
            if (r == 0)
                r = html_row(b, &t_wi, &rw, 1u << WI_TERMINAL | 1u << WI_EQUIPMENT);
            if (r < 0)
                r = buf_fail(pw, r, "work.csv");
            pw->counts[t].work++;
            pw->st.work++;
        }
        json_decref(work);
    }
    if (r == 0 && (r = html_group_end(b, &sect, &tab)) < 0)
        r = buf_fail(pw, r, "index.html");
    return r == 0 ? put_csv(pw, "work.csv") : r;
}

/* bayplan-<visit>.csv and its page. */
static int write_bayplan(struct packw *pw, const char *visit, const char *vessel)
{
    struct bol_buf *b = &pw->body;
    bool sect = false, tab = false;
    json_t *cells = NULL, *x;
    char name[BOL_PACK_NAME_MAX + 1], title[256];
    struct row rw;
    size_t i;
    int r;

    snprintf(name, sizeof(name), "bayplan-%s.csv", visit);
    r = bol_query_on_board(pw->s, visit, &cells, pw->diag);
    if (r < 0)
        return r;
    r = csv_header(&pw->csv, &t_bp);
    if (r == 0)
        r = html_group(b, &sect, &tab,
                       title_of(title, "Bay plan %s%s%s%s", visit, vessel[0] ? " (" : "", vessel,
                                vessel[0] ? ")" : ""),
                       &t_bp, 0);
    json_array_foreach(cells, i, x)
    {
        json_t *doc = json_object_get(x, "container");

        if (r < 0)
            break;
        row_clear(&rw);
        rw.v[BP_CELL] = jstr(x, "cell");
        rw.v[BP_CONTAINER] = jstr(doc, "id");
        rw.v[BP_SIZETYPE] = jstr(doc, "sizetype");
        rw.v[BP_LINE] = jstr(doc, "line");
        row_full(&rw, BP_FULL, doc);
        rw.v[BP_POD] = jstr(doc, "pod");
        row_mass(&rw, BP_MASS, doc);
        row_dg(&rw, BP_DG, doc);
        row_setpoint(&rw, BP_SETPOINT, doc);
        r = csv_row(&pw->csv, &t_bp, &rw);
        if (r == 0)
            r = html_row(b, &t_bp, &rw, 0);
        pw->st.on_board++;
    }
    json_decref(cells);
    if (r == 0)
        r = html_group_end(b, &sect, &tab);
    if (r < 0)
        return buf_fail(pw, r, name);
    return put_csv(pw, name);
}

/* visits.csv, the visits page of each terminal, and the bay plans. */
static int write_visits(struct packw *pw)
{
    struct bol_buf *b = &pw->body;
    json_t **all;
    struct row rw;
    unsigned t, nbayplans = 0;
    int r = csv_header(&pw->csv, &t_vi);

    if (r < 0)
        return buf_fail(pw, r, "visits.csv");
    all = bol_calloc(pw->nterm ? pw->nterm : 1, sizeof(*all));
    if (!all)
        return bol_diag_fail(pw->diag, BOL_E_NOMEM, "visits", "out of memory");
    for (t = 0; r == 0 && t < pw->nterm; t++) {
        bool sect = false, tab = false;
        char title[256];
        json_t *x;
        size_t i;

        r = bol_query_visits(pw->s, term_code(pw, t), &all[t], pw->diag);
        if (r == 0 && json_array_size(all[t]))
            r = html_group(b, &sect, &tab, title_of(title, "Vessel visits %s", term_code(pw, t)),
                           &t_vi, 1u << VI_TERMINAL);
        json_array_foreach(all[t], i, x)
        {
            json_t *v = json_object_get(x, "visit");

            if (r < 0)
                break;
            row_clear(&rw);
            row_cstr(&rw, VI_TERMINAL, term_code(pw, t));
            rw.v[VI_VISIT] = jstr(v, "id");
            rw.v[VI_VESSEL] = jstr(x, "vessel");
            rw.v[VI_IMO] = jstr(v, "imo");
            rw.v[VI_PHASE] = jstr(v, "phase");
            rw.v[VI_BERTH] = jstr(v, "berth");
            rw.v[VI_ETA] = jstr(v, "eta");
            rw.v[VI_ETD] = jstr(v, "etd");
            rw.v[VI_LINE] = jstr(v, "line");
            rw.v[VI_VOY_IN] = jstr(v, "voyage_in");
            rw.v[VI_VOY_OUT] = jstr(v, "voyage_out");
            row_json(&rw, VI_ON_BOARD, x, "on_board");
            r = csv_row(&pw->csv, &t_vi, &rw);
            if (r == 0)
                r = html_row(b, &t_vi, &rw, 1u << VI_TERMINAL);
            if (r < 0)
                r = buf_fail(pw, r, "visits.csv");
            if (json_integer_value(json_object_get(x, "on_board")) > 0 &&
                ++nbayplans > BOL_PACK_VISITS_MAX && r == 0)
                r = bol_diag_fail(pw->diag, BOL_E_TOOBIG, "visits",
                                  "more than %d visits with boxes on board", BOL_PACK_VISITS_MAX);
            pw->counts[t].visits++;
            pw->st.visits++;
        }
        if (r == 0 && (r = html_group_end(b, &sect, &tab)) < 0)
            r = buf_fail(pw, r, "index.html");
    }
    if (r == 0)
        r = put_csv(pw, "visits.csv");
    /* The bay plans follow the visit lists, each on pages of its own. */
    for (t = 0; r == 0 && t < pw->nterm; t++) {
        json_t *x;
        size_t i;

        json_array_foreach(all[t], i, x)
        {
            json_t *v = json_object_get(x, "visit");
            const char *id = json_string_value(json_object_get(v, "id"));
            const char *vessel = json_string_value(json_object_get(x, "vessel"));

            if (r < 0 || !id || json_integer_value(json_object_get(x, "on_board")) <= 0)
                continue;
            r = write_bayplan(pw, id, vessel ? vessel : "");
        }
    }
    for (t = 0; t < pw->nterm; t++)
        json_decref(all[t]);
    bol_free(all);
    return r;
}

/* holds.csv and a holds page per terminal. */
static int write_holds(struct packw *pw)
{
    struct bol_buf *b = &pw->body;
    struct row rw;
    unsigned t;
    int r = csv_header(&pw->csv, &t_ho);

    if (r < 0)
        return buf_fail(pw, r, "holds.csv");
    for (t = 0; r == 0 && t < pw->nterm; t++) {
        bool sect = false, tab = false;
        json_t *o = NULL, *x;
        char title[256];
        size_t i;

        r = bol_query_holds(pw->s, term_code(pw, t), &o, pw->diag);
        if (r == 0 && json_array_size(json_object_get(o, "holds")))
            r = html_group(b, &sect, &tab, title_of(title, "Active holds %s", term_code(pw, t)),
                           &t_ho, 1u << HO_TERMINAL);
        json_array_foreach(json_object_get(o, "holds"), i, x)
        {
            if (r < 0)
                break;
            row_clear(&rw);
            row_cstr(&rw, HO_TERMINAL, term_code(pw, t));
            rw.v[HO_CONTAINER] = jstr(x, "id");
            rw.v[HO_KIND] = jstr(x, "kind");
            rw.v[HO_PLACED_BY] = jstr(x, "placed_by");
            rw.v[HO_PLACED_AT] = jstr(x, "placed_at");
            rw.v[HO_REASON] = jstr(x, "reason");
            rw.v[HO_REF] = jstr(x, "ref");
            rw.v[HO_PLACE] = jstr(x, "place");
            r = csv_row(&pw->csv, &t_ho, &rw);
            if (r == 0)
                r = html_row(b, &t_ho, &rw, 1u << HO_TERMINAL);
            if (r < 0)
                r = buf_fail(pw, r, "holds.csv");
            pw->counts[t].holds++;
            pw->st.holds++;
        }
        json_decref(o);
        if (r == 0 && (r = html_group_end(b, &sect, &tab)) < 0)
            r = buf_fail(pw, r, "index.html");
    }
    return r == 0 ? put_csv(pw, "holds.csv") : r;
}

static const char page_css[] =
    "@page { size: A4; margin: 12mm 10mm 14mm 10mm; }\n"
    "@page { @bottom-right { content: counter(page) \" / \" counter(pages); font: 7pt sans-serif; "
    "} }\n"
    "body { font: 8.5pt/1.25 \"DejaVu Sans\", Arial, sans-serif; color: #000; background: #fff; "
    "margin: 0 0 12mm 0; }\n"
    "h1 { font-size: 15pt; margin: 0 0 2mm 0; }\n"
    "h2 { font-size: 12pt; margin: 0 0 2mm 0; }\n"
    "section { break-before: page; page-break-before: always; }\n"
    "table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; }\n"
    "thead { display: table-header-group; }\n"
    "tfoot { display: table-footer-group; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "th, td { border: 0.3pt solid #444; padding: 0.3mm 1mm; text-align: left; "
    "vertical-align: top; }\n"
    "th { background: #ddd; }\n"
    ".n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "tbody tr:nth-child(even) td { background: #f2f2f2; }\n"
    "tr.sp td { border: 0; height: 9mm; background: none; }\n"
    ".foot { position: fixed; bottom: 0; left: 0; right: 0; height: 7mm; font-size: 7.5pt; "
    "border-top: 0.5pt solid #000; padding-top: 1mm; background: #fff; }\n"
    "@media screen { body { margin: 1em 1em 3em 1em; } tr.sp { display: none; } "
    ".foot { padding: 1mm 1em; } }\n";

/* The page: head, footer, summary and contents, then the body built so far. */
static int page_head(struct packw *pw, struct bol_buf *h, const char *origin, uint64_t seq,
                     const char *when)
{
    char line[512];
    unsigned t;
    int r;

    snprintf(line, sizeof(line), "Operations pack %s position %" PRIu64, origin, seq);
    r = bol_buf_adds(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
    if (r == 0)
        r = bol_pack_html_escape(h, bol_str_from(line));
    if (r == 0)
        r = bol_buf_addf(h, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<div class=\"foot\">",
                         page_css);
    snprintf(line, sizeof(line),
             "Generated %s UTC \xc2\xb7 journal %s position %" PRIu64
             " \xc2\xb7 check this pack with: bollard pack verify DIR --key REPLICA-KEY",
             when, origin, seq);
    if (r == 0)
        r = bol_pack_html_escape(h, bol_str_from(line));
    if (r == 0)
        r = bol_buf_adds(h, "</div>\n<h1>Manual operations pack</h1>\n<p>");
    snprintf(line, sizeof(line),
             "State of journal %s at position %" PRIu64 ", written %s UTC.  Work from this pack "
             "only while the TOS is down; record every move on the paper forms.",
             origin, seq, when);
    if (r == 0)
        r = bol_pack_html_escape(h, bol_str_from(line));
    if (r == 0)
        r = bol_buf_adds(h, "</p>\n<table><thead><tr><th>Terminal</th><th class=\"n\">Boxes</th>"
                            "<th class=\"n\">Open work</th><th class=\"n\">Visits</th>"
                            "<th class=\"n\">Active holds</th></tr></thead><tbody>\n");
    for (t = 0; r == 0 && t < pw->nterm; t++) {
        const struct term_counts *c = &pw->counts[t];

        r = bol_buf_adds(h, "<tr><td>");
        if (r == 0)
            r = bol_pack_html_escape(h, bol_str_from(c->code));
        if (r == 0)
            r = bol_buf_addf(h,
                             "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
                             "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
                             "</td></tr>\n",
                             c->boxes, c->work, c->visits, c->holds);
    }
    if (r == 0)
        r = bol_buf_adds(
            h, "</tbody></table>\n<p>Contents: yard inventory by block (one page or more per "
               "block), boxes on the quay and on trucks, open work by equipment, vessel visits and "
               "their bay plans, active holds.  The same data is in the CSV files beside this "
               "page.</p>\n");
    return r;
}

/* The manifest text: head lines, then the files by name. */
static int manifest_text(struct packw *pw, struct bol_buf *m, const char *origin, uint64_t seq,
                         const char *when_us)
{
    unsigned i, j;
    int r;

    /* Sort by name (insertion sort: a few hundred entries at most). */
    for (i = 1; i < pw->nfiles; i++) {
        struct pack_file f = pw->files[i];

        for (j = i; j > 0 && strcmp(pw->files[j - 1].name, f.name) > 0; j--)
            pw->files[j] = pw->files[j - 1];
        pw->files[j] = f;
    }
    r = bol_buf_addf(m, MANIFEST_HEAD "\norigin %s\nseq %" PRIu64 "\ngenerated %s\n", origin, seq,
                     when_us);
    for (i = 0; r == 0 && i < pw->nfiles; i++) {
        char hx[2 * BOL_SHA256_LEN + 1];

        hex32(pw->files[i].hash, hx);
        r = bol_buf_addf(m, "file %s %" PRIu64 " %s\n", pw->files[i].name, pw->files[i].size, hx);
    }
    return r;
}

/* Remove the temporary directory and what is in it. */
static void remove_tmp(int dirfd, const char *path)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (!d && fd >= 0)
        close(fd);
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            (void) unlinkat(dirfd, e->d_name, 0);
    }
    if (d)
        closedir(d);
    (void) rmdir(path);
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int r;

    if (fd < 0)
        return -1;
    r = fsync(fd);
    close(fd);
    return r;
}

int bol_pack_write(struct bol_store *s, const char *out_dir, const struct bol_signer *key,
                   const char *origin, uint64_t seq, int64_t now_us, struct bol_pack_stats *stats,
                   struct bol_diag *diag)
{
    struct packw *pw = NULL;
    struct bol_buf head = BOL_BUF_INIT(BOL_PACK_FILE_MAX), man = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_buf note = BOL_BUF_INIT(BOL_NOTE_MAX);
    char tmp[PATH_MAX], parent[PATH_MAX], when[BOL_TIME_TEXT_MAX], when_us[BOL_TIME_TEXT_MAX];
    struct stat st;
    json_t *x;
    size_t i, n;
    int r;

    r = bol_key_name_check(bol_str_from(origin), diag);
    if (r < 0)
        return bol_diag_wrap(diag, r, "origin");
    n = strlen(out_dir);
    if (!n || n + sizeof(".tmp-XXXXXX") > sizeof(tmp))
        return bol_diag_fail(diag, BOL_E_INVAL, "out_dir",
                             "the pack directory name is empty or "
                             "too long");
    if (!bol_time_format(now_us, 0, 0, when) || !bol_time_format(now_us, 0, 6, when_us))
        return bol_diag_fail(diag, BOL_E_INVAL, "now", "the time is out of range");
    if (lstat(out_dir, &st) == 0)
        return bol_diag_fail(diag, BOL_E_CONFLICT, "out_dir", "'%s' exists", out_dir);
    if (errno != ENOENT)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "out_dir", "'%s': %s", out_dir,
                             strerror(errno));
    /* The parent, to make the rename durable. */
    snprintf(parent, sizeof(parent), "%s", out_dir);
    while (n > 1 && parent[n - 1] == '/')
        parent[--n] = '\0';
    {
        char *slash = strrchr(parent, '/');

        if (!slash)
            snprintf(parent, sizeof(parent), ".");
        else if (slash == parent)
            parent[1] = '\0';
        else
            *slash = '\0';
    }
    pw = bol_calloc(1, sizeof(*pw));
    if (!pw)
        return bol_diag_fail(diag, BOL_E_NOMEM, "pack", "out of memory");
    pw->s = s;
    pw->diag = diag;
    pw->dirfd = -1;
    bol_buf_init(&pw->body, NULL, BOL_PACK_FILE_MAX);
    bol_buf_init(&pw->csv, NULL, BOL_PACK_FILE_MAX);
    snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", out_dir);
    if (!mkdtemp(tmp)) {
        r = bol_diag_fail(diag, bol_err_from_errno(errno), "out_dir",
                          "cannot create a directory beside '%s': %s", out_dir, strerror(errno));
        goto out_free;
    }
    pw->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pw->dirfd < 0) {
        r = bol_diag_fail(diag, bol_err_from_errno(errno), "out_dir", "'%s': %s", tmp,
                          strerror(errno));
        (void) rmdir(tmp);
        goto out_free;
    }

    r = bol_query_terminals(s, &pw->terminals, diag);
    if (r == 0 && json_array_size(pw->terminals) > TERMINALS_MAX)
        r = bol_diag_fail(diag, BOL_E_TOOBIG, "terminals", "a pack covers at most %d terminals",
                          TERMINALS_MAX);
    json_array_foreach(pw->terminals, i, x)
    {
        const char *code = json_string_value(json_object_get(x, "code"));

        if (r < 0)
            break;
        snprintf(pw->counts[i].code, sizeof(pw->counts[i].code), "%s", code ? code : "");
        pw->nterm++;
    }
    pw->st.terminals = pw->nterm;
    if (r == 0)
        r = write_inventory(pw);
    if (r == 0)
        r = write_work(pw);
    if (r == 0)
        r = write_visits(pw);
    if (r == 0)
        r = write_holds(pw);
    if (r == 0 && ((r = page_head(pw, &head, origin, seq, when)) < 0 ||
                   (r = bol_buf_adds(&pw->body, "</body>\n</html>\n")) < 0))
        r = buf_fail(pw, r, "index.html");
    if (r == 0) {
        const struct bol_buf *parts[2] = { &head, &pw->body };

        r = put_file(pw, "index.html", parts, 2, true);
    }
    if (r == 0 && (r = manifest_text(pw, &man, origin, seq, when_us)) < 0)
        r = bol_diag_fail(diag, r, BOL_PACK_MANIFEST, "the manifest is over %d bytes",
                          BOL_NOTE_MAX);
    if (r == 0)
        r = bol_note_sign(bol_buf_str(&man), key, &note, diag);
    if (r == 0) {
        const struct bol_buf *parts[1] = { &note };

        r = put_file(pw, BOL_PACK_MANIFEST, parts, 1, false);
    }
    if (r == 0 && fsync(pw->dirfd) != 0)
        r = bol_diag_fail(diag, bol_err_from_errno(errno), "out_dir", "'%s': %s", tmp,
                          strerror(errno));
    if (r == 0 && syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, out_dir, RENAME_NOREPLACE) != 0) {
        int e = errno;

        r = e == EEXIST || e == ENOTEMPTY
                ? bol_diag_fail(diag, BOL_E_CONFLICT, "out_dir", "'%s' exists", out_dir)
                : bol_diag_fail(diag, bol_err_from_errno(e), "out_dir", "cannot rename to '%s': %s",
                                out_dir, strerror(e));
    }
    if (r == 0 && fsync_path(parent) != 0)
        r = bol_diag_fail(diag, bol_err_from_errno(errno), "out_dir", "'%s': %s", parent,
                          strerror(errno));
    if (r == 0 && stats)
        *stats = pw->st;
    if (r < 0 && lstat(tmp, &st) == 0)
        remove_tmp(pw->dirfd, tmp);
    close(pw->dirfd);
out_free:
    json_decref(pw->terminals);
    bol_buf_release(&pw->body);
    bol_buf_release(&pw->csv);
    bol_buf_release(&head);
    bol_buf_release(&man);
    bol_buf_release(&note);
    bol_free(pw);
    return r;
}

/* ---- the verifier ---- */

struct manifest {
    char origin[BOL_ORIGIN_MAX + 1];
    uint64_t seq;
    int64_t at_us;
    unsigned nfiles;
    struct pack_file files[BOL_PACK_FILES_MAX];
};

static int bad(struct bol_diag *diag, const char *file, const char *fmt, ...) BOL_PRINTF(3, 4);
static int bad(struct bol_diag *diag, const char *file, const char *fmt, ...)
{
    char msg[BOL_DIAG_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return bol_diag_fail(diag, BOL_E_CORRUPT, file, "'%s': %s", file, msg);
}

static bool take_prefix(struct bol_str *line, const char *prefix)
{
    size_t n = strlen(prefix);

    if (line->len < n || memcmp(line->p, prefix, n) != 0)
        return false;
    line->p += n;
    line->len -= n;
    return true;
}

static int unhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* One "file NAME SIZE HEX" line. */
static int parse_file_line(struct bol_str line, struct pack_file *f)
{
    struct bol_str name, size, hx;
    uint64_t n;
    size_t i;

    if (!take_prefix(&line, "file ") || !bol_str_next_token(&line, ' ', &name) ||
        !bol_str_next_token(&line, ' ', &size) || !bol_str_next_token(&line, ' ', &hx) ||
        line.len || !bol_pack_name_ok(name) || bol_str_eq_cstr(name, BOL_PACK_MANIFEST) ||
        bol_str_to_u64(size, &n) < 0 || n > BOL_PACK_FILE_MAX || hx.len != 2 * BOL_SHA256_LEN)
        return -1;
    for (i = 0; i < BOL_SHA256_LEN; i++) {
        int hi = unhex(hx.p[2 * i]), lo = unhex(hx.p[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        f->hash[i] = (uint8_t) (hi << 4 | lo);
    }
    memcpy(f->name, name.p, name.len);
    f->name[name.len] = '\0';
    f->size = n;
    return 0;
}

static int parse_manifest(struct bol_str text, struct manifest *m, struct bol_diag *diag)
{
    struct bol_str line;
    unsigned k = 0;

    while (text.len) {
        const char *nl = memchr(text.p, '\n', text.len);

        if (!nl)
            return bad(diag, BOL_PACK_MANIFEST, "line %u does not end", k + 1);
        line = bol_str_make(text.p, (size_t) (nl - text.p));
        text.p = nl + 1;
        text.len -= line.len + 1;
        k++;
        if (k == 1) {
            if (!bol_str_eq_cstr(line, MANIFEST_HEAD))
                return bad(diag, BOL_PACK_MANIFEST, "not an operations pack manifest");
        } else if (k == 2) {
            if (!take_prefix(&line, "origin ") || bol_key_name_check(line, NULL) < 0 ||
                line.len > BOL_ORIGIN_MAX)
                return bad(diag, BOL_PACK_MANIFEST, "line 2 must be 'origin NAME'");
            memcpy(m->origin, line.p, line.len);
            m->origin[line.len] = '\0';
        } else if (k == 3) {
            if (!take_prefix(&line, "seq ") || bol_str_to_u64(line, &m->seq) < 0)
                return bad(diag, BOL_PACK_MANIFEST, "line 3 must be 'seq N'");
        } else if (k == 4) {
            if (!take_prefix(&line, "generated ") || bol_time_parse(line, &m->at_us, NULL) < 0)
                return bad(diag, BOL_PACK_MANIFEST, "line 4 must be 'generated TIME'");
        } else {
            struct pack_file *f;

            if (m->nfiles >= BOL_PACK_FILES_MAX)
                return bad(diag, BOL_PACK_MANIFEST, "more than %d files", BOL_PACK_FILES_MAX);
            f = &m->files[m->nfiles];
            if (parse_file_line(line, f) < 0)
                return bad(diag, BOL_PACK_MANIFEST, "line %u is not 'file NAME SIZE SHA256'", k);
            /* Names strictly in order: none listed twice. */
            if (m->nfiles && strcmp(m->files[m->nfiles - 1].name, f->name) >= 0)
                return bad(diag, BOL_PACK_MANIFEST, "line %u: files out of order or listed twice",
                           k);
            m->nfiles++;
        }
    }
    if (k < 5)
        return bad(diag, BOL_PACK_MANIFEST, "no files listed");
    return 0;
}

int bol_pack_manifest_parse(struct bol_str text, struct bol_pack_info *info, struct bol_diag *diag)
{
    struct manifest *m = bol_calloc(1, sizeof(*m));
    unsigned i;
    int r;

    if (!m)
        return bol_diag_fail(diag, BOL_E_NOMEM, "pack", "out of memory");
    r = parse_manifest(text, m, diag);
    if (r == 0 && info) {
        memset(info, 0, sizeof(*info));
        snprintf(info->origin, sizeof(info->origin), "%s", m->origin);
        info->seq = m->seq;
        info->generated_at_us = m->at_us;
        info->files = m->nfiles;
        for (i = 0; i < m->nfiles; i++)
            info->bytes += m->files[i].size;
    }
    bol_free(m);
    return r;
}

/* Read the signed manifest (a regular file, not a link) and check its signature. */
static int open_manifest(int dfd, const struct bol_verifier *pub, struct manifest *m,
                         struct bol_diag *diag)
{
    struct bol_diag d;
    struct bol_str text;
    struct stat st;
    char *note;
    ssize_t got;
    int fd, r;

    fd = openat(dfd, BOL_PACK_MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return bad(diag, BOL_PACK_MANIFEST, errno == ENOENT ? "missing" : "cannot be opened: %s",
                   strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > BOL_NOTE_MAX) {
        close(fd);
        return bad(diag, BOL_PACK_MANIFEST, "not a regular file of at most %d bytes", BOL_NOTE_MAX);
    }
    note = bol_malloc(BOL_NOTE_MAX + 1);
    if (!note) {
        close(fd);
        return bol_diag_fail(diag, BOL_E_NOMEM, BOL_PACK_MANIFEST, "out of memory");
    }
    got = read(fd, note, BOL_NOTE_MAX + 1);
    close(fd);
    if (got < 0 || got > BOL_NOTE_MAX) {
        bol_free(note);
        return bad(diag, BOL_PACK_MANIFEST, "cannot be read whole");
    }
    bol_diag_init(&d);
    r = bol_note_open(bol_str_make(note, (size_t) got), pub, &text, &d);
    if (r == BOL_E_NOTFOUND)
        r = bad(diag, BOL_PACK_MANIFEST, "not signed by key %s", pub->name);
    else if (r == BOL_E_CORRUPT)
        r = bad(diag, BOL_PACK_MANIFEST, "the signature by %s does not verify (altered)",
                pub->name);
    else if (r < 0)
        r = bad(diag, BOL_PACK_MANIFEST, "not a signed note: %s", d.msg);
    if (r == 0)
        r = parse_manifest(text, m, diag);
    bol_free(note);
    return r;
}

/* A listed file: regular, not a link, of the listed size and hash. */
static int check_file(int dfd, const struct pack_file *f, uint8_t *chunk, struct bol_diag *diag)
{
    struct bol_sha256_stream h;
    uint8_t got[BOL_SHA256_LEN];
    uint64_t n = 0;
    struct stat st;
    int fd = openat(dfd, f->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return bad(diag, f->name, errno == ENOENT ? "missing" : "cannot be opened: %s",
                   strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return bad(diag, f->name, "not a regular file");
    }
    if ((uint64_t) st.st_size != f->size) {
        close(fd);
        return bad(diag, f->name, "%" PRIu64 " bytes, the manifest says %" PRIu64,
                   (uint64_t) st.st_size, f->size);
    }
    if (bol_sha256_stream_init(&h) < 0) {
        close(fd);
        return bol_diag_fail(diag, BOL_E_NOMEM, f->name, "out of memory");
    }
    for (;;) {
        ssize_t k = read(fd, chunk, READ_CHUNK);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;

            close(fd);
            bol_sha256_stream_abort(&h);
            return bad(diag, f->name, "cannot be read: %s", strerror(e));
        }
        if (k == 0)
            break;
        n += (uint64_t) k;
        if (n > f->size)
            break;
        bol_sha256_stream_update(&h, chunk, (size_t) k);
    }
    close(fd);
    if (n != f->size) {
        bol_sha256_stream_abort(&h);
        return bad(diag, f->name, "changed size while being read");
    }
    bol_sha256_stream_final(&h, got);
    if (memcmp(got, f->hash, BOL_SHA256_LEN) != 0)
        return bad(diag, f->name, "its content does not match the manifest (SHA-256 differs)");
    return 0;
}

static bool listed(const struct manifest *m, const char *name)
{
    unsigned lo = 0, hi = m->nfiles;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        int c = strcmp(m->files[mid].name, name);

        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Anything in the directory the manifest does not list. */
static int check_unlisted(int dfd, const struct manifest *m, struct bol_diag *diag)
{
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    int r = 0;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return bol_diag_fail(diag, BOL_E_IO, "dir", "cannot list the pack: %s", strerror(errno));
    }
    rewinddir(d);
    while (r == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strcmp(e->d_name, BOL_PACK_MANIFEST))
            continue;
        if (!listed(m, e->d_name)) {
            char shown[BOL_PACK_NAME_MAX + 1];
            size_t i;

            /* The name came from the disk: keep it short and printable. */
            for (i = 0; e->d_name[i] && i < BOL_PACK_NAME_MAX; i++)
                shown[i] = e->d_name[i] > 0x20 && e->d_name[i] < 0x7f ? e->d_name[i] : '?';
            shown[i] = '\0';
            r = bad(diag, shown, "not listed in the manifest");
        }
    }
    closedir(d);
    return r;
}

int bol_pack_verify(const char *dir, const struct bol_verifier *pub, struct bol_pack_info *info,
                    struct bol_diag *diag)
{
    struct manifest *m = bol_calloc(1, sizeof(*m));
    uint8_t *chunk = bol_malloc(READ_CHUNK);
    uint64_t bytes = 0;
    unsigned i;
    int dfd = -1, r = 0;

    if (!m || !chunk) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "pack", "out of memory");
        goto out;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        r = bol_diag_fail(diag, errno == ENOENT ? BOL_E_NOTFOUND : bol_err_from_errno(errno), "dir",
                          "cannot open '%s': %s", dir, strerror(errno));
        goto out;
    }
    r = open_manifest(dfd, pub, m, diag);
    for (i = 0; r == 0 && i < m->nfiles; i++) {
        r = check_file(dfd, &m->files[i], chunk, diag);
        bytes += m->files[i].size;
    }
    if (r == 0)
        r = check_unlisted(dfd, m, diag);
    if (r == 0 && info) {
        memset(info, 0, sizeof(*info));
        snprintf(info->origin, sizeof(info->origin), "%s", m->origin);
        info->seq = m->seq;
        info->generated_at_us = m->at_us;
        info->files = m->nfiles;
        info->bytes = bytes;
    }
out:
    if (dfd >= 0)
        close(dfd);
    bol_free(chunk);
    bol_free(m);
    return r;
}
