"""Expands a calendar with python-recurring-ical-events
(https://github.com/niccokunzmann/python-recurring-ical-events, on
icalendar) and prints how many occurrences overlap [from, to) and the
seconds spent reading, parsing and expanding. Used by
scripts/bench-peers.sh.

    python3 recurring-ical-events.py FILE FROM TO   (instants, RFC 3339)
"""
import datetime
import sys
import time

import icalendar
import recurring_ical_events


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    path, start, stop = sys.argv[1], instant(sys.argv[2]), instant(sys.argv[3])
    began = time.perf_counter()
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    count = len(recurring_ical_events.of(cal).between(start, stop))
    print(f"{count} {time.perf_counter() - began:.3f}")


main()
