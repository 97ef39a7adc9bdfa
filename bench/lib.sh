# Shared by the benchmarks: a real guest under libvirtd, started here when
# libvirtd and QEMU can run (no systemd as PID 1: the daemons are started
# by hand), and destroyed on exit by bench_guest_stop; the daemons a
# benchmark started are stopped by bench_daemons_stop, by PID.

# bench_guest NAME [MORE_DEVICES_XML]: a transient diskless 128 MiB guest
# (KVM where hvscope's hwvirt check sees VT-x/AMD-V, else TCG); returns 1
# when none can run.
bench_guest() {
	local name=$1 devices=${2:-} type=qemu i
	command -v libvirtd >/dev/null && command -v qemu-system-x86_64 >/dev/null || return 1
	if ! pgrep -x virtlogd >/dev/null; then virtlogd -d && bench_daemon /run/virtlogd.pid; fi
	if ! pgrep -x libvirtd >/dev/null; then libvirtd -d && bench_daemon /run/libvirtd.pid; fi
	for i in $(seq 50); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.1; done
	# KVM only where hvscope says VT-x/AMD-V backs it (not under kvm_pvm)
	case $("$HVSCOPE" check --profile kvm --only hwvirt --format json 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"][0]["seen"])' 2>/dev/null) in
	vt-x | amd-v) type=kvm ;;
	esac
	virsh -c qemu:///system destroy "$name" >/dev/null 2>&1 || true
	virsh -c qemu:///system create /dev/stdin >/dev/null <<XML || return 1
<domain type='$type'><name>$name</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>$devices</devices></domain>
XML
	echo "a $type guest runs under libvirtd ($name)"
}

BENCH_DAEMONS=()
bench_daemon() { # PIDFILE of a daemon just started
	local i
	for i in $(seq 50); do [ -s "$1" ] && break; sleep 0.1; done
	[ -s "$1" ] && BENCH_DAEMONS+=("$(cat "$1")")
}

bench_daemons_stop() {
	local p
	for p in "${BENCH_DAEMONS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
}

bench_guest_stop() {
	virsh -c qemu:///system destroy "$1" >/dev/null 2>&1 || true
}
