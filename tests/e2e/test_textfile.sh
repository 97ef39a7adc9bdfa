# node_exporter's textfile collector: hvscope check --output writes
# hvscope.prom atomically, Debian's prometheus-node-exporter reads the
# directory and a real Prometheus scrapes it: the check's series arrive and
# node_textfile_scrape_error stays 0, also while checks are killed in the
# middle of their run, which leave the old file whole and no temporary.
# The shipped units pass systemd-analyze verify.
. "$(dirname "$0")/lib.sh"
need prometheus promtool curl prometheus-node-exporter systemd-analyze strace
D=$TMP/textfile
mkdir -p "$D"
OUT=$D/hvscope.prom

# The units as the packages install them, each distribution's directory.
for dir in /var/lib/prometheus/node-exporter /var/lib/node_exporter/textfile_collector; do
	mkdir -p "$TMP/units"
	sed -e "s|/usr/bin/hvscope|$HVSCOPE|" -e "s|@TEXTFILE_DIR@|$dir|" "$TOP/contrib/systemd/hvscope-check.service" > "$TMP/units/hvscope-check.service"
	cp "$TOP/contrib/systemd/hvscope-check.timer" "$TMP/units/"
	mkdir -p "$TMP/man/man1"
	cp "$TOP"/man/*.1 "$TMP/man/man1/"
	(cd "$TMP/units" && MANPATH=$TMP/man systemd-analyze verify hvscope-check.timer hvscope-check.service) > "$TMP/v.log" 2>&1 || true
	[ ! -s "$TMP/v.log" ] || fail "systemd-analyze verify (TEXTFILE_DIR $dir): $(cat "$TMP/v.log")"
	grep -q "^Environment=HVSCOPE_TEXTFILE_DIR=$dir\$" "$TMP/units/hvscope-check.service" || fail "unit's directory"
done
note "systemd-analyze verify: hvscope-check.service and .timer clean, for Debian's and RHEL's directory"

# The report, in every format, through --output: exit code the verdict's,
# an existing file's mode kept, a new one 0644 under umask 022.
run_hv check --format json > "$TMP/stdout.json"
want=$RC
for f in text json junit prometheus; do
	rm -f "$D/r.$f"
	(umask 022 && "$HVSCOPE" check --format $f --output "$D/r.$f") > "$TMP/o.txt" 2>&1 && rc=0 || rc=$?
	[ "$rc" = "$want" ] || fail "check --format $f --output exited $rc, stdout run $want: $(cat "$TMP/o.txt")"
	[ ! -s "$TMP/o.txt" ] || fail "--output $f printed: $(cat "$TMP/o.txt")"
	[ "$(stat -c %a "$D/r.$f")" = 644 ] || fail "new --output file mode $(stat -c %a "$D/r.$f")"
	chmod 640 "$D/r.$f"
	"$HVSCOPE" check --format $f --output "$D/r.$f" > /dev/null 2>&1 || true
	[ "$(stat -c %a "$D/r.$f")" = 640 ] || fail "--output did not keep mode 640: $(stat -c %a "$D/r.$f")"
done
python3 - "$TMP/stdout.json" "$D/r.json" <<'PY' || fail "--output's JSON holds other verdicts than stdout's"
import json, sys
a, b = ([(c["id"], c["item"], c["verdict"]) for c in json.load(open(f))["checks"]] for f in sys.argv[1:])
assert a and a == b, (a, b)
PY
promtool check metrics < "$D/r.prometheus" > "$TMP/pc.log" 2>&1 || fail "promtool check metrics: $(cat "$TMP/pc.log")"
rm -f "$D"/r.*
# Errors name the path; nothing is written.
run_hv check --output "$TMP/no/such/dir/x.prom" 2> "$TMP/e.txt" > /dev/null
[ "$RC" = 3 ] && grep -q "$TMP/no/such/dir" "$TMP/e.txt" || fail "missing directory: exit $RC, $(cat "$TMP/e.txt")"
mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
if [ "$(id -u)" != 0 ]; then
	run_hv check --output "$TMP/ro/x.prom" 2> "$TMP/e.txt" > /dev/null
	[ "$RC" = 3 ] && grep -q "$TMP/ro.*ermission denied" "$TMP/e.txt" || fail "read-only directory: exit $RC, $(cat "$TMP/e.txt")"
elif id nobody > /dev/null 2>&1; then
	chmod 755 "$TMP"
	set +e
	su -s /bin/sh nobody -c "'$HVSCOPE' check --output '$TMP/ro/x.prom'" 2> "$TMP/e.txt" > /dev/null
	RC=$?
	set -e
	[ "$RC" = 3 ] && grep -q "$TMP/ro.*ermission denied" "$TMP/e.txt" || fail "read-only directory (as nobody): exit $RC, $(cat "$TMP/e.txt")"
fi
[ -z "$(ls -A "$TMP/ro")" ] || fail "left in a read-only directory: $(ls -A "$TMP/ro")"
note "--output: 4 formats, verdict exit code $want, modes 644 new / 640 kept, errors name the directory"

# node_exporter with only the textfile collector, and Prometheus on it.
"$HVSCOPE" check --format prometheus --output "$OUT" > /dev/null 2>&1 || true
NP=$(free_port)
prometheus-node-exporter --web.listen-address=127.0.0.1:$NP --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$D" > "$TMP/ne.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$NP/metrics" 20
curl -fs "http://127.0.0.1:$NP/metrics" > "$TMP/ne.txt"
grep -q '^hvscope_check_status{' "$TMP/ne.txt" || fail "node_exporter does not serve hvscope_check_status: $(grep -i hvscope "$TMP/ne.log" | tail -3)"
grep -qx 'node_textfile_scrape_error 0' "$TMP/ne.txt" || fail "node_exporter: $(grep textfile "$TMP/ne.txt"; tail -3 "$TMP/ne.log")"
Q=$(free_port)
cat > "$TMP/prom.yml" <<Y
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["127.0.0.1:$NP"]}]
Y
promtool check config "$TMP/prom.yml" > /dev/null || fail "prometheus config"
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" --web.listen-address=127.0.0.1:$Q > "$TMP/prom.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$Q/-/ready" 30
query() { curl -fs "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
for i in $(seq 100); do [ "$(query 'up{job="node"}')" = 1 ] && break; sleep 0.2; done
[ "$(query 'up{job="node"}')" = 1 ] || fail "Prometheus does not see node_exporter up: $(tail -5 "$TMP/prom.log")"
nchecks=$(grep -c '^hvscope_check_status{' "$OUT")
for i in $(seq 50); do [ "$(query 'count(hvscope_check_status{job="node"})')" = "$nchecks" ] && break; sleep 0.2; done
[ "$(query 'count(hvscope_check_status{job="node"})')" = "$nchecks" ] || fail "Prometheus holds $(query 'count(hvscope_check_status{job="node"})') of $nchecks check series"
[ "$(query 'sum(hvscope_check_results{job="node"})')" = "$nchecks" ] || fail "hvscope_check_results in Prometheus"
[ "$(query 'node_textfile_scrape_error{job="node"}')" = 0 ] || fail "node_textfile_scrape_error is not 0"
note "Prometheus through node_exporter: $nchecks hvscope_check_status series, node_textfile_scrape_error 0"

# Killed mid-run: padded rules make the run and the report longer (5,000
# more checks, 430 kB), so that signals land in the probes, the rules,
# the writing; strace holds one run in its fsync (all written, not yet in
# place) for a point inside the write itself.
mkdir "$TMP/pad"
python3 - "$TMP/pad" <<'PY'
import sys
for k in range(2):  # a rule file is capped at 1 MiB
    with open(f"{sys.argv[1]}/9{k}-pad.yaml", "w") as f:
        f.write("profile: kvm\nrules:\n")
        for i in range(k * 2500, (k + 1) * 2500):
            f.write(f"  - id: pad-{i}\n    title: Padding rule {i} for a long report\n    fact: virt.accel.kind\n"
                    f"    expect:\n      one_of: [vt-x, amd-v, pvm, none, tcg]\n    remedy: none needed\n")
PY
"$HVSCOPE" check --profile kvm --rules "$TMP/pad" --format prometheus --output "$OUT" > /dev/null 2>&1 || true
grep -q 'pad-4999' "$OUT" || fail "padded report incomplete"
old=$(sha256sum < "$OUT")
t0=$(date +%s%N)
"$HVSCOPE" check --profile kvm --rules "$TMP/pad" --format prometheus --output "$TMP/timing.prom" > /dev/null 2>&1 || true
T=$((($(date +%s%N) - t0) / 1000000))
rm -f "$TMP/timing.prom"
after_kill() { # SIGNAL POINT: the old file whole or a new one complete, nothing beside it
	local now
	now=$(sha256sum < "$OUT")
	if [ "$now" != "$old" ]; then
		tail -1 "$OUT" | grep -q '^hvscope_check_duration_seconds ' && grep -q 'pad-4999' "$OUT" ||
			fail "$1 at $2: hvscope.prom is neither the old file nor a whole new one ($(wc -c < "$OUT") bytes)"
		old=$now
		finished=$((finished + 1))
	fi
	[ "$(ls -A "$D")" = hvscope.prom ] || fail "$1 at $2 left: $(ls -A "$D" | tr '\n' ' ')"
}
kills=0
finished=0
for sig in TERM KILL; do
	for pct in 20 50 80 95 100 110; do
		delay=$(awk -v t="$T" -v p="$pct" 'BEGIN { printf "%.3f", t * p / 100000 }')
		"$HVSCOPE" check --profile kvm --rules "$TMP/pad" --format prometheus --output "$OUT" > /dev/null 2>&1 &
		p=$!
		sleep "$delay"
		kill -$sig $p 2> /dev/null || true
		wait $p 2> /dev/null || true
		after_kill SIG$sig "$pct% of ${T} ms"
		kills=$((kills + 1))
	done
	strace -f -o /dev/null -e trace=fsync -e inject=fsync:delay_enter=3000000 \
		"$HVSCOPE" check --profile kvm --rules "$TMP/pad" --format prometheus --output "$OUT" > /dev/null 2>&1 &
	s=$!
	for i in $(seq 300); do
		p=$(pgrep -P $s || true)
		[ -n "$p" ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$HVSCOPE")" ] &&
			grep -q '^State:.*t (tracing stop)' /proc/$p/status 2> /dev/null && ls -l /proc/$p/fd 2>/dev/null | grep -q "$D/#" && break
		p=
		sleep 0.05
	done
	[ -n "$p" ] || fail "strace never held the check in its fsync"
	kill -$sig $p
	wait $s 2> /dev/null || true
	after_kill SIG$sig "the fsync of the whole report"
	[ "$(sha256sum < "$OUT")" = "$old" ] || fail "SIG$sig in the fsync replaced the file"
	kills=$((kills + 1))
done
sleep 2
[ "$(query 'max_over_time(node_textfile_scrape_error{job="node"}[5m])')" = 0 ] || fail "node_textfile_scrape_error rose while checks were killed"
note "$kills runs killed by SIGTERM and SIGKILL (20%-110% of ${T} ms, and held in fsync): the old file whole or the new one complete ($finished finished), nothing left beside it; node_textfile_scrape_error stayed 0"
