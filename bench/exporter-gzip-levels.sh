#!/usr/bin/env bash
# The gzip level of the exporter's answers, chosen by measurement: a
# 1,000-domain test-driver scrape (default collectors) is fetched once,
# then deflated in gzip's wrapper at levels 1, 3, 6 and 9 with zlib (the
# same library and the same 64 KiB pieces as exporter/gzip.c, through
# Python's zlib module), best of RUNS CPU times each: the compressed size,
# the CPU per scrape, and how both compare with level 1.
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
RUNS=${RUNS:-15}
tmp=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 "$(dirname "$0")/../tests/make-node-xml.py" "$tmp/node.xml" 1000
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$port --connect "test://$tmp/node.xml" --check.interval 3600 2>/dev/null &
pid=$!
for _ in $(seq 100); do curl -fs -o "$tmp/m" "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
python3 - "$tmp/m" "$RUNS" <<'PY'
import sys, time, zlib
text = open(sys.argv[1], "rb").read()
runs = int(sys.argv[2])
print(f"a 1,000-domain scrape: {len(text)} bytes of text; zlib {zlib.ZLIB_RUNTIME_VERSION}, best of {runs}")
base = None
for level in (1, 3, 6, 9):
    best, size = None, 0
    for _ in range(runs):
        t = time.process_time()
        z = zlib.compressobj(level, zlib.DEFLATED, 15 + 16)
        out = 0
        for i in range(0, len(text), 65536):
            out += len(z.compress(text[i:i + 65536]))
        out += len(z.flush())
        t = time.process_time() - t
        best = t if best is None or t < best else best
        size = out
    if base is None:
        base = (best, size)
    print(f"  level {level}: {size} bytes ({size / len(text) * 100:.1f}% of the text), {best * 1000:.1f} ms CPU; "
          f"vs level 1: {best / base[0]:.2f}x the CPU, {size / base[1]:.2f}x the bytes")
PY
