# The Debian 12 Xen dom0 root that check-xen builds with debootstrap
# (tests/xen/build-image.sh: its root.img), loop-mounted read-only and
# checked with check --root under every profile, as README's
# "hvscope check --root /mnt/golden-image" suggests: no FAIL or ERROR may
# come from a file only a running system has (/proc, /sys, /dev, /run,
# the CPU); what its configuration says is read from it.
#
# The image: HVSCOPE_DOM0_IMAGE (a directory holding root.img; check-xen
# passes the one it booted), else the newest in check-xen's cache.
. "$(dirname "$0")/lib.sh"
need python3
[ "$(id -u)" = 0 ] || skip "loop-mounting the image needs root"
if [ -n "${HVSCOPE_DOM0_IMAGE:-}" ]; then
	img=$HVSCOPE_DOM0_IMAGE/root.img
	[ -s "$img" ] || fail "HVSCOPE_DOM0_IMAGE has no root.img: $img"
else
	cache=${HVSCOPE_XEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvscope/xen}
	img=$(ls -t "$cache"/dom0-*/root.img 2>/dev/null | head -n1 || true)
	[ -n "$img" ] || skip "no dom0 image built on this machine yet (make check-xen builds it, then runs this test)"
fi
MNT=$TMP/mnt
mkdir -p "$MNT"
# noload: a read-only mount replays no journal; unmounted before TMP goes.
mount -o loop,ro,noload "$img" "$MNT" || fail "mount -o loop,ro $img"
trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT"; cleanup' EXIT
note "image: $img"

bad=$TMP/runtime.txt
: > "$bad"
for profile in rhel5-xen xen kvm; do
	run_hv check --root "$MNT" --profile "$profile" --format json > "$TMP/$profile.json"
	[ -s "$TMP/$profile.json" ] || fail "check --root --profile $profile wrote no report (exit $RC)"
	# A FAIL or ERROR whose evidence names a runtime file, or the CPU that
	# an image does not have, is the tool's failure, not the image's.
	python3 - "$TMP/$profile.json" "$profile" >> "$bad" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
runtime = re.compile(r"(^|[ (])/(proc|sys|dev|run)/|libcpuid|no KVM module loaded")
for c in d["checks"]:
    if c["verdict"] not in ("fail", "error"):
        continue
    why = " ".join(str(c.get(k) or "") for k in ("seen", "evidence", "reason"))
    if runtime.search(why):
        print(f"{sys.argv[2]}: {c['id']} {c['verdict'].upper()}: {why.strip()}")
PY
done

# What the image's configuration answers (it defines no bridge: check-xen
# makes xenbr0 at run time; it has no boot loader: QEMU boots its kernel).
J=$TMP/xen.json
expect_verdict "$J" bridge warn
field "$J" bridge evidence | grep -q "defines no bridge" || fail "bridge evidence: $(field "$J" bridge evidence)"
expect_verdict "$J" boot-default-xen skip
field "$J" boot-default-xen reason | grep -q "holds no boot loader configuration" || fail "boot reason: $(field "$J" boot-default-xen reason)"
# Debian's xen package starts xenstored and xendomains from init scripts,
# which systemd's sysv-generator runs at boot.
expect_verdict "$J" xendomains pass
field "$J" xendomains evidence | grep -q "S01xendomains" || fail "xendomains evidence: $(field "$J" xendomains evidence)"
J=$TMP/kvm.json
expect_verdict "$J" libvirtd-enabled pass
field "$J" libvirtd-enabled evidence | grep -q "multi-user.target.wants/libvirtd.service" || fail "libvirtd-enabled evidence"
expect_verdict "$J" libvirtd-available skip

if [ -s "$bad" ]; then
	cat "$bad" >&2
	fail "$(wc -l < "$bad") FAIL/ERROR verdicts come from files only a running system has"
fi
exit 0
