// SPDX-License-Identifier: Apache-2.0
//
// check.js FILE TAG[+QUALIFIER]=COUNT... - read an interchange that bollard
// wrote with a third-party UN/EDIFACT parser (the npm package edifact) and
// check that it accepts it and finds what bollard put in: as many segments
// of each tag (with that first element, e.g. LOC+147) as bollard wrote, and
// each message's UNT counting its segments.
//
// The package's parser checks the syntax, the character repertoire of the
// UNB syntax level and, with its segment and composite tables, the element
// counts and value lengths.  Its tables count an empty composite as one
// empty component and then refuse the conditional ones that require two
// (C401 in TDT, which real bay plans leave empty, so it refuses them too);
// ISO 9735 treats an empty composite as omitted, so here the composites'
// minimum component counts are set to zero and everything else is the
// package's own.
'use strict';
const fs = require('fs');
const Parser = require('edifact/parser.js');
const Validator = require('edifact/validator.js');

const [file, ...counts] = process.argv.slice(2);
const composites = {};
for (const [name, def] of Object.entries(require('edifact/elements.js')))
    composites[name] = Object.assign({}, def, { requires: 0 });
const validator = new Validator();
validator.define(require('edifact/segments.js'));
validator.define(composites);

const parser = new Parser(validator);
const segs = [];
let elements, components, syntaxId = false;
parser.onopensegment = (name) => {
    syntaxId = name === 'UNB';
    segs.push({ name, elements: (elements = []) });
};
parser.onelement = () => elements.push((components = []));
parser.oncomponent = function (value) {
    if (syntaxId) {
        this.encoding(value); // the character repertoire UNB declares
        syntaxId = false;
    }
    components.push(value);
};
parser.write(fs.readFileSync(file, 'latin1'));
parser.end();

const count = (name, q) => segs.filter(s => s.name === name && (!q || s.elements[0][0] === q)).length;
const problems = [];
for (const c of counts) {
    const [tag, exp] = c.split('=');
    const [name, q] = tag.split('+');
    const got = count(name, q);
    if (got !== Number(exp)) problems.push(`${tag}: ${got}, bollard wrote ${exp}`);
}
let unh = -1;
segs.forEach((s, i) => {
    if (s.name === 'UNH') unh = i;
    if (s.name === 'UNT' && (unh < 0 || Number(s.elements[0][0]) !== i - unh + 1))
        problems.push(`UNT at segment ${i + 1} does not count its message`);
});
if (count('UNH') === 0 || count('UNH') !== count('UNT')) problems.push('messages without UNH or UNT');
if (problems.length) {
    console.log(`not ok - ${file}: ${problems.join('; ')}`);
    process.exit(1);
}
console.log(`ok - ${file}: ${segs.length} segments read by a third-party parser`);
