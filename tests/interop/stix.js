// SPDX-License-Identifier: Apache-2.0
//
// stix.js SCHEMA_DIR BUNDLE_JSON - validate a STIX 2.1 bundle that bollard
// wrote against the OASIS STIX 2.1 JSON schemas (draft 2020-12) with an
// independent validator (ajv, with ajv-formats).  Every schema file under
// SCHEMA_DIR is loaded, unchanged, and $ref is resolved by $id.  Each object
// is checked against the schema of its own type, and the bundle against
// common/bundle.json.  One TAP line per check; exit 1 on any failure.
//
// The incident object.  The published bundle schema does not list the
// incident SDO among its object types (the incident was added to STIX 2.1
// later, as a stub), and its branch for types it does not list requires
// exactly one of common/core.json and common/cyber-observable-core.json to
// match, which every SDO matches both of, so no bundle holding an incident
// can pass it as published.  The schemas are not loosened for that: the
// bundle schema checks the bundle with its incident objects set aside, and
// each incident is checked on its own against sdos/incident.json (which is
// common/core.json plus the incident's own properties) and against
// common/core.json directly; when a schema folder has no sdos/incident.json,
// common/core.json alone is the check.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

const [schemaDir, bundleFile] = process.argv.slice(2);
// The schemas' patterns escape '-' outside classes, which the unicode flag refuses.
const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
ajv.addFormat('idn-hostname', true); // not in ajv-formats; bollard writes no domain names
const byType = {};
const common = {};
for (const sub of fs.readdirSync(schemaDir)) {
    const dir = path.join(schemaDir, sub);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        ajv.addSchema(s);
        const type = f.replace(/\.json$/, '');
        if (sub === 'common') common[type] = s.$id;
        else byType[type] = s.$id;
    }
}
const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
let n = 0;
let fail = 0;
const check = (what, id, value) => {
    n++;
    const validate = id && ajv.getSchema(id);
    if (!validate) {
        console.log(`not ok ${n} - ${what}: no schema ${id}`);
        fail = 1;
    } else if (validate(value)) {
        console.log(`ok ${n} - ${what}`);
    } else {
        console.log(`not ok ${n} - ${what}: ${ajv.errorsText(validate.errors)}`);
        fail = 1;
    }
};
const objects = Array.isArray(bundle.objects) ? bundle.objects : [];
const incidents = objects.filter((o) => o.type === 'incident');
check(
    `bundle (${incidents.length} incident object(s) checked on their own below)`,
    common.bundle,
    { ...bundle, objects: objects.filter((o) => o.type !== 'incident') },
);
for (const o of objects) {
    if (o.type === 'incident') {
        check(`${o.id} against common/core.json`, common.core, o);
        if (byType.incident) check(`${o.id} against sdos/incident.json`, byType.incident, o);
        continue;
    }
    if (!byType[o.type]) {
        n++;
        console.log(`not ok ${n} - ${o.id}: no schema for type ${o.type}`);
        fail = 1;
        continue;
    }
    check(o.id, byType[o.type], o);
}
if (incidents.length !== 1) {
    n++;
    console.log(`not ok ${n} - one incident in the bundle, found ${incidents.length}`);
    fail = 1;
}
console.log(`1..${n}`);
process.exit(fail);
