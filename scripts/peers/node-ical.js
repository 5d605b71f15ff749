// Expands a calendar with node-ical (https://github.com/jens-maus/node-ical)
// and prints how many occurrences overlap [from, to) and the seconds spent
// reading, parsing and expanding. Used by scripts/bench-peers.sh.
//
//   node node-ical.js FILE FROM TO     (FROM and TO are instants, RFC 3339)
'use strict';
const fs = require('fs');
const ical = require('node-ical');

const [file, fromText, toText] = process.argv.slice(2);
const from = new Date(fromText);
const to = new Date(toText);

const began = process.hrtime.bigint();
const data = ical.sync.parseICS(fs.readFileSync(file, 'utf8'));
let count = 0;
for (const event of Object.values(data)) {
  if (event.type !== 'VEVENT' || event.recurrenceid) {
    continue; // an override is expanded with the series it belongs to
  }
  for (const instance of ical.expandRecurringEvent(event, {from, to, expandOngoing: true})) {
    // [from, to): node-ical's range includes its end
    if (instance.start < to) {
      count++;
    }
  }
}
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
console.log(`${count} ${seconds.toFixed(3)}`);
