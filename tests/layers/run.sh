#!/usr/bin/env bash
# tools/layers.py on a small tree with one problem of each kind it must
# find (a call loop, an include up the layers, an include across one
# layer's folders), then on the same tree without them: it must fail the
# first and pass the second.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/core" "$tmp/src/probe" "$tmp/src/tui" "$tmp/src/exporter" "$tmp/obj/core" "$tmp/obj/probe"
cat > "$tmp/src/core/a.c" <<'C'
void b(void);
void a(void) { b(); }
C
cat > "$tmp/src/core/b.c" <<'C'
void a(void);
void b(void) { a(); }
C
printf '#include "probe/p.h"\n' > "$tmp/src/core/c.h"
printf 'void p(void);\n' > "$tmp/src/probe/p.h"
printf 'void p(void) {}\n' > "$tmp/src/probe/p.c"
printf '#include "exporter/e.h"\n' > "$tmp/src/tui/t.c"
printf '\n' > "$tmp/src/exporter/e.h"
for f in core/a core/b probe/p; do cc -c -o "$tmp/obj/$f.o" "$tmp/src/$f.c"; done
objs=("$tmp/obj/core/a.o" "$tmp/obj/core/b.o" "$tmp/obj/probe/p.o")
if LAYERS_TOP=$tmp/src python3 "$here/tools/layers.py" "$tmp/obj" "${objs[@]}" > "$tmp/out" 2>&1; then
	cat "$tmp/out"; echo "layers: passed a tree with a loop, an include up and one across"; exit 1
fi
for want in "loop: core/a <-> core/b" "up: core/c includes probe/p.h" "across: tui/t includes exporter/e.h"; do
	grep -qF "$want" "$tmp/out" || { cat "$tmp/out"; echo "layers: did not find '$want'"; exit 1; }
done
printf 'void b(void) {}\n' > "$tmp/src/core/b.c"
cc -c -o "$tmp/obj/core/b.o" "$tmp/src/core/b.c"
rm "$tmp/src/core/c.h" "$tmp/src/tui/t.c"
LAYERS_TOP=$tmp/src python3 "$here/tools/layers.py" "$tmp/obj" "${objs[@]}" > "$tmp/out" 2>&1 || { cat "$tmp/out"; echo "layers: failed a clean tree"; exit 1; }
echo "layers: finds a loop, an include up and one across; passes a clean tree"
