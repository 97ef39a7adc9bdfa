# The exporter's families beyond the core ones, against real guests under
# libvirtd, each value against what virsh says of the same guest: block
# sizes (domblkinfo), the state's reason (domstate --reason), the guest's
# configuration (dumpxml, domiflist), OpenStack nova metadata written here
# as nova writes it, a --domain.metadata XPath, a defined guest that does
# not run, a storage pool (pool-info), the balloon and vCPU groups when
# their collectors are on; each collector's success, and promtool on every
# combination of collectors.
. "$(dirname "$0")/lib.sh"
need python3 curl qemu-system-x86_64 promtool
start_libvirtd
V="virsh -c qemu:///system"
finish() {
	$V destroy hvf-a >/dev/null 2>&1 || true
	$V undefine hvf-off >/dev/null 2>&1 || true
	$V pool-destroy hvfpool >/dev/null 2>&1 || true
	stop_libvirtd
	cleanup
}
trap finish EXIT
TYPE=$(kvm_or_qemu)
truncate -s 48M "$TMP/hvf-a.img"
chmod o+x "$TMP"
# hvf-a runs Linux (Debian's kernel, a busybox init loading the virtio
# balloon driver): its balloon statistics are the guest's own
os_guest "$TMP/os"
chmod o+rx "$TMP/os"
# nova's own layout (nova/virt/libvirt/config.py, LibvirtConfigGuestMetaNova*)
cat > "$TMP/hvf-a.xml" <<XML
<domain type='$TYPE'>
  <name>hvf-a</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <metadata>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
      <nova:package version="27.1.0"/>
      <nova:name>web-frontend-1</nova:name>
      <nova:creationTime>2026-11-30 12:00:00</nova:creationTime>
      <nova:flavor name="m1.small">
        <nova:memory>128</nova:memory><nova:disk>1</nova:disk><nova:swap>0</nova:swap><nova:ephemeral>0</nova:ephemeral><nova:vcpus>1</nova:vcpus>
      </nova:flavor>
      <nova:owner>
        <nova:user uuid="8d1e5c1a7f0b4c6e9a3d2b1c0f9e8d7c">alice</nova:user>
        <nova:project uuid="2f3e4d5c6b7a49588796a5b4c3d2e1f0">webshop</nova:project>
      </nova:owner>
      <nova:root type="image" uuid="a1b2c3d4-e5f6-4789-8abc-def012345678"/>
    </nova:instance>
    <site:owner xmlns:site="https://example.org/xmlns/site/1"><site:team>web ops</site:team></site:owner>
  </metadata>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$TMP/os/vmlinuz</kernel><initrd>$TMP/os/initrd.gz</initrd><cmdline>console=ttyS0 panic=-1</cmdline></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'><source path='$TMP/hvf-a.console'/></serial>
    <disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/><source file='$TMP/hvf-a.img'/><target dev='vda' bus='virtio'/><serial>HVF-SERIAL-1</serial></disk>
    <interface type='ethernet'><mac address='52:54:00:aa:bb:01'/><target dev='hvftap0'/><model type='virtio'/></interface>
    <memballoon model='virtio'><stats period='1'/></memballoon>
  </devices>
</domain>
XML
$V create "$TMP/hvf-a.xml" > "$TMP/create.log" 2>&1 || fail "cannot start hvf-a: $(cat "$TMP/create.log")"
sed -e 's/hvf-a/hvf-off/' -e '/<metadata>/,/<\/metadata>/d' -e '/<interface/d' -e '/<serial/d' -e "s|$TMP/hvf-a.img|$TMP/hvf-off.img|" "$TMP/hvf-a.xml" > "$TMP/hvf-off.xml"
truncate -s 8M "$TMP/hvf-off.img"
$V define "$TMP/hvf-off.xml" > /dev/null || fail "cannot define hvf-off"
mkdir -p "$TMP/pool"
$V pool-create-as hvfpool dir --target "$TMP/pool" > /dev/null || fail "cannot create a dir pool"

# exporter ARGS... -> one scrape in $TMP/m.txt
scrape_with() {
	local p pid i
	p=$(free_port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$p --connect qemu:///system --check.interval 3600 "$@" 2> "$TMP/exp.err" &
	pid=$!
	wait_http "http://127.0.0.1:$p/healthz"
	# the balloon statistics come once the guest's period has run
	for i in 1 2 3; do curl -fs -m 10 -o "$TMP/m.txt" "http://127.0.0.1:$p/metrics" || fail "scrape ($*)"; sleep 0.3; done
	kill $pid
	wait $pid 2> /dev/null || true
	promtool check metrics < "$TMP/m.txt" > "$TMP/lint.txt" 2>&1 || fail "promtool with $*: $(cat "$TMP/lint.txt")"
}
val() { awk -v k="$1" 'index($0, k) == 1 { print $NF }' "$TMP/m.txt"; }
U=$($V domuuid hvf-a)
L="domain=\"hvf-a\",uuid=\"$U\""

scrape_with --collector.jobs --domain.metadata 'team=/domain/metadata/site:owner/site:team'
# block sizes as the bulk statistics give them (virsh domstats; the
# peers read the same), the capacity as virsh domblkinfo too
ds=$($V domstats --block --raw hvf-a)
for f in capacity allocation physical; do
	want=$(echo "$ds" | awk -F= -v f="block.0.$f" '$1 ~ f"$" { print $2 }')
	got=$(val "hvscope_domain_block_${f}_bytes{$L,device=\"vda\"}")
	[ -n "$want" ] && [ "$got" = "$want" ] || fail "block $f: $got, virsh domstats '$want'"
done
[ "$(val "hvscope_domain_block_capacity_bytes{$L,device=\"vda\"}")" = "$($V domblkinfo hvf-a vda | awk '$1 == "Capacity:" { print $2 }')" ] ||
	fail "block capacity differs from virsh domblkinfo"
grep -q "^hvscope_domain_block_read_seconds_total{$L,device=\"vda\"} " "$TMP/m.txt" || fail "no block read time"
grep -q "^hvscope_domain_block_flush_requests_total{$L,device=\"vda\"} " "$TMP/m.txt" || fail "no block flush requests"
# the state's reason
reason=$($V domstate --reason hvf-a | sed -n 's/^running (\(.*\))$/\1/p')
grep -q "^hvscope_domain_state{$L,id=\"[0-9]*\",state=\"running\",reason=\"$reason\"} 1$" "$TMP/m.txt" ||
	fail "state reason: $(grep 'domain_state{domain="hvf-a"' "$TMP/m.txt"), virsh '$reason'"
# the configuration
machine=$($V dumpxml hvf-a | sed -n "s/.*machine='\([^']*\)'.*/\1/p" | head -1)
grep -qx "hvscope_domain_info{$L,type=\"hvm\",os_type=\"hvm\",arch=\"x86_64\",machine=\"$machine\"} 1" "$TMP/m.txt" ||
	fail "domain info: $(grep '^hvscope_domain_info' "$TMP/m.txt"), machine $machine"
mac=$($V domiflist hvf-a | awk '$1 == "hvftap0" { print $5 }')
grep -qx "hvscope_domain_interface_info{$L,device=\"hvftap0\",type=\"ethernet\",mac=\"$mac\",model=\"virtio\"} 1" "$TMP/m.txt" ||
	fail "interface info: $(grep '^hvscope_domain_interface_info' "$TMP/m.txt"), virsh MAC $mac"
grep -qx "hvscope_domain_block_info{$L,device=\"vda\",disk_type=\"disk\",source=\"$TMP/hvf-a.img\",bus=\"virtio\",driver=\"raw\",cache=\"none\",serial=\"HVF-SERIAL-1\"} 1" "$TMP/m.txt" ||
	fail "block info: $(grep '^hvscope_domain_block_info' "$TMP/m.txt")"
grep -qx "hvscope_domain_openstack_info{$L,instance_name=\"web-frontend-1\",flavor_name=\"m1.small\",user_name=\"alice\",user_id=\"8d1e5c1a7f0b4c6e9a3d2b1c0f9e8d7c\",project_name=\"webshop\",project_id=\"2f3e4d5c6b7a49588796a5b4c3d2e1f0\",root_type=\"image\"} 1" "$TMP/m.txt" ||
	fail "nova metadata: $(grep '^hvscope_domain_openstack_info' "$TMP/m.txt")"
grep -qx "hvscope_domain_metadata_info{$L,team=\"web ops\"} 1" "$TMP/m.txt" || fail "--domain.metadata: $(grep '^hvscope_domain_metadata_info' "$TMP/m.txt")"
# the defined guest that does not run, and the pool
Uoff=$($V domuuid hvf-off)
grep -q "^hvscope_domain_state{domain=\"hvf-off\",uuid=\"$Uoff\",id=\"-1\",state=\"shutoff\"" "$TMP/m.txt" || fail "inactive hvf-off: $(grep hvf-off "$TMP/m.txt")"
[ "$(val 'hvscope_domains ')" = "$($V list --name | grep -c .)" ] || fail "hvscope_domains counts what does not run"
for f in capacity allocation available; do
	want=$($V pool-info --bytes hvfpool | awk -v f="$f" 'tolower($1) == f":" { print $2 }')
	got=$(val "hvscope_storage_pool_${f}_bytes{pool=\"hvfpool\"")
	# a directory pool's figures are its filesystem's, which moves as the host writes
	python3 -c "import sys; sys.exit(0 if abs($got - $want) <= 64 << 20 else 1)" || fail "pool $f: $got, virsh $want"
done
grep -q '^hvscope_storage_pool_state{pool="hvfpool",uuid="[^"]*",state="running"} 1$' "$TMP/m.txt" || fail "pool state"
# no job runs: the series says so
grep -qx "hvscope_domain_job_running{$L,operation=\"none\"} 0" "$TMP/m.txt" || fail "job: $(grep '^hvscope_domain_job' "$TMP/m.txt")"
for c in domains info jobs inactive pools; do
	[ "$(val "hvscope_scrape_collector_success{collector=\"$c\"}")" = 1 ] || fail "collector $c did not succeed: $(cat "$TMP/exp.err")"
done
! grep -q '^hvscope_domain_memory_unused_bytes\|^hvscope_domain_vcpu_delay' "$TMP/m.txt" || fail "balloon or vCPU figures with their collectors off"
note "default collectors: block sizes and times, state reason '$reason', info, nova and --domain.metadata labels, inactive hvf-off, pool hvfpool; all succeeded"

# the balloon and vCPU groups
# the guest's balloon driver reports once its kernel has booted (TCG: tens
# of seconds)
for i in $(seq 240); do $V domstats --balloon --raw hvf-a | grep -q 'balloon.unused=' && break; sleep 0.5; done
$V domstats --balloon --raw hvf-a | grep -q 'balloon.unused=' ||
	fail "hvf-a's balloon driver never reported: $(tail -n 3 "$TMP/hvf-a.console" 2>/dev/null)"
before=$($V domstats --balloon --raw hvf-a)
scrape_with --collector.memory --collector.vcpu
ds=$($V domstats --balloon --vcpu --raw hvf-a)
n=0
# each figure between virsh's readings before and after the scrape, 1%
# either way for the ones an idle guest still moves (a driver's 1 s period)
for f in unused:unused_bytes available:available_bytes usable:usable_bytes disk_caches:disk_caches_bytes swap_in:swap_in_bytes_total \
	swap_out:swap_out_bytes_total major_fault:major_faults_total minor_fault:minor_faults_total; do
	k=${f%%:*} m=${f#*:}
	scale=1024
	case $k in *fault) scale=1 ;; esac
	want=$(echo "$ds" | awk -F= -v k="balloon.$k" -v s=$scale '$1 ~ k"$" { print $2 * s }')
	was=$(echo "$before" | awk -F= -v k="balloon.$k" -v s=$scale '$1 ~ k"$" { print $2 * s }')
	got=$(val "hvscope_domain_memory_$m{$L}")
	if [ -n "$want" ]; then
		[ -n "$got" ] || fail "balloon.$k is $want in virsh, no hvscope_domain_memory_$m"
		python3 -c "import sys; a, b, g = sorted([$was, $want]) + [$got]; sys.exit(0 if a * 0.99 - 1 <= g <= b * 1.01 + 1 else 1)" ||
			fail "hvscope_domain_memory_$m $got, virsh balloon.$k $was before and $want after"
		n=$((n + 1))
	else
		[ -z "$got" ] || fail "hvscope_domain_memory_$m without balloon.$k in virsh"
	fi
done
[ "$n" -ge 5 ] || fail "only $n balloon figures from a guest running Linux: $(echo "$ds" | grep balloon)"
grep -q "^hvscope_domain_memory_rss_bytes{$L} [1-9]" "$TMP/m.txt" || fail "no RSS with the memory collector"
delay=$(echo "$ds" | awk -F= '$1 ~ /vcpu\.0\.delay$/ { print $2 / 1e9 }')
if [ -n "$delay" ]; then
	got=$(val "hvscope_domain_vcpu_delay_seconds_total{$L,vcpu=\"0\"}")
	python3 -c "import sys; sys.exit(0 if 0 <= $got <= $delay else 1)" || fail "vCPU delay $got s, virsh later $delay s"
fi
for c in memory vcpu; do
	[ "$(val "hvscope_scrape_collector_success{collector=\"$c\"}")" = 1 ] || fail "collector $c did not succeed: $(cat "$TMP/exp.err")"
done
note "memory and vcpu collectors: $n balloon figures of a guest running Linux, each between virsh's readings before and after, RSS, vCPU delay ${got:-none} s (virsh ${delay:-none} s)"

scrape_with --no-collector.info --no-collector.jobs --no-collector.inactive --no-collector.pools
! grep -q '^hvscope_domain_info\|^hvscope_storage_pool\|domain="hvf-off"\|^hvscope_domain_job' "$TMP/m.txt" ||
	fail "a collector turned off still wrote: $(grep -m3 '^hvscope_domain_info\|^hvscope_storage_pool\|domain="hvf-off"\|^hvscope_domain_job' "$TMP/m.txt")"
[ "$(grep -c '^hvscope_scrape_collector_success' "$TMP/m.txt")" = 1 ] || fail "collectors turned off are listed"
note "every collector off: only the domains' figures; promtool clean on all three combinations"

# A job in flight: a memory-only dump of hvf-a into a FIFO whose reader
# takes 4 KiB every 50 ms holds libvirt's dump job running (256 MiB at that
# pace would take an hour) until the reader is told to read at full speed.
cat > "$TMP/slow_reader.py" <<'PY'
import os, signal, sys, time
fast = False
def go(*_):
    global fast
    fast = True
signal.signal(signal.SIGUSR1, go)
fd, n = os.open(sys.argv[1], os.O_RDONLY), 0
while True:
    b = os.read(fd, 1 << 20 if fast else 4096)
    if not b:
        break
    n += len(b)
    if not fast:
        time.sleep(0.05)
print(n)
PY
mkfifo -m 666 "$TMP/dump.fifo"
python3 "$TMP/slow_reader.py" "$TMP/dump.fifo" > "$TMP/dumped.txt" &
READER=$!
PIDS+=($READER)
timeout 300 $V dump --memory-only --live hvf-a "$TMP/dump.fifo" > "$TMP/dump.log" 2>&1 &
DUMPER=$!
for i in $(seq 100); do $V domjobinfo hvf-a 2> /dev/null | grep -q '^Operation: *Dump' && break; sleep 0.1; done
$V domjobinfo hvf-a | grep -q '^Operation: *Dump' || fail "no dump job to watch: $(cat "$TMP/dump.log")"
scrape_with --collector.jobs
vtotal=$($V domjobinfo hvf-a | awk '/^Memory total:/ { print $3 }')
grep -qx "hvscope_domain_job_running{$L,operation=\"dump\"} 1" "$TMP/m.txt" || fail "dump job: $(grep '^hvscope_domain_job' "$TMP/m.txt")"
total=$(val "hvscope_domain_job_data_total_bytes{$L}")
done_=$(val "hvscope_domain_job_data_processed_bytes{$L}")
left=$(val "hvscope_domain_job_data_remaining_bytes{$L}")
elapsed=$(val "hvscope_domain_job_elapsed_seconds{$L}")
# virsh prints MiB to three places: 2 KiB either way
python3 -c "import sys; sys.exit(0 if abs($total - $vtotal * 1048576) < 2048 and $done_ + $left == $total and $done_ < $total and $elapsed > 0 else 1)" ||
	fail "dump progress: total $total (virsh $vtotal MiB), processed $done_, remaining $left, elapsed $elapsed s"
kill -USR1 $READER
wait $DUMPER || fail "the dump failed: $(cat "$TMP/dump.log")"
wait $READER
scrape_with --collector.jobs
grep -qx "hvscope_domain_job_running{$L,operation=\"none\"} 0" "$TMP/m.txt" || fail "after the dump: $(grep '^hvscope_domain_job' "$TMP/m.txt")"
note "a dump in flight: operation dump, $done_ of $total bytes (virsh: $vtotal MiB) after $elapsed s; none once it ended ($(cat "$TMP/dumped.txt") bytes dumped)"

# promtool on every combination of the six collectors (64), one exporter
# and one scrape each, on the same guests (running, inactive, with a disk,
# a NIC and balloon statistics).
COLLS=(memory vcpu info jobs inactive pools)
for mask in $(seq 0 63); do
	args=()
	for i in "${!COLLS[@]}"; do
		if (( mask >> i & 1 )); then args+=("--collector.${COLLS[$i]}"); else args+=("--no-collector.${COLLS[$i]}"); fi
	done
	p=$(free_port)
	"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$p --connect qemu:///system --check.interval 3600 "${args[@]}" 2> "$TMP/exp.err" &
	pid=$!
	wait_http "http://127.0.0.1:$p/healthz"
	curl -fs -m 10 -o "$TMP/m.txt" "http://127.0.0.1:$p/metrics" || fail "scrape (${args[*]})"
	kill $pid
	wait $pid 2> /dev/null || true
	promtool check metrics < "$TMP/m.txt" > "$TMP/lint.txt" 2>&1 || fail "promtool with ${args[*]}: $(cat "$TMP/lint.txt")"
	! grep -q '^hvscope_scrape_collector_success{.*} 0$' "$TMP/m.txt" ||
		fail "${args[*]}: a collector failed: $(grep '^hvscope_scrape_collector_success' "$TMP/m.txt")"
done
note "promtool check metrics clean on all 64 collector combinations, no collector failing"
