// Expands a calendar with ical-expander (https://github.com/mifi/ical-expander,
// on Mozilla's ical.js) and prints how many occurrences overlap [from, to)
// and the seconds spent reading, parsing and expanding. Used by
// scripts/bench-peers.sh.
//
//   node ical-expander.js FILE FROM TO     (FROM and TO are instants, RFC 3339)
'use strict';
const fs = require('fs');
const IcalExpander = require('ical-expander');

const [file, fromText, toText] = process.argv.slice(2);

const began = process.hrtime.bigint();
const expander = new IcalExpander({ics: fs.readFileSync(file, 'utf8'), maxIterations: 0});
const found = expander.between(new Date(fromText), new Date(toText));
const count = found.events.length + found.occurrences.length;
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
console.log(`${count} ${seconds.toFixed(3)}`);
