/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dcsa.c - DCSA Track & Trace equipment events (dcsa.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "dcsa.h"
#include "errors.h"
#include "sha256.h"
#include "utctime.h"

const char *bol_dcsa_event_code(enum bol_move kind)
{
    switch (kind) {
    case BOL_MV_DISCHARGE:
        return "DISC";
    case BOL_MV_LOAD:
        return "LOAD";
    case BOL_MV_GATE_IN:
        return "GTIN";
    case BOL_MV_GATE_OUT:
        return "GTOT";
    default:
        return NULL;
    }
}

/* A name-based UUID (version 8, RFC 9562) of the origin and the entry. */
static void event_id(const char *origin, uint64_t seq, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    char name[320];
    uint8_t h[BOL_SHA256_LEN];
    int n = snprintf(name, sizeof(name), "bollard dcsa event\n%.256s\n%llu", origin,
                     (unsigned long long) seq);
    unsigned i, o = 0;

    bol_sha256(name, (size_t) n, h);
    h[6] = (uint8_t) ((h[6] & 0x0f) | 0x80);
    h[8] = (uint8_t) ((h[8] & 0x3f) | 0x80);
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 15];
    }
    out[o] = '\0';
}

/* o[key] = text, when text is not empty; r carries the first failure. */
static int put(json_t *o, int r, const char *key, const char *text)
{
    if (r < 0 || !text || !text[0])
        return r;
    return json_object_set_new(o, key, json_string(text)) == 0 ? 0 : BOL_E_NOMEM;
}

static int put_obj(json_t *o, int r, const char *key, json_t *v)
{
    if (!v)
        return BOL_E_NOMEM;
    if (r < 0) {
        json_decref(v);
        return r;
    }
    return json_object_set_new(o, key, v) == 0 ? 0 : BOL_E_NOMEM;
}

static json_t *vessel_json(const struct bol_vessel *v)
{
    json_t *o = json_object();
    int r = 0;

    if (!o)
        return NULL;
    r = put(o, r, "vesselIMONumber", v->imo);
    r = put(o, r, "vesselName", v->name);
    r = put(o, r, "vesselCallSignNumber", v->call_sign);
    if (v->operator_[0] && strlen(v->operator_) <= 3) {
        r = put(o, r, "vesselOperatorCarrierCode", v->operator_);
        r = put(o, r, "vesselOperatorCarrierCodeListProvider", "SMDG");
    }
    if (r < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *call_json(const struct bol_dcsa_call *call, const struct bol_dcsa_where *where)
{
    json_t *o = json_object();
    int r = 0;

    if (!o)
        return NULL;
    r = put(o, r, "transportCallID", call->id);
    r = put(o, r, "transportCallReference", call->id);
    r = put(o, r, "modeOfTransport", call->vessel ? "VESSEL" : "TRUCK");
    r = put(o, r, "carrierImportVoyageNumber", call->voyage_in);
    r = put(o, r, "carrierExportVoyageNumber", call->voyage_out);
    r = put(o, r, "UNLocationCode", where->unlocode);
    r = put(o, r, "facilityTypeCode", "POTE");
    if (call->vessel && call->ves)
        r = put_obj(o, r, "vessel", vessel_json(call->ves));
    if (r < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *references(const struct bol_container *c)
{
    json_t *a = json_array();

    if (!a)
        return NULL;
    if ((c->booking[0] &&
         json_array_append_new(a, json_pack("{s:s, s:s}", "documentReferenceType", "BKG",
                                            "documentReferenceValue", c->booking)) != 0) ||
        (c->bl[0] &&
         json_array_append_new(a, json_pack("{s:s, s:s}", "documentReferenceType", "TRD",
                                            "documentReferenceValue", c->bl)) != 0)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int bol_dcsa_equipment_event(const struct bol_container *c, enum bol_move kind, uint64_t seq,
                             int64_t at_us, const struct bol_dcsa_where *where,
                             const struct bol_dcsa_call *call, json_t **ret)
{
    const char *code = bol_dcsa_event_code(kind);
    char id[37], at[BOL_TIME_TEXT_MAX];
    json_t *o, *loc, *refs;
    int r = 0;

    if (!code || !bol_time_format(at_us, 0, 3, at))
        return BOL_E_INVAL;
    event_id(where->origin, seq, id);
    o = json_object();
    if (!o)
        return BOL_E_NOMEM;
    r = put(o, r, "eventID", id);
    r = put(o, r, "eventType", "EQUIPMENT");
    r = put(o, r, "eventClassifierCode", "ACT");
    r = put(o, r, "eventDateTime", at);
    r = put(o, r, "eventCreatedDateTime", at);
    r = put(o, r, "equipmentEventTypeCode", code);
    r = put(o, r, "equipmentReference", c->id.s);
    r = put(o, r, "ISOEquipmentCode", c->sizetype);
    r = put(o, r, "emptyIndicatorCode", c->full ? "LADEN" : "EMPTY");
    r = put(o, r, "facilityTypeCode", "POTE");
    loc = json_object();
    if (r == 0 && loc) {
        r = put(loc, r, "locationName", where->terminal_name);
        r = put(loc, r, "UNLocationCode", where->unlocode);
    }
    r = put_obj(o, r, "eventLocation", loc);
    r = put_obj(o, r, "transportCall", call_json(call, where));
    refs = references(c);
    if (refs && json_array_size(refs) == 0) {
        json_decref(refs);
    } else {
        r = put_obj(o, r, "documentReferences", refs);
    }
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}
