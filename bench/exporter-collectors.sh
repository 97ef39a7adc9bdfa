#!/usr/bin/env bash
# What each of the exporter's collectors costs a scrape, with N real guests
# (default 20; KVM where hvscope sees VT-x/AMD-V, else TCG), each with a
# virtio disk, an interface and balloon statistics every second, as the
# peers' users run them: the median scrape time of hvscope with the core
# families only, with each collector on top, with every collector, and of
# Debian's prometheus-libvirt-exporter, all interleaved in one run (this
# machine's speed swings within seconds: only interleaved figures
# compare), with the ratios; the default collectors with the block group
# on the sample's own connection (default-c1) and dealt over the pool;
# every collector with the monitor-bound groups on 1, 2 and 4 connections;
# libvirt's own single-connection bulk call of the same groups
# (bench/libvirt_groups.c, kept connection): state, cpu-total, interface
# and block, whose figures the default families carry (raw4), and all six
# groups (raw6, what every collector carries); and the collectors' own
# durations (hvscope_scrape_collector_duration_seconds).  The defaults of
# hvscope-exporter(1) follow these figures.
#
# exporter-collectors.sh testdriver: the same for the collectors the test
# driver serves (iotune, numa, iothread, perf, dirtyrate, jobs and the defaults), with DOMAINS
# (default 1,000) domains of libvirt's test driver, each disk with I/O
# limits and each domain with a numatune, IOThreads and perf events
# (tests/make-node-xml.py tuned): no
# daemon, no guest; what a collector costs hvscope itself per domain, with
# the driver's own calls nearly free.
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
if [ "${1:-}" = testdriver ]; then
	tmp=$(mktemp -d)
	pids=()
	trap 'for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
	N=${DOMAINS:-1000}
	RUNS=${RUNS:-21}
	python3 "$(dirname "$0")/../tests/make-node-xml.py" "$tmp/node.xml" "$N" tuned
	port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
	median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	configs=(core iotune numa iothread perf dirtyrate jobs default)
	declare -A url
	for c in "${configs[@]}"; do
		case $c in
		core) args=(--no-collector.info --no-collector.inactive --no-collector.pools) ;;
		default) args=() ;;
		*) args=(--no-collector.info --no-collector.inactive --no-collector.pools "--collector.$c") ;;
		esac
		p=$(port)
		"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$p --connect "test://$tmp/node.xml" --check.interval 3600 "${args[@]}" 2>/dev/null &
		pids+=($!)
		url[$c]="http://127.0.0.1:$p/metrics"
	done
	for c in "${configs[@]}"; do
		for i in $(seq 100); do curl -fs -o /dev/null "${url[$c]}" && break; sleep 0.1; done
	done
	for ((r = 0; r < RUNS; r++)); do
		for c in "${configs[@]}"; do
			curl -fs -o /dev/null -w '%{time_total}\n' "${url[$c]}" >> "$tmp/t.$c"
		done
	done
	echo "$N test-driver domains, each with a disk with I/O limits, a numatune, IOThreads and perf events; median of $RUNS scrapes"
	base=$(median < "$tmp/t.core")
	printf '%-8s %10s %8s %12s   %s\n' config "median ms" "x core" "+ms/1000 dom" "collector's own duration (last scrape)"
	for c in "${configs[@]}"; do
		m=$(median < "$tmp/t.$c")
		own=$(curl -fs "${url[$c]}" | awk -F'[{}" ]+' '/^hvscope_scrape_collector_duration_seconds/ && $3 != "domains" { printf "%s %.1f ms  ", $3, $4 * 1000 }')
		printf '%-8s %10.1f %8.2f %12.1f   %s\n' "$c" "$(echo "$m * 1000" | bc -l)" "$(echo "$m / $base" | bc -l)" \
			"$(echo "($m - $base) * 1000 * 1000 / $N" | bc -l)" "$own"
	done
	exit 0
fi
N=${GUESTS:-20}
RUNS=${RUNS:-31}
PEER=$(command -v prometheus-libvirt-exporter || true)
tmp=$(mktemp -d)
pids=()
. "$(dirname "$0")/lib.sh"
names=()
cc -O2 -o "$tmp/groups" "$(dirname "$0")/libvirt_groups.c" $(pkg-config --cflags --libs libvirt)
cleanup() {
	for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
	for g in "${names[@]:-}"; do bench_guest_stop "$g"; done
	bench_daemons_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
chmod o+x "$tmp"
for i in $(seq "$N"); do
	g=$(printf 'hvcoll-%02d' "$i")
	truncate -s 16M "$tmp/$g.img"
	bench_guest "$g" "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$tmp/$g.img'/><target dev='vda' bus='virtio'/></disk><interface type='ethernet'><target dev='hvctap$i'/><model type='virtio'/></interface><memballoon model='virtio'><stats period='1'/></memballoon>" > /dev/null ||
		{ echo "no guest can run here" >&2; exit 1; }
	names+=("$g")
done
echo "$N guests ($(virsh -c qemu:///system dumpxml "${names[0]}" | sed -n "s/.*<domain type='\([a-z]*\)'.*/\1/p")), each with a disk, an interface and balloon statistics"

configs=(core "memory" "vcpu" "info" "jobs" "iotune" "numa" "iothread" "perf" "dirtyrate" "inactive" "pools" all-c1 all-c2 all default-c1 default)
declare -A url
for c in "${configs[@]}"; do
	case $c in
	core) args=(--no-collector.info --no-collector.jobs --no-collector.inactive --no-collector.pools) ;;
	all) args=(--collector.memory --collector.vcpu --collector.iotune --collector.numa --collector.iothread --collector.perf --collector.dirtyrate) ;;
	all-c*) args=(--collector.memory --collector.vcpu --collector.iotune --collector.numa --collector.iothread --collector.perf --collector.dirtyrate --libvirt.connections "${c#all-c}") ;;
	default-c1) args=(--libvirt.connections 1) ;;
	default) args=() ;;
	*) args=(--no-collector.info --no-collector.jobs --no-collector.inactive --no-collector.pools "--collector.$c" --libvirt.connections 1) ;;
	esac
	p=$(port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$p --connect qemu:///system --check.interval 3600 "${args[@]}" 2>/dev/null &
	pids+=($!)
	url[$c]="http://127.0.0.1:$p/metrics"
done
if [ -n "$PEER" ]; then
	p=$(port)
	"$PEER" --web.listen-address 127.0.0.1:$p --libvirt.uri qemu:///system > /dev/null 2>&1 &
	pids+=($!)
	url[peer]="http://127.0.0.1:$p/metrics"
	configs+=(peer)
fi
for c in "${configs[@]}"; do
	for i in $(seq 100); do curl -fs -o /dev/null "${url[$c]}" && break; sleep 0.1; done
	curl -fs -o /dev/null "${url[$c]}"
done
coproc RAW { "$tmp/groups" qemu:///system serve; }
for ((r = 0; r < RUNS; r++)); do
	for c in "${configs[@]}"; do
		curl -fs -o /dev/null -w '%{time_total}\n' "${url[$c]}" >> "$tmp/t.$c"
	done
	echo $((1 | 2 | 16 | 32)) >&"${RAW[1]}"; read -r ms <&"${RAW[0]}"; echo "$ms / 1000" | bc -l >> "$tmp/t.raw4"
	echo 63 >&"${RAW[1]}"; read -r ms <&"${RAW[0]}"; echo "$ms / 1000" | bc -l >> "$tmp/t.raw6"
done
base=$(median < "$tmp/t.core")
printf '%-10s %10s %8s   %s\n' config "median ms" "x core" "collector's own duration (last scrape)"
for c in "${configs[@]}" raw4 raw6; do
	m=$(median < "$tmp/t.$c")
	own=""
	[ "$c" != peer ] && [ "${c#raw}" = "$c" ] && own=$(curl -fs "${url[$c]}" | awk -F'[{}" ]+' '/^hvscope_scrape_collector_duration_seconds/ { printf "%s %.1f ms  ", $3, $4 * 1000 }')
	printf '%-10s %10.1f %8.2f   %s\n' "$c" "$(echo "$m * 1000" | bc -l)" "$(echo "$m / $base" | bc -l)" "$own"
done
if [ -n "$PEER" ]; then
	printf 'all collectors / peer: %.2f    default / peer: %.2f\n' "$(echo "$(median < "$tmp/t.all") / $(median < "$tmp/t.peer")" | bc -l)" \
		"$(echo "$(median < "$tmp/t.default") / $(median < "$tmp/t.peer")" | bc -l)"
fi
ratio() { printf '%.2f' "$(echo "$(median < "$tmp/t.$1") / $(median < "$tmp/t.$2")" | bc -l)"; }
echo "default / raw4 (one bulk call of the default families' groups, one connection): $(ratio default raw4)    default-c1 / raw4: $(ratio default-c1 raw4)"
echo "all collectors / raw6 (one bulk call of all six groups): $(ratio all raw6)"
