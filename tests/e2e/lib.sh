# Shared helpers for the end-to-end tests; sourced by each test_*.sh.
# A test exits 0 (pass), 77 (skip: say why on stdout) or anything else (fail).
# skip FACT WHY is for the facts of the machine listed in skip-facts (no
# /dev/kvm, not root, systemd as PID 1); a component a test was promised (a
# tool, a package's file) that is missing goes through missing/need, which
# skip for a user and fail in CI (CI=true, as CI runs .ci/run): CI never
# passes by skipping.
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary under test}"
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
FIXTURES=$TOP/tests/fixtures
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvscope-e2e.XXXXXX")
# Daemons and processes a test starts are stopped by PID on exit.
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() {
	local fact=$1
	shift
	grep -Eq "^$fact( |\$)" "$E2E_DIR/skip-facts" || fail "skip for '$fact': not a machine fact of tests/e2e/skip-facts ($*)"
	echo "SKIP: $fact: $*"
	exit 77
}
note() { echo "  $*"; }

hv() { "$HVSCOPE" "$@"; }

# Run hvscope, keep its exit code in $RC without tripping set -e.
run_hv() { set +e; "$HVSCOPE" "$@"; RC=$?; set -e; }

# verdict JSONFILE CHECK-ID -> pass|warn|fail|skip|error|absent
verdict() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["checks"]:
    if c["id"] == sys.argv[2]:
        print(c["verdict"]); break
else:
    print("absent")
PY
}

# field JSONFILE CHECK-ID FIELD
field() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["checks"]:
    if c["id"] == sys.argv[2]:
        print(c.get(sys.argv[3]) or ""); break
PY
}

expect_verdict() {
	local got
	got=$(verdict "$1" "$2")
	[ "$got" = "$3" ] || fail "$2: verdict $got, expected $3 ($(field "$1" "$2" seen) / $(field "$1" "$2" evidence) / $(field "$1" "$2" reason))"
}

# Every check of a report, "id verdict", one a line.
all_verdicts() {
	python3 -c 'import json,sys; [print(c["id"], c["verdict"]) for c in json.load(open(sys.argv[1]))["checks"]]' "$1"
}

# mkroot DIR FIXTURE [OVERLAY...]: a host root from a fixture, overlays on top,
# the real SELinux policy's file_contexts from selinux-policy-default.
mkroot() {
	local dir=$1 fx=$2
	shift 2
	mkdir -p "$dir"
	cp -a "$FIXTURES/$fx/." "$dir/"
	local o
	for o in "$@"; do cp -a "$FIXTURES/overlays/$o/." "$dir/"; done
	if [ -d /etc/selinux/default/contexts/files ]; then
		mkdir -p "$dir/etc/selinux/default/contexts/files"
		cp /etc/selinux/default/contexts/files/file_contexts "$dir/etc/selinux/default/contexts/files/"
	fi
}

# Empty RPM packages with the given names (NAME or NAME=VERSION-RELEASE),
# built once per run with rpmbuild into $RPM_CACHE.
RPM_CACHE=${RPM_CACHE:-$TMP/rpms}
build_rpm() {
	local spec=$1 name ver rel
	name=${spec%%=*}
	if [ "$spec" != "$name" ]; then ver=${spec#*=}; rel=${ver##*-}; ver=${ver%-*}; else ver=1.0; rel=1.el5; fi
	local out
	out=$(ls "$RPM_CACHE"/RPMS/*/"$name-$ver-$rel".*.rpm 2>/dev/null | head -n1 || true)
	if [ -z "$out" ]; then
		mkdir -p "$RPM_CACHE"
		cat > "$RPM_CACHE/empty.spec" <<'SPEC'
Name: %{pkgname}
Version: %{pkgver}
Release: %{pkgrel}
Summary: empty package for hvscope's tests
License: GPL-2.0-or-later
%description
Empty package standing in for a RHEL 5 package of the same name.
%files
SPEC
		rpmbuild -bb --quiet --target i686 --define "_topdir $RPM_CACHE" --define "pkgname $name" \
			--define "pkgver $ver" --define "pkgrel $rel" "$RPM_CACHE/empty.spec" >/dev/null 2>&1 ||
			fail "rpmbuild of $name failed"
		out=$(ls "$RPM_CACHE"/RPMS/*/"$name-$ver-$rel".*.rpm | head -n1)
	fi
	echo "$out"
}

# rpmdb_install ROOT SPEC...: a real RPM database in ROOT/var/lib/rpm, as on RHEL.
rpmdb_install() {
	local root=$1
	shift
	local files=() s
	for s in "$@"; do files+=("$(build_rpm "$s")"); done
	[ -e "$root/var/lib/rpm/rpmdb.sqlite" ] || rpm --root "$root" --dbpath /var/lib/rpm --initdb
	rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --justdb --ignorearch --noscripts "${files[@]}" 2>/dev/null
}

rpmdb_erase() {
	local root=$1
	shift
	rpm --root "$root" --dbpath /var/lib/rpm -e --nodeps --justdb --noscripts "$@" 2>/dev/null
}

# label PATH TYPE: an SELinux label as the kernel would store it.
label() {
	setfattr -n security.selinux -v "system_u:object_r:$2:s0" "$1"
}

missing() {
	[ "${CI:-}" = true ] && fail "$* (in CI a promised component that is missing fails the test)"
	echo "SKIP: missing: $*"
	exit 77
}

need() {
	local c
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing "$c is not installed"; done
}

SEED_PACKAGES="kernel-xen=2.6.18-8.el5 xen=3.0.3-25.el5 xen-libs=3.0.3-25.el5 bridge-utils=1.1-2 gnome-python2-gnomekeyring=2.16.0-1.fc6 libvirt=0.1.8-15.el5 libvirt-python=0.1.8-15.el5 python-virtinst=0.98.0-1.el5 virt-manager=0.2.6-7.el5 vnc=4.1.2-9.el5"

# make_node_xml FILE N [special]: see tests/make-node-xml.py.
make_node_xml() { python3 "$TOP/tests/make-node-xml.py" "$@"; }

# tmux helpers for the curses screen.
TMUX_SOCK=""
tmux_start() { # COLS ROWS COMMAND...
	TMUX_SOCK="$TMP/tmux.sock"
	local cols=$1 rows=$2
	shift 2
	tmux -S "$TMUX_SOCK" new-session -d -s t -x "$cols" -y "$rows" "$*"
}
tmux_screen() { tmux -S "$TMUX_SOCK" capture-pane -p -t t; }
tmux_keys() { tmux -S "$TMUX_SOCK" send-keys -t t "$@"; }
tmux_stop() { [ -n "$TMUX_SOCK" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true; }
# wait_screen REGEX [SECONDS]: until the screen matches
wait_screen() {
	local i
	for i in $(seq $((${2:-10} * 10))); do
		tmux_screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	tmux_screen >&2
	fail "screen never showed /$1/"
}

# start_libvirtd: virtlogd and libvirtd by hand (no systemd as PID 1 here),
# /dev/kvm usable by QEMU; stopped on exit if this test started them.
# libvirtd.conf: what polkit grants by default on a systemd host (anyone may
# use the read-only socket), said without polkitd, which does not run here.
LIBVIRT_STARTED=() # PIDs of the daemons this test started
LIBVIRTD_PID=      # the libvirtd this test started (empty: one it found)
# pid_of_started PIDFILE: the PID a daemon started with -d wrote.
pid_of_started() {
	local i
	for i in $(seq 50); do [ -s "$1" ] && { cat "$1"; return 0; }; sleep 0.1; done
	fail "no PID in $1"
}
start_own_libvirtd() {
	libvirtd -d --config "$E2E_DIR/libvirtd.conf"
	LIBVIRTD_PID=$(pid_of_started /run/libvirtd.pid)
	LIBVIRT_STARTED+=("$LIBVIRTD_PID")
}
start_libvirtd() {
	[ "$(id -u)" = 0 ] || skip not-root "needs root to start libvirtd"
	need libvirtd virtlogd virsh
	if [ -e /dev/kvm ]; then
		chgrp kvm /dev/kvm 2>/dev/null || true
		chmod 660 /dev/kvm
	fi
	local i
	if ! pgrep -x virtlogd >/dev/null; then
		virtlogd -d
		LIBVIRT_STARTED+=("$(pid_of_started /run/virtlogd.pid)")
	fi
	# A daemon already running must answer; one on its way out is waited for.
	if ! virsh -c qemu:///system version >/dev/null 2>&1; then
		for i in $(seq 30); do pgrep -x libvirtd >/dev/null || break; sleep 0.1; done
		pgrep -x libvirtd >/dev/null || start_own_libvirtd
	fi
	for i in $(seq 100); do virsh -c qemu:///system version >/dev/null 2>&1 && return 0; sleep 0.1; done
	fail "libvirtd did not answer"
}
# own_libvirtd WHAT: a test that stops or kills libvirtd does it only to
# the one it started; with someone else's running, that part is left out
# for a user and fails in CI (where nothing else runs one).
own_libvirtd() {
	[ -n "$LIBVIRTD_PID" ] && return 0
	missing "$1 needs a libvirtd this test started; one was already running"
}
# restart_own_libvirtd: after the test killed its own.
restart_own_libvirtd() {
	local i
	for i in $(seq 100); do kill -0 "$LIBVIRTD_PID" 2>/dev/null || break; sleep 0.05; done
	start_own_libvirtd
}
stop_libvirtd() {
	local p i
	for p in "${LIBVIRT_STARTED[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	# Gone before the next test looks: a daemon on its way out would be
	# taken for a running one.
	for p in "${LIBVIRT_STARTED[@]:-}"; do
		[ -n "$p" ] || continue
		for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
	done
}

# accel_kind: how KVM runs a guest here, hvscope's own fact (virt.accel.kind:
# vt-x, amd-v, pvm or none).
accel_kind() {
	local out rc=0
	out=$("$HVSCOPE" check --profile kvm --only hwvirt --format json 2>/dev/null) || rc=$?
	[ "$rc" -le 2 ] || fail "hvscope check --only hwvirt exited $rc"
	python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"][0]["seen"])' <<< "$out"
}

# kvm_or_qemu: the domain type a stock guest runs under here, from
# hvscope's verdict: kvm where VT-x/AMD-V backs /dev/kvm, qemu (TCG)
# elsewhere.  Under kvm_pvm, KVM_CREATE_VM succeeds and firmware runs,
# but a stock guest kernel hangs: TCG there too.
kvm_or_qemu() {
	local k
	k=$(accel_kind)
	case $k in vt-x | amd-v) echo kvm ;; *) echo qemu ;; esac
}

# guest_create NAME TYPE: a transient diskless 128 MiB guest; its firmware
# spins looking for a boot device, which keeps a vCPU busy.
# guest_create NAME TYPE [disk]: a transient guest (ACPI, so that disks
# can be hot-plugged), with a 16 MiB raw disk vda in $TMP when asked.
guest_create() {
	local disk=
	if [ "${3:-}" = disk ]; then
		truncate -s 16M "$TMP/$1.img"
		chmod o+x "$TMP" # QEMU runs as its own user; libvirt relabels the image
		disk="<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$TMP/$1.img'/><target dev='vda' bus='virtio'/></disk>"
	fi
	cat > "$TMP/$1.xml" <<XML
<domain type='$2'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>$disk</devices>
</domain>
XML
	virsh -c qemu:///system destroy "$1" >/dev/null 2>&1 || true
	virsh -c qemu:///system create "$TMP/$1.xml" >/dev/null || fail "cannot start guest $1"
}

# os_guest DIR: DIR/vmlinuz and DIR/initrd.gz, a Linux guest that boots to
# a busybox init with the virtio balloon driver loaded (so that it reports
# its memory statistics), from the Debian kernel install-deps.sh keeps in
# /var/cache/hvscope/guest-kernel.  DIR must be readable by QEMU's user.
os_guest() {
	local dir=$1 deb x
	deb=$(ls /var/cache/hvscope/guest-kernel/linux-image-*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || missing "no guest kernel in /var/cache/hvscope/guest-kernel (./install-deps.sh fetches it)"
	need busybox cpio gzip
	x=$TMP/os-guest-x
	mkdir -p "$x" "$dir"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" --wildcards './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/virtio/*.ko'
	cp "$x"/boot/vmlinuz-* "$dir/vmlinuz"
	local r=$x/root m
	mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/lib"
	cp "$(command -v busybox)" "$r/bin/busybox"
	ln -sf busybox "$r/bin/sh"
	cp "$x"/lib/modules/*/kernel/drivers/virtio/*.ko "$r/lib/"
	{
		echo '#!/bin/sh'
		echo '/bin/busybox mount -t proc proc /proc'
		for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_balloon; do
			echo "/bin/busybox insmod /lib/$m.ko"
		done
		echo '/bin/busybox echo "hvscope os guest up"'
		echo 'while :; do /bin/busybox sleep 1; done'
	} > "$r/init"
	chmod 755 "$r/init"
	(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) > "$dir/initrd.gz"
	chmod 644 "$dir/vmlinuz" "$dir/initrd.gz"
	rm -rf "$x"
}

# free_port: a TCP port nobody listens on, on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [SECONDS]
wait_http() {
	local i
	for i in $(seq $((${2:-10} * 10))); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
	fail "$1 never answered"
}

# round_trip ROOT LABEL: hvscope bundle of ROOT ("/" for the live host),
# then for every profile (check --list) the verdict of every check of `check --root ROOT`
# and of `check --bundle` on the bundle, which must agree; fails naming the
# checks that do not.
round_trip() {
	local root=$1 label=$2 p b="$TMP/rt-$$-$RANDOM.tar.gz"
	if [ "$root" = / ]; then
		"$HVSCOPE" bundle --no-hypervisor -q -o "$b" > /dev/null 2> "$TMP/rt.err" || fail "$label: bundle: $(cat "$TMP/rt.err")"
	else
		"$HVSCOPE" bundle --root "$root" -q -o "$b" > /dev/null 2> "$TMP/rt.err" || fail "$label: bundle: $(cat "$TMP/rt.err")"
	fi
	local profiles
	profiles=$("$HVSCOPE" check --list) || fail "$label: check --list exited $?"
	profiles=$(sed -n 's/^\([a-z0-9_-]*\): .*/\1/p' <<< "$profiles")
	# rhel5-xen, xen and kvm at least: an empty list would compare nothing
	[ "$(wc -w <<< "$profiles")" -ge 3 ] || fail "$label: check --list named the profiles '$profiles'"
	for p in $profiles; do
		run_hv check --root "$root" --profile "$p" --format json > "$TMP/rt-a.json"
		run_hv check --bundle "$b" --profile "$p" --format json > "$TMP/rt-b.json"
		[ "$RC" -le 2 ] || fail "$label: check --bundle exited $RC"
		python3 - "$TMP/rt-a.json" "$TMP/rt-b.json" "$label" "$p" "$TMP/rt.diff" <<'PY' || fail "$(cat "$TMP/rt.diff")"
import json, sys
def verdicts(path):
    return {(c["id"], c.get("item")): c["verdict"] for c in json.load(open(path))["checks"]}
a, b = verdicts(sys.argv[1]), verdicts(sys.argv[2])
bad = ["%s%s: %s on the host, %s from its bundle" % (k[0], "[%s]" % k[1] if k[1] else "", a.get(k, "absent"), b.get(k, "absent"))
       for k in sorted(set(a) | set(b), key=str) if a.get(k) != b.get(k)]
open(sys.argv[5], "w").write("%s, profile %s: %s" % (sys.argv[3], sys.argv[4], "; ".join(bad)))
sys.exit(1 if bad else 0)
PY
		RT_CHECKS=$(( ${RT_CHECKS:-0} + $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$TMP/rt-a.json") ))
	done
	rm -f "$b"
}
