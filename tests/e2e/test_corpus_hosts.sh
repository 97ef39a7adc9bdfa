# Hosts as admins have them, built from the corpus in tests/corpus (files
# written here in the styles real hosts hold: every Xen release's shipped
# /etc/xen, virt-install's and xen-tools' outputs, xl configs with
# maxvcpus, PVH and Ceph disks, libvirt XML with <currentMemory>, xend's
# managed domains): no finding an admin would call false, and the guests
# each host really has.
. "$(dirname "$0")/lib.sh"
need rpm rpmbuild setfattr python3
CORPUS=$TOP/tests/corpus

# fact ROOT PROFILE FACT: a fact's value (and evidence), through a rule.
fact() {
	mkdir -p "$TMP/fact-rules"
	printf 'profile: %s\nrules:\n  - {id: show, title: show, fact: "%s", expect: {empty: true}, remedy: none}\n' "$2" "$3" \
		> "$TMP/fact-rules/f.yaml"
	run_hv check --root "$1" --profile "$2" --rules "$TMP/fact-rules" --only show --format json > "$TMP/fact.json"
	field "$TMP/fact.json" show seen
}
# no_findings JSON [ID...]: every check passes or skips (but the IDs named);
# else fail, listing the others.
no_findings() {
	python3 - "$@" > "$TMP/findings" <<'PY' || fail "findings on a stock host: $(cat "$TMP/findings")"
import json, sys
bad = [c for c in json.load(open(sys.argv[1]))["checks"] if c["verdict"] not in ("pass", "skip") and c["id"] not in sys.argv[2:]]
print("; ".join("%s %s: %s" % (c["id"], c["verdict"], c.get("seen")) for c in bad))
sys.exit(1 if bad else 0)
PY
}

# --- a stock RHEL 5.2 Xen dom0 --------------------------------------------
# Xen 3.1's shipped /etc/xen (xmexample1, xmexample2, xmexample.hvm,
# xmexample.vti, xend-config.sxp, xend-pci-*.sxp, qemu-ifup, scripts/), a
# PV guest as virt-install writes it, an HVM guest, auto/ linking the PV
# guest, the running kernel named only in /proc/version.
R=$TMP/rhel5
mkroot "$R" rhel5-xen
# shellcheck disable=SC2086
rpmdb_install "$R" $SEED_PACKAGES
rm -rf "$R/etc/xen"
cp -a "$CORPUS/etc-xen/rhel5.2-xen3.1" "$R/etc/xen"
rm "$R/proc/sys/kernel/osrelease"
echo 'Linux version 2.6.18-92.el5xen (brewbuilder@hs20-bc2-5.build.redhat.com) (gcc version 4.1.2 20071124 (Red Hat 4.1.2-41)) #1 SMP Tue Apr 29 13:31:30 EDT 2008' \
	> "$R/proc/version"
echo img > "$R/var/lib/xen/images/rhel5pv.img"
echo img > "$R/var/lib/xen/images/winxp.img"
label "$R/var/lib/xen/images" xen_image_t
for f in "$R"/var/lib/xen/images/*; do label "$f" xen_image_t; done
run_hv check --root "$R" --profile rhel5-xen --format json > "$TMP/rhel5.json"
no_findings "$TMP/rhel5.json"
[ "$RC" = 0 ] || fail "a stock RHEL 5.2 dom0: exit $RC"
round_trip "$R" "a stock RHEL 5.2 dom0 (its RPM database, labels and guests)"
[ "$(fact "$R" rhel5-xen guest.names)" = "rhel5pv, winxp" ] || fail "guests: $(fact "$R" rhel5-xen guest.names)"
[ "$(fact "$R" rhel5-xen guest.autostart)" = "rhel5pv" ] || fail "autostart: $(fact "$R" rhel5-xen guest.autostart)"
skipped=$(fact "$R" rhel5-xen guest.skipped)
for f in xmexample1 xmexample2 xmexample.hvm xmexample.vti xend-config.sxp xend-pci-permissive.sxp xend-pci-quirks.sxp qemu-ifup; do
	echo "$skipped" | grep -q "/etc/xen/$f: " || fail "$f is not skipped: $skipped"
done
[ "$(fact "$R" rhel5-xen guest.winxp.uuid)" = 0f3b2c1a-9d8e-47f6-b5a4-c3d2e1f00a9b ] || fail "an undashed uuid"
expect_verdict "$TMP/rhel5.json" kernel-xen-running pass
field "$TMP/rhel5.json" kernel-xen-running evidence | grep -q '2.6.18-92.el5xen" (/proc/version)' || fail "kernel release source"

# The same host with the templates copied as admins copy them: a copy of
# xmexample2 is a script only xm can evaluate (not checked, no finding),
# a copy of xmexample.hvm is a guest (its disk is missing: a true finding).
cp "$R/etc/xen/xmexample2" "$R/etc/xen/vmgroup"
cp "$R/etc/xen/xmexample.hvm" "$R/etc/xen/hvm1"
run_hv check --root "$R" --profile rhel5-xen --format json > "$TMP/out.json"
expect_verdict "$TMP/out.json" guest-configs-parse pass
field "$TMP/out.json" guest-configs-parse evidence | grep -q "not checked: 1 Python script" || fail "the script is not said"
fact "$R" rhel5-xen guest.scripts | grep -q "/etc/xen/vmgroup: a Python script evaluated by xm; not checked (name depends on vmid" ||
	fail "vmgroup: $(fact "$R" rhel5-xen guest.scripts)"
expect_verdict "$TMP/out.json" "guest-disks-present[ExampleHVMDomain]" fail
field "$TMP/out.json" "guest-disks-present[ExampleHVMDomain]" seen | grep -q "/var/images/min-el3-i386.img" || fail "hvm1's disk"
rm "$R/etc/xen/vmgroup" "$R/etc/xen/hvm1"

# xm new: xend keeps rhel5pv in /var/lib/xend/domains too; one guest, not two.
d=$R/var/lib/xend/domains/6a8e3f71-0b2d-4c5a-9e1f-33c7d2a4b815
mkdir -p "$d"
cat > "$d/config.sxp" <<'SXP'
(domain
    (domid 1)
    (on_crash restart)
    (uuid 6a8e3f71-0b2d-4c5a-9e1f-33c7d2a4b815)
    (bootloader_args -q)
    (vcpus 1)
    (name rhel5pv)
    (on_poweroff destroy)
    (on_reboot restart)
    (bootloader /usr/bin/pygrub)
    (maxmem 512)
    (memory 512)
    (shadow_memory 0)
    (vcpu_avail 1)
    (device (vbd (uname tap:aio:/var/lib/xen/images/rhel5pv.img) (dev xvda:disk) (mode w)))
    (device (vif (mac 00:16:3e:5a:1b:2c) (bridge xenbr0) (script vif-bridge)))
    (device (vkbd (backend 0)))
    (device (vfb (vncunused 1) (type vnc) (keymap en-us)))
    (status 2)
)
SXP
# and a domain only xend knows (xm new of a file since deleted)
d2=$R/var/lib/xend/domains/b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e
mkdir -p "$d2"
sed -e 's/6a8e3f71-0b2d-4c5a-9e1f-33c7d2a4b815/b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e/' -e 's/(name rhel5pv)/(name managed2)/' \
	-e 's/00:16:3e:5a:1b:2c/00:16:3e:5a:1b:2d/' -e 's/(vcpus 1)/(vcpus 2)/' -e 's/(vcpu_avail 1)/(vcpu_avail 3)/' "$d/config.sxp" > "$d2/config.sxp"
run_hv check --root "$R" --profile rhel5-xen --format json > "$TMP/out.json"
[ "$(fact "$R" rhel5-xen guest.names)" = "rhel5pv, winxp, managed2" ] || fail "xend guests: $(fact "$R" rhel5-xen guest.names)"
expect_verdict "$TMP/out.json" guest-name-unique pass
expect_verdict "$TMP/out.json" guest-uuid-unique pass
[ "$(fact "$R" rhel5-xen guest.managed2.vcpus_online)" = 2 ] || fail "vcpu_avail"

# --- a Debian 12 Xen 4.17 dom0 ----------------------------------------------
# Debian's shipped /etc/xen (xl.conf, xlexample.hvm, .pvlinux, .pvhlinux,
# cpupool, scripts/), a xen-tools guest with maxmem, a PVH guest with
# maxvcpus and an undashed upper-case UUID, a Windows HVM guest on Ceph
# with an ISO; Xen 4.0's xm examples beside them.
R=$TMP/deb
mkroot "$R" xen-dom0-debian
rm -rf "$R/etc/xen"
cp -a "$CORPUS/etc-xen/debian12-xen4.17" "$R/etc/xen"
cp -a "$CORPUS/etc-xen/xen4.0-examples/." "$R/etc/xen/"
# a host of 8 CPUs and 32 GiB for these guests (the fixture is a 1 GiB dom0)
python3 - "$R/proc/cpuinfo" <<'PY'
import re, sys
block = open(sys.argv[1]).read().strip().split("\n\n")[0]
open(sys.argv[1], "w").write("\n\n".join(re.sub(r"^processor\s*:.*$", "processor\t: %d" % i, block, flags=re.M) for i in range(8)) + "\n\n")
PY
sed -i 's/^MemTotal:.*/MemTotal:       33554432 kB/; s/^MemFree:.*/MemFree:        30000000 kB/; s/^MemAvailable:.*/MemAvailable:   31000000 kB/' "$R/proc/meminfo"
mkdir -p "$R/var/lib/xen/images" "$R/srv/iso" "$R/dev/vg0"
echo img > "$R/var/lib/xen/images/pvh1.img"
echo iso > "$R/srv/iso/win2019.iso"
echo lv > "$R/dev/vg0/web1-disk"
echo lv > "$R/dev/vg0/web1-swap"
run_hv check --root "$R" --profile xen --format json > "$TMP/deb.json"
round_trip "$R" "a Debian 12 Xen dom0 (its dpkg database, labels and guests)"
# (the fixture's image directory is a small file system: a true warning)
no_findings "$TMP/deb.json" images-disk-free
[ "$(fact "$R" xen guest.names)" = "pvh1, web1, win2019" ] || fail "debian guests: $(fact "$R" xen guest.names)"
[ "$(fact "$R" xen guest.pvh1.vcpus)" = 4 ] || fail "maxvcpus: $(fact "$R" xen guest.pvh1.vcpus)"
[ "$(fact "$R" xen guest.pvh1.vcpus_online)" = 2 ] || fail "vcpus at boot"
[ "$(fact "$R" xen guest.pvh1.uuid)" = 3f2504e0-4f89-11d3-9a0c-0305e82c3301 ] || fail "uuid spelling"
[ "$(fact "$R" xen guest.web1.memory_mib)" = 1024 ] || fail "xen-tools memory"
[ "$(fact "$R" xen guest.web1.maxmem_mib)" = 2048 ] || fail "xen-tools maxmem"
[ "$(fact "$R" xen guest.web1.autostart)" = true ] || fail "auto/web1.cfg"
[ "$(fact "$R" xen guest.win2019.remote_disks)" = "rbd:rbd/win2019" ] || fail "ceph disk: $(fact "$R" xen guest.win2019.remote_disks)"
[ "$(fact "$R" xen guest.win2019.disks)" = "/srv/iso/win2019.iso" ] || fail "iso: $(fact "$R" xen guest.win2019.disks)"
for f in xl.conf xlexample.hvm xlexample.pvlinux xlexample.pvhlinux cpupool xmexample3 xmexample.nbd xmexample.iscsi \
	xmexample.pv-grub xmexample.hvm-stubdom README.incompatibilities xend-config-xenapi.sxp; do
	fact "$R" xen guest.skipped | grep -q "/etc/xen/$f: " || fail "$f is not skipped"
done
# Xen 4.0's templates copied under guest names: scripts or guests, never
# parse errors.
for f in xmexample3 xmexample.nbd xmexample.iscsi xmexample.pv-grub xmexample.hvm-stubdom; do
	cp "$R/etc/xen/$f" "$R/etc/xen/copy-$f"
done
run_hv check --root "$R" --profile xen --format json > "$TMP/out.json"
expect_verdict "$TMP/out.json" guest-configs-parse pass
fact "$R" xen guest.scripts | grep -q "copy-xmexample3: a Python script" || fail "xmexample3 copy"
[ "$(fact "$R" xen guest.nbd.remote_disks)" = "nbd:134.100.233.115 20001" ] || fail "nbd: $(fact "$R" xen guest.nbd.remote_disks)"
[ "$(fact "$R" xen guest.iscsi-guest.remote_disks)" = "iscsi:iqn.2001-04.com.example:diskarrays-sn-a8675309" ] || fail "iscsi"
expect_verdict "$TMP/out.json" "guest-disks-present[nbd]" pass
expect_verdict "$TMP/out.json" "guest-disks-present[hvmexample]" fail

# --- a libvirt KVM host: virt-install's XML, memory as Xen reads it ----------
R=$TMP/kvm
mkroot "$R" kvm-host
cp "$CORPUS/libvirt-qemu/debian12.xml" "$R/etc/libvirt/qemu/"
mkdir -p "$R/etc/libvirt/qemu/autostart"
ln -s /etc/libvirt/qemu/debian12.xml "$R/etc/libvirt/qemu/autostart/debian12.xml"
echo img > "$R/var/lib/libvirt/images/debian12.qcow2"
[ "$(fact "$R" kvm guest.debian12.memory_mib)" = 2048 ] || fail "<currentMemory>: $(fact "$R" kvm guest.debian12.memory_mib)"
[ "$(fact "$R" kvm guest.debian12.maxmem_mib)" = 4096 ] || fail "<memory>"
[ "$(fact "$R" kvm guest.debian12.vcpus)" = 4 ] || fail "<vcpu>"
[ "$(fact "$R" kvm guest.debian12.vcpus_online)" = 2 ] || fail "current="
[ "$(fact "$R" kvm guest.debian12.autostart)" = true ] || fail "libvirt autostart"
run_hv check --root "$R" --profile kvm --format json --only guest-disks-present > "$TMP/out.json"
expect_verdict "$TMP/out.json" "guest-disks-present[debian12]" pass
# The xl config of the same guest agrees on memory: the boot figure.
mkdir -p "$R/etc/xen"
printf 'name = "debian12x"\nmemory = 2048\nmaxmem = 4096\nvcpus = 2\nmaxvcpus = 4\n' > "$R/etc/xen/debian12x.cfg"
[ "$(fact "$R" kvm guest.debian12x.memory_mib)" = "$(fact "$R" kvm guest.debian12.memory_mib)" ] || fail "xl and libvirt disagree on memory"
[ "$(fact "$R" kvm guest.debian12x.vcpus)" = "$(fact "$R" kvm guest.debian12.vcpus)" ] || fail "xl and libvirt disagree on vCPUs"
# One UUID in two spellings is one UUID.
printf 'name = "a"\nuuid = "9847a069-51e4-8173-9d1b-2d033cf63d5b"\n' > "$R/etc/xen/a.cfg"
printf 'name = "b"\nuuid = "9847A06951E481739D1B2D033CF63D5B"\n' > "$R/etc/xen/b.cfg"
run_hv check --root "$R" --profile kvm --format json --only guest-uuid-unique > "$TMP/out.json"
expect_verdict "$TMP/out.json" guest-uuid-unique fail
round_trip "$R" "a KVM host with virt-install's guest and xl configs"
note "RHEL 5.2, Debian 12 Xen and KVM hosts from the corpus: no false findings; each checked again from its bundle: the same $RT_CHECKS verdicts"
