#!/usr/bin/env bash
# make check-xen: boot a real Xen 4.17 with a Debian 12 dom0 under QEMU
# (software emulation: KVM cannot run Xen on these machines) and run
# tests/xen/dom0-run.sh inside it against the freshly built hvscope.
#
#   HVSCOPE_PAYLOAD  the hvscope install tree (make install DESTDIR=...,
#                    PREFIX=/usr), copied into the dom0
#   HVSCOPE_BUILD    the build directory it came from (its libraries decide
#                    which Debian packages the image holds)
#   HVSCOPE_XEN_CACHE  where the dom0 image is kept between runs
#                    (default ~/.cache/hvscope/xen)
#   HVSCOPE_XEN_IMAGE  an image directory to boot as it is (skips build-image.sh)
#   HVSCOPE_BOOT     xen (default), or systemd: the same image's kernel booted
#                    without Xen, systemd as PID 1, tests/xen/systemd-run.sh
#                    checking the service facts against Debian's libvirt units
#   HVSCOPE_XEN_OUT  where the results are left (default $HVSCOPE_BUILD/xen-results)
#   HVSCOPE_XEN_TIMEOUT  seconds before QEMU is stopped (default 900)
#   HVSCOPE_XEN_CPU  QEMU's CPU model (default Nehalem).  TCG emulates AMD-V
#                    but not VT-x: with qemu64 (AMD, svm) Xen offers HVM and
#                    dom0-run.sh starts PVH and HVM guests, but Xen then
#                    reports no sep/vme and libvirt 9.0's Xen driver finds no
#                    CPU model for the host and does not start; with Nehalem
#                    libvirt's Xen driver runs and Xen offers PV only.  make
#                    check-xen boots both (XEN_HVM_CPU).
#
# Exit status: 0 when every step inside dom0 passed (or was skipped with a
# reason), 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${HVSCOPE_PAYLOAD:?the hvscope install tree to put in dom0 (make check-xen sets it)}"
: "${HVSCOPE_BUILD:?the build directory it came from (make check-xen sets it)}"
cache=${HVSCOPE_XEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvscope/xen}
boot=${HVSCOPE_BOOT:-xen}
out=${HVSCOPE_XEN_OUT:-$HVSCOPE_BUILD/$boot-results}
limit=${HVSCOPE_XEN_TIMEOUT:-900}
cpu=${HVSCOPE_XEN_CPU:-Nehalem}

log() { echo "check-xen: $*"; }
for t in qemu-system-x86_64 busybox cpio gzip tar; do
	command -v "$t" > /dev/null || { log "$t is missing (./install-deps.sh installs it)"; exit 1; }
done
# The guest's initramfs has no libraries: busybox must be busybox-static's.
if ldd "$(command -v busybox)" > /dev/null 2>&1; then
	log "busybox is linked dynamically; install busybox-static"
	exit 1
fi

t0=$(date +%s)
img=${HVSCOPE_XEN_IMAGE:-$(HVSCOPE_BUILD=$HVSCOPE_BUILD "$here/build-image.sh" "$cache")}
t1=$(date +%s)
log "dom0 image: $img ($((t1 - t0)) s)"

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/hvscope-xen.XXXXXX")
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2> /dev/null && sleep 1 && kill -9 "$qpid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The payload disk: a tar that dom0-init.sh unpacks over /: hvscope, the
# test scripts, promtool (a static Go binary) and the guests' initramfs.
p=$work/payload
mkdir -p "$p/opt/hvscope-xen" "$p/usr/local/bin"
cp -a "$HVSCOPE_PAYLOAD/." "$p/"
install -m 755 "$here/dom0-run.sh" "$here/dom0_check.py" "$here/systemd-run.sh" "$p/opt/hvscope-xen/"
install -m 644 "$here/hvscope-systemd-test.service" "$p/opt/hvscope-xen/"
echo "$cpu" > "$p/opt/hvscope-xen/cpu-model"
if command -v promtool > /dev/null; then
	install -m 755 "$(command -v promtool)" "$p/usr/local/bin/promtool"
fi
# A PV guest's ramdisk: busybox and an init that keeps a vCPU a little busy.
g=$work/guest
mkdir -p "$g/bin" "$g/proc" "$g/dev"
cp "$(command -v busybox)" "$g/bin/busybox"
ln -s busybox "$g/bin/sh"
install -m 755 "$here/guest-init.sh" "$g/init"
(cd "$g" && find . | cpio -o -H newc --quiet | gzip -9) > "$p/opt/hvscope-xen/guest-initrd.gz"
tar -C "$p" --owner=0 --group=0 -cf "$work/payload.tar" .
# The results disk: dom0 writes a tar of /results onto it.
truncate -s 512M "$work/results.img"

kernel=$(ls "$img"/vmlinuz)
if [ "$boot" = systemd ]; then
	# KVM where hvscope sees VT-x/AMD-V behind /dev/kvm; TCG elsewhere,
	# kvm_pvm included, under which this stock kernel hangs at boot.
	hwrc=0
	hwvirt=$(HVSCOPE_RULES_PATH="$here/../../rules/profiles" "$HVSCOPE_BUILD/hvscope" check --profile kvm \
		--only hwvirt --format json 2> "$work/hwvirt.err") || hwrc=$?
	[ "$hwrc" -le 2 ] || { log "hvscope check --only hwvirt exited $hwrc: $(cat "$work/hwvirt.err")"; exit 1; }
	kind=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"][0]["seen"])' <<< "$hwvirt")
	accel=tcg,thread=multi
	case $kind in vt-x | amd-v) accel=kvm ;; esac
	log "KVM acceleration here, as hvscope sees it: $kind"
	log "booting the dom0 image's kernel with systemd under QEMU ($accel; console in $out/console.log)"
	timeout --kill-after=10 "$limit" qemu-system-x86_64 \
		-accel "$accel" -cpu max -m 1024 -smp 2 \
		-nographic -no-reboot -monitor none -serial stdio \
		-kernel "$kernel" -initrd "$img/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 init=/hvscope-init hvscope.systemd systemd.show_status=0 panic=-1" \
		-drive file="$img/root.img",if=virtio,format=raw,snapshot=on \
		-drive file="$work/payload.tar",if=virtio,format=raw,readonly=on \
		-drive file="$work/results.img",if=virtio,format=raw \
		< /dev/null > "$out/console.log" 2>&1 &
else
log "booting Xen under QEMU (TCG; console in $out/console.log)"
timeout --kill-after=10 "$limit" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu "$cpu" -m 2048 -smp 2 \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "$img/xen.elf" \
	-append "dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1 noreboot" \
	-initrd "$kernel root=/dev/vda rw console=hvc0 init=/hvscope-init,$img/initrd.img" \
	-drive file="$img/root.img",if=virtio,format=raw,snapshot=on \
	-drive file="$work/payload.tar",if=virtio,format=raw,readonly=on \
	-drive file="$work/results.img",if=virtio,format=raw \
	< /dev/null > "$out/console.log" 2>&1 &
fi
qpid=$!
set +e
wait $qpid
qrc=$?
set -e
qpid=
t2=$(date +%s)
log "QEMU exited $qrc after $((t2 - t1)) s"

if ! tar -xf "$work/results.img" -C "$out" 2> /dev/null || [ ! -s "$out/exit-code" ]; then
	log "no results came out of dom0; the console's end:"
	tail -n 60 "$out/console.log" | sed 's/^/  | /'
	[ "$qrc" = 124 ] && log "QEMU was stopped after $limit s"
	exit 1
fi
sed 's/^/  /' "$out/summary.txt" 2> /dev/null || true
rc=$(cat "$out/exit-code")
{
	echo "image: $((t1 - t0)) s; boot and tests: $((t2 - t1)) s; total $((t2 - t0)) s"
	cat "$img/packages.txt" | grep -E '^(xen-hypervisor-4.17-amd64|xen-utils-4.17|linux-image-[0-9]|libvirt-daemon-driver-xen) '
} > "$out/timing.txt"
sed 's/^/  /' "$out/timing.txt"
# The bundle made inside dom0, checked out here with --profile xen: every
# verdict must be the one dom0's own check gave when the bundle was made
# (its check/report.json).
if [ "$boot" = xen ]; then
	if "$HVSCOPE_PAYLOAD/usr/bin/hvscope" check --bundle "$out/bundle.tar.xz" --profile xen --format json \
		> "$out/check-from-bundle.json" 2> "$out/check-from-bundle.err" || [ $? -le 2 ]; then
		mkdir -p "$out/bundle-unpacked"
		tar -xf "$out/bundle.tar.xz" -C "$out/bundle-unpacked"
		python3 - "$out"/bundle-unpacked/*/check/report.json "$out/check-from-bundle.json" >> "$out/summary.txt" <<'PY'
import json, sys
def verdicts(path):
    return {(c["id"], c.get("item")): c["verdict"] for c in json.load(open(path))["checks"]}
inside, outside = verdicts(sys.argv[1]), verdicts(sys.argv[2])
bad = ["%s: %s in dom0, %s from the bundle" % (k[0], inside.get(k, "absent"), outside.get(k, "absent"))
       for k in sorted(set(inside) | set(outside), key=str) if inside.get(k) != outside.get(k)]
print("FAIL bundle-checked-outside: " + "; ".join(bad) if bad else
      "PASS bundle-checked-outside (%d checks of profile xen, as dom0 gave them)" % len(inside))
PY
	else
		echo "FAIL bundle-checked-outside: $(tail -n 1 "$out/check-from-bundle.err")" >> "$out/summary.txt"
	fi
	tail -n 1 "$out/summary.txt" | sed 's/^/  /'
	# the seed's vt-enabled rule on dom0's capabilities line, and on the
	# RHEL 5 fixture holding that line in place of its own
	fx=$work/fixture
	cp -a "$here/../fixtures/rhel5-xen" "$fx"
	cp "$out/hv-capabilities.txt" "$fx/sys/hypervisor/properties/capabilities"
	"$HVSCOPE_PAYLOAD/usr/bin/hvscope" check --root "$fx" --profile rhel5-xen --only vt-enabled --format json > "$out/check-rhel5-vt-fixture.json" 2> /dev/null ||
		[ $? -le 2 ] || echo "FAIL rhel5-vt-as-fixture: check --root exited badly" >> "$out/summary.txt"
	python3 - "$out/check-rhel5-vt.json" "$out/check-rhel5-vt-fixture.json" "$out/hv-capabilities.txt" >> "$out/summary.txt" <<'PY'
import json, sys
def v(p):
    try:
        return {c["id"]: c["verdict"] for c in json.load(open(p))["checks"]}.get("vt-enabled", "absent")
    except Exception as e:
        return "unreadable (%s)" % e
dom0, fixture, caps = v(sys.argv[1]), v(sys.argv[2]), open(sys.argv[3]).read().strip()
if dom0 == "skip":
    # the rule applies where the CPU has VT; the fixture's CPU has vmx
    print("SKIP rhel5-vt-as-fixture: this CPU model has no VT, so vt-enabled does not apply in dom0 (capabilities \"%s\")" % caps)
else:
    print(("PASS" if dom0 == fixture else "FAIL") + " rhel5-vt-as-fixture: vt-enabled %s in dom0, %s on the RHEL 5 fixture with its line \"%s\"" % (dom0, fixture, caps))
PY
	tail -n 1 "$out/summary.txt" | sed 's/^/  /'
	# and its samples replayed out here as top showed them in dom0
	if "$HVSCOPE_PAYLOAD/usr/bin/hvscope" top --replay "$out/bundle.tar.xz" -b -f json > "$out/replay.json" 2> "$out/replay.err"; then
		python3 - "$out"/bundle-unpacked/*/hypervisor/samples.json "$out/replay.json" >> "$out/summary.txt" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))["samples"]
rows = [json.loads(l) for l in open(sys.argv[2])]
bad = []
for i, s in enumerate(rec, 1):
    got = {r["name"]: r for r in rows if r["sample"] == i}
    for d in s["domains"]:
        r = got.get(d["name"])
        if not r or r["cpu_ns"] != d["cpu_ns"] or r["mem_kib"] != d["mem_kib"] or r["vcpu_ns"] != d["vcpu_ns"]:
            bad.append("sample %d: %s" % (i, d["name"]))
names = sorted({r["name"] for r in rows})
if "Domain-0" not in names or "guest1" not in names:
    bad.append("domains replayed: %s" % names)
print("FAIL bundle-replayed-outside: " + "; ".join(bad) if bad else
      "PASS bundle-replayed-outside (%d samples of %s)" % (len(rec), ", ".join(names)))
PY
	else
		echo "FAIL bundle-replayed-outside: $(tail -n 1 "$out/replay.err")" >> "$out/summary.txt"
	fi
	tail -n 1 "$out/summary.txt" | sed 's/^/  /'
fi
# The skips each boot may have, for a fact of its CPU model; any other skip
# is a failure (a step that could not run proves nothing).  Nehalem: Xen
# offers no HVM and the CPU has no VT for the RHEL 5 rule; the AMD-V model:
# libvirt's Xen driver does not start (no CPU model it knows, see above).
case $boot:$cpu in
xen:Nehalem) allowed='^SKIP (hvm-guests: Xen offers no HVM with this CPU model|rhel5-vt-as-fixture: this CPU model has no VT)' ;;
xen:*) allowed='^SKIP libvirt-xen: libvirtd exited: .*Driver state initialization failed' ;;
*) allowed='^$' ;;
esac
grep '^SKIP' "$out/summary.txt" | grep -Ev "$allowed" | sed 's/^SKIP \([^:]*\): /FAIL \1: skipped on a boot where it must run: /' >> "$out/summary.txt" || true
if [ "$rc" != 0 ] || grep -q '^FAIL' "$out/summary.txt"; then
	log "FAILED (exit $rc); the logs of each step are in $out"
	for f in $(sed -n 's/^FAIL \([^:]*\):.*/\1/p' "$out/summary.txt"); do
		echo "--- $f.log"
		tail -n 30 "$out/$f.log" 2> /dev/null | sed 's/^/  | /'
	done
	exit 1
fi
log "passed"
