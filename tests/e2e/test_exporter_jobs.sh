# The jobs collector's details of a running save against virsh domjobinfo
# --rawstats for the same guest at the same time.  A save stands in for a
# migration (QEMU saves by migrating to a file, with the same statistics):
# a Linux guest fills 40 MB of its memory with random bytes (zero pages
# would cost the save nothing), and saves into a FIFO that a reader here
# empties at about 4 MB/s, so that the job runs for seconds.  Each detail
# the exporter gives equals virsh's (between virsh's two readings, taken
# before and after the scrape, for one that moved); promtool on the output.
# Before the save, the dirtyrate collector on the same guest: its first
# scrape starts a calculation, a later one gives its result, equal to
# virsh domstats --dirtyrate.
. "$(dirname "$0")/lib.sh"
need python3 curl qemu-system-x86_64 promtool cpio
start_libvirtd
V="virsh -c qemu:///system"
finish() {
	$V destroy hvj-a >/dev/null 2>&1 || true
	stop_libvirtd
	cleanup
}
trap finish EXIT
TYPE=$(kvm_or_qemu)
chmod o+rx "$TMP"
os_guest "$TMP/os"
chmod o+rx "$TMP/os"
# the guest's init fills a tmpfs before it says so on its console
x=$TMP/initrd-x
mkdir "$x"
(cd "$x" && zcat "$TMP/os/initrd.gz" | cpio -id --quiet)
sed -i 's|^/bin/busybox echo "hvscope os guest up"|/bin/busybox mkdir -p /t; /bin/busybox mount -t tmpfs tmpfs /t; /bin/busybox mount -t devtmpfs dev /dev; /bin/busybox head -c 40000000 /dev/urandom > /t/fill; /bin/busybox echo "hvscope os guest filled"|' "$x/init"
grep -q 'guest filled' "$x/init" || fail "os_guest's init changed: cannot add the fill"
(cd "$x" && find . | cpio -o -H newc --quiet | gzip -1) > "$TMP/os/initrd.gz"
chmod 644 "$TMP/os/initrd.gz"
cat > "$TMP/hvj-a.xml" <<XML
<domain type='$TYPE'><name>hvj-a</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>$TMP/os/vmlinuz</kernel><initrd>$TMP/os/initrd.gz</initrd>
<cmdline>console=ttyS0 panic=-1</cmdline></os>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator><serial type='file'><source path='$TMP/hvj-a.console'/></serial></devices></domain>
XML
$V create "$TMP/hvj-a.xml" > "$TMP/create.log" 2>&1 || fail "cannot start hvj-a: $(cat "$TMP/create.log")"
for i in $(seq 180); do grep -q 'guest filled' "$TMP/hvj-a.console" 2>/dev/null && break; sleep 1; done
grep -q 'guest filled' "$TMP/hvj-a.console" || fail "the guest did not fill its memory in 180 s: $(tail -5 "$TMP/hvj-a.console")"

p=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$p --connect qemu:///system --check.interval 3600 --collector.jobs --collector.dirtyrate 2> "$TMP/exp.err" &
PIDS+=($!)
wait_http "http://127.0.0.1:$p/healthz"
U=$($V domuuid hvj-a)
L="domain=\"hvj-a\",uuid=\"$U\""
curl -fs -m 10 -o /dev/null "http://127.0.0.1:$p/metrics" || fail "scrape"
t0=$(date +%s.%N)
for i in $(seq 60); do
	sleep 0.5
	curl -fs -m 10 -o "$TMP/d.txt" "http://127.0.0.1:$p/metrics" || fail "scrape"
	grep -q "^hvscope_domain_memory_dirty_rate_bytes_per_second{$L} " "$TMP/d.txt" && break
done
t1=$(date +%s.%N)
$V domstats --dirtyrate hvj-a > "$TMP/dr.txt"
grep -qx 'hvscope_scrape_collector_success{collector="dirtyrate"} 1' "$TMP/d.txt" || fail "dirtyrate collector: $(grep collector= "$TMP/d.txt")"
mbps=$(sed -n 's/^ *dirtyrate.megabytes_per_second=//p' "$TMP/dr.txt")
start=$(sed -n 's/^ *dirtyrate.calc_start_time=//p' "$TMP/dr.txt")
period=$(sed -n 's/^ *dirtyrate.calc_period=//p' "$TMP/dr.txt")
[ -n "$mbps" ] || fail "virsh has no dirty rate: $(cat "$TMP/dr.txt")"
got=$(awk -v k="hvscope_domain_memory_dirty_rate_bytes_per_second{$L} " 'index($0, k) == 1 { print $NF }' "$TMP/d.txt")
[ "$got" = $((mbps * 1048576)) ] || fail "dirty rate: exporter '$got', virsh $mbps MiB/s"
# QEMU times it by the host's monotonic clock; the exporter gives unix time
got=$(awk -v k="hvscope_domain_memory_dirty_rate_timestamp_seconds{$L} " 'index($0, k) == 1 { print $NF }' "$TMP/d.txt")
up=$(cut -d' ' -f1 /proc/uptime)
want=$(echo "$(date +%s) - ($up - $start - $period)" | bc)
python3 -c 'import sys; assert abs(float(sys.argv[1]) - float(sys.argv[2])) <= 2, sys.argv' "$got" "$want" ||
	fail "dirty rate time: exporter '$got', virsh $start + $period on the monotonic clock, $want as unix time"
dur=$(awk -F'[{}" ]+' '/^hvscope_scrape_collector_duration_seconds/ && $3 == "dirtyrate" { print $4 }' "$TMP/d.txt")
note "dirtyrate: $mbps MiB/s measured at $got, equal to virsh domstats --dirtyrate; result $(echo "$t1 - $t0" | bc) s after the first scrape started it; the collector took $dur s"

mkfifo "$TMP/save.fifo"
chmod 666 "$TMP/save.fifo"
python3 -c '
import sys, time
f = open(sys.argv[1], "rb")
while f.read(131072):
    time.sleep(0.03)
' "$TMP/save.fifo" &
PIDS+=($!)
($V save hvj-a "$TMP/save.fifo" > "$TMP/save.log" 2>&1; echo "rc $?" >> "$TMP/save.log") &
PIDS+=($!)
for i in $(seq 100); do $V domjobinfo hvj-a 2>/dev/null | grep -q '^Job type: *Unbounded' && break; sleep 0.1; done
sleep 1 # past the job's first statistics
$V domjobinfo --rawstats hvj-a > "$TMP/j1.txt" 2>&1
curl -fs -m 10 -o "$TMP/m.txt" "http://127.0.0.1:$p/metrics" || fail "scrape"
$V domjobinfo --rawstats hvj-a > "$TMP/j2.txt" 2>&1
grep -q '^Job type: *\(2\|Unbounded\)$' "$TMP/j2.txt" || fail "the save ended before the second reading: $(cat "$TMP/j2.txt" "$TMP/save.log")"
promtool check metrics < "$TMP/m.txt" > "$TMP/lint.txt" 2>&1 || fail "promtool: $(cat "$TMP/lint.txt")"
grep -qx "hvscope_domain_job_running{$L,operation=\"save\"} 1" "$TMP/m.txt" || fail "job: $(grep 'job_running{' "$TMP/m.txt")"
val() { awk -v k="$1{$L} " 'index($0, k) == 1 { print $NF }' "$TMP/m.txt"; }
raw() { sed -n "s/^$1: *//p" "$2"; } # --rawstats: "field: value"
compared=0
while read -r field fam scale; do
	a=$(raw "$field" "$TMP/j1.txt") b=$(raw "$field" "$TMP/j2.txt")
	got=$(val "$fam")
	if [ -z "$a$b" ]; then
		[ -z "$got" ] || fail "$fam $got where virsh has no $field"
		continue
	fi
	[ -n "$got" ] || fail "no $fam where virsh has $field=$a/$b"
	python3 - "$field" "$got" "$a" "$b" "$scale" <<'PY' || fail "$fam: exporter $got, virsh $field $a then $b"
import sys
field, got, a, b, scale = sys.argv[1], float(sys.argv[2]), float(sys.argv[3] or sys.argv[4]), float(sys.argv[4] or sys.argv[3]), float(sys.argv[5])
got *= scale
assert min(a, b) <= got + 1e-6 and got - 1e-6 <= max(a, b), (field, got, a, b)
PY
	compared=$((compared + 1))
	note "$field: virsh $a then $b, exporter $got"
done <<'MAP'
memory_bps hvscope_domain_job_memory_bytes_per_second 1
disk_bps hvscope_domain_job_disk_bytes_per_second 1
memory_dirty_rate hvscope_domain_job_memory_dirty_pages_per_second 1
memory_page_size hvscope_domain_job_memory_page_size_bytes 1
memory_iteration hvscope_domain_job_memory_iteration 1
memory_postcopy_requests hvscope_domain_job_memory_postcopy_requests_total 1
downtime hvscope_domain_job_downtime_seconds 1000
setup_time hvscope_domain_job_setup_seconds 1000
compression_cache hvscope_domain_job_compression_cache_bytes 1
compression_bytes hvscope_domain_job_compression_bytes_total 1
compression_pages hvscope_domain_job_compression_pages_total 1
compression_cache_misses hvscope_domain_job_compression_cache_misses_total 1
compression_overflow hvscope_domain_job_compression_overflows_total 1
auto_converge_throttle hvscope_domain_job_cpu_throttle_ratio 100
MAP
[ $compared -ge 3 ] || fail "only $compared details to compare: virsh gave $(cat "$TMP/j2.txt")"
note "$compared details of a running save equal to virsh domjobinfo --rawstats"
