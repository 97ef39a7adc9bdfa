# hvscope exporter: the endpoints, the exposition format (promtool), a real
# Prometheus server scraping it, the readiness series, and the deadline
# against a stopped QEMU and a stopped libvirtd.
. "$(dirname "$0")/lib.sh"
need python3 curl promtool prometheus
P=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect test:///default --check.interval 3600 2> "$TMP/exp.err" &
PIDS+=($!)
wait_http "http://127.0.0.1:$P/healthz"
M="http://127.0.0.1:$P/metrics"

curl -fs "$M" > "$TMP/m.txt"
promtool check metrics < "$TMP/m.txt" || fail "promtool check metrics"
grep -qx 'hvscope_up 1' "$TMP/m.txt" || fail "hvscope_up"
grep -q '^hvscope_domain_memory_bytes{domain="test",uuid="6695eb01-f6a4-8304-79aa-97f2502e193f"} 2147483648$' "$TMP/m.txt" || fail "memory series"
grep -q '^hvscope_domain_vcpu_seconds_total{domain="test",uuid="[^"]*",vcpu="1"} ' "$TMP/m.txt" || fail "per-vCPU series"
grep -q '^hvscope_domain_network_receive_bytes_total{domain="test",uuid="[^"]*",device="testnet0"} ' "$TMP/m.txt" || fail "network series"
grep -q '^hvscope_domain_block_read_bytes_total{domain="test",uuid="[^"]*",device="vda"} ' "$TMP/m.txt" || fail "block series"
grep -q '^hvscope_build_info{version="' "$TMP/m.txt" || fail "build info"
grep -q '^process_resident_memory_bytes [0-9]' "$TMP/m.txt" || fail "process_ families"
# Readiness, from the last check run (the installed profiles).
for i in $(seq 50); do curl -fs "$M" | grep -q '^hvscope_check_status{' && break; sleep 0.2; done
curl -fs "$M" > "$TMP/m.txt"
grep -q '^hvscope_check_status{profile="kvm",check="tun",severity="fail",status="[a-z]*"} 1$' "$TMP/m.txt" || fail "readiness series"
grep -qx 'hvscope_check_up 1' "$TMP/m.txt" || fail "hvscope_check_up"
promtool check metrics < "$TMP/m.txt" || fail "promtool with the readiness series"
# Every family has HELP and TYPE.
python3 - "$TMP/m.txt" <<'PY' || fail "HELP/TYPE"
import re, sys
seen, helped, typed = set(), set(), set()
for l in open(sys.argv[1]):
    if l.startswith("# HELP "): helped.add(l.split()[2])
    elif l.startswith("# TYPE "): typed.add(l.split()[2])
    elif l.strip(): seen.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", l).group(0))
missing = [m for m in seen if m not in helped or m not in typed]
assert not missing, missing
PY

# OpenMetrics for scrapers that ask for it.
curl -fs -D "$TMP/om.h" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' "$M" > "$TMP/om.txt"
grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0' "$TMP/om.h" || fail "no OpenMetrics content type"
# What Debian's Prometheus 2.42 sends (seen with a listener of our own): the
# server below therefore reads hvscope through its OpenMetrics parser.
curl -fs -D "$TMP/om2.h" -o /dev/null -H 'Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' "$M"
grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0' "$TMP/om2.h" || fail "Prometheus' Accept header does not get OpenMetrics"
[ "$(tail -n1 "$TMP/om.txt")" = "# EOF" ] || fail "OpenMetrics must end with # EOF"
grep -qx '# TYPE hvscope_domain_cpu_seconds counter' "$TMP/om.txt" || fail "OpenMetrics counter family name"
grep -q '^hvscope_domain_cpu_seconds_total{' "$TMP/om.txt" || fail "OpenMetrics counter sample name"
! grep -q '^# TYPE [a-z_]*_total ' "$TMP/om.txt" || fail "a counter family still ends in _total"

# Methods and paths.
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$M")" = 405 ] || fail "POST is not 405"
curl -s -D - -o /dev/null -X DELETE "$M" | grep -qi '^Allow: GET, HEAD' || fail "no Allow header"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$M")" = 200 ] || fail "HEAD"
curl -fs "http://127.0.0.1:$P/" | grep -q "href=\"/metrics\"" || fail "landing page"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/nope")" = 404 ] || fail "404"
# Concurrent scrapes share samples and all answer.  A slow source (the
# 1,000-domain node, tens of ms a sample) makes them overlap.
make_node_xml "$TMP/node.xml" 1000 special
P2=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P2 --connect "test://$TMP/node.xml" --check.interval 3600 2> /dev/null &
PIDS+=($!)
wait_http "http://127.0.0.1:$P2/healthz"
M2="http://127.0.0.1:$P2/metrics"
before=$(curl -fs "$M2" | awk '/^hvscope_samples_total/ { print $2 }')
cpids=()
for i in 1 2 3 4 5 6 7 8; do curl -fs -o "$TMP/c$i.txt" "$M2" & cpids+=($!); done
wait "${cpids[@]}"
for i in 1 2 3 4 5 6 7 8; do grep -qx 'hvscope_up 1' "$TMP/c$i.txt" || fail "concurrent scrape $i"; done
after=$(curl -fs "$M2" | awk '/^hvscope_samples_total/ { print $2 }')
taken=$((after - before - 1))
[ "$taken" -lt 8 ] || fail "8 concurrent scrapes took $taken samples: none shared"
note "8 concurrent scrapes shared $taken samples"
# Names with a quote, a backslash, a newline, UTF-8: escaped, and promtool agrees.
curl -fs "$M2" > "$TMP/odd.txt"
promtool check metrics < "$TMP/odd.txt" || fail "promtool on odd names"
grep -qF 'hvscope_domain_memory_bytes{domain="q\"uote",' "$TMP/odd.txt" || fail "quote not escaped"
grep -qF 'hvscope_domain_memory_bytes{domain="back\\slash",' "$TMP/odd.txt" || fail "backslash not escaped"
grep -qF 'hvscope_domain_memory_bytes{domain="new\nline",' "$TMP/odd.txt" || fail "newline not escaped"
grep -qF 'hvscope_domain_memory_bytes{domain="ünïcødé-名前",' "$TMP/odd.txt" || fail "UTF-8 name"
[ "$(grep -c '^hvscope_domain_state{' "$TMP/odd.txt")" = 1000 ] || fail "1,000 domains"
# A text this long is written on a thread of its own, ahead of the
# sending: clients that go away in the middle, and HEAD, which reads
# none of it, leave the exporter answering whole texts.
python3 - "$P2" <<'PY' || fail "clients going away mid-text"
import socket, sys
for i in range(20):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    while len(got) < 4096 * (i + 1):
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
PY
for i in 1 2 3; do curl -fsI "$M2" | grep -qi '^content-type: text/plain' || fail "HEAD on 1,000 domains"; done
curl -fs -H 'Accept: application/openmetrics-text; version=1.0.0' "$M2" > "$TMP/odd-om.txt"
[ "$(tail -n1 "$TMP/odd-om.txt")" = "# EOF" ] && [ "$(grep -c '^hvscope_domain_state{' "$TMP/odd-om.txt")" = 1000 ] || fail "OpenMetrics, 1,000 domains"
curl -fs "$M2" > "$TMP/odd2.txt"
[ "$(grep -c '^hvscope_domain_state{' "$TMP/odd2.txt")" = 1000 ] && [ "$(grep -c '^# TYPE' "$TMP/odd2.txt")" = "$(grep -c '^# TYPE' "$TMP/odd.txt")" ] ||
	fail "a whole text after clients went away"

# A real Prometheus server scrapes it.
Q=$(free_port)
cat > "$TMP/prom.yml" <<Y
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: hvscope
    static_configs: [{targets: ["127.0.0.1:$P"]}]
  # 1,000 domains: a scrape of the sanitized build takes 0.6 to 0.9 s
  # here, too close to 1 s; this job is about names, not speed (bench/).
  - job_name: odd
    scrape_interval: 3s
    scrape_timeout: 3s
    static_configs: [{targets: ["127.0.0.1:$P2"]}]
Y
promtool check config "$TMP/prom.yml" > /dev/null || fail "prometheus config"
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" --web.listen-address=127.0.0.1:$Q > "$TMP/prom.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$Q/-/ready" 30
query() { curl -fs "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
for i in $(seq 100); do [ "$(query 'up{job="hvscope"}')" = 1 ] && break; sleep 0.2; done
[ "$(query 'up{job="hvscope"}')" = 1 ] || fail "Prometheus does not see the target up: $(tail -5 "$TMP/prom.log")"
[ "$(query 'hvscope_up')" = 1 ] || fail "hvscope_up in Prometheus"
[ "$(query 'hvscope_domain_memory_bytes{domain="test"}')" = 2147483648 ] || fail "domain memory in Prometheus"
for i in $(seq 100); do [ "$(query 'count(hvscope_domain_state{job="odd"})')" = 1000 ] && break; sleep 0.2; done
[ "$(query 'count(hvscope_domain_state{job="odd"})')" = 1000 ] || fail "Prometheus holds $(query 'count(hvscope_domain_state{job="odd"})') of 1,000 domains"
[ "$(query 'hvscope_domain_memory_bytes{job="odd",domain="q\"uote"}')" = 134217728 ] || fail "quoted name through Prometheus"
[ "$(query 'hvscope_domain_memory_bytes{job="odd",domain="new\nline"}')" = 402653184 ] || fail "newline name through Prometheus"
[ "$(query 'hvscope_domain_memory_bytes{job="odd",domain="ünïcødé-名前"}')" = 536870912 ] || fail "UTF-8 name through Prometheus"
# rate() over a window it has filled: with two points in it, Prometheus
# extrapolates only part of the way to the window's edges and says ~0.5.
for i in $(seq 100); do [ "$(query 'count_over_time(hvscope_domain_cpu_seconds_total{domain="test"}[5s])')" -ge 5 ] 2> /dev/null && break; sleep 0.2; done
v=$(query 'rate(hvscope_domain_cpu_seconds_total{domain="test"}[5s])')
# libvirt's test driver counts a domain's CPU time on the wall clock: one
# CPU second a second, whatever the host does.
python3 -c "import sys; v = float(sys.argv[1]); sys.exit(0 if 0.8 <= v <= 1.2 else 1)" "$v" 2>/dev/null ||
	fail "CPU rate of the test domain through Prometheus: $v (the test driver counts 1 CPU second a second)"
note "Prometheus scraped it: up 1, memory 2147483648, CPU rate $v"

# --web.config.file: TLS and bcrypt basic auth, as the exporter-toolkit
# files that Prometheus users already have.
need openssl
W=$TMP/web
mkdir -p "$W"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/server.key" -out "$W/server.crt" -days 2 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" > /dev/null 2>&1 || fail "openssl"
HASH=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))")
case "$HASH" in \$2b\$*) ;; *) fail "no bcrypt hash from python's crypt: $HASH" ;; esac
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: "%s"\n' "$HASH" > "$W/web.yml"
T=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$T --connect test:///default --web.config.file "$W/web.yml" 2> "$TMP/tls.err" &
PIDS+=($!)
for i in $(seq 50); do [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" "https://127.0.0.1:$T/healthz")" = 401 ] && break; sleep 0.1; done
U="https://127.0.0.1:$T/metrics"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" "$U")" = 401 ] || fail "no credentials: not 401"
curl -s -D - -o /dev/null --cacert "$W/server.crt" "$U" | grep -qi '^WWW-Authenticate: Basic realm="hvscope"' || fail "no Basic challenge"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" -u alice:wrong "$U")" = 401 ] || fail "a wrong password: not 401"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" -u mallory:s3cret "$U")" = 401 ] || fail "an unknown user: not 401"
curl -fs --cacert "$W/server.crt" -u alice:s3cret "$U" | grep -qx 'hvscope_up 1' || fail "TLS + basic auth scrape"
! curl -fs -o /dev/null "http://127.0.0.1:$T/metrics" 2>/dev/null || fail "plain HTTP answered on the TLS port"
note "TLS with the configured certificate; bcrypt basic auth: 401 without or with wrong credentials"

# Mutual TLS as sites let only Prometheus in: a CA made here, a client
# certificate it signed, one another CA signed, and none; TLS 1.3 only;
# the toolkit's headers; the config read again on SIGHUP.
mkca() { # NAME: NAME.key, NAME.crt (a CA)
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/$1.key" -out "$W/$1.crt" -days 2 -subj "/CN=$1" > /dev/null 2>&1 || fail "openssl CA $1"
}
mkclient() { # NAME CA
	openssl req -newkey rsa:2048 -nodes -keyout "$W/$1.key" -out "$W/$1.csr" -subj "/CN=$1" > /dev/null 2>&1 &&
		openssl x509 -req -in "$W/$1.csr" -CA "$W/$2.crt" -CAkey "$W/$2.key" -CAcreateserial -out "$W/$1.crt" -days 2 > /dev/null 2>&1 ||
		fail "openssl client $1"
}
mkca ca
mkca rogue
mkclient prometheus ca
mkclient intruder rogue
cat > "$W/mtls.yml" <<Y
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
  curve_preferences: [X25519, CurveP256]
  prefer_server_cipher_suites: true
http_server_config:
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
  http2: true
Y
M3P=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$M3P --connect test:///default --check.interval 3600 --web.config.file "$W/mtls.yml" 2> "$TMP/mtls.err" &
MPID=$!
PIDS+=($MPID)
MU="https://127.0.0.1:$M3P/metrics"
ok_cert=(--cacert "$W/server.crt" --cert "$W/prometheus.crt" --key "$W/prometheus.key")
for i in $(seq 50); do curl -fs -o /dev/null "${ok_cert[@]}" "$MU" && break; sleep 0.1; done
curl -fs -D "$TMP/h.txt" "${ok_cert[@]}" "$MU" | grep -qx 'hvscope_up 1' || fail "mTLS scrape with the CA's client certificate: $(cat "$TMP/mtls.err")"
grep -qi '^X-Frame-Options: deny' "$TMP/h.txt" && grep -qi '^Strict-Transport-Security: max-age=31536000' "$TMP/h.txt" ||
	fail "configured headers missing: $(cat "$TMP/h.txt")"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" "$MU" || true)
[ "$code" = 403 ] || fail "no client certificate: answered $code, not 403"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" --cert "$W/intruder.crt" --key "$W/intruder.key" "$MU" || true)
[ "$code" = 403 ] || fail "a client certificate of another CA: answered $code, not 403"
! curl -fs -o /dev/null "${ok_cert[@]}" --tls-max 1.2 "$MU" 2> /dev/null || fail "TLS 1.2 accepted with min_version TLS13"
note "mTLS: the CA's client answered, none and another CA's refused ($code); TLS 1.2 refused with min_version TLS13; headers set"
# SIGHUP: the same file, now without client certificates and with basic
# auth, is read again; a broken one keeps the last.
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: "%s"\n' "$HASH" > "$W/mtls.yml"
kill -HUP $MPID
for i in $(seq 50); do [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" -u alice:s3cret "$MU")" = 200 ] && break; sleep 0.1; done
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" -u alice:s3cret "$MU")" = 200 ] || fail "SIGHUP: new config not served: $(cat "$TMP/mtls.err")"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" "$MU")" = 401 ] || fail "SIGHUP: basic auth not in force"
printf 'basic_auth_users: [broken\n' > "$W/mtls.yml"
kill -HUP $MPID
sleep 0.5
kill -0 $MPID || fail "a broken config on SIGHUP stopped the exporter"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" -u alice:s3cret "$MU")" = 200 ] || fail "SIGHUP with a broken config lost the old one"
grep -q 'SIGHUP: .*mtls.yml:.*the old web config stays' "$TMP/mtls.err" || fail "broken config on SIGHUP not reported: $(cat "$TMP/mtls.err")"
note "SIGHUP: the web config read again; a broken one reported with file:line:column, the old kept"
# Reloads keep listening: scrapes in a loop through ten reloads all answer
# 200 (a connection refused would be 000); a config that loads but does not
# serve (a key that is not the certificate's) keeps the old one listening.
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: "%s"\n' "$HASH" > "$W/mtls.yml"
kill -HUP $MPID
sleep 0.5
( for i in $(seq 60); do curl -s -o /dev/null -w '%{http_code}\n' --cacert "$W/server.crt" -u alice:s3cret "$MU" || true; done ) > "$TMP/during.txt" &
loop=$!
for i in $(seq 10); do kill -HUP $MPID; sleep 0.2; done
wait $loop
[ "$(sort -u "$TMP/during.txt" | tr '\n' ' ')" = "200 " ] || fail "scrapes during reloads: $(sort "$TMP/during.txt" | uniq -c | tr '\n' ' ')"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: rogue.key\nbasic_auth_users:\n  alice: "%s"\n' "$HASH" > "$W/mtls.yml"
kill -HUP $MPID
sleep 0.5
kill -0 $MPID || fail "a config that does not serve stopped the exporter"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$W/server.crt" -u alice:s3cret "$MU")" = 200 ] || fail "a config that does not serve lost the old listener"
grep -Eq 'SIGHUP: .*(does not serve|the old web config stays)' "$TMP/mtls.err" || fail "a config that does not serve, not reported: $(tail -n 3 "$TMP/mtls.err")"
note "60 scrapes through 10 reloads: all 200; a key not the certificate's: reported, the old config serves on"
# SIGTERM right behind a SIGHUP is honoured.
kill -HUP $MPID
kill -TERM $MPID
for i in $(seq 100); do kill -0 $MPID 2> /dev/null || break; sleep 0.1; done
! kill -0 $MPID 2> /dev/null || fail "SIGTERM during a reload: still running after 10 s"
set +e
wait $MPID
rc=$?
set -e
[ "$rc" = 0 ] || fail "SIGTERM during a reload: exit $rc"
note "SIGTERM during a reload: stopped, exit 0"
# cipher_suites by Go's names, on TLS 1.2
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n' > "$W/ciph.yml"
CP=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$CP --connect test:///default --check.interval 3600 --web.config.file "$W/ciph.yml" 2> "$TMP/ciph.err" &
PIDS+=($!)
CU="https://127.0.0.1:$CP/healthz"
for i in $(seq 50); do curl -fs -o /dev/null --cacert "$W/server.crt" --ciphers ECDHE-RSA-AES256-GCM-SHA384 "$CU" && break; sleep 0.1; done
curl -fs -o /dev/null --cacert "$W/server.crt" --ciphers ECDHE-RSA-AES256-GCM-SHA384 "$CU" || fail "the configured suite refused: $(cat "$TMP/ciph.err")"
! curl -fs -o /dev/null --cacert "$W/server.crt" --ciphers ECDHE-RSA-AES128-GCM-SHA256 "$CU" 2> /dev/null || fail "a suite not configured was accepted"
note "cipher_suites: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 accepted, AES-128-GCM refused"

# Bad web configs: file:line:column, exit 3, nothing listening.
printf 'tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n' > "$W/bad1.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n' > "$W/bad2.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14\n' > "$W/bad5.yml"
printf 'basic_auth_users:\n  bob: plaintext\n' > "$W/bad3.yml"
printf 'http_server_config:\n  headers:\n    Set-Cookie: x\n' > "$W/bad4.yml"
for b in "bad1.yml:2:14: cert_file: " "bad2.yml:4:21: client_auth_type RequireAndVerifyClientCert needs client_ca_file" \
	"bad3.yml:2:8: the password of 'bob' must be a bcrypt hash" "bad4.yml:3:5: headers: 'Set-Cookie' is not one of" \
	"bad5.yml:4:16: min_version: 'TLS14' is not one of TLS10, TLS11, TLS12, TLS13"; do
	f=${b%%:*}
	run_hv exporter --web.listen-address 127.0.0.1:$(free_port) --web.config.file "$W/$f" 2> "$TMP/bad.err"
	[ "$RC" = 3 ] || fail "$f: exit $RC"
	grep -qF "$W/$b" "$TMP/bad.err" || fail "$f: $(cat "$TMP/bad.err")"
done
run_hv exporter --web.listen-address nonsense 2> "$TMP/bad.err"
[ "$RC" = 3 ] && grep -q "give host:port or :port" "$TMP/bad.err" || fail "bad listen address"
