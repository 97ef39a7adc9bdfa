# The exporter against real guests under libvirtd: a stuck guest (its QEMU
# stopped) is reported in its own series while hvscope_up stays 1 and the
# other guests stay fresh, the block group asked on the pool's shares
# among them; a hung libvirtd (stopped) gives hvscope_up 0 in
# time; both recover.  A disk hot-plugged into a guest that had none shows
# (the exporter stops asking diskless guests for block counters); the RSS
# only with --collector.rss.
. "$(dirname "$0")/lib.sh"
need python3 curl qemu-system-x86_64 prometheus
start_libvirtd
GUESTS="hvx-a hvx-b hvx-c"
finish() {
	local g pid
	[ -n "${LVPID:-}" ] && kill -CONT "$LVPID" 2>/dev/null
	for g in $GUESTS; do
		pid=$(cat "/run/libvirt/qemu/$g.pid" 2>/dev/null || true)
		[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null || true
		virsh -c qemu:///system destroy "$g" >/dev/null 2>&1 || true
	done
	stop_libvirtd
	cleanup
}
trap finish EXIT
[ -n "${KEEP_ERR:-}" ] && trap 'cp "$TMP/exp.err" "$KEEP_ERR" 2>/dev/null; finish' EXIT
TYPE=$(kvm_or_qemu)
guest_create hvx-a "$TYPE"      # no disk: hot-plugged below
guest_create hvx-b "$TYPE" disk # stopped below: its monitor, asked for the disk's counters, does not answer
guest_create hvx-c "$TYPE" disk # shares the pool with hvx-b: its block share must answer
P=$(free_port)
# The block, balloon and vCPU groups spread over two pool connections (hvx-b
# and hvx-c each a block share): the stopped guest must not hold the
# others' figures there either.
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect qemu:///system --scrape.timeout 3 --deadline 700 \
	--check.interval 3600 --collector.vcpu --libvirt.connections 2 2> "$TMP/exp.err" &
PIDS+=($!)
wait_http "http://127.0.0.1:$P/healthz"
M="http://127.0.0.1:$P/metrics"
val() { grep "^$1" "$2" | awk '{print $NF}'; }
scrape() { # FILE: scrape, and fail if it took 4 s or more
	local t0 t1
	t0=$(date +%s.%N)
	curl -fs -m 10 -o "$1" "$M" || fail "scrape failed"
	t1=$(date +%s.%N)
	python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 4 else 1)" || fail "a scrape took $(python3 -c "print(round($t1 - $t0, 2))") s"
}
scrape "$TMP/0.txt"
[ "$(val 'hvscope_up ' "$TMP/0.txt")" = 1 ] || fail "hvscope_up"
! grep -q '^hvscope_domain_memory_rss_bytes' "$TMP/0.txt" || fail "an RSS series without --collector.rss"
# The host's memory is its own accounting (/proc/meminfo), not what
# virNodeGetInfo counts for guests.
mt=$(awk '/^MemTotal:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo)
[ "$(val 'hvscope_host_memory_bytes ' "$TMP/0.txt")" = "$mt" ] || fail "host memory $(val 'hvscope_host_memory_bytes ' "$TMP/0.txt"), /proc/meminfo $mt"
for m in user system idle iowait; do
	grep -q "^hvscope_host_cpu_seconds_total{mode=\"$m\"} [0-9]" "$TMP/0.txt" || fail "no host CPU seconds for $m"
done
note "host: memory $mt bytes as /proc/meminfo says (virNodeGetInfo: $(virsh -c qemu:///system nodeinfo | awk '/Memory size/ { printf "%.0f", $3 * 1024 }')), CPU seconds by mode"
# The block figures virsh gives for hvx-b's and hvx-c's disks (this second
# sample asks them on the pool's shares).
scrape "$TMP/0.txt"
vb=$(virsh -c qemu:///system domstats --block --raw hvx-b | awk -F= '/block.0.rd.bytes=/ { print $2 }')
[ "$(val 'hvscope_domain_block_read_bytes_total{domain="hvx-b",' "$TMP/0.txt")" = "$vb" ] || fail "hvx-b vda read bytes: $(grep 'block_read_bytes' "$TMP/0.txt"), virsh $vb"
vc=$(virsh -c qemu:///system domstats --block --raw hvx-c | awk -F= '/block.0.capacity=/ { print $2 }')
[ "$(val 'hvscope_domain_block_capacity_bytes{domain="hvx-c",' "$TMP/0.txt")" = "$vc" ] || fail "hvx-c vda capacity: $(grep 'block_capacity' "$TMP/0.txt"), virsh $vc"
! grep -q '^hvscope_domain_block_read_bytes_total{domain="hvx-a"' "$TMP/0.txt" || fail "block series for the diskless hvx-a"

# RSS where libvirt reports it (balloon.rss), with --collector.rss.
rss=$(virsh -c qemu:///system domstats --balloon --raw hvx-a | awk -F= '/balloon.rss=/ { print $2 }')
if [ -n "$rss" ]; then
	PR=$(free_port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$PR --connect qemu:///system --collector.rss --check.interval 3600 2>/dev/null &
	RPID=$!
	wait_http "http://127.0.0.1:$PR/healthz"
	curl -fs -m 10 -o "$TMP/rss.txt" "http://127.0.0.1:$PR/metrics" || fail "scrape with --collector.rss failed"
	kill $RPID
	wait $RPID 2>/dev/null || true
	ours=$(val 'hvscope_domain_memory_rss_bytes{domain="hvx-a"' "$TMP/rss.txt")
	[ -n "$ours" ] || fail "no RSS series with --collector.rss while libvirt reports balloon.rss"
	note "--collector.rss: hvx-a RSS $ours bytes (virsh: $rss KiB); none without it"
fi

# Default flags, both guests running (the collectors' pool path).
PD=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$PD --connect qemu:///system --check.interval 3600 2> "$TMP/def.err" &
DPID=$!
wait_http "http://127.0.0.1:$PD/healthz"
curl -fs -m 10 -o "$TMP/def.txt" "http://127.0.0.1:$PD/metrics" || fail "scrape with default flags: $(cat "$TMP/def.err")"
kill $DPID
wait $DPID 2>/dev/null || fail "the exporter with default flags exited badly: $(cat "$TMP/def.err")"
[ "$(grep -c '^hvscope_domain_state{domain="hvx-' "$TMP/def.txt")" = 3 ] && grep -qx 'hvscope_up 1' "$TMP/def.txt" ||
	fail "default flags: $(grep -E '^hvscope_up|^hvscope_domain_state' "$TMP/def.txt")"

pid=$(cat /run/libvirt/qemu/hvx-b.pid)
kill -STOP "$pid"
scrape "$TMP/1.txt"
sleep 1
scrape "$TMP/2.txt"
[ "$(val 'hvscope_up ' "$TMP/2.txt")" = 1 ] || fail "one stuck guest set hvscope_up to 0"
[ "$(val 'hvscope_domain_stats_stuck{domain="hvx-b"' "$TMP/2.txt")" = 1 ] || fail "hvx-b not reported stuck: $(grep stuck "$TMP/2.txt")"
[ "$(val 'hvscope_domain_stats_stuck{domain="hvx-a"' "$TMP/2.txt")" = 0 ] || fail "hvx-a reported stuck"
[ "$(val 'hvscope_domain_stats_stuck{domain="hvx-c"' "$TMP/2.txt")" = 0 ] || fail "hvx-c reported stuck"
grep -q '^hvscope_domain_block_read_bytes_total{domain="hvx-c",.*device="vda"' "$TMP/2.txt" || fail "hvx-c lost its block figures while hvx-b was stopped"
a1=$(val 'hvscope_domain_cpu_seconds_total{domain="hvx-a"' "$TMP/1.txt")
a2=$(val 'hvscope_domain_cpu_seconds_total{domain="hvx-a"' "$TMP/2.txt")
python3 -c "import sys; sys.exit(0 if $a2 > $a1 else 1)" || fail "hvx-a stopped updating ($a1 -> $a2)"
d1=$(val 'hvscope_domain_vcpu_delay_seconds_total{domain="hvx-a"' "$TMP/1.txt")
d2=$(val 'hvscope_domain_vcpu_delay_seconds_total{domain="hvx-a"' "$TMP/2.txt")
[ -n "$d2" ] || fail "hvx-a lost its vCPU figures while hvx-b was stopped: $(grep -E 'collector_success|vcpu_delay' "$TMP/2.txt")"
kill -CONT "$pid"
note "stopped QEMU: hvx-b stuck=1, hvx-a fresh ($a1 -> $a2 CPU s; vCPU delay over the pool ${d1:-none} -> $d2 s), hvscope_up 1, scrapes under 4 s"

# A disk hot-plugged into hvx-a, which had none: its counters show at the
# latest on the second scrape after (the device-added event arrives on its
# own time).
truncate -s 16M "$TMP/hot.img"
virsh -c qemu:///system attach-disk hvx-a "$TMP/hot.img" vdb --targetbus virtio --live > "$TMP/attach.log" 2>&1 || fail "attach-disk: $(cat "$TMP/attach.log")"
for i in 1 2 3; do
	scrape "$TMP/hot.txt"
	grep -q '^hvscope_domain_block_read_bytes_total{domain="hvx-a",.*device="vdb"' "$TMP/hot.txt" && break
	sleep 0.5
done
grep -q '^hvscope_domain_block_read_bytes_total{domain="hvx-a",.*device="vdb"' "$TMP/hot.txt" || fail "the hot-plugged vdb of hvx-a never showed: $(grep block_read "$TMP/hot.txt")"
note "hot-plugged disk: hvx-a vdb shown on scrape $i after attach-disk"

own_libvirtd "stopping and killing libvirtd"
LVPID=$LIBVIRTD_PID
kill -STOP "$LVPID"
# Scrapes waiting on the hung daemon hold their connections for the whole
# scrape timeout; /healthz still answers at once (a fixed pool of four HTTP
# threads all waiting left it none).
WAITING=()
for i in 1 2 3 4 5 6; do curl -s -m 10 -o /dev/null "$M" & WAITING+=($!); done
sleep 0.5
curl -fs -m 2 -o "$TMP/health.txt" "http://127.0.0.1:$P/healthz" || fail "/healthz did not answer while six scrapes waited on a hung libvirtd"
scrape "$TMP/3.txt"
for i in "${WAITING[@]}"; do wait "$i" 2>/dev/null || true; done
[ "$(val 'hvscope_up ' "$TMP/3.txt")" = 0 ] || fail "a hung libvirtd did not give hvscope_up 0"
promtool check metrics < "$TMP/3.txt" > "$TMP/lint.txt" 2>&1 || fail "promtool check metrics on the hvscope_up 0 answer: $(cat "$TMP/lint.txt")"
kill -CONT "$LVPID"
LVPID=
for i in $(seq 40); do
	curl -fs -m 10 -o "$TMP/4.txt" "$M"
	[ "$(val 'hvscope_up ' "$TMP/4.txt")" = 1 ] && break
	sleep 0.5
done
[ "$(val 'hvscope_up ' "$TMP/4.txt")" = 1 ] || fail "no recovery after libvirtd resumed: $(cat "$TMP/exp.err")"
note "stopped libvirtd: hvscope_up 0 within the scrape timeout; back to 1 after it resumed"

# libvirtd killed during scrapes, then started again.
kill -9 "$LIBVIRTD_PID"
scrape "$TMP/5.txt"
[ "$(val 'hvscope_up ' "$TMP/5.txt")" = 0 ] || fail "a killed libvirtd did not give hvscope_up 0"
restart_own_libvirtd
for i in $(seq 60); do
	curl -fs -m 10 -o "$TMP/6.txt" "$M"
	[ "$(val 'hvscope_up ' "$TMP/6.txt")" = 1 ] && grep -q '^hvscope_domain_state{domain="hvx-a"' "$TMP/6.txt" && break
	sleep 0.5
done
[ "$(val 'hvscope_up ' "$TMP/6.txt")" = 1 ] || fail "no recovery after libvirtd restarted"
note "killed libvirtd: hvscope_up 0, then 1 with the guests after it restarted (no exporter restart)"

# A real Prometheus holds the same values virsh domstats gives.
Q=$(free_port)
printf 'global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: hvscope\n    static_configs: [{targets: ["127.0.0.1:%s"]}]\n' "$P" > "$TMP/prom.yml"
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" --web.listen-address=127.0.0.1:$Q > "$TMP/prom.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$Q/-/ready" 30
query() { curl -fs "http://127.0.0.1:$Q/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
for i in $(seq 100); do [ "$(query 'hvscope_up')" = 1 ] && [ "$(query 'hvscope_domain_vcpus{domain="hvx-b"}')" != none ] && break; sleep 0.2; done
for g in $GUESTS; do
	ds=$(virsh -c qemu:///system domstats --raw --balloon --vcpu --cpu-total "$g")
	mem=$(echo "$ds" | awk -F= '/balloon.current=/ { print $2 * 1024 }')
	max=$(echo "$ds" | awk -F= '/balloon.maximum=/ { print $2 * 1024 }')
	vc=$(echo "$ds" | awk -F= '/vcpu.current=/ { print $2 }')
	cpu=$(echo "$ds" | awk -F= '/cpu.time=/ { print $2 / 1e9 }')
	[ "$(query "hvscope_domain_memory_bytes{domain=\"$g\"}")" = "$mem" ] || fail "$g memory: Prometheus $(query "hvscope_domain_memory_bytes{domain=\"$g\"}"), virsh $mem"
	[ "$(query "hvscope_domain_memory_max_bytes{domain=\"$g\"}")" = "$max" ] || fail "$g maximum memory"
	[ "$(query "hvscope_domain_vcpus{domain=\"$g\"}")" = "$vc" ] || fail "$g vCPUs"
	pc=$(query "hvscope_domain_cpu_seconds_total{domain=\"$g\"}")
	python3 -c "import sys; sys.exit(0 if abs($cpu - $pc) < 5 else 1)" || fail "$g CPU seconds: Prometheus $pc, virsh $cpu"
	note "$g: Prometheus holds memory $mem, max $max, vCPUs $vc, CPU ${pc}s (virsh ${cpu}s)"
done
