#!/usr/bin/env python3
"""Checks that calls and includes run down the layers of DESIGN.md, never
up, never across folders of one layer, never in a loop.

Usage: tools/layers.py BUILD_DIR OBJECT...   (make check-layers runs it)

A module is a source file and its header (core/buf.c with core/buf.h).
An edge A -> B means A includes B's header or calls or reads a symbol B
defines.  Calls come from the objects the build made (what each object
needs against what each defines, as the linker sees them), so a call
through a header's macro or an inline function counts as well as a plain
one; includes come from the sources themselves (the tree the script is
in, or LAYERS_TOP).  Prints every violation
and exits 1 if there is one.
"""
import os
import re
import subprocess
import sys

# Lower numbers are lower layers; a folder may use its own layer's files
# and any lower layer's, except that two folders of one layer never use
# each other.
LAYERS = {
    "core": 0,
    "probe": 1,
    "rules": 2, "hv": 2,
    "tui": 3, "exporter": 3, "diag": 3,
    "cli": 4,
}
SOURCE_DIRS = sorted(LAYERS)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(path):
    """core/buf.c, core/buf.h -> core/buf; None outside the layers."""
    base, ext = os.path.splitext(path)
    if ext not in (".c", ".h") or base.split("/")[0] not in LAYERS:
        return None
    return base


def folder(module):
    return module.split("/")[0]


def source_files(top):
    for d in SOURCE_DIRS:
        for dirpath, _, names in os.walk(os.path.join(top, d)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, n), top)


def include_edges(top):
    edges = set()
    for path in source_files(top):
        with open(os.path.join(top, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            a, b = module_of(path), module_of(inc)
            if a and b and a != b:
                edges.add((a, b, "includes " + inc))
    return edges


def object_symbols(build, objects):
    """{module: (defined, undefined)} from the objects the build made."""
    out = {}
    for obj in objects:
        rel = os.path.relpath(obj, build)
        base = rel[: -len(".pic.o")] if rel.endswith(".pic.o") else rel[: -len(".o")]
        mod = module_of(os.path.normpath(base + ".c"))
        if not mod:
            continue
        nm = subprocess.run(["nm", obj], capture_output=True, text=True, check=True)
        defined, undefined = out.setdefault(mod, (set(), set()))
        for line in nm.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                undefined.add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDBRGSVW":
                defined.add(parts[2])
    return out


def call_edges(build, objects):
    syms = object_symbols(build, objects)
    owner = {}
    for mod, (defined, _) in syms.items():
        for s in defined:
            owner.setdefault(s, mod)
    edges = set()
    for mod, (_, undefined) in syms.items():
        for s in undefined:
            b = owner.get(s)
            if b and b != mod:
                edges.add((mod, b, "calls " + s))
    return edges


def loops(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: tools/layers.py BUILD_DIR OBJECT...")
    top = os.environ.get("LAYERS_TOP") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    edges = include_edges(top) | call_edges(sys.argv[1], sys.argv[2:])
    why, graph, problems = {}, {}, []
    for a, b, how in sorted(edges):
        why.setdefault((a, b), how)
        graph.setdefault(a, set()).add(b)
    for (a, b), how in sorted(why.items()):
        fa, fb = folder(a), folder(b)
        if LAYERS[fb] > LAYERS[fa]:
            problems.append(f"up: {a} {how}, in {fb}/ above {fa}/")
        elif fa != fb and LAYERS[fb] == LAYERS[fa]:
            problems.append(f"across: {a} {how}, {fa}/ and {fb}/ are one layer")
    for comp in loops(graph):
        links = [f"{a} {why[(a, b)]}" for a in comp for b in comp if (a, b) in why]
        problems.append("loop: " + " <-> ".join(comp) + "\n    " + "\n    ".join(links))
    for p in problems:
        print(p)
    print(f"layers: {len(why)} module dependencies, {len(problems)} problems", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
