/* SPDX-License-Identifier: Apache-2.0 */
/*
 * entry.c - journal entry encoding and decoding
 */
#include "compat.h"

#include <jansson.h>

#include "entry.h"
#include "errors.h"
#include "mem.h"
#include "utctime.h"

/* Length of "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
#define AT_LEN 27

static bool in_set(char c, const char *extra)
{
    return bol_is_alpha(c) || bol_is_digit(c) || (c && strchr(extra, c));
}

static int check_chars(struct bol_str s, size_t min, size_t max, const char *field,
                       const char *extra, const char *what, struct bol_diag *diag)
{
    size_t i;

    if (s.len < min || s.len > max)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s must be %zu to %zu characters", field,
                             min, max);
    for (i = 0; i < s.len; i++) {
        if (!in_set(s.p[i], extra))
            return bol_diag_fail(diag, BOL_E_INVAL, field,
                                 "%s may contain only %s, got byte 0x%02x", field, what,
                                 (unsigned char) s.p[i]);
    }
    return 0;
}

int bol_entry_check_actor(struct bol_str s, struct bol_diag *diag)
{
    return check_chars(s, 1, BOL_ACTOR_MAX, "actor", "._:@-", "letters, digits and . _ : @ -",
                       diag);
}

int bol_entry_check_addr(struct bol_str s, struct bol_diag *diag)
{
    return check_chars(s, 0, BOL_ADDR_MAX, "addr", ".:%[]-", "an address", diag);
}

int bol_entry_check_terminal(struct bol_str s, struct bol_diag *diag)
{
    size_t i;

    if (s.len > 8)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminal", "terminal code longer than 8");
    for (i = 0; i < s.len; i++) {
        if (!bol_is_upper(s.p[i]) && !bol_is_digit(s.p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "terminal",
                                 "terminal code may contain only A-Z and 0-9");
    }
    return 0;
}

int bol_entry_check_type(struct bol_str s, struct bol_diag *diag)
{
    size_t i;

    if (!s.len || s.len > BOL_EVENT_TYPE_MAX || !(s.p[0] >= 'a' && s.p[0] <= 'z'))
        return bol_diag_fail(diag, BOL_E_INVAL, "type",
                             "event type must be 1 to %d characters starting with a-z",
                             BOL_EVENT_TYPE_MAX);
    for (i = 0; i < s.len; i++) {
        char c = s.p[i];

        if (!((c >= 'a' && c <= 'z') || bol_is_digit(c) || c == '_' || c == '.'))
            return bol_diag_fail(diag, BOL_E_INVAL, "type",
                                 "event type may contain only a-z, 0-9, '_' and '.'");
    }
    return 0;
}

int bol_entry_check_req(struct bol_str s, struct bol_diag *diag)
{
    size_t i;

    if (s.len > BOL_REQ_ID_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "req", "request id longer than %d characters",
                             BOL_REQ_ID_MAX);
    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char) s.p[i];

        if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
            return bol_diag_fail(diag, BOL_E_INVAL, "req",
                                 "request id may contain only printable ASCII without spaces, "
                                 "quotes or backslashes");
    }
    return 0;
}

/* Appends into room already made by bol_buf_grow. */
static void put_raw(struct bol_buf *b, const char *p, size_t n)
{
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
}

#define put_lit(b, lit) put_raw((b), (lit), sizeof(lit) - 1)

static void put_u64(struct bol_buf *b, uint64_t v)
{
    char tmp[20];
    size_t n = 0;

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        b->buf[b->len++] = tmp[--n];
}

int bol_entry_encode(const struct bol_entry *e, struct bol_buf *out, struct bol_diag *diag)
{
    char at[BOL_TIME_TEXT_MAX];
    size_t start = out->len;
    int r;

    if (e->seq == 0 || e->seq > INT64_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "seq", "sequence number out of range");
    if (!bol_time_format(e->at_us, 0, 6, at))
        return bol_diag_fail(diag, BOL_E_INVAL, "at", "time out of range");
    if (e->ver == 0 || e->ver > 65535)
        return bol_diag_fail(diag, BOL_E_INVAL, "ver", "schema version must be 1..65535");
    _Static_assert(BOL_ENTRY_FORMAT == 1, "the encoder writes format 1");
    if ((r = bol_entry_check_actor(e->actor, diag)) < 0 ||
        (r = bol_entry_check_addr(e->addr, diag)) < 0 ||
        (r = bol_entry_check_terminal(e->terminal, diag)) < 0 ||
        (r = bol_entry_check_type(e->type, diag)) < 0 ||
        (r = bol_entry_check_req(e->req, diag)) < 0)
        return r;
    if (e->payload.len < 2 || e->payload.p[0] != '{' || e->payload.p[e->payload.len - 1] != '}')
        return bol_diag_fail(diag, BOL_E_INVAL, "payload", "payload must be a JSON object");
    if (e->payload.len > BOL_ENTRY_MAX - 256)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "payload", "payload larger than %u bytes",
                             BOL_ENTRY_MAX - 256);
    /* Piece by piece rather than one printf: this runs for every event written. */
    r = bol_buf_grow(out, 160 + e->actor.len + e->addr.len + e->terminal.len + e->type.len +
                              e->req.len + e->payload.len);
    if (r == 0) {
        put_lit(out, "{\"v\":1,\"seq\":");
        put_u64(out, e->seq);
        put_lit(out, ",\"at\":\"");
        put_raw(out, at, strlen(at));
        put_lit(out, "\",\"actor\":\"");
        put_raw(out, e->actor.p, e->actor.len);
        put_lit(out, "\",\"addr\":\"");
        put_raw(out, e->addr.p, e->addr.len);
        put_lit(out, "\",\"terminal\":\"");
        put_raw(out, e->terminal.p, e->terminal.len);
        put_lit(out, "\",\"type\":\"");
        put_raw(out, e->type.p, e->type.len);
        put_lit(out, "\",\"ver\":");
        put_u64(out, e->ver);
        put_lit(out, ",\"req\":\"");
        put_raw(out, e->req.p, e->req.len);
        put_lit(out, "\",\"payload\":");
        put_raw(out, e->payload.p, e->payload.len);
        put_raw(out, "}", 1);
        out->buf[out->len] = '\0';
    }
    if (r < 0) {
        bol_buf_truncate(out, start);
        return bol_diag_fail(diag, r, "entry", "cannot encode entry: %s", bol_strerror(r));
    }
    return 0;
}

/* ---- decoding ---- */

struct scan {
    struct bol_str s;
    size_t pos;
    struct bol_diag *diag;
};

static int bad(struct scan *sc, const char *field, const char *what)
{
    if (sc->diag)
        sc->diag->offset = (int64_t) sc->pos;
    return bol_diag_fail(sc->diag, BOL_E_CORRUPT, field, "%s at byte %zu", what, sc->pos);
}

static bool lit(struct scan *sc, const char *l)
{
    size_t n = strlen(l);

    if (sc->s.len - sc->pos < n || memcmp(sc->s.p + sc->pos, l, n) != 0)
        return false;
    sc->pos += n;
    return true;
}

/* A canonical unsigned integer: no sign, no leading zero (except "0" itself). */
static int number(struct scan *sc, const char *field, uint64_t *ret)
{
    size_t start = sc->pos;

    while (sc->pos < sc->s.len && bol_is_digit(sc->s.p[sc->pos]))
        sc->pos++;
    if (sc->pos == start || (sc->pos - start > 1 && sc->s.p[start] == '0') ||
        bol_str_to_u64(bol_str_make(sc->s.p + start, sc->pos - start), ret) < 0) {
        sc->pos = start;
        return bad(sc, field, "expected a canonical number");
    }
    return 0;
}

/* A string field with no escapes: the bytes up to the next quote. */
static int string(struct scan *sc, const char *field, struct bol_str *ret)
{
    const char *q;

    if (!lit(sc, "\""))
        return bad(sc, field, "expected '\"'");
    q = memchr(sc->s.p + sc->pos, '"', sc->s.len - sc->pos);
    if (!q)
        return bad(sc, field, "unterminated string");
    *ret = bol_str_make(sc->s.p + sc->pos, (size_t) (q - (sc->s.p + sc->pos)));
    sc->pos += ret->len + 1;
    return 0;
}

static int field_check(struct scan *sc, int r, size_t at)
{
    if (r == 0)
        return 0;
    if (sc->diag) {
        sc->diag->code = BOL_E_CORRUPT;
        sc->diag->offset = (int64_t) at;
    }
    return BOL_E_CORRUPT;
}

int bol_entry_decode(struct bol_str bytes, struct bol_entry *out, struct bol_diag *diag)
{
    struct scan sc = { bytes, 0, diag };
    struct bol_entry e;
    char at_text[BOL_TIME_TEXT_MAX];
    struct bol_str at;
    uint64_t v;
    size_t mark;
    int r;

    memset(&e, 0, sizeof(e));
    if (bytes.len > BOL_ENTRY_MAX)
        return bad(&sc, "entry", "entry larger than the limit");
    if (!lit(&sc, "{\"v\":"))
        return bad(&sc, "v", "expected '{\"v\":'");
    if ((r = number(&sc, "v", &v)) < 0)
        return r;
    if (v != BOL_ENTRY_FORMAT)
        return bad(&sc, "v", "unknown entry format version");
    if (!lit(&sc, ",\"seq\":"))
        return bad(&sc, "seq", "expected '\"seq\"'");
    if ((r = number(&sc, "seq", &e.seq)) < 0)
        return r;
    if (e.seq == 0 || e.seq > INT64_MAX)
        return bad(&sc, "seq", "sequence number out of range");
    if (!lit(&sc, ",\"at\":"))
        return bad(&sc, "at", "expected '\"at\"'");
    mark = sc.pos + 1;
    if ((r = string(&sc, "at", &at)) < 0)
        return r;
    if (at.len != AT_LEN || bol_time_parse(at, &e.at_us, NULL) < 0 ||
        !bol_time_format(e.at_us, 0, 6, at_text) || memcmp(at_text, at.p, AT_LEN) != 0) {
        sc.pos = mark;
        return bad(&sc, "at", "expected UTC time with 6 fraction digits");
    }
    if (!lit(&sc, ",\"actor\":"))
        return bad(&sc, "actor", "expected '\"actor\"'");
    mark = sc.pos + 1;
    if ((r = string(&sc, "actor", &e.actor)) < 0 ||
        (r = field_check(&sc, bol_entry_check_actor(e.actor, diag), mark)) < 0)
        return r;
    if (!lit(&sc, ",\"addr\":"))
        return bad(&sc, "addr", "expected '\"addr\"'");
    mark = sc.pos + 1;
    if ((r = string(&sc, "addr", &e.addr)) < 0 ||
        (r = field_check(&sc, bol_entry_check_addr(e.addr, diag), mark)) < 0)
        return r;
    if (!lit(&sc, ",\"terminal\":"))
        return bad(&sc, "terminal", "expected '\"terminal\"'");
    mark = sc.pos + 1;
    if ((r = string(&sc, "terminal", &e.terminal)) < 0 ||
        (r = field_check(&sc, bol_entry_check_terminal(e.terminal, diag), mark)) < 0)
        return r;
    if (!lit(&sc, ",\"type\":"))
        return bad(&sc, "type", "expected '\"type\"'");
    mark = sc.pos + 1;
    if ((r = string(&sc, "type", &e.type)) < 0 ||
        (r = field_check(&sc, bol_entry_check_type(e.type, diag), mark)) < 0)
        return r;
    if (!lit(&sc, ",\"ver\":"))
        return bad(&sc, "ver", "expected '\"ver\"'");
    if ((r = number(&sc, "ver", &v)) < 0)
        return r;
    if (v == 0 || v > 65535)
        return bad(&sc, "ver", "schema version out of range");
    e.ver = (uint32_t) v;
    if (!lit(&sc, ",\"req\":"))
        return bad(&sc, "req", "expected '\"req\"'");
    mark = sc.pos + 1;
    if ((r = string(&sc, "req", &e.req)) < 0 ||
        (r = field_check(&sc, bol_entry_check_req(e.req, diag), mark)) < 0)
        return r;
    if (!lit(&sc, ",\"payload\":"))
        return bad(&sc, "payload", "expected '\"payload\"'");
    if (sc.s.len - sc.pos < 3 || sc.s.p[sc.pos] != '{' || sc.s.p[sc.s.len - 2] != '}' ||
        sc.s.p[sc.s.len - 1] != '}')
        return bad(&sc, "payload", "expected a JSON object and the closing '}'");
    e.payload = bol_str_make(sc.s.p + sc.pos, sc.s.len - sc.pos - 1);
    *out = e;
    return 0;
}

static bool has_real(const json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;

    switch (json_typeof(j)) {
    case JSON_REAL:
        return true;
    case JSON_OBJECT:
        json_object_foreach((json_t *) j, key, v)
        {
            if (has_real(v))
                return true;
        }
        return false;
    case JSON_ARRAY:
        json_array_foreach(j, i, v)
        {
            if (has_real(v))
                return true;
        }
        return false;
    default:
        return false;
    }
}

struct cmp_ctx {
    struct bol_str want;
    size_t pos;
    bool same;
};

/* jansson dump callback: compare the output with the payload as it streams. */
static int compare_chunk(const char *buffer, size_t size, void *data)
{
    struct cmp_ctx *c = data;

    if (!c->same || c->want.len - c->pos < size || memcmp(c->want.p + c->pos, buffer, size) != 0) {
        c->same = false;
        return -1;
    }
    c->pos += size;
    return 0;
}

bool bol_json_is_canonical(const void *jv, struct bol_str payload)
{
    const json_t *j = jv;
    struct cmp_ctx c = { payload, 0, true };

    if (!json_is_object(j) || has_real(j))
        return false;
    if (json_dump_callback(j, compare_chunk, &c, JSON_COMPACT | JSON_SORT_KEYS) != 0)
        return false;
    return c.same && c.pos == payload.len;
}

bool bol_payload_is_canonical(struct bol_str payload)
{
    json_error_t err;
    json_t *j;
    bool ok;

    j = json_loadb(payload.p, payload.len, JSON_REJECT_DUPLICATES, &err);
    if (!j)
        return false;
    ok = bol_json_is_canonical(j, payload);
    json_decref(j);
    return ok;
}
