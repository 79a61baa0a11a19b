#!/usr/bin/env python3
"""Check the report page as Chromium rendered it against crm report --json.

usage: report_page.py DOM.html REPORT.json          (prints "ok" or the problems)
       report_page.py --png SHOT.png                (prints the number of colours)

DOM.html is `chromium --dump-dom` of the page; REPORT.json is `crm report
--json` (all five reports). Every number in the page's tables is compared
with the JSON, and the bars (<rect>) of each chart are counted.
"""
import json
import struct
import sys
import zlib
from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects table cells by (section, row key, cell class) and rects per chart."""

    def __init__(self):
        super().__init__()
        self.section = None
        self.group = None
        self.row = None
        self.cell = None
        self.text = ""
        self.cells = {}
        self.rects = {}
        self.chart = None
        self.svg_text = []
        self.intext = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
        elif tag == "div" and "group" in (a.get("class") or ""):
            self.group = a.get("id")
        elif tag == "svg" and "chart" in (a.get("class") or ""):
            self.chart = a.get("id")
            self.rects[self.chart] = 0
        elif tag == "rect" and self.chart:
            self.rects[self.chart] += 1
        elif tag == "text" and self.chart:
            self.intext = True
        elif tag == "tr":
            self.cell = None
            keys = [k for k in a if k.startswith("data-")]
            self.row = (keys[0], a[keys[0]]) if keys else None
        elif tag in ("td", "span") and self.cell is None:
            self.celltag = tag
            self.cell = (a.get("class") or "").split()
            self.value = a.get("data-value")
            self.text = ""

    def handle_endtag(self, tag):
        if tag == "svg":
            self.chart = None
        elif tag == "text":
            self.intext = False
        elif tag == "div":
            self.group = None
        elif tag == "tr":
            self.row = None
        elif self.cell is not None and tag == self.celltag:
            name = [c for c in self.cell if c != "n"]
            if name:
                key = (self.section, self.group, self.row, name[0])
                self.cells[key] = (self.text.strip(), self.value)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.text += data
        if self.intext:
            self.svg_text.append(data)


def main():
    if sys.argv[1] == "--png":
        print(len(png_colours(sys.argv[2])))
        return
    page = Page()
    with open(sys.argv[1], encoding="utf-8") as f:
        page.feed(f.read())
    with open(sys.argv[2], encoding="utf-8") as f:
        rep = json.load(f)
    bad = []

    def num(section, group, row, key, want):
        got = page.cells.get((section, group, row, key))
        if got is None:
            bad.append(f"{section} {group} {row} {key}: missing")
            return
        text, value = got
        if value is not None:
            if json.loads(value) != want:
                bad.append(f"{section} {row} {key}: data-value {value}, json {want}")
        elif text != str(want):
            bad.append(f"{section} {row} {key}: {text!r}, json {want}")

    f = rep["funnel"]
    for i, s in enumerate(f["stages"]):
        row = ("data-stage", s["stage"])
        for k in ("reached", "current", "median_days"):
            num("funnel", None, row, k, s[k])
        if i < len(f["conversion"]):
            num("funnel", None, row, "rate", f["conversion"][i]["rate"])
    num("funnel", None, None, "win_rate", f["win_rate"])
    for s in rep["sources"]["sources"]:
        for k in ("customers", "won", "lost", "win_rate", "conversion", "won_amount"):
            num("sources", None, ("data-source", s["source"]), k, s[k])
    for p in rep["followups"]["by_rep"]:
        for k in ("followups", "with_result", "progressed", "success_rate", "on_time_rate",
                  "open", "overdue"):
            num("followups", None, ("data-rep", p["rep"]), k, p[k])
    for v in rep["followups"]["by_via"]:
        for k in ("followups", "success_rate"):
            num("followups", None, ("data-via", v["via"]), k, v[k])
    val = rep["value"]
    for g in ("by_industry", "by_size", "by_source", "by_owner"):
        for x in val[g]:
            for k in ("customers", "won", "won_amount", "budget_max"):
                num("value", g, ("data-key", x["key"] or ""), k, x[k])
    for t in val["top"]:
        for k in ("won_amount", "budget_max"):
            num("value", None, ("data-id", t["id"]), k, t[k])
    for c in "ABC":
        ids = page.cells.get(("value", None, ("data-class", c), "ids"), ("", None))[0]
        for i in val["abc"][c]:
            if i not in ids:
                bad.append(f"abc {c}: {i} not in {ids!r}")
    for w in rep["owners"]["owners"]:
        row = ("data-owner", w["owner"])
        for k in ("customers", "won_amount", "overdue"):
            num("owners", None, row, k, w[k])
        for st, n in w["stages"].items():
            num("owners", None, row, st, n)

    # bars: one per funnel stage, two per source and per rep, one per won
    # customer (up to 40, then one for the rest), one per non-empty stage of an owner
    nabc = sum(len(val["abc"][c]) for c in "ABC")
    want = {
        "chart-funnel": len(f["stages"]),
        "chart-sources": 2 * len(rep["sources"]["sources"]),
        "chart-followups": 2 * len(rep["followups"]["by_rep"]),
        "chart-value": nabc if nabc <= 40 else 41,
        "chart-owners": sum(1 for w in rep["owners"]["owners"] for n in w["stages"].values() if n),
    }
    for chart, n in want.items():
        if page.rects.get(chart) != n:
            bad.append(f"{chart}: {page.rects.get(chart)} bars, want {n}")
    print("ok" if not bad else "\n".join(bad))


def png_colours(path):
    """The set of distinct pixel colours of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"PNG type {ctype}/{depth}"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    i = 0
    while i < len(raw):
        ft, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            colours.add(bytes(line[x:x + 3]))
        prev = line
    return colours


if __name__ == "__main__":
    main()
