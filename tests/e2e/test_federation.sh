# contrib/prometheus/hvscope-federation.yml: promtool checks and unit
# tests; every metric it reduces is one hvscope serves; and two real
# Prometheus servers: the lower scrapes `hvscope exporter --connect
# test:///default` with the rules loaded, the upper federates the lower's
# /federate with match[] on the recorded names (man hvscope-exporter,
# FEDERATION): the per-host aggregates arrive with the host's job and
# instance, and no per-domain series does.
. "$(dirname "$0")/lib.sh"
need prometheus promtool curl python3
R=$TOP/contrib/prometheus/hvscope-federation.yml
promtool check rules "$R" > "$TMP/c.log" 2>&1 || fail "promtool check rules: $(cat "$TMP/c.log")"
(cd "$TOP/contrib/prometheus" && promtool test rules hvscope-federation.test.yml) > "$TMP/t.log" 2>&1 ||
	fail "promtool test rules: $(cat "$TMP/t.log")"

P=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect test:///default --collector.vcpu 2> "$TMP/exp.log" &
PIDS+=($!)
wait_http "http://127.0.0.1:$P/healthz"
for i in $(seq 50); do curl -fs "http://127.0.0.1:$P/metrics" > "$TMP/m.txt"; grep -q '^hvscope_check_results' "$TMP/m.txt" && break; sleep 0.2; done
python3 - "$TMP/m.txt" "$R" "$HVSCOPE" <<'PY' || fail "the rules use names hvscope does not serve"
import re, sys
served = {l.split()[2] for l in open(sys.argv[1]) if l.startswith("# TYPE ")}
binary = open(sys.argv[3], "rb").read()
used = set(re.findall(r"(?<![:\w])hvscope_[a-z_]+", " ".join(l.split("#")[0] for l in open(sys.argv[2]) if "expr:" in l)))
# the vCPU delay needs a scheduler's figures the test driver has not
missing = sorted(u for u in used if u not in served and u.encode() + b"\0" not in binary)
assert used and not missing, f"used but not served: {missing}"
PY

LQ=$(free_port)
UQ=$(free_port)
mkdir -p "$TMP/lower" "$TMP/upper"
cat > "$TMP/lower/prom.yml" <<Y
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$R"]
scrape_configs:
  - job_name: hvscope
    static_configs: [{targets: ["127.0.0.1:$P"]}]
Y
# The upper one exactly as the man page's example, but for its targets.
cat > "$TMP/upper/prom.yml" <<Y
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: federate-hvscope
    honor_labels: true
    metrics_path: /federate
    params:
      'match[]':
        - '{__name__=~"instance(_[a-z]+)?:hvscope_.+"}'
    static_configs: [{targets: ["127.0.0.1:$LQ"]}]
Y
grep -qF "'{__name__=~\"instance(_[a-z]+)?:hvscope_.+\"}'" "$TOP/man/hvscope-exporter.1" 2> /dev/null ||
	sed 's/\\-/-/g; s/\\(aq/'"'"'/g' "$TOP/man/hvscope-exporter.1" | grep -qF "'{__name__=~\"instance(_[a-z]+)?:hvscope_.+\"}'" ||
	fail "the man page's federation example has another match[] than this test"
for s in lower upper; do
	promtool check config "$TMP/$s/prom.yml" > "$TMP/$s/check.log" 2>&1 || fail "$s config: $(cat "$TMP/$s/check.log")"
done
prometheus --config.file="$TMP/lower/prom.yml" --storage.tsdb.path="$TMP/lower/tsdb" --web.listen-address=127.0.0.1:$LQ > "$TMP/lower/log" 2>&1 &
PIDS+=($!)
prometheus --config.file="$TMP/upper/prom.yml" --storage.tsdb.path="$TMP/upper/tsdb" --web.listen-address=127.0.0.1:$UQ > "$TMP/upper/log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$LQ/-/ready" 30
wait_http "http://127.0.0.1:$UQ/-/ready" 30
# query PORT EXPR: the first result's value, "none" without one
query() { curl -fs "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
up() { query $UQ "$1"; }
# A rate needs two scrapes in its window, then a rule evaluation, then a
# federation scrape.
H="{job=\"hvscope\",instance=\"127.0.0.1:$P\"}"
for i in $(seq 150); do [ "$(up "instance:hvscope_domain_cpu_seconds:rate5m$H")" != none ] && break; sleep 0.2; done
[ "$(up "instance:hvscope_domain_cpu_seconds:rate5m$H")" != none ] ||
	fail "no CPU aggregate above; lower: $(query $LQ 'up'), $(tail -3 "$TMP/lower/log"); upper: $(tail -3 "$TMP/upper/log")"
[ "$(up "instance:hvscope_domain_memory_bytes:sum$H")" = 2147483648 ] || fail "memory aggregate above: $(up "instance:hvscope_domain_memory_bytes:sum$H")"
[ "$(up 'instance_state:hvscope_domain_state:count{state="running"}')" = 1 ] || fail "domains by state above"
# The value above is one the lower recorded (its figures are promtool's
# to test: a 5m rate over the few seconds this test runs is a fraction of
# the test driver's one CPU second a second).
v=$(up "instance:hvscope_domain_cpu_seconds:rate5m$H")
curl -fs "http://127.0.0.1:$LQ/api/v1/query" --data-urlencode "query=instance:hvscope_domain_cpu_seconds:rate5m$H[1m]" |
	python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and sys.argv[1] in [x[1] for x in r[0]["values"]] and float(sys.argv[1]) > 0 else 1)' "$v" ||
	fail "CPU rate above, $v, is not one the lower recorded"
for n in instance:hvscope_domain_cpu_seconds:ratio_rate5m instance:hvscope_domain_memory_bytes:ratio \
	instance:hvscope_domain_block_read_bytes:rate5m instance:hvscope_domain_block_write_bytes:rate5m \
	instance:hvscope_domain_network_receive_bytes:rate5m instance:hvscope_domain_network_transmit_bytes:rate5m; do
	for i in $(seq 25); do [ "$(up "$n$H")" != none ] && break; sleep 0.2; done
	[ "$(up "$n$H")" != none ] || fail "$n does not arrive above"
done
# Readiness: the upper's counts by verdict equal the exporter's own.
want=$(awk '/^hvscope_check_results\{/ {s += $2} END {print s}' "$TMP/m.txt")
for i in $(seq 25); do [ "$(up "sum(instance_status:hvscope_check_results:sum$H)")" = "$want" ] && break; sleep 0.2; done
[ "$(up "sum(instance_status:hvscope_check_results:sum$H)")" = "$want" ] || fail "readiness counts above: $(up "sum(instance_status:hvscope_check_results:sum$H)") of $want"
# Nothing per domain went up: no hvscope_ series, nothing with a domain label.
[ "$(up 'count({__name__=~"hvscope_.+"})')" = none ] || fail "per-domain or raw series federated: $(up 'count({__name__=~"hvscope_.+"})')"
[ "$(up 'count({domain!=""})')" = none ] || fail "series with a domain label federated"
[ "$(query $LQ 'count({__name__=~"hvscope_domain_.+"})')" != none ] || fail "the lower one holds no per-domain series"
names=$(curl -fs "http://127.0.0.1:$UQ/api/v1/label/__name__/values" | python3 -c 'import json,sys; print(" ".join(n for n in json.load(sys.stdin)["data"] if ":" in n))')
note "upper Prometheus holds $(wc -w <<< "$names") aggregates ($names), CPU rate $v, no per-domain series"
