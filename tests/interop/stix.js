// SPDX-License-Identifier: Apache-2.0
//
// stix.js SCHEMA_DIR BUNDLE_JSON - validate a STIX 2.1 bundle that bollard
// wrote against the OASIS STIX 2.1 JSON schemas (draft 2020-12) with an
// independent validator (ajv, with ajv-formats).  Every schema file under
// SCHEMA_DIR is loaded and $ref is resolved by $id.  The bundle is checked
// against common/bundle.json, and each object against the schema of its own
// type as well (the bundle schema lets types it does not list, such as
// incident, through on the core properties alone).  One TAP line per check;
// exit 1 on any failure.
//
// The published bundle schema omits the incident SDO from its list of
// object types (the incident was added to STIX 2.1 as a stub later), and
// its branch for other types requires exactly one of core and
// cyber-observable-core to match, which every SDO outside the list matches
// both of, so no bundle with an incident could pass it.  The bundle is
// therefore checked against a copy with sdos/incident.json added to that
// list, which holds the incident to its own schema inside the bundle.
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
let bundleId = null;
for (const sub of fs.readdirSync(schemaDir)) {
    const dir = path.join(schemaDir, sub);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        ajv.addSchema(s);
        const type = f.replace(/\.json$/, '');
        if (sub !== 'common') byType[type] = s.$id;
        if (sub === 'common' && type === 'bundle') {
            const fixed = JSON.parse(JSON.stringify(s));
            fixed.$id = s.$id.replace(/bundle\.json$/, 'bundle-with-incident.json');
            fixed.properties.objects.items.anyOf[0].oneOf.push({ $ref: '../sdos/incident.json' });
            ajv.addSchema(fixed);
            bundleId = fixed.$id;
        }
    }
}
const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
let n = 0;
let fail = 0;
const check = (what, id, value) => {
    n++;
    const validate = ajv.getSchema(id);
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
check('bundle', bundleId, bundle);
for (const o of bundle.objects || []) {
    if (!byType[o.type]) {
        n++;
        console.log(`not ok ${n} - ${o.id}: no schema for type ${o.type}`);
        fail = 1;
        continue;
    }
    check(o.id, byType[o.type], o);
}
console.log(`1..${n}`);
process.exit(fail);
