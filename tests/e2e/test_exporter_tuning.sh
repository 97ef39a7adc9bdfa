# The exporter's tuning collectors on libvirt's test driver (no daemon),
# each value against virsh for the same domain: every disk's I/O limits
# (iotune) against `virsh blkdeviotune`, each domain's numatune mode and
# nodeset (numa) against `virsh numatune`, the host's free memory per
# NUMA node against `virsh freecell --all` (test:///default: a node file
# has no NUMA cells), each IOThread's affinity and polling (iothread)
# against `virsh iothreadinfo` and `virsh domstats --iothread`, each
# domain's perf events (perf) against `virsh perf`, and the count of
# domains with perf events, 0 on a node with none; off by default;
# promtool on the output.  The test driver gives no perf figures nor a
# job: their values are tested by the unit tests' golden text, the jobs'
# also live (test_exporter_jobs.sh).
. "$(dirname "$0")/lib.sh"
need python3 curl virsh promtool
N=6
make_node_xml "$TMP/node.xml" $N tuned
URI="test://$TMP/node.xml"

# exporter URI ARGS... -> one scrape in $TMP/m.txt
scrape_with() {
	local uri=$1 p pid
	shift
	p=$(free_port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$p --connect "$uri" --check.interval 3600 "$@" 2> "$TMP/exp.err" &
	pid=$!
	PIDS+=($pid)
	wait_http "http://127.0.0.1:$p/healthz"
	curl -fs -m 10 -o "$TMP/m.txt" "http://127.0.0.1:$p/metrics" || fail "scrape ($*)"
	kill $pid
	wait $pid 2> /dev/null || true
	promtool check metrics < "$TMP/m.txt" > "$TMP/lint.txt" 2>&1 || fail "promtool with $*: $(cat "$TMP/lint.txt")"
}
val() { awk -v k="$1" 'index($0, k) == 1 { print $NF }' "$TMP/m.txt"; }

scrape_with "$URI"
! grep -q 'hvscope_domain_block_limit_\|numa\|iothread\|perf' "$TMP/m.txt" || fail "iotune, numa, iothread or perf families with the collectors off by default"

scrape_with "$URI" --collector.iotune --collector.numa --collector.iothread --collector.perf
grep -qx 'hvscope_scrape_collector_success{collector="perf"} 1' "$TMP/m.txt" || fail "perf collector failed: $(grep collector= "$TMP/m.txt")"
grep -qx 'hvscope_scrape_collector_success{collector="iothread"} 1' "$TMP/m.txt" || fail "iothread collector failed: $(grep collector= "$TMP/m.txt")"
grep -qx 'hvscope_scrape_collector_success{collector="iotune"} 1' "$TMP/m.txt" || fail "iotune collector failed: $(grep collector= "$TMP/m.txt")"
grep -qx 'hvscope_scrape_collector_success{collector="numa"} 1' "$TMP/m.txt" || fail "numa collector failed: $(grep collector= "$TMP/m.txt")"
# virsh's field name -> hvscope's family and direction
fam() {
	local dir=${1%%_*} rest=${1#*_}
	case $dir in total | read | write) ;; *) return ;; esac # size_iops_sec, group_name: not exported
	case $rest in
	bytes_sec) echo "bytes_per_second $dir" ;;
	iops_sec) echo "requests_per_second $dir" ;;
	bytes_sec_max) echo "burst_bytes_per_second $dir" ;;
	iops_sec_max) echo "burst_requests_per_second $dir" ;;
	bytes_sec_max_length) echo "burst_bytes_length_seconds $dir" ;;
	iops_sec_max_length) echo "burst_requests_length_seconds $dir" ;;
	*) echo "" ;;
	esac
}
checked=0 nonzero=0 iothreads=0 polls=0 perfdoms=0
for i in $(seq 0 $((N - 1))); do
	d=$(printf 'dom%04d' "$i")
	u=$(virsh -c "$URI" domuuid "$d")
	L="domain=\"$d\",uuid=\"$u\",device=\"vda\""
	while IFS=: read -r field value; do
		field=$(echo "$field" | tr -d ' ') value=$(echo "$value" | tr -d ' ')
		set -- $(fam "$field")
		[ $# = 2 ] || continue
		got=$(val "hvscope_domain_block_limit_$1{$L,direction=\"$2\"}")
		[ "$got" = "$value" ] || fail "$d vda $field: exporter '$got', virsh blkdeviotune '$value'"
		checked=$((checked + 1))
		[ "$value" = 0 ] || nonzero=$((nonzero + 1))
	done < <(virsh -c "$URI" blkdeviotune "$d" vda)
	mode=$(virsh -c "$URI" numatune "$d" | awk -F': *' '$1 ~ /^numa_mode/ { print $2 }')
	set=$(virsh -c "$URI" numatune "$d" | awk -F': *' '$1 ~ /^numa_nodeset/ { print $2 }')
	grep -qx "hvscope_domain_numa_info{domain=\"$d\",uuid=\"$u\",mode=\"$mode\",nodeset=\"$set\"} 1" "$TMP/m.txt" ||
		fail "$d numatune: $(grep "numa_info{domain=\"$d\"" "$TMP/m.txt"), virsh $mode $set"
	want=$(virsh -c "$URI" perf "$d" | awk -F' *: *' '$2 == "enabled" { print $1 }' | sort | tr '\n' ' ')
	got=$(sed -n "s/^hvscope_domain_perf_event_enabled{domain=\"$d\",uuid=\"$u\",event=\"\([a-z_]*\)\"} 1\$/\1/p" "$TMP/m.txt" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "$d perf events: exporter '$got', virsh perf '$want'"
	[ -z "$want" ] || perfdoms=$((perfdoms + 1))
	while read -r id cpus; do
		grep -qx "hvscope_domain_iothread_info{domain=\"$d\",uuid=\"$u\",iothread=\"$id\",cpus=\"$cpus\"} 1" "$TMP/m.txt" ||
			fail "$d IOThread $id: $(grep "iothread_info{domain=\"$d\"" "$TMP/m.txt"), virsh iothreadinfo $cpus"
		iothreads=$((iothreads + 1))
	done < <(virsh -c "$URI" iothreadinfo "$d" | awk '$1 ~ /^[0-9]+$/ { print $1, $2 }')
	while IFS='=' read -r k v; do
		k=${k# *} id=${k#iothread.} f=${id#*.} id=${id%%.*}
		case $f in
		poll-max-ns) got=$(val "hvscope_domain_iothread_poll_max_seconds{domain=\"$d\",uuid=\"$u\",iothread=\"$id\"}")
			want=$(printf '%d.%09d' $((v / 1000000000)) $((v % 1000000000))) ;;
		poll-grow | poll-shrink) got=$(val "hvscope_domain_iothread_${f/-/_}{domain=\"$d\",uuid=\"$u\",iothread=\"$id\"}") want=$v ;;
		*) continue ;;
		esac
		[ "$got" = "$want" ] || fail "$d IOThread $id $f: exporter '$got', virsh domstats '$want'"
		polls=$((polls + 1))
	done < <(virsh -c "$URI" domstats --iothread "$d" | sed -n 's/^ *\(iothread\.[0-9].*\)/\1/p')
done
[ $iothreads -ge $N ] && [ $polls = $((iothreads * 3)) ] || fail "compared $iothreads IOThreads and $polls polling figures"
[ "$(val hvscope_perf_domains)" = $perfdoms ] && [ $perfdoms -gt 0 ] || fail "perf domains: exporter $(val hvscope_perf_domains), virsh $perfdoms"
note "perf: the enabled events of $N domains equal to virsh perf ($perfdoms with some)"
make_node_xml "$TMP/plain.xml" 3
scrape_with "test://$TMP/plain.xml" --collector.perf
[ "$(val hvscope_perf_domains)" = 0 ] && ! grep -q '^hvscope_domain_perf' "$TMP/m.txt" || fail "perf on domains without events: $(grep perf "$TMP/m.txt")"
note "iothread: $iothreads IOThreads' affinity equal to virsh iothreadinfo, $polls polling figures to virsh domstats --iothread"
[ $checked = $((N * 18)) ] || fail "compared $checked limits, want $((N * 18))"
[ $nonzero -ge $((N * 3)) ] || fail "only $nonzero limits set in the node file"
note "iotune: $checked limits of $N disks equal to virsh blkdeviotune ($nonzero set); numa: $N placements equal to virsh numatune"

# NUMA cells: test:///default has two
scrape_with test:///default --collector.numa
cells=0
while read -r node kib; do
	node=${node%:}
	[ "$node" = Total ] && continue
	got=$(val "hvscope_host_numa_node_memory_free_bytes{node=\"$node\"}")
	[ "$got" = $((kib * 1024)) ] || fail "node $node free: exporter '$got', virsh freecell $kib KiB"
	cells=$((cells + 1))
done < <(virsh -c test:///default freecell --all | awk '$1 ~ /^[0-9]+:$|^Total:$/ { print $1, $2 }')
[ $cells = 2 ] || fail "compared $cells NUMA nodes, want 2"
[ "$(grep -c '^hvscope_host_numa_node_memory_free_bytes{' "$TMP/m.txt")" = 2 ] || fail "NUMA node series: $(grep numa_node "$TMP/m.txt")"
note "numa: 2 nodes' free memory equal to virsh freecell --all"
