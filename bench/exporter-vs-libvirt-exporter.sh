#!/usr/bin/env bash
# hvscope exporter against Debian's prometheus-libvirt-exporter on the same
# libvirt URI: scrape latency (median of RUNS interleaved scrapes), the
# exporter's CPU time per scrape and its peak RSS, and the ratios.  URIs: a
# 1,000-domain test-driver node (with the default collectors, and with only
# those whose families the peer has too), and qemu:///system when guests
# run there.
# Also: p99 latency, throughput under 4 concurrent scrapers (wrk), and the
# metric families each exports that the other does not.
# First, as Prometheus scrapes (bench_gzip): its own request headers,
# Accept-Encoding: gzip included, so both exporters compress; latency,
# bytes on the wire and CPU per scrape, interleaved.  ONLY=gzip: that
# part alone.
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
RUNS=${RUNS:-101}
WRK_SECONDS=${WRK_SECONDS:-5}
PEER=$(command -v prometheus-libvirt-exporter || true)
[ -n "$PEER" ] || { echo "prometheus-libvirt-exporter is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
. "$(dirname "$0")/lib.sh"
trap 'for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; bench_guest_stop hvbench-exp; bench_daemons_stop; rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/groups" "$(dirname "$0")/libvirt_groups.c" $(pkg-config --cflags --libs libvirt)
cc -O2 -o "$tmp/bare" "$(dirname "$0")/bare_client.c" $(pkg-config --cflags --libs libvirt)
cc -O2 -o "$tmp/static" "$(dirname "$0")/static_http.c" $(pkg-config --cflags --libs libmicrohttpd)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hwm_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The headers Debian's Prometheus (2.42) sends with every scrape, as a
# listening socket records them (tests/e2e/test_exporter_web.sh checks
# that Prometheus does send Accept-Encoding: gzip).
PROM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
PROM_HEADERS=(-H "Accept: $PROM_ACCEPT" -H 'Accept-Encoding: gzip' -H 'User-Agent: Prometheus/2.42.0+ds' -H 'X-Prometheus-Scrape-Timeout-Seconds: 10')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

# One scrape as Prometheus makes it: "seconds wire-bytes content-encoding"
# (curl does not decode: size_download is what came over the socket, plus
# size_header).
prom_scrape() {
	curl -fs -o /dev/null "${PROM_HEADERS[@]}" -w '%{time_total} %{size_download} %{size_header} %header{content-encoding}\n' "$1" |
		awk '{ print $1, $2 + $3, ($4 == "" ? "identity" : $4) }'
}

bench_gzip() { # URI LABEL [HVSCOPE EXPORTER FLAGS...]
	local uri=$1 label=$2 ph pp i hz
	shift 2
	ph=$(port); pp=$(port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$ph --connect "$uri" --check.interval 3600 "$@" 2>/dev/null &
	local hpid=$!; pids+=($hpid)
	"$PEER" --web.listen-address 127.0.0.1:$pp --libvirt.uri "$uri" > /dev/null 2>&1 &
	local ppid=$!; pids+=($ppid)
	for i in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$ph/metrics" && curl -fs -o /dev/null "http://127.0.0.1:$pp/metrics" && break; sleep 0.1; done
	# a few scrapes each to warm both up (the first sample, Go's heap)
	for i in 1 2 3; do prom_scrape "http://127.0.0.1:$ph/metrics" > /dev/null; prom_scrape "http://127.0.0.1:$pp/metrics" > /dev/null; done
	: > "$tmp/gh"; : > "$tmp/gp"
	local hc=0 pc=0 a b
	for ((i = 0; i < RUNS; i++)); do
		# CPU of each exporter over its own scrape only: ticks before
		# and after (the other one idles meanwhile)
		a=$(cpu_ticks $hpid); prom_scrape "http://127.0.0.1:$ph/metrics" >> "$tmp/gh"; b=$(cpu_ticks $hpid); hc=$((hc + b - a))
		a=$(cpu_ticks $ppid); prom_scrape "http://127.0.0.1:$pp/metrics" >> "$tmp/gp"; b=$(cpu_ticks $ppid); pc=$((pc + b - a))
	done
	hz=$(getconf CLK_TCK)
	local hl pl h99 p99 hw pw hcs pcs he pe
	hl=$(awk '{ print $1 * 1000 }' "$tmp/gh" | median); pl=$(awk '{ print $1 * 1000 }' "$tmp/gp" | median)
	h99=$(awk '{ print $1 * 1000 }' "$tmp/gh" | sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }')
	p99=$(awk '{ print $1 * 1000 }' "$tmp/gp" | sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }')
	hw=$(awk '{ print $2 }' "$tmp/gh" | median); pw=$(awk '{ print $2 }' "$tmp/gp" | median)
	he=$(awk '{ print $3 }' "$tmp/gh" | sort | uniq -c | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }')
	pe=$(awk '{ print $3 }' "$tmp/gp" | sort | uniq -c | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }')
	hcs=$(awk -v t="$hc" -v n="$RUNS" -v hz="$hz" 'BEGIN { print t / hz / n * 1000 }')
	pcs=$(awk -v t="$pc" -v n="$RUNS" -v hz="$hz" 'BEGIN { print t / hz / n * 1000 }')
	printf '%s (%s), as Prometheus scrapes (its Accept header, Accept-Encoding: gzip), %d interleaved scrapes each\n' "$label" "$uri" "$RUNS"
	printf '  answers: hvscope %s; prometheus-libvirt-exporter %s\n' "$he" "$pe"
	printf '  scrape latency (median): hvscope %.1f ms, prometheus-libvirt-exporter %.1f ms: hvscope %sx faster\n' "$hl" "$pl" "$(ratio "$pl" "$hl")"
	printf '  scrape latency (p99): hvscope %.1f ms, prometheus-libvirt-exporter %.1f ms: %sx\n' "$h99" "$p99" "$(ratio "$p99" "$h99")"
	printf '  bytes on the wire (median, headers and compressed body): hvscope %d, prometheus-libvirt-exporter %d: %sx\n' "$hw" "$pw" "$(ratio "$pw" "$hw")"
	printf '  exporter CPU per scrape (user+system, %d scrapes): hvscope %.1f ms, prometheus-libvirt-exporter %.1f ms: %sx less\n' \
		"$RUNS" "$hcs" "$pcs" "$(ratio "$pcs" "$hcs")"
	kill $hpid $ppid 2>/dev/null || true
	wait $hpid $ppid 2>/dev/null || true
}

bench_uri() { # URI LABEL [HVSCOPE EXPORTER FLAGS...]
	local uri=$1 label=$2 ph pp i
	shift 2
	ph=$(port); pp=$(port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$ph --connect "$uri" --check.interval 3600 "$@" 2>/dev/null &
	local hpid=$!; pids+=($hpid)
	"$PEER" --web.listen-address 127.0.0.1:$pp --libvirt.uri "$uri" > /dev/null 2>&1 &
	local ppid=$!; pids+=($ppid)
	for i in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$ph/metrics" && curl -fs -o /dev/null "http://127.0.0.1:$pp/metrics" && break; sleep 0.1; done
	# Each scrape's body goes to /dev/null, as a scraper's would after
	# parsing: curl writing 2.5 MB into a file here cost ~3 ms a scrape
	# (a static 2.5 MB answer from libmicrohttpd: 1.5 ms to /dev/null,
	# 4.3 ms to a file), which is neither exporter's.  The bodies are
	# fetched once more after the timed scrapes, for their sizes and
	# families.
	# The raw libvirt calls for the same data on a kept connection
	# (bench/bare_client.c makes the calls the backend makes, keeping
	# nothing), one refresh before each pair of scrapes: this machine's
	# speed swings by 2x within seconds, so only interleaved figures
	# compare.
	coproc BARE { "$tmp/bare" "$uri" serve; }
	# hvscope's text served as it is, by bench/static_http.c: what
	# sending it costs with nothing computed.
	local ps; ps=$(port)
	curl -fs -o "$tmp/hm" "http://127.0.0.1:$ph/metrics"
	"$tmp/static" "$tmp/hm" "$ps" & local spid=$!; pids+=($spid)
	for i in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$ps/" && break; sleep 0.1; done
	local hc0 pc0 hsz psz raw_ms
	hc0=$(cpu_ticks $hpid); pc0=$(cpu_ticks $ppid)
	: > "$tmp/h"; : > "$tmp/p"; : > "$tmp/r"; : > "$tmp/hr"; : > "$tmp/s"; : > "$tmp/hrs"
	for ((i = 0; i < RUNS; i++)); do
		echo go >&"${BARE[1]}"
		read -r raw_ms <&"${BARE[0]}"
		echo "$raw_ms" >> "$tmp/r"
		curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$ph/metrics" >> "$tmp/h"
		curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$pp/metrics" >> "$tmp/p"
		curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$ps/metrics" >> "$tmp/s"
		# this scrape over the refresh just before it, and over that
		# refresh plus sending the same text statically
		awk -v h="$(tail -n1 "$tmp/h")" -v r="$raw_ms" 'BEGIN { print h * 1000 / r }' >> "$tmp/hr"
		awk -v h="$(tail -n1 "$tmp/h")" -v r="$raw_ms" -v s="$(tail -n1 "$tmp/s")" 'BEGIN { print h * 1000 / (r + s * 1000) }' >> "$tmp/hrs"
	done
	eval "exec ${BARE[1]}>&-"
	wait "$BARE_PID" 2>/dev/null || true
	kill $spid 2>/dev/null || true
	local hc pc hz
	hz=$(getconf CLK_TCK)
	hc=$(awk -v a="$(cpu_ticks $hpid)" -v b="$hc0" -v n="$RUNS" -v hz="$hz" 'BEGIN { print (a - b) / hz / n * 1000 }')
	pc=$(awk -v a="$(cpu_ticks $ppid)" -v b="$pc0" -v n="$RUNS" -v hz="$hz" 'BEGIN { print (a - b) / hz / n * 1000 }')
	curl -fs -o "$tmp/hm" "http://127.0.0.1:$ph/metrics"
	curl -fs -o "$tmp/pm" "http://127.0.0.1:$pp/metrics"
	local hl pl h99 p99
	hl=$(median < "$tmp/h"); pl=$(median < "$tmp/p")
	h99=$(sort -g "$tmp/h" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }')
	p99=$(sort -g "$tmp/p" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }')
	hsz=$(wc -c < "$tmp/hm"); psz=$(wc -c < "$tmp/pm")
	printf '%s (%s), %d scrapes each\n' "$label" "$uri" "$RUNS"
	printf '  scrape latency (median): hvscope %.1f ms, prometheus-libvirt-exporter %.1f ms, ratio %.2fx\n' \
		"$(awk -v v="$hl" 'BEGIN { print v * 1000 }')" "$(awk -v v="$pl" 'BEGIN { print v * 1000 }')" "$(awk -v a="$hl" -v b="$pl" 'BEGIN { print (b > 0 ? a / b : 0) }')"
	printf '  scrape latency (p99): hvscope %.1f ms, prometheus-libvirt-exporter %.1f ms\n' \
		"$(awk -v v="$h99" 'BEGIN { print v * 1000 }')" "$(awk -v v="$p99" 'BEGIN { print v * 1000 }')"
	printf '  exporter CPU per scrape: hvscope %.1f ms, prometheus-libvirt-exporter %.1f ms\n' "$hc" "$pc"
	printf '  peak RSS: hvscope %d KiB, prometheus-libvirt-exporter %d KiB; response %d vs %d bytes\n' \
		"$(hwm_kib $hpid)" "$(hwm_kib $ppid)" "$hsz" "$psz"
	if command -v wrk >/dev/null; then
		local hr pr
		hr=$(wrk -t2 -c4 -d${WRK_SECONDS}s --timeout 10s "http://127.0.0.1:$ph/metrics" 2>/dev/null | awk '/Requests\/sec/ { print $2 }')
		pr=$(wrk -t2 -c4 -d${WRK_SECONDS}s --timeout 10s "http://127.0.0.1:$pp/metrics" 2>/dev/null | awk '/Requests\/sec/ { print $2 }')
		printf '  throughput, 4 concurrent scrapers (wrk, %s s): hvscope %s scrapes/s, prometheus-libvirt-exporter %s scrapes/s\n' \
			"$WRK_SECONDS" "$hr" "$pr"
	fi
	printf '  peak RSS after that: hvscope %d KiB, prometheus-libvirt-exporter %d KiB\n' "$(hwm_kib $hpid)" "$(hwm_kib $ppid)"
	grep '^# TYPE' "$tmp/hm" | awk '{ print $3 }' | sort -u > "$tmp/hf"
	grep '^# TYPE' "$tmp/pm" | awk '{ print $3 }' | sort -u > "$tmp/pf"
	printf '  families: hvscope %d, prometheus-libvirt-exporter %d\n' "$(wc -l < "$tmp/hf")" "$(wc -l < "$tmp/pf")"
	printf '    the peer'"'"'s: %s\n' "$(tr '\n' ' ' < "$tmp/pf")"
	printf '  the raw libvirt calls for that data (bench/bare_client.c, kept connection, interleaved): %.1f ms a refresh (median); hvscope scrape / raw: %.2fx (median of each scrape over the refresh before it)\n' \
		"$(median < "$tmp/r")" "$(median < "$tmp/hr")"
	printf '  the same text sent by a static server (bench/static_http.c, libmicrohttpd, interleaved): %.1f ms (median); hvscope scrape / (raw + that): %.2fx\n' \
		"$(awk -v v="$(median < "$tmp/s")" 'BEGIN { print v * 1000 }')" "$(median < "$tmp/hrs")"
	echo "  libvirt's cost per statistics group on this URI (best of 15, bench/libvirt_groups.c):"
	"$tmp/groups" "$uri"
	kill $hpid $ppid 2>/dev/null || true
	wait $hpid $ppid 2>/dev/null || true
}

python3 "$(dirname "$0")/../tests/make-node-xml.py" "$tmp/node.xml" 1000
bench_gzip "test://$tmp/node.xml" "1,000 test-driver domains"
bench_gzip "test://$tmp/node.xml" "1,000 test-driver domains, hvscope without the info, inactive and pools collectors" \
	--no-collector.info --no-collector.inactive --no-collector.pools
[ "${ONLY:-}" != gzip ] || exit 0
bench_uri "test://$tmp/node.xml" "1,000 test-driver domains"
# the same with the collectors that add families the peer does not have
# turned off: like for like
bench_uri "test://$tmp/node.xml" "1,000 test-driver domains, hvscope without the info, inactive and pools collectors" \
	--no-collector.info --no-collector.inactive --no-collector.pools
# A real guest of our own when none runs (GUEST=0: never), with a disk
# and a NIC as guests have: both exporters ask its monitor for the disk's
# counters.
if [ "${GUEST:-1}" = 1 ] && ! { virsh -c qemu:///system list --name 2>/dev/null | grep -q .; }; then
	truncate -s 16M "$tmp/disk.img"
	chmod o+x "$tmp" # QEMU runs as its own user; libvirt relabels the image
	bench_guest hvbench-exp "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$tmp/disk.img'/><target dev='vda' bus='virtio'/></disk><interface type='user'><model type='virtio'/></interface>" || true
fi
if virsh -c qemu:///system version >/dev/null 2>&1 && [ "$(virsh -c qemu:///system list --name | grep -c .)" -gt 0 ]; then
	bench_uri qemu:///system "$(virsh -c qemu:///system list --name | grep -c .) real QEMU guests"
else
	echo "qemu:///system: no running guests, skipped"
fi
