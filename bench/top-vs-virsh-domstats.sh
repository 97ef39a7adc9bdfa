#!/usr/bin/env bash
# The cost of one refresh of "hvscope top -b" against "virsh domstats"
# fetching the same data, on libvirt's test driver with 1,000 domains and,
# when libvirtd and QEMU can run here, on real guests.
#
# One refresh = (CPU of a run with N+1 samples - CPU of a run with 1) / N,
# so connecting and loading the node file are not counted; virsh runs its N
# domstats in one process ("domstats; domstats; ...") for the same reason.
# hvscope's own work is its refresh minus the libvirt calls it makes, timed
# in bench/bare_client.c.  Note that on the test driver virsh domstats gets
# only the state group (the driver has no bulk statistics), so there the
# per-domain calls hvscope adds make it slower than virsh by design; on real
# guests virsh asks for all six groups and hvscope for four of them, taking
# CPU time and vCPUs from virDomainGetInfo/GetVcpus (cheaper than the
# cpu-total and vcpu groups on QEMU).  Peak RSS is compared with a bare
# libvirt client on the same URI.  Medians of RUNS runs.
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
N=${N:-100}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/bare" "$here/bare_client.c" $(pkg-config --cflags --libs libvirt)

# cpu_rss CMD...: "user+sys seconds, peak RSS KiB" of one run.
cpu_rss() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{u.ru_utime + u.ru_stime:.6f} {u.ru_maxrss}")
PY
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench_uri() { # URI LABEL
	local uri=$1 label=$2 i
	local domstats="domstats --raw --state --cpu-total --balloon --vcpu --interface --block"
	local many="$domstats"
	for ((i = 1; i < N + 1; i++)); do many="$many; $domstats"; done
	: > "$tmp/h"; : > "$tmp/v"; : > "$tmp/l"; : > "$tmp/rss"
	for ((i = 0; i < RUNS; i++)); do
		read -r c1 r1 < <(cpu_rss "$HVSCOPE" top -b -i 1 --connect "$uri" --format csv)
		read -r cn rn < <(cpu_rss "$HVSCOPE" top -b -i $((N + 1)) -d 0.1 --connect "$uri" --format csv)
		read -r v1 _ < <(cpu_rss virsh -r -c "$uri" "$domstats")
		read -r vn _ < <(cpu_rss virsh -r -c "$uri" "$many")
		read -r _ rb < <(cpu_rss "$tmp/bare" "$uri")
		read -r b1 _ < <(cpu_rss "$tmp/bare" "$uri" fetch 1)
		read -r bn _ < <(cpu_rss "$tmp/bare" "$uri" fetch $((N + 1)))
		awk -v a="$cn" -v b="$c1" -v n="$N" 'BEGIN { print (a - b) / n * 1000 }' >> "$tmp/h"
		awk -v a="$bn" -v b="$b1" -v n="$N" 'BEGIN { print (a - b) / n * 1000 }' >> "$tmp/l"
		awk -v a="$vn" -v b="$v1" -v n="$N" 'BEGIN { print (a - b) / n * 1000 }' >> "$tmp/v"
		echo "$rn $rb" >> "$tmp/rss"
	done
	local h v l rss_top rss_bare
	h=$(median < "$tmp/h")
	l=$(median < "$tmp/l")
	v=$(median < "$tmp/v")
	rss_top=$(cut -d' ' -f1 "$tmp/rss" | median)
	rss_bare=$(cut -d' ' -f2 "$tmp/rss" | median)
	printf '%s (%s)\n' "$label" "$uri"
	printf '  one refresh, CPU: hvscope top -b %.2f ms, virsh domstats %.2f ms, ratio %.2fx, difference %+.2f ms\n' \
		"$h" "$v" "$(awk -v a="$h" -v b="$v" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$(awk -v a="$h" -v b="$v" 'BEGIN { print a - b }')"
	printf '  libvirt'"'"'s own calls for the same refresh (bench/bare_client.c): %.2f ms; hvscope'"'"'s own work: %+.2f ms\n' \
		"$l" "$(awk -v a="$h" -v b="$l" 'BEGIN { print a - b }')"
	printf '  peak RSS: hvscope top -b %d KiB, bare libvirt client %d KiB, above the floor %+d KiB\n' \
		"$rss_top" "$rss_bare" "$((rss_top - rss_bare))"
}

echo "hvscope top -b vs virsh domstats: $N refreshes per run, median of $RUNS runs"
python3 "$(dirname "$0")/../tests/make-node-xml.py" "$tmp/node.xml" 1000
bench_uri "test://$tmp/node.xml" "1,000 test-driver domains"

# The same split counted in instructions (callgrind: repeatable, whatever
# else the machine does).  Under callgrind a refresh runs many times
# slower, past the default deadline, which bounds the per-device calls
# too: a deadline out of reach keeps every domain asked.
if command -v valgrind >/dev/null; then
	ir() { valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" >/dev/null 2>&1; callgrind_annotate "$tmp/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }
	u="test://$tmp/node.xml"
	h1=$(ir "$HVSCOPE" top -b -i 1 --deadline 600000 --connect "$u" --format csv)
	hn=$(ir "$HVSCOPE" top -b -i 11 -d 0.1 --deadline 600000 --connect "$u" --format csv)
	b1=$(ir "$tmp/bare" "$u" fetch 1)
	bn=$(ir "$tmp/bare" "$u" fetch 11)
	awk -v h1="$h1" -v hn="$hn" -v b1="$b1" -v bn="$bn" 'BEGIN {
		h = (hn - h1) / 10; b = (bn - b1) / 10
		printf "  instructions per refresh: hvscope top -b %.1f M, libvirt'"'"'s own calls %.1f M, hvscope'"'"'s own work %.1f M (%.0f%%)\n", h / 1e6, b / 1e6, (h - b) / 1e6, 100 * (h - b) / h }'
fi
if [ "$(id -u)" = 0 ] && virsh -c qemu:///system version >/dev/null 2>&1; then
	n=$(virsh -c qemu:///system list --name | grep -c . || true)
	if [ "$n" -gt 0 ]; then
		bench_uri qemu:///system "$n real QEMU guests"
	else
		echo "qemu:///system: no running guests, skipped"
	fi
else
	echo "qemu:///system: libvirtd not running, skipped (start it and some guests to measure real guests)"
fi
