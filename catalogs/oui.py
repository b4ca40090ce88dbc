#!/usr/bin/env python3
"""Regenerate catalogs/oui.tsv from the IEEE Registration Authority's public listings.

Usage (from the repository root):

    python3 catalogs/oui.py [DIR]

DIR holds the IEEE RA CSV files oui.csv (MA-L), mam.csv (MA-M), oui36.csv (MA-S) and
iab.csv (IAB), as published at https://standards-oui.ieee.org/ and as Debian's
`ieee-data` package installs them (default /usr/share/ieee-data). The listing date is
read from DIR/.lastupdate (a Unix time) when present.

Output columns: prefix (upper-case hex: 6 digits for MA-L, 7 for MA-M, 9 for MA-S and
IAB), vendor (the organization name as registered, whitespace collapsed). Sorted by
prefix, so a diff after an update shows only what changed. Standard library only.
"""

import csv
import datetime
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [("oui.csv", "MA-L", 6), ("mam.csv", "MA-M", 7), ("oui36.csv", "MA-S", 9), ("iab.csv", "IAB", 9)]


def main() -> int:
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/ieee-data"
    rows = {}
    for name, registry, digits in FILES:
        with open(os.path.join(src, name), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                prefix = r["Assignment"].strip().upper()
                vendor = " ".join(r["Organization Name"].split()).rstrip(",")
                if len(prefix) != digits or not vendor or r["Registry"].strip() != registry:
                    continue
                if any(c in vendor for c in "\t\r\n"):
                    continue
                rows[prefix] = vendor
    date = "unknown date"
    try:
        with open(os.path.join(src, ".lastupdate"), encoding="ascii") as f:
            ts = int(f.read().strip())
        date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    except (OSError, ValueError):
        pass
    out = os.path.join(HERE, "oui.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# MAC address blocks to organizations: IEEE Registration Authority public listings\n")
        f.write(f"# (MA-L, MA-M, MA-S, IAB) of {date}, via catalogs/oui.py. {len(rows)} blocks.\n")
        f.write("prefix\tvendor\n")
        for p in sorted(rows):
            f.write(f"{p}\t{rows[p]}\n")
    print(f"wrote {out}: {len(rows)} blocks ({date})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
