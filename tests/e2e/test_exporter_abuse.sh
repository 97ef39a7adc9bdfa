# The exporter against bad clients: malformed requests, oversized headers,
# slow clients holding connections (a scrape still gets through, and the
# server drops them after its timeout), and 10,000 scrapes with memory flat
# (under ASan in make check; its quarantine kept small so growth would show).
. "$(dirname "$0")/lib.sh"
need python3 curl
P=$(free_port)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1 \
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect test:///default --check.interval 3600 2> "$TMP/exp.err" &
EXP=$!
PIDS+=($EXP)
wait_http "http://127.0.0.1:$P/healthz"
python3 - "$P" <<'PY' || fail "bad clients"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
def raw(data, read=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    r = s.recv(200) if read else b""
    s.close()
    return r
def status(r):
    return int(r.split()[1]) if r.startswith(b"HTTP/") else 0
r = raw(b"GARBAGE\r\n\r\n")
assert r == b"" or status(r) == 400, ("malformed request line", r[:60])  # libmicrohttpd closes without a word
assert status(raw(b"GET /metrics HTTP/9.9\r\n\r\n")) >= 400, "bad HTTP version"
big = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n"
try:
    r = raw(big)
    assert r == b"" or status(r) >= 400, r[:80]
except (ConnectionResetError, BrokenPipeError):
    pass
# Ten slow clients trickling a request: a scrape still answers at once.
slow = []
for _ in range(10):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET /metrics HTTP/1.1\r\nHo")
    slow.append(s)
t = time.time()
body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
assert b"hvscope_up 1" in body and time.time() - t < 2, "scrape blocked by slow clients"
# The server drops them after its 15 s timeout.
deadline = time.time() + 25
closed = 0
for s in slow:
    s.settimeout(max(0.1, deadline - time.time()))
    try:
        if s.recv(100) == b"":
            closed += 1
    except (socket.timeout, ConnectionResetError):
        pass
assert closed == len(slow), f"only {closed} of {len(slow)} slow clients were dropped"
assert b"hvscope_up 1" in urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
print("  malformed request closed, bad version 505, oversized header refused, 10 slow clients dropped after the timeout, scrapes unaffected")
PY
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$EXP/status"; }
scrapes() { # N: N scrapes on one kept-alive connection, each 200
	python3 - "$P" "$1" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
for _ in range(int(sys.argv[2])):
    c.request("GET", "/metrics"); r = c.getresponse(); r.read()
    assert r.status == 200
PY
}
scrapes 2000
r1=$(rss)
scrapes 8000
r2=$(rss)
note "10,000 scrapes: RSS $r1 KiB after 2,000, $r2 KiB after 10,000"
[ $((r2 - r1)) -lt 4096 ] || fail "memory grew by $((r2 - r1)) KiB over 8,000 scrapes"
kill -TERM $EXP
wait $EXP || fail "exporter exit status $? (leaks or errors at exit?): $(tail -20 "$TMP/exp.err")"
