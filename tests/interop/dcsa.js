// SPDX-License-Identifier: Apache-2.0
//
// dcsa.js SCHEMA_YAML EVENTS_JSON - validate the DCSA equipment events that
// bollard wrote against the DCSA event domain's own OpenAPI schema
// (equipmentEvent), with an independent JSON Schema validator (ajv, with
// ajv-formats for uuid and date-time).
//
// The domain file refers to other DCSA domains by URL (the types of
// equipmentReference, location, vessel ...); those are not here, so each
// such reference is taken as "any value" and everything the domain file
// itself says is checked: required fields, the enumerations of event type,
// classifier and event codes, document reference types, the event id as a
// UUID and the times as RFC 3339.  One TAP line per event; exit 1 on any
// failure.
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaFile, eventsFile] = process.argv.slice(2);
const doc = yaml.load(fs.readFileSync(schemaFile, 'utf8'));
let external = 0;
const local = (v) => {
    if (Array.isArray(v)) return v.map(local);
    if (v && typeof v === 'object') {
        if (typeof v.$ref === 'string' && !v.$ref.startsWith('#')) {
            external++;
            return {};
        }
        const o = {};
        for (const [k, x] of Object.entries(v))
            if (k !== 'example' && k !== 'discriminator') o[k] = local(x);
        return o;
    }
    return v;
};
const root = { $id: 'dcsa-event-domain', components: local(doc.components) };
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(root);
const validate = ajv.getSchema('dcsa-event-domain#/components/schemas/equipmentEvent');
if (!validate) {
    console.log('not ok - no equipmentEvent schema in ' + schemaFile);
    process.exit(1);
}
const events = JSON.parse(fs.readFileSync(eventsFile, 'utf8'));
let fail = 0;
if (!Array.isArray(events) || events.length === 0) {
    console.log('not ok - no events to check');
    process.exit(1);
}
events.forEach((ev, i) => {
    if (validate(ev)) return;
    fail++;
    console.log(`not ok - event ${i + 1} (${ev.equipmentEventTypeCode} ${ev.equipmentReference}): ` +
                ajv.errorsText(validate.errors));
});
if (!fail)
    console.log(`ok - ${events.length} events valid against equipmentEvent ` +
                `(${external} references to other DCSA domains taken as any value)`);
process.exit(fail ? 1 : 0);
