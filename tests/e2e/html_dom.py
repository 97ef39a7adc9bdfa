# The DOM chromium rendered from an hvscope page (its --dump-dom), checked:
#   html_dom.py report DOM.html REPORT.json HOST   one host's page
#   html_dom.py fleet DOM.html REPORT.json...      the fleet's page
# Exits 1 naming what is wrong.
import json
import sys
from html.parser import HTMLParser

RANK = {"fail": 0, "warn": 1, "error": 2, "skip": 3, "pass": 4}
FORBIDDEN = {"script", "img", "iframe", "object", "embed", "link", "video", "audio", "source", "frame", "svg", "b"}


class Tree(HTMLParser):
    """Elements as dicts (tag, attrs, children, text), the page's root in .root."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = {"tag": "#root", "attrs": {}, "children": [], "text": []}
        self.stack = [self.root]
        self.tags = []

    VOID = {"meta", "br", "hr", "img", "link", "input", "source", "embed", "col", "area", "base", "wbr"}

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "children": [], "text": []}
        self.tags.append(el)
        self.stack[-1]["children"].append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.stack[-1]["children"].append(data)


def text(el):
    return "".join(c if isinstance(c, str) else text(c) for c in el["children"])


def find(el, pred):
    out = []
    for c in el["children"]:
        if isinstance(c, dict):
            if pred(c):
                out.append(c)
            out.extend(find(c, pred))
    return out


def cls(el):
    return el["attrs"].get("class", "").split()


bad = []


def check(cond, what):
    if not cond:
        bad.append(what)


def parse(path):
    t = Tree()
    t.feed(open(path, encoding="utf-8").read())
    for el in t.tags:
        check(el["tag"] not in FORBIDDEN, "a <%s> element in the DOM" % el["tag"])
        for k, v in el["attrs"].items():
            check(not k.startswith("on"), "an event attribute %s on <%s>" % (k, el["tag"]))
            if k == "href":
                check(v.startswith("#") or v.startswith("https://") or v.startswith("http://"), "a link to %r" % v)
    return t


def checks_of(section):
    """The checks of a host's section in page order: (id attribute, tag, check id)."""
    out = []
    for d in find(section, lambda e: e["tag"] == "details" and "check" in cls(e)):
        tag = find(d, lambda e: "tag" in cls(e))[0]
        cid = find(d, lambda e: e["tag"] == "code" and "id" in cls(e))[0]
        out.append((d["attrs"].get("id"), text(tag).strip().lower(), text(cid)))
    return out


def same_checks(shown, report, where):
    ranks = [RANK.get(v, 9) for _, v, _ in shown]
    check(ranks == sorted(ranks), "%s: checks not failing first: %s" % (where, [v for _, v, _ in shown]))
    want = sorted((c["id"], c["verdict"]) for c in report["checks"])
    got = sorted((i, v) for _, v, i in shown)
    check(got == want, "%s: the page's checks differ from the JSON report's" % where)


def one_report(dom, report_path, host):
    t = parse(dom)
    report = json.load(open(report_path))
    h2 = find(t.root, lambda e: e["tag"] == "h2")
    check(len(h2) == 1 and text(h2[0]) == host, "host heading %r, want %r" % (h2 and text(h2[0]), host))
    check(report["host"] == host, "the JSON report's host %r, want %r" % (report["host"], host))
    section = find(t.root, lambda e: e["tag"] == "section")[0]
    same_checks(checks_of(section), report, "report")
    # Every string of every check that the host gave, shown as text.
    body = text(t.root)
    for c in report["checks"]:
        for k in ("id", "evidence", "remedy"):
            if c.get(k) and "<" in c[k]:
                check(c[k] in body, "%s's %s not shown as text: %r" % (c["id"], k, c[k]))
    print("  report page: %d checks, host %r shown as text" % (len(report["checks"]), host))


def worst_key(path, report):
    if report is None:
        return (0, 0, 0, 0, 0, "", path)
    n = {v: 0 for v in RANK}
    for c in report["checks"]:
        n[c.get("verdict") if c.get("verdict") in RANK else "error"] += 1
    return (1, -n["fail"], -n["error"], -n["warn"], -n["skip"], report.get("host", path), path)


def fleet(dom, paths):
    t = parse(dom)
    reports = []
    for p in paths:
        try:
            reports.append(json.load(open(p)))
        except (ValueError, OSError):
            reports.append(None)
    order = sorted(range(len(paths)), key=lambda i: worst_key(paths[i], reports[i]))
    table = find(t.root, lambda e: e["tag"] == "table")[0]
    cols = [text(th) for th in find(table, lambda e: e["tag"] == "th" and e["attrs"].get("scope") == "col")]
    rows = find(table, lambda e: e["tag"] == "tr")[1:]
    names = [text(find(r, lambda e: "host" in cls(e))[0]) for r in rows]
    want = [reports[i]["host"] if reports[i] else paths[i] for i in order]
    check(names == want, "rows %r, want worst first %r" % (names, want))
    ids = {el["attrs"]["id"]: el for el in t.tags if "id" in el["attrs"]}
    links = 0
    for r, i in zip(rows, order):
        cells = find(r, lambda e: e["tag"] == "td")
        if reports[i] is None:
            check("problem" in cls(cells[0]) and paths[i] in text(cells[0]), "row of %s: no problem named" % paths[i])
            continue
        check(len(cells) == len(cols), "row of %r: %d cells for %d columns" % (names[order.index(i)], len(cells), len(cols)))
        verdicts = {c["id"]: c["verdict"] for c in reports[i]["checks"]}
        for col, cell in zip(cols, cells):
            a = find(cell, lambda e: e["tag"] == "a")
            if col not in verdicts:
                check(not a, "a link for a check %r the report lacks" % col)
                continue
            check(len(a) == 1 and text(a[0]).lower() == verdicts[col], "cell %r of %r" % (col, reports[i]["host"]))
            target = ids.get(a[0]["attrs"]["href"][1:]) if a else None
            check(target is not None, "cell %r of %r links nowhere" % (col, reports[i]["host"]))
            if target is not None:
                code = find(target, lambda e: e["tag"] == "code" and "id" in cls(e))
                check(code and text(code[0]) == col, "cell %r links to check %r" % (col, code and text(code[0])))
                links += 1
    for i, rep in enumerate(reports):
        if rep:
            section = ids.get("h%d-host" % i)
            check(section is not None, "no section of %s" % paths[i])
            if section is not None:
                same_checks(checks_of(section), rep, paths[i])
    print("  fleet page: %d hosts, %d columns, %d links followed" % (len(rows), len(cols), links))


if sys.argv[1] == "report":
    one_report(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    fleet(sys.argv[2], sys.argv[3:])
if bad:
    print("\n".join(bad[:30]))
    sys.exit(1)
