# The exporter's web side as Prometheus and its exporters have it: gzip
# when asked (curl --compressed, the raw bytes' gzip magic, Vary both
# ways, q=0 refused), several listeners (IPv4 and IPv6), the sockets of
# systemd-socket-activate, rate_limit from the web config (429, kept over
# SIGHUP, lifted by a new config, bad values at file:line:column),
# --web.max-requests (503 with node_exporter's body), and a real
# Prometheus scraping through a logging proxy: the scrape succeeds and
# went gzip-compressed both ways.
. "$(dirname "$0")/lib.sh"
need python3 curl prometheus systemd-socket-activate
python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null ||
	fail "no IPv6 loopback here: the listeners' test needs ::1"
P=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --web.listen-address "[::1]:$P" --connect test:///default \
	--check.interval 3600 2> "$TMP/exp.err" &
EXP=$!
PIDS+=($EXP)
wait_http "http://127.0.0.1:$P/healthz"
wait_http "http://[::1]:$P/healthz"
[ "$(grep -c 'listening on' "$TMP/exp.err")" = 2 ] || fail "two listeners announced: $(cat "$TMP/exp.err")"

# gzip both ways, on each listener
for base in "http://127.0.0.1:$P" "http://[::1]:$P"; do
	curl -fs --compressed -D "$TMP/gz.h" -o "$TMP/gz.txt" "$base/metrics" || fail "$base: curl --compressed"
	grep -qi '^Content-Encoding: gzip' "$TMP/gz.h" || fail "$base: --compressed got no gzip: $(cat "$TMP/gz.h")"
	grep -qi '^Vary: Accept-Encoding' "$TMP/gz.h" || fail "$base: no Vary with gzip"
	grep -qx 'hvscope_up 1' "$TMP/gz.txt" || fail "$base: the decompressed text has no hvscope_up 1"
	curl -fs -H 'Accept-Encoding: gzip' -o "$TMP/raw.gz" "$base/metrics"
	[ "$(head -c2 "$TMP/raw.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "$base: raw bytes lack gzip's magic"
	gzip -t < "$TMP/raw.gz" || fail "$base: the gzip stream is not whole"
	[ "$(gzip -dc < "$TMP/raw.gz" | grep -c '^# TYPE')" = "$(grep -c '^# TYPE' "$TMP/gz.txt")" ] || fail "$base: families differ"
	curl -fs -D "$TMP/id.h" -o "$TMP/id.txt" "$base/metrics"
	! grep -qi '^Content-Encoding' "$TMP/id.h" || fail "$base: compressed without Accept-Encoding"
	grep -qi '^Vary: Accept-Encoding' "$TMP/id.h" || fail "$base: no Vary without gzip"
	head -n1 "$TMP/id.txt" | grep -q '^# HELP' || fail "$base: identity answer is not text"
done
for ae in 'gzip;q=0' 'identity' '*;q=0' 'br, deflate' 'gzip;q=0, *'; do
	curl -fs -D "$TMP/q.h" -H "Accept-Encoding: $ae" -o "$TMP/q.txt" "http://127.0.0.1:$P/metrics"
	! grep -qi '^Content-Encoding' "$TMP/q.h" || fail "Accept-Encoding: $ae got $(grep -i '^Content-Encoding' "$TMP/q.h")"
	head -n1 "$TMP/q.txt" | grep -q '^# HELP' || fail "Accept-Encoding: $ae: not text"
done
for ae in 'gzip, deflate, br' 'x-gzip' '*' 'deflate;q=1, gzip;q=0.1'; do
	curl -fs -D "$TMP/q.h" -H "Accept-Encoding: $ae" -o /dev/null "http://127.0.0.1:$P/metrics"
	grep -qi '^Content-Encoding: gzip' "$TMP/q.h" || fail "Accept-Encoding: $ae got no gzip"
done
# HEAD says what GET would
curl -fsI -H 'Accept-Encoding: gzip' "http://127.0.0.1:$P/metrics" | grep -qi '^Content-Encoding: gzip' || fail "HEAD with gzip"
note "gzip with curl --compressed and raw (1f8b, gzip -t), Vary both ways, q=0 and others identity, on 127.0.0.1 and ::1"

# A real Prometheus, through a proxy that logs each connection's first
# request and answer headers.
PX=$(free_port)
cat > "$TMP/proxy.py" <<'PY'
import socket, sys, threading
listen, target, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
def pipe(src, dst, tag):
    first = True
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            if first:
                head = b.split(b"\r\n\r\n")[0].decode("latin-1")
                with lock, open(log, "a") as f:
                    f.write(f"{tag} {head!r}\n")
                first = False
            dst.sendall(b)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen))
srv.listen(16)
while True:
    c, _ = srv.accept()
    try:
        u = socket.create_connection(("127.0.0.1", target))
    except OSError:
        c.close()
        continue
    threading.Thread(target=pipe, args=(c, u, "request"), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c, "answer"), daemon=True).start()
PY
python3 "$TMP/proxy.py" $PX $P "$TMP/proxy.log" &
PIDS+=($!)
Q=$(free_port)
cat > "$TMP/prom.yml" <<Y
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: hvscope
    static_configs: [{targets: ["127.0.0.1:$PX"]}]
Y
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" --web.listen-address=127.0.0.1:$Q > "$TMP/prom.log" 2>&1 &
PROM=$!
PIDS+=($PROM)
wait_http "http://127.0.0.1:$Q/-/ready" 30
query() { curl -fs "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
for i in $(seq 100); do [ "$(query 'up{job="hvscope"}')" = 1 ] && break; sleep 0.2; done
[ "$(query 'up{job="hvscope"}')" = 1 ] || fail "Prometheus does not see the target up: $(tail -5 "$TMP/prom.log")"
[ "$(query 'hvscope_up')" = 1 ] || fail "hvscope_up in Prometheus"
[ "$(query 'hvscope_domain_memory_bytes{domain="test"}')" = 2147483648 ] || fail "domain memory in Prometheus"
grep '^request ' "$TMP/proxy.log" | grep -q 'GET /metrics.*Accept-Encoding: gzip' || fail "Prometheus did not ask for gzip: $(head -3 "$TMP/proxy.log")"
grep '^answer ' "$TMP/proxy.log" | grep -q "HTTP/1.1 200 OK.*Content-Encoding: gzip" || fail "the answers to Prometheus were not gzip: $(head -3 "$TMP/proxy.log")"
note "Prometheus scraped through the proxy: up 1, asked Accept-Encoding: gzip, got Content-Encoding: gzip"
kill $PROM
wait $PROM 2>/dev/null || true
kill $EXP
wait $EXP 2>/dev/null || true

# Socket activation: two sockets from systemd-socket-activate, one IPv4
# and one IPv6, served; SIGHUP keeps them.
S=$(free_port)
printf 'http_server_config:\n  headers:\n    X-Frame-Options: deny\n' > "$TMP/web0.yml"
systemd-socket-activate -l 127.0.0.1:$S -l "[::1]:$S" "$HVSCOPE" exporter --web.systemd-socket --connect test:///default \
	--check.interval 3600 --web.config.file "$TMP/web0.yml" 2> "$TMP/sa.err" &
SA=$!
PIDS+=($SA)
wait_http "http://127.0.0.1:$S/healthz"
for base in "http://127.0.0.1:$S" "http://[::1]:$S"; do
	curl -fs --compressed -D "$TMP/sa.h" -o "$TMP/sa.txt" "$base/metrics" || fail "$base: socket-activated scrape"
	grep -qx 'hvscope_up 1' "$TMP/sa.txt" && grep -qi '^Content-Encoding: gzip' "$TMP/sa.h" || fail "$base: socket-activated answer"
done
grep -q "listening on http://127.0.0.1:$S/metrics (from systemd)" "$TMP/sa.err" &&
	grep -q "listening on http://\[::1\]:$S/metrics (from systemd)" "$TMP/sa.err" || fail "systemd's sockets not announced: $(cat "$TMP/sa.err")"
kill -HUP $SA
for i in $(seq 50); do grep -q 'read again' "$TMP/sa.err" && break; sleep 0.1; done
curl -fs -o /dev/null "http://[::1]:$S/metrics" && curl -fs -o /dev/null "http://127.0.0.1:$S/metrics" || fail "after SIGHUP, systemd's sockets"
kill $SA
wait $SA 2>/dev/null || true
run_hv exporter --web.systemd-socket --connect test:///default 2> "$TMP/nosd.err"
[ "$RC" = 3 ] && grep -q 'no sockets from systemd' "$TMP/nosd.err" || fail "--web.systemd-socket without systemd: rc $RC, $(cat "$TMP/nosd.err")"
note "systemd-socket-activate: 127.0.0.1 and ::1 served, kept over SIGHUP; none passed: exit 3"

# rate_limit: a burst of 2, then 429 on any path; an unchanged config
# keeps its bucket over SIGHUP, interval 0 lifts it.
R=$(free_port)
printf 'rate_limit:\n  interval: 1h\n  burst: 2\n' > "$TMP/web.yml"
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$R --connect test:///default --check.interval 3600 \
	--web.config.file "$TMP/web.yml" 2> "$TMP/rl.err" &
RL=$!
PIDS+=($RL)
for i in $(seq 100); do grep -q 'listening on' "$TMP/rl.err" && break; sleep 0.1; done
code() { curl -s -o "$TMP/code.body" -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$R/metrics")" = 200 ] && [ "$(code "http://127.0.0.1:$R/healthz")" = 200 ] || fail "the burst of 2"
[ "$(code "http://127.0.0.1:$R/metrics")" = 429 ] || fail "third request not 429"
[ "$(cat "$TMP/code.body")" = "Too Many Requests" ] || fail "429 body: $(cat "$TMP/code.body")"
[ "$(code "http://127.0.0.1:$R/healthz")" = 429 ] || fail "the limit is on every path"
kill -HUP $RL
for i in $(seq 50); do grep -q 'read again' "$TMP/rl.err" && break; sleep 0.1; done
[ "$(code "http://127.0.0.1:$R/metrics")" = 429 ] || fail "an unchanged rate_limit got a fresh bucket on SIGHUP"
printf 'rate_limit:\n  interval: 0s\n  burst: 2\n' > "$TMP/web.yml"
kill -HUP $RL
for i in $(seq 50); do [ "$(grep -c 'read again' "$TMP/rl.err")" = 2 ] && break; sleep 0.1; done
for i in 1 2 3 4; do [ "$(code "http://127.0.0.1:$R/metrics")" = 200 ] || fail "interval 0 still limits"; done
kill $RL
wait $RL 2>/dev/null || true
printf 'rate_limit:\n  interval: fast\n  burst: 2\n' > "$TMP/bad.yml"
run_hv exporter --web.listen-address 127.0.0.1:$R --connect test:///default --web.config.file "$TMP/bad.yml" 2> "$TMP/bad.err"
[ "$RC" = 3 ] && grep -q "$TMP/bad.yml:2:13: rate_limit: interval 'fast' is not a duration" "$TMP/bad.err" ||
	fail "bad interval: rc $RC, $(cat "$TMP/bad.err")"
note "rate_limit: 2 then 429 'Too Many Requests' on any path, bucket kept over SIGHUP, interval 0 lifts it, a bad interval at 2:13"

# --web.max-requests 1: a scrape held by a client that reads nothing (a
# 2,000-domain answer, more than the socket buffers hold) keeps the slot;
# a second gets 503 with node_exporter's body; once the first goes away,
# scrapes are served again.
make_node_xml "$TMP/node.xml" 2000
M=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$M --connect "test://$TMP/node.xml" --check.interval 3600 \
	--web.max-requests 1 2> "$TMP/mr.err" &
MR=$!
PIDS+=($MR)
wait_http "http://127.0.0.1:$M/healthz" 30
# the holder: reads the status line, says so, then reads nothing more
python3 - "$M" "$TMP/held" <<'PY' &
import socket, sys, time
hold = socket.socket()
hold.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
hold.connect(("127.0.0.1", int(sys.argv[1])))
hold.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
open(sys.argv[2], "wb").write(hold.recv(12))
time.sleep(600)
PY
HOLD=$!
PIDS+=($HOLD)
for i in $(seq 100); do [ -s "$TMP/held" ] && break; sleep 0.1; done
grep -q '^HTTP/1.1 200' "$TMP/held" || fail "the held scrape did not start: $(cat "$TMP/held" 2>/dev/null)"
[ "$(code "http://127.0.0.1:$M/metrics")" = 503 ] || fail "a second scrape over --web.max-requests 1 was not 503"
[ "$(cat "$TMP/code.body")" = "Limit of concurrent requests reached (1), try again later." ] || fail "503 body: $(cat "$TMP/code.body")"
[ "$(code -D "$TMP/503.h" "http://127.0.0.1:$M/metrics")" = 503 ] && grep -qi '^X-Content-Type-Options: nosniff' "$TMP/503.h" ||
	fail "503 headers: $(cat "$TMP/503.h")"
[ "$(code "http://127.0.0.1:$M/healthz")" = 200 ] || fail "/healthz counted as a scrape"
kill $HOLD
wait $HOLD 2>/dev/null || true
for i in $(seq 100); do [ "$(code "http://127.0.0.1:$M/metrics")" = 200 ] && break; sleep 0.2; done
grep -qx 'hvscope_up 1' "$TMP/code.body" || fail "the slot was never given back"
note "--web.max-requests 1: a second scrape 503 with promhttp's body, /healthz not counted, served again once the first left"
kill $MR
wait $MR 2>/dev/null || true
