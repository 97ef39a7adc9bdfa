#!/bin/bash
# Runs inside the test dom0 (started by dom0-init.sh, PID 1): brings up the
# Xen services as Debian's init scripts would, starts a PV guest (and PVH
# and HVM ones where Xen offers HVM), and checks
# hvscope check, top (xenstat and libvirt's Xen driver), exporter and bundle
# against what Xen's own tools say at the same time.
#
# Each step prints "PASS name", "FAIL name: why" or "SKIP name: why" into
# /results/summary.txt; everything a step ran is kept in /results/NAME.log.
# Exit status: the number of failed steps (0 = all passed).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
R=/results
T=/opt/hvscope-xen
XENBIN=/usr/lib/xen-4.17/bin
mkdir -p "$R"
: > "$R/summary.txt"
nfail=0
# start_exporter NAME ARGS...: hvscope exporter in the background, its output
# in $R/NAME.out, its PID and (once it ends) exit status in /run/NAME.{pid,rc};
# the steps run in subshells, so the names go to a file for shutdown.
start_exporter() {
	local name=$1
	shift
	(
		hvscope exporter "$@" > "$R/$name.out" 2>&1 &
		echo $! > "/run/$name.pid"
		wait $!
		echo $? > "/run/$name.rc"
	) &
	echo "$name" >> /run/exporters
	for i in $(seq 50); do [ -s "/run/$name.pid" ] && break; sleep 0.1; done
}

say() { echo "[dom0 $(cut -d' ' -f1 /proc/uptime)s] $*"; }
# step NAME FUNCTION: runs FUNCTION with its output in $R/NAME.log; the
# function returns 0 (pass), 77 (skip, reason on its last line) or else (fail,
# reason on its last line).
step() {
	local name=$1 rc line
	say "step $name"
	( set -e; "$2" ) > "$R/$name.log" 2>&1
	rc=$?
	line=$(tail -n 1 "$R/$name.log")
	case $rc in
	0) echo "PASS $name" >> "$R/summary.txt" ;;
	77) echo "SKIP $name: $line" >> "$R/summary.txt" ;;
	*) echo "FAIL $name: $line" >> "$R/summary.txt"; nfail=$((nfail + 1)) ;;
	esac
	tail -n 1 "$R/summary.txt"
	return $rc
}
die() { echo "$*"; exit 1; }
skip() { echo "$*"; exit 77; }
py() { python3 "$T/dom0_check.py" "$@"; }

# --- Xen services, as /etc/init.d/xen does (no systemd here) -----------------
xen_services() {
	ip link set lo up
	modprobe -a xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
	mount -t xenfs xenfs /proc/xen
	mkdir -p /var/run/xen /var/lib/xenstored /var/log/xen/console
	"$XENBIN/xenstored" --pid-file /var/run/xen/xenstored.pid
	"$XENBIN/xen-init-dom0"
	# guests' consoles logged, as /etc/default/xencommons' XENCONSOLED_TRACE=guest does
	"$XENBIN/xenconsoled" --pid-file=/var/run/xen/xenconsoled.pid --log=guest
	for i in $(seq 50); do xl list > /dev/null 2>&1 && break; sleep 0.2; done
	xl list
	xl info > "$R/xl-info.txt"
	grep -q '^xen_version' "$R/xl-info.txt" || die "xl info gave no xen_version"
	cat /proc/xen/capabilities /sys/hypervisor/type /sys/hypervisor/properties/capabilities
	# A bridge for guests, as the Debian Xen wiki sets one up.
	ip link add xenbr0 type bridge && ip link set xenbr0 up
}

# --- the PV guests: dom0's kernel, a busybox initramfs, no disk --------------
guest_cfg() {
	local kernel
	kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
	cat <<CFG
# A PV guest for the hvscope Xen test: dom0's kernel, a busybox initramfs.
name = "$1"
kernel = "$kernel"
ramdisk = "$T/guest-initrd.gz"
extra = "console=hvc0 panic=0"
memory = 256
vcpus = 1
on_crash = "preserve"
on_poweroff = "preserve"
CFG
}
wait_domain() { # NAME: until xl lists it
	for i in $(seq 100); do xl domid "$1" > /dev/null 2>&1 && return 0; sleep 0.2; done
	return 1
}
start_guest1() {
	guest_cfg guest1 > /etc/xen/guest1.cfg
	guest_cfg guest2 > "$T/guest2.cfg"
	xl create /etc/xen/guest1.cfg
	wait_domain guest1 || die "guest1 not listed after xl create"
	xl list
}

# --- hvscope check --profile xen ---------------------------------------------
check_xen() {
	set +e
	hvscope check --format json > "$R/check-auto.json"
	hvscope check --profile xen > "$R/check.txt"
	hvscope check --profile xen --format json > "$R/check.json"
	rc=$?
	set -e
	cat "$R/check.txt"
	# the seed's rule on Xen's capabilities, for run.sh to compare with a
	# fixture holding the same line
	cp /sys/hypervisor/properties/capabilities "$R/hv-capabilities.txt"
	hvscope check --profile rhel5-xen --only vt-enabled --format json > "$R/check-rhel5-vt.json" || [ $? -le 2 ] ||
		die "check --only vt-enabled exited badly"
	py check-verdicts "$R/check-auto.json" "$R/check.json" "$rc" "$(cat "$T/cpu-model")"
}

# --- hvscope top -b (xenstat) against xentop -b at the same time ---------------
top_vs_xentop() {
	# Both sample every second; xl list gives the ids xentop does not print.
	# xentop starts once hvscope's first sample is out: under TCG the
	# sanitized hvscope takes seconds to start, and the samples compared
	# must be taken within one interval of each other.
	hvscope top -b -c xen -d 1 -i 4 -f json > "$R/top.json" &
	local h=$!
	for _ in $(seq 300); do [ -s "$R/top.json" ] && break; sleep 0.05; done
	xentop -b -d 1 -i 4 > "$R/xentop.txt" &
	local x=$!
	sleep 1.5
	xl list > "$R/xl-list.txt"
	wait $h || die "hvscope top exited $?"
	wait $x || die "xentop exited $?"
	hvscope top -b -c xen -i 1 > "$R/top.txt"
	cat "$R/top.txt" "$R/xentop.txt"
	py top-vs-xentop "$R/top.json" "$R/xentop.txt" "$R/xl-list.txt"
	# auto picks xenstat on a dom0
	hvscope top -b -i 1 -f json | grep -q '"name":"Domain-0"' || die "auto did not find Domain-0"
}

# --- top's physical-CPU view, -z and STEAL(%) against xl info and vcpu-list ---
top_pcpu() {
	xl info > "$R/pcpu-xl-info.txt"
	# Each vCPU pinned (vCPU N on pCPU N mod nr_cpus) for the run: unpinned,
	# Xen moves a vCPU between samples and xl's answers, and the two disagree
	# about where it is for no fault of either.
	local ncpu d v
	ncpu=$(awk -F: '/^nr_cpus/ { print $2 + 0 }' "$R/pcpu-xl-info.txt")
	xl vcpu-list | awk 'NR > 1 { print $1, $3 }' > "$R/pcpu-vcpus.txt"
	while read -r d v; do xl vcpu-pin "$d" "$v" $((v % ncpu)) || die "xl vcpu-pin $d $v"; done < "$R/pcpu-vcpus.txt"
	xl vcpu-list > "$R/pcpu-vcpu-before.txt"
	hvscope top -b -c xen --pcpu -d 1 -i 3 -f json > "$R/pcpu.json" || die "top --pcpu exited $?"
	xl vcpu-list > "$R/pcpu-vcpu-after.txt"
	while read -r d v; do xl vcpu-pin "$d" "$v" all || die "xl vcpu-pin $d $v all"; done < "$R/pcpu-vcpus.txt"
	hvscope top -b -c xen -z -s name -r -i 1 -f json > "$R/pcpu-z.json" || die "top -z exited $?"
	hvscope top -b -c xen --pcpu -i 2 -d 1
	py pcpu "$R/pcpu.json" "$R/pcpu-xl-info.txt" "$R/pcpu-vcpu-before.txt" "$R/pcpu-vcpu-after.txt" "$R/pcpu-z.json"
}

# --- a guest started and destroyed during one top -b run -----------------------
top_follows() {
	# TCG makes xl create take seconds: follow the guest's life, not a clock,
	# then stop top as a user would (SIGINT).
	hvscope top -b -c xen -d 1 -i 120 -f json > "$R/follow.json" &
	local h=$!
	sleep 3
	xl create "$T/guest2.cfg"
	wait_domain guest2 || die "guest2 not listed after xl create"
	sleep 4
	xl destroy guest2
	for i in $(seq 100); do xl domid guest2 > /dev/null 2>&1 || break; sleep 0.2; done
	sleep 3
	kill -INT $h
	wait $h || die "hvscope top exited $? on SIGINT"
	py follow "$R/follow.json" guest2
}

# --- PVH and HVM guests, where Xen offers HVM (run.sh's HVSCOPE_XEN_CPU) -------
# A PVH guest: dom0's kernel and the busybox initramfs, as the PV guests.
# An HVM guest: no disk, so SeaBIOS finds nothing to boot and waits; its
# device model is Debian's qemu-system-xen, a QEMU process in dom0.
pvh_hvm_cfgs() {
	local kernel
	kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
	cat > "$T/guest-pvh.cfg" <<CFG
name = "guest-pvh"
type = "pvh"
kernel = "$kernel"
ramdisk = "$T/guest-initrd.gz"
extra = "console=hvc0 panic=0"
memory = 192
vcpus = 1
on_crash = "preserve"
CFG
	cat > "$T/guest-hvm.cfg" <<CFG
name = "guest-hvm"
type = "hvm"
memory = 128
vcpus = 1
boot = "c"
vnc = 0
serial = "pty"
on_crash = "preserve"
CFG
}
hvm_guests() {
	grep -qw hvm <(xl info | awk -F': ' '$1 ~ /^virt_caps/ { print $2 }') ||
		skip "Xen offers no HVM with this CPU model ($(cat "$T/cpu-model")): virt_caps $(xl info | awk -F': ' '$1 ~ /^virt_caps/ { print $2 }')"
	pvh_hvm_cfgs
	hvscope top -b -c xen -d 1 -i 400 -f json > "$R/types.json" &
	local h=$! t0
	t0=$(date +%s)
	xl -vvv create "$T/guest-pvh.cfg" > "$R/xl-create-pvh.log" 2>&1 || die "xl create guest-pvh: $(tail -n 1 "$R/xl-create-pvh.log")"
	echo "guest-pvh created in $(($(date +%s) - t0)) s"
	t0=$(date +%s)
	xl -vvv create "$T/guest-hvm.cfg" > "$R/xl-create-hvm.log" 2>&1 || die "xl create guest-hvm: $(tail -n 1 "$R/xl-create-hvm.log")"
	echo "guest-hvm created in $(($(date +%s) - t0)) s"
	wait_domain guest-pvh && wait_domain guest-hvm || die "the guests are not listed after xl create"
	# the PVH guest's kernel reached busybox's init (its console, logged
	# by xenconsoled)
	local c=/var/log/xen/console/guest-guest-pvh.log
	for i in $(seq 120); do grep -q "hvscope test guest up" "$c" 2> /dev/null && break; sleep 0.5; done
	grep -q "hvscope test guest up" "$c" 2> /dev/null || die "guest-pvh's console never showed its init: $(tail -n 3 "$c" 2> /dev/null)"
	echo "guest-pvh booted: $(grep -c 'Linux version' "$c") boot(s) on its console, init up"
	sleep 6 # a few samples with both running
	xentop -b -d 1 -i 2 > "$R/types-xentop.txt"
	xl list > "$R/types-xl-list.txt"
	xl list -l > "$R/types-xl-list-l.json"
	# the device model: the QEMU serving guest-hvm, and its resident memory
	local domid dm
	domid=$(xl domid guest-hvm)
	dm=$(pgrep -f -- "-xen-domid $domid( |$)" | head -n 1)
	[ -n "$dm" ] || die "no device model process for guest-hvm (domid $domid): $(ps -eo pid,args | grep -i qemu)"
	echo "device model of guest-hvm: pid $dm, $(tr '\0' ' ' < /proc/$dm/cmdline | cut -c1-200)"
	grep VmRSS "/proc/$dm/status" | tee "$R/types-dm-rss.txt"
	hvscope top -b -c xen -i 1 -f json > "$R/types-last.json"
	# the bundle's samples carry the guest type and the device model's rss
	hvscope bundle -c xen --samples 2 -o "$R/types-bundle.tar.xz"
	kill -INT $h
	wait $h || die "hvscope top exited $?"
	cat "$R/types-xl-list.txt"
	py guest-types "$R/types.json" "$R/types-xl-list-l.json" "$R/types-xentop.txt" "$R/types-xl-list.txt" "$R/types-dm-rss.txt" "$R/types-bundle.tar.xz" \
		"$R/types-last.json"
}

# --- hvscope exporter, scraped here with curl ---------------------------------
exporter() {
	start_exporter exporter -c xen --web.listen-address 127.0.0.1:9869 --check.interval 30
	local up=0
	for i in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:9869/ && { up=1; break; }; sleep 0.2; done
	[ $up = 1 ] || die "the exporter did not answer: $(tail -n 3 "$R/exporter.out")"
	# the readiness series come from a check run in the background
	for i in $(seq 100); do curl -fs http://127.0.0.1:9869/metrics | grep -q '^hvscope_check_status{' && break; sleep 0.3; done
	curl -fs http://127.0.0.1:9869/metrics > "$R/metrics.txt"
	hvscope top -b -c xen -i 1 -f json > "$R/metrics-top.json"
	curl -fs -H 'Accept: application/openmetrics-text; version=1.0.0' http://127.0.0.1:9869/metrics > "$R/metrics.om"
	promtool check metrics < "$R/metrics.txt"
	grep -qx 'hvscope_up 1' "$R/metrics.txt" || die "hvscope_up is not 1"
	grep -q '^hvscope_build_info{version="' "$R/metrics.txt" || die "no build info"
	grep -q '^hvscope_check_status{profile="xen",check="xen-running",severity="fail",status="pass"} 1$' "$R/metrics.txt" ||
		die "no passing xen-running readiness series"
	grep -qx '# EOF' <(tail -n 1 "$R/metrics.om") || die "OpenMetrics answer has no # EOF"
	# each domain's guest type, as xl list -l names it
	grep -q '^hvscope_domain_info{domain="Domain-0",uuid="[^"]*",type="pv"} 1$' "$R/metrics.txt" ||
		die "no hvscope_domain_info type=\"pv\" for Domain-0: $(grep '^hvscope_domain_info' "$R/metrics.txt" | head -n 3)"
	if xl domid guest-pvh > /dev/null 2>&1; then
		grep -q '^hvscope_domain_info{domain="guest-pvh",uuid="[^"]*",type="pvh"} 1$' "$R/metrics.txt" || die "guest-pvh's type"
		grep -q '^hvscope_domain_info{domain="guest-hvm",uuid="[^"]*",type="hvm"} 1$' "$R/metrics.txt" || die "guest-hvm's type"
		echo "types: Domain-0 pv, guest-pvh pvh, guest-hvm hvm"
	fi
	py metrics "$R/metrics.txt" "$R/metrics-top.json"
	# UUIDs (libxenstat has none; hvscope reads the domains' handles from
	# the hypervisor) as xl list -v gives them
	xl list -v | awk 'NR > 1 { print $1, $7 }' > "$R/xl-uuids.txt"
	while read -r name uuid; do
		grep -q "^hvscope_domain_state{domain=\"$name\",uuid=\"$uuid\"," "$R/metrics.txt" ||
			die "$name: uuid $uuid of xl list -v not in the exporter's: $(grep "domain=\"$name\"" "$R/metrics.txt" | head -n 1)"
	done < "$R/xl-uuids.txt"
	echo "uuids: $(wc -l < "$R/xl-uuids.txt") domains as xl list -v gives them"
	# each physical CPU's idle time from Xen's scheduler, one series per
	# CPU xl info counts, moving forward
	local ncpu n1 n2 i1 i2
	ncpu=$(xl info | awk '$1 == "nr_cpus" { print $3 }')
	n1=$(grep -c '^hvscope_host_pcpu_idle_seconds_total{cpu=' "$R/metrics.txt")
	[ "$n1" = "$ncpu" ] || die "pCPU idle series: $n1, xl info nr_cpus $ncpu"
	sleep 1
	curl -fs http://127.0.0.1:9869/metrics > "$R/metrics2.txt"
	i1=$(awk '/^hvscope_host_pcpu_idle_seconds_total\{cpu="0"\}/ { print $2 }' "$R/metrics.txt")
	i2=$(awk '/^hvscope_host_pcpu_idle_seconds_total\{cpu="0"\}/ { print $2 }' "$R/metrics2.txt")
	awk -v a="$i1" -v b="$i2" 'BEGIN { exit !(b > a) }' || die "pCPU 0 idle time did not move: $i1 -> $i2"
	echo "pcpus: $ncpu idle series as xl info counts; CPU 0 idle $i1 -> $i2 s"
	curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:9869/metrics | grep -qx 405 || die "POST was not refused"
}

# --- hvscope bundle ---------------------------------------------------------
bundle() {
	hvscope bundle -c xen -o "$R/bundle.tar.xz"
	py bundle "$R/bundle.tar.xz"
}

# --- libvirt's Xen driver (xen:///system) -----------------------------------
libvirt_xen() {
	mkdir -p /var/run/libvirt /var/log/libvirt
	# libvirtd loads its QEMU driver too, which wants the user that
	# libvirt-daemon-system's postinst makes (that package, with polkit,
	# dnsmasq and iptables, is not in the image).
	getent group kvm > /dev/null || groupadd --system kvm
	getent passwd libvirt-qemu > /dev/null ||
		useradd --system --no-create-home --shell /usr/sbin/nologin --user-group --groups kvm libvirt-qemu
	virtlogd -d || true
	# Under TCG libvirtd takes a while to load its drivers; its log says why
	# when it does not come up.
	LIBVIRT_LOG_OUTPUTS="1:file:$R/libvirtd.log" LIBVIRT_LOG_FILTERS="1:libxl 1:daemon 3:*" \
		libvirtd -d 2> "$R/libvirtd.err" || skip "libvirtd does not start here: $(tail -n 1 "$R/libvirtd.err")"
	local ok=0
	for i in $(seq 240); do
		virsh -c xen:///system list --all > "$R/virsh-list.txt" 2> "$R/virsh.err" && { ok=1; break; }
		pgrep -x libvirtd > /dev/null || break
		sleep 0.5
	done
	if [ $ok = 0 ]; then
		grep -E ' error : ' "$R/libvirtd.log" 2> /dev/null | tail -n 5
		pgrep -x libvirtd > /dev/null || skip "libvirtd exited: $(grep -E ' error : ' "$R/libvirtd.log" 2> /dev/null | tail -n 1 | sed 's/.* error : //')"
		skip "libvirt's Xen driver does not answer after 120 s: $(tail -n 1 "$R/virsh.err")"
	fi
	cat "$R/virsh-list.txt"
	# libvirt's Xen driver lists only the domains it started (and dom0):
	# start one through it, from guest1's xl configuration.
	virsh -c xen:///system domxml-from-native xen-xl /etc/xen/guest1.cfg |
		sed -e 's|<name>guest1</name>|<name>guest3</name>|' -e '/<uuid>/d' > "$R/guest3.xml"
	virsh -c xen:///system create "$R/guest3.xml"
	wait_domain guest3 || die "guest3 not listed after virsh create"
	sleep 2
	virsh -c xen:///system list --all | tee "$R/virsh-list.txt"
	hvscope top -b -c xen:///system -i 1 -f json > "$R/top-libvirt.json"
	hvscope top -b -c xen -i 1 -f json > "$R/top-xenstat.json"
	virsh -c xen:///system domstats --raw > "$R/virsh-domstats.txt" 2>&1 || true
	py libvirt "$R/top-libvirt.json" "$R/top-xenstat.json" "$R/virsh-list.txt"
	# The exporter over the same URI.
	start_exporter exporter-libvirt -c xen:///system --web.listen-address 127.0.0.1:9870 --check.interval 3600
	for i in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:9870/ && break; sleep 0.2; done
	curl -fs http://127.0.0.1:9870/metrics > "$R/metrics-libvirt.txt"
	hvscope top -b -c xen:///system -i 1 -f json > "$R/metrics-libvirt-top.json"
	promtool check metrics < "$R/metrics-libvirt.txt"
	grep -qx 'hvscope_up 1' "$R/metrics-libvirt.txt" || die "hvscope_up is not 1 over xen:///system"
	py metrics "$R/metrics-libvirt.txt" "$R/metrics-libvirt-top.json" libvirt
	virsh -c xen:///system destroy guest3
}

# The exporters stop on SIGTERM, cleanly (exit 0, and the sanitizers'
# reports, leaks included, are written then); no sanitizer report anywhere.
shutdown() {
	local name rc n=0
	for name in $(cat /run/exporters 2> /dev/null); do
		kill -TERM "$(cat "/run/$name.pid")"
		for i in $(seq 100); do [ -s "/run/$name.rc" ] && break; sleep 0.2; done
		rc=$(cat "/run/$name.rc" 2> /dev/null || echo "none (still running after 20 s)")
		[ "$rc" = 0 ] || die "$name exited $rc on SIGTERM"
		n=$((n + 1))
	done
	if grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$R"/*.log "$R"/*.out "$R"/*.err 2> /dev/null; then
		die "sanitizer reports (files above)"
	fi
	echo "$n exporters stopped cleanly; no sanitizer report in $(ls "$R" | wc -l) result files"
}

cleanup() {
	xl destroy guest1 > /dev/null 2>&1
	xl destroy guest2 > /dev/null 2>&1
	xl destroy guest3 > /dev/null 2>&1
	xl destroy guest-pvh > /dev/null 2>&1
	xl destroy guest-hvm > /dev/null 2>&1
	sleep 0.5
}

say "hvscope $(hvscope --version 2>&1 | head -n1) on $(uname -r)"
# Not "step ... || true": a function run where its status is tested would
# run with set -e ignored.
step xen-services xen_services
if [ $? != 0 ]; then
	say "Xen services did not start; nothing else can run"
	exit 1
fi
step guest1 start_guest1
step check check_xen
sleep 2 # let guest1 run a little
step top-vs-xentop top_vs_xentop
step top-pcpu top_pcpu
step top-follows-guest top_follows
step hvm-guests hvm_guests
step exporter exporter
step bundle bundle
step libvirt-xen libvirt_xen
step shutdown shutdown
cleanup
say "done: $nfail failed"
cat "$R/summary.txt"
exit $nfail
