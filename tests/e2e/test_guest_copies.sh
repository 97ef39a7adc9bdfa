# Copies admins keep beside a guest's config (db1.cfg.b, db1.cfg-old,
# db1.cfg.20210101, win10.cfg.disabled, win10.orig2, mail.1, w2k3-2021-01-01)
# are copies of that guest, said so in guest.copies and guest.skipped, and
# no finding; a real second guest under the same name still is one,
# whatever its file is called.  The fixtures: a Debian 12 xl dom0 whose
# guests began as xlexample.pvlinux and xlexample.hvm, a RHEL 5 xm dom0
# whose guests began as xmexample1 and xmexample.hvm (overlays xl-copies,
# xm-copies), and libvirt's directory, where libvirtd itself decides.
. "$(dirname "$0")/lib.sh"
need python3

# fact ROOT PROFILE FACT: a fact's value, through a rule that shows it.
fact() {
	mkdir -p "$TMP/fact-rules"
	printf 'profile: %s\nrules:\n  - {id: show, title: show, fact: "%s", expect: {empty: true}, remedy: none}\n' "$2" "$3" \
		> "$TMP/fact-rules/f.yaml"
	run_hv check --root "$1" --profile "$2" --rules "$TMP/fact-rules" --only show --format json > "$TMP/fact.json"
	field "$TMP/fact.json" show seen
}
GUEST_CHECKS=guest-configs-parse,guest-name-unique,guest-mac-unique,guest-uuid-unique
# dup ROOT PROFILE FILE...: guest-name-unique fails, naming each FILE.
dup() {
	local root=$1 profile=$2 f
	shift 2
	run_hv check --root "$root" --profile "$profile" --only guest-name-unique --format json > "$TMP/dup.json"
	expect_verdict "$TMP/dup.json" guest-name-unique fail
	for f in "$@"; do
		field "$TMP/dup.json" guest-name-unique seen | grep -qF "($f)" || fail "$f not among the duplicates: $(field "$TMP/dup.json" guest-name-unique seen)"
	done
}

hv check --facts | grep -qx '  guest.copies' || fail "check --facts does not list guest.copies"

# --- a Debian 12 xl dom0 ---------------------------------------------------
R=$TMP/xl
mkroot "$R" xen-dom0-debian xl-copies
# a host of 8 CPUs and 16 GiB for these guests (the fixture is a 1 GiB dom0)
python3 - "$R/proc/cpuinfo" <<'PY'
import re, sys
block = open(sys.argv[1]).read().strip().split("\n\n")[0]
open(sys.argv[1], "w").write("\n\n".join(re.sub(r"^processor\s*:.*$", "processor\t: %d" % i, block, flags=re.M) for i in range(8)) + "\n\n")
PY
sed -i 's/^MemTotal:.*/MemTotal:       16777216 kB/; s/^MemFree:.*/MemFree:        15000000 kB/; s/^MemAvailable:.*/MemAvailable:   15500000 kB/' "$R/proc/meminfo"
mkdir -p "$R/dev/vg0" "$R/var/lib/xen/images" "$R/srv/iso"
for f in dev/vg0/db1-root dev/vg0/db1-data var/lib/xen/images/win10.qcow2 srv/iso/Win10_22H2_English_x64.iso; do echo img > "$R/$f"; done
run_hv check --root "$R" --profile xen --format json > "$TMP/xl.json"
for id in ${GUEST_CHECKS//,/ } guest-memory-total guest-disks-present[db1] guest-disks-present[win10]; do
	expect_verdict "$TMP/xl.json" "$id" pass
done
[ "$(fact "$R" xen guest.names)" = "db1, guest1, win10" ] || fail "xl guests: $(fact "$R" xen guest.names)"
[ "$(fact "$R" xen guest.count)" = 3 ] || fail "xl count: $(fact "$R" xen guest.count)"
# the copies' memory is not the host's to give
[ "$(fact "$R" xen guest.memory_total_mib)" = 6400 ] || fail "memory total: $(fact "$R" xen guest.memory_total_mib)"
[ "$(fact "$R" xen guest.db1.memory_mib)" = 2048 ] || fail "db1 is read from a copy: $(fact "$R" xen guest.db1.memory_mib)"
[ "$(fact "$R" xen guest.db1.autostart)" = true ] || fail "auto/db1.cfg"
copies=$(fact "$R" xen guest.copies)
skipped=$(fact "$R" xen guest.skipped)
while read -r f base suffix why; do
	line="/etc/xen/$f: a copy of /etc/xen/$base (copy suffix \"$suffix\"; the same domain name ${base%.cfg}; $why): not a guest"
	echo "$copies" | grep -qF "$line" || fail "$f: not said a copy as expected: $copies"
	echo "$skipped" | grep -qF "$line" || fail "$f: not in guest.skipped: $skipped"
done <<'X'
db1.cfg.b db1.cfg .b the same disk /dev/vg0/db1-root
db1.cfg-old db1.cfg -old the same disk /dev/vg0/db1-root
db1.cfg.20210101 db1.cfg .20210101 the same disk /dev/vg0/db1-root
db1-2021-06-30.cfg db1.cfg -2021-06-30 the same disk /dev/vg0/db1-root
win10.cfg.disabled win10.cfg .disabled the same uuid 5c1e6a0e-8f3b-4d2a-9b7e-2a4c6d8e0f11
win10.orig2 win10.cfg .orig2 the same uuid 5c1e6a0e-8f3b-4d2a-9b7e-2a4c6d8e0f11
win10.1 win10.cfg .1 the same uuid 5c1e6a0e-8f3b-4d2a-9b7e-2a4c6d8e0f11
X
[ "$(echo "$copies" | grep -o ': a copy of ' | wc -l)" = 7 ] || fail "copies: $copies"
field "$TMP/xl.json" guest-name-unique evidence | grep -qF "copies of a config (guest.copies): /etc/xen/db1-2021-06-30.cfg," ||
	fail "the copies are not in the evidence: $(field "$TMP/xl.json" guest-name-unique evidence)"
# the package managers' copies are skipped by name, as before
cp "$R/etc/xen/db1.cfg" "$R/etc/xen/db1.cfg.dpkg-old"
fact "$R" xen guest.skipped | grep -qF "/etc/xen/db1.cfg.dpkg-old: a backup or a package manager's copy" || fail "dpkg-old"
rm "$R/etc/xen/db1.cfg.dpkg-old"

# A second guest cloned from db1 (its own disks and MAC), name= not changed:
# a duplicate, under a guest's file name and under a copy's alike.
sed -e 's/db1-root/db2-root/; s/db1-data/db2-data/; s/00:16:3e:1d:b1:01/00:16:3e:1d:b2:01/' "$R/etc/xen/db1.cfg" > "$R/etc/xen/db2.cfg"
dup "$R" xen /etc/xen/db1.cfg /etc/xen/db2.cfg
mv "$R/etc/xen/db2.cfg" "$R/etc/xen/db1.cfg.2"
dup "$R" xen /etc/xen/db1.cfg /etc/xen/db1.cfg.2
fact "$R" xen guest.copies | grep -qF "/etc/xen/db1.cfg.2:" && fail "a clone with its own disks is a copy"
rm "$R/etc/xen/db1.cfg.2"
# another uuid is another domain, even with the same disk
sed -e 's/5c1e6a0e-8f3b-4d2a-9b7e-2a4c6d8e0f11/7d2f8b1c-0a4e-4c3b-8d6f-3b5e7f9a1c22/' "$R/etc/xen/win10.cfg" > "$R/etc/xen/win10.cfg.b"
dup "$R" xen /etc/xen/win10.cfg /etc/xen/win10.cfg.b
rm "$R/etc/xen/win10.cfg.b"
# "-new" is the config meant to run next, not one kept aside
cp "$R/etc/xen/db1.cfg" "$R/etc/xen/db1-new.cfg"
dup "$R" xen /etc/xen/db1.cfg /etc/xen/db1-new.cfg
rm "$R/etc/xen/db1-new.cfg"
# A config renamed to disable it, with no original left beside it, is the
# guest's only config: read as the guest (libvirt's xm driver lists it too).
mkdir "$TMP/aside"
mv "$R/etc/xen/win10.cfg" "$R/etc/xen/win10.1" "$R/etc/xen/win10.orig2" "$TMP/aside/"
[ "$(fact "$R" xen guest.win10.file)" = /etc/xen/win10.cfg.disabled ] || fail "win10 alone: $(fact "$R" xen guest.win10.file)"
mv "$TMP/aside/"* "$R/etc/xen/"

# --- a RHEL 5 xm dom0 --------------------------------------------------------
# xm configs without a suffix: mail (xmexample1's shape), w2k3
# (xmexample.hvm's, Python and all), beside the seed's vm_rhel5_i386.
R=$TMP/xm
mkroot "$R" rhel5-xen xm-copies
mkdir -p "$R/dev/VolGroup00"
for f in dev/VolGroup00/mail dev/VolGroup00/mail-spool var/lib/xen/images/w2k3.img; do echo img > "$R/$f"; done
run_hv check --root "$R" --profile rhel5-xen --only "$GUEST_CHECKS,guest-count" --format json > "$TMP/xm.json"
for id in ${GUEST_CHECKS//,/ } guest-count; do expect_verdict "$TMP/xm.json" "$id" pass; done
[ "$(fact "$R" rhel5-xen guest.names)" = "mail, vm_rhel5_i386, w2k3" ] || fail "xm guests: $(fact "$R" rhel5-xen guest.names)"
[ "$(fact "$R" rhel5-xen guest.mail.vcpus)" = 2 ] || fail "mail is read from a copy"
copies=$(fact "$R" rhel5-xen guest.copies)
for f in mail.1 mail-old mail.20210101; do
	echo "$copies" | grep -qF "/etc/xen/$f: a copy of /etc/xen/mail (" || fail "$f: $copies"
done
for f in w2k3.disabled w2k3-2021-01-01; do
	echo "$copies" | grep -qF "/etc/xen/$f: a copy of /etc/xen/w2k3 (" || fail "$f: $copies"
done
echo "$copies" | grep -qF "w2k3-2021-01-01: a copy of /etc/xen/w2k3 (copy suffix \"-2021-01-01\"; the same domain name w2k3; the same disk /var/lib/xen/images/w2k3.img)" ||
	fail "w2k3's copy: $copies"
# mail rebuilt as a second machine (uuidgen, new disks and MAC), name kept
sed -e 's/e2a8c1f4-3b6d-4f0e-8a7c-91d5b3e6f024/1b9d7f3e-5c2a-4e8b-a6d4-08c2e4f6a8b0/; s/VolGroup00\/mail/VolGroup00\/mail2/g; s/00:16:3e:3c:4d:5e/00:16:3e:3c:4d:5f/' \
	"$R/etc/xen/mail" > "$R/etc/xen/mail2"
dup "$R" rhel5-xen /etc/xen/mail /etc/xen/mail2

# --- libvirt -----------------------------------------------------------------
# libvirtd loads every NAME.xml in /etc/libvirt/qemu and nothing else: a
# web1.xml.bak is never a domain (said in guest.skipped), a web1-old.xml
# always is, so it stays a duplicate.
R=$TMP/kvm
mkroot "$R" kvm-host
cp "$R/etc/libvirt/qemu/web1.xml" "$R/etc/libvirt/qemu/web1.xml.bak"
cp "$R/etc/libvirt/qemu/web1.xml" "$R/etc/libvirt/qemu/web1.xml.20210101"
mkdir -p "$R/etc/libvirt/qemu/autostart" "$R/etc/libvirt/qemu/networks"
# (the fixture's web1 and web2 share a MAC on purpose: not checked here)
run_hv check --root "$R" --profile kvm --only guest-configs-parse,guest-name-unique,guest-uuid-unique --format json > "$TMP/kvm.json"
for id in guest-configs-parse guest-name-unique guest-uuid-unique; do expect_verdict "$TMP/kvm.json" "$id" pass; done
skipped=$(fact "$R" kvm guest.skipped)
for f in web1.xml.bak web1.xml.20210101; do
	echo "$skipped" | grep -qF "/etc/libvirt/qemu/$f: libvirt loads only *.xml from /etc/libvirt/qemu" || fail "$f: $skipped"
done
echo "$skipped" | grep -q "autostart\|networks" && fail "directories listed as skipped: $skipped"
[ -z "$(fact "$R" kvm guest.copies | grep -v '^(none)$')" ] || fail "libvirt copies: $(fact "$R" kvm guest.copies)"
cp "$R/etc/libvirt/qemu/web1.xml" "$R/etc/libvirt/qemu/web1-old.xml"
dup "$R" kvm /etc/libvirt/qemu/web1.xml /etc/libvirt/qemu/web1-old.xml
exit 0
