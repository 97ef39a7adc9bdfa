#!/bin/bash
# Runs under a real systemd as PID 1 (the dom0 image's kernel booted
# without Xen): hvscope's service facts against Debian 12's own libvirt
# units, in the states a stock host goes through: busy (libvirtd running),
# idle (libvirtd exited by its --timeout, libvirtd.socket listening), the
# daemon running but disabled at boot, the sockets disabled.  Each step
# prints PASS/FAIL into /results/summary.txt; then the results disk is
# written and the machine powered off.  Also hvscope-check.timer as the
# package installs it: enabled, it runs the check by itself and
# hvscope.prom appears in node_exporter's directory.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
R=/results
mkdir -p "$R"
: > "$R/summary.txt"
nfail=0
say() { echo "[systemd $(cut -d' ' -f1 /proc/uptime)s] $*"; }
step() {
	local name=$1 rc
	say "step $name"
	( set -e; "$2" ) > "$R/$name.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then echo "PASS $name" >> "$R/summary.txt"
	else echo "FAIL $name: $(tail -n 1 "$R/$name.log")" >> "$R/summary.txt"; nfail=$((nfail + 1)); fi
	tail -n 1 "$R/summary.txt"
}
die() { echo "$*"; exit 1; }
RULES=libvirtd-available,libvirtd-enabled,virtlogd-available,virtlogd-enabled,virtlockd-available
# checked: 0 to 2 are verdicts; a sanitizer's report at exit is not
checked() { "$@" || { rc=$?; [ $rc -le 2 ] || die "$* exited $rc"; }; }
check() { checked hvscope check --profile kvm --only "$RULES" --format json > "$R/check.json"; }
# want ID VERDICT EVIDENCE-SUBSTRING
want() {
	python3 - "$R/check.json" "$@" <<'PY' || exit 1
import json, sys
path, cid, verdict, ev = sys.argv[1:5]
for c in json.load(open(path))["checks"]:
    if c["id"] == cid:
        if c["verdict"] != verdict or ev not in (c.get("evidence") or ""):
            sys.exit("%s: %s (%s), want %s with %r" % (cid, c["verdict"], c.get("evidence"), verdict, ev))
        print(cid, c["verdict"], c.get("evidence"))
        break
else:
    sys.exit(cid + " absent")
PY
}
states() {
	systemctl show -p ActiveState -p UnitFileState libvirtd.service libvirtd.socket virtlogd.service virtlogd.socket | paste -sd' '
}

systemd_pid1() {
	[ "$(cat /proc/1/comm)" = systemd ] || die "PID 1 is $(cat /proc/1/comm)"
	# (not is-system-running --wait: this oneshot is itself part of the start-up)
	systemctl is-active multi-user.target
	checked hvscope check --profile kvm --only "$RULES"
	states
}
busy() {
	systemctl start libvirtd.service
	states
	check
	want libvirtd-available pass "libvirtd.service is active (running)"
	want libvirtd-enabled pass "libvirtd.service enabled"
	want virtlogd-available pass "virtlogd"
	want virtlogd-enabled pass "virtlogd.socket enabled"
	want virtlockd-available pass "virtlockd"
}
# Debian's unit passes $LIBVIRTD_ARGS from /etc/default/libvirtd: the
# stock --timeout 120, shortened, so that the daemon exits by itself.
idle() {
	echo 'LIBVIRTD_ARGS="--timeout 5"' > /etc/default/libvirtd
	systemctl restart libvirtd.service
	for i in $(seq 60); do
		[ "$(systemctl show -p ActiveState --value libvirtd.service)" = inactive ] && break
		sleep 1
	done
	states
	[ "$(systemctl show -p ActiveState --value libvirtd.service)" = inactive ] || die "libvirtd did not exit when idle"
	check
	want libvirtd-available pass "libvirtd.socket listening; libvirtd.service is inactive and starts on demand"
	# and it does start on demand
	virsh -c qemu:///system uri > /dev/null 2>&1 || virsh -c xen:///system uri > /dev/null 2>&1 || true
	states
}
disabled_at_boot() {
	# without idle's short --timeout, which could end the daemon before the check
	echo 'LIBVIRTD_ARGS=""' > /etc/default/libvirtd
	systemctl disable libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket
	systemctl restart libvirtd.service
	states
	check
	want libvirtd-available pass "libvirtd.service is active"
	want libvirtd-enabled warn "libvirtd.service disabled"
}
sockets_off() {
	systemctl stop libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket
	states
	check
	want libvirtd-available fail "libvirtd.service is inactive"
	grep -q 'systemctl enable --now libvirtd.socket' "$R/check.json" || die "the remedy does not enable the socket"
}

# VT in the firmware from the MSRs, the live path of cpu.vt_firmware: QEMU's
# "max" CPU has svm (TCG emulates it) or vmx (KVM passes it through), and
# answers VM_CR / IA32_FEATURE_CONTROL reads through /dev/cpu/0/msr.
msr() {
	modprobe msr || die "modprobe msr failed"
	grep -qwE 'vmx|svm' /proc/cpuinfo || die "this QEMU CPU shows neither vmx nor svm"
	mkdir -p /tmp/vt
	cat > /tmp/vt/vt.yaml <<'Y'
profile: kvm
rules:
  - {id: vt-firmware, title: VT in the firmware, fact: cpu.vt_firmware, expect: enabled, remedy: none}
  - {id: vt-enabled-fw, title: VT enabled, fact: cpu.vt_enabled, expect: true, remedy: none}
Y
	checked hvscope check --profile kvm --rules /tmp/vt --only vt-firmware,vt-enabled-fw --format json > "$R/check.json"
	cat "$R/check.json"
	if grep -qw svm /proc/cpuinfo; then want vt-firmware pass "VM_CR (0xc0010114) = 0x"
	else want vt-firmware pass "IA32_FEATURE_CONTROL (0x3a) = 0x"; fi
	want vt-enabled-fw pass "used: "
}

# The timer as shipped (Debian's directory, as the payload's make install
# set it): enabled and started well after boot, its OnBootSec has passed,
# so systemd runs the check at once (within RandomizedDelaySec); nothing
# starts the service by hand.
textfile_timer() {
	local dir f i
	dir=$(systemctl show -p Environment --value hvscope-check.service | tr ' ' '\n' | sed -n 's/^HVSCOPE_TEXTFILE_DIR=//p')
	[ "$dir" = /var/lib/prometheus/node-exporter ] || die "the unit's textfile directory is '$dir'"
	f=$dir/hvscope.prom
	mkdir -p "$dir"
	rm -f "$f"
	systemd-analyze verify --man=no hvscope-check.timer hvscope-check.service
	systemctl enable --now hvscope-check.timer
	systemctl is-active hvscope-check.timer
	systemctl list-timers --all hvscope-check.timer | cat
	for i in $(seq 120); do [ -s "$f" ] && break; sleep 1; done
	[ -s "$f" ] || die "no $f $i s after the timer started: $(systemctl status hvscope-check.service | tail -n 5)"
	for i in $(seq 30); do [ "$(systemctl show -p ActiveState --value hvscope-check.service)" = inactive ] && break; sleep 1; done
	systemctl show -p Result -p ExecMainStatus -p ActiveState hvscope-check.service | paste -sd' '
	[ "$(systemctl show -p Result --value hvscope-check.service)" = success ] || die "hvscope-check.service: $(systemctl status hvscope-check.service | tail -n 5)"
	grep -c '^hvscope_check_status{' "$f"
	grep -q '^hvscope_check_results{' "$f" || die "$f holds no hvscope_check_results"
	stat -c '%a %U %n' "$f"
	[ "$(stat -c %a "$f")" = 644 ] || die "$f has mode $(stat -c %a "$f")"
	[ "$(ls -A "$dir")" = hvscope.prom ] || die "left in $dir: $(ls -A "$dir")"
	systemctl disable --now hvscope-check.timer
}

step systemd-pid1 systemd_pid1
step textfile-timer textfile_timer
step msr msr
step busy busy
step idle idle
step disabled-at-boot disabled_at_boot
step sockets-off sockets_off
cat "$R/summary.txt"
echo "$nfail" > "$R/exit-code"
tar -cf /dev/vdc -C "$R" . && sync
say "power off"
systemctl poweroff --no-block || echo o > /proc/sysrq-trigger
exit 0
