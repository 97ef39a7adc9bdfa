# A modern Xen 4.17 dom0 on Debian 12, as measured in shared/XEN-TESTBED.md
# (control_d, hvm-3.0-x86_64, xenstored and xenconsoled running, the dpkg
# database): the xen profile's verdicts, and auto picking xen.
. "$(dirname "$0")/lib.sh"
need python3
R=$TMP/root
mkroot "$R" xen-dom0-debian
run_hv check --root "$R" --format json > "$TMP/out.json"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"])' "$TMP/out.json")" = xen ] || fail "auto did not pick xen"
# Why each verdict:
#  xen-init-dom0 and xendomains skip: no systemd (the testbed runs its own init);
#  selinux-*: SELinux is not configured on Debian by default, so skip;
#  guest1 has no disk (a PV kernel + ramdisk), so no disk dirs to label;
#  guest1 has no vif, so the MAC range check has nothing to refuse (pass);
#  no /sys/devices/system/cpu/vulnerabilities in the fixture: the CPU
#  checks skip, but Xen's GRUB line (no spec-ctrl=no) passes.
expected=$(cat <<'X'
cpu-lm pass
cpu-vt pass
xen-running pass
xen-dom0 pass
vt-enabled pass
cpu-vulnerability skip
xen-spec-ctrl pass
xen-smt[l1tf] skip
xen-smt[mds] skip
boot-default-xen pass
xen-tools pass
xen-hypervisor pass
xenstored-running pass
xenconsoled-running pass
xen-daemons-enabled[xenstored] skip
xen-daemons-enabled[xenconsoled] skip
xen-init-dom0 skip
xendomains skip
bridge pass
selinux-image-dir-policy[/var/lib/xen/images] skip
selinux-image-dir-label[/var/lib/xen/images] skip
selinux-guest-dir-policy skip
selinux-guest-dir-label skip
guest-mac-range[guest1] pass
images-disk-free pass
guest-configs-parse pass
guest-vcpus[guest1] pass
guest-memory-min[guest1] pass
guest-memory-max[guest1] pass
guest-memory-total pass
guest-mac-unique pass
guest-uuid-unique pass
guest-name-unique pass
guest-disks-present[guest1] pass
X
)
diff <(echo "$expected") <(all_verdicts "$TMP/out.json") || fail "verdicts differ"
field "$TMP/out.json" xen-tools evidence | grep -q "dpkg status: xen-utils-common 4.17.7" || fail "dpkg evidence"
field "$TMP/out.json" xen-hypervisor evidence | grep -q "dpkg status: xen-hypervisor-4.17-amd64 4.17.7" || fail "hypervisor package evidence: $(field "$TMP/out.json" xen-hypervisor evidence)"
field "$TMP/out.json" boot-default-xen evidence | grep -q "with Xen hypervisor" || fail "grub2 default not named"

# dpkg remedies on a dpkg host; a removed (config-files) package is not installed.
sed -i '/^Package: xen-utils-common$/,/^$/ s/install ok installed/deinstall ok config-files/' "$R/var/lib/dpkg/status"
run_hv check --root "$R" --profile xen --format json --only xen-tools > "$TMP/out.json"
expect_verdict "$TMP/out.json" xen-tools fail
field "$TMP/out.json" xen-tools remedy | grep -q "apt-get install xen-utils-common" || fail "no apt-get remedy"

# The hypervisor's package removed (config files left), as the older one:
# xen-hypervisor-common alone is not a hypervisor.
sed -i '/^Package: xen-hypervisor-4.17-amd64$/,/^$/ s/install ok installed/deinstall ok config-files/' "$R/var/lib/dpkg/status"
run_hv check --root "$R" --profile xen --format json --only xen-hypervisor > "$TMP/out.json"
expect_verdict "$TMP/out.json" xen-hypervisor fail

# GRUB 2 saved default pointing at the plain Linux entry.
sed -i 's/set default="0"/set default="${saved_entry}"/' "$R/boot/grub/grub.cfg"
echo "saved_entry=Debian GNU/Linux" > "$R/boot/grub/grubenv"
run_hv check --root "$R" --profile xen --format json --only boot-default-xen > "$TMP/out.json"
expect_verdict "$TMP/out.json" boot-default-xen warn
field "$TMP/out.json" boot-default-xen remedy | grep -q "update-grub" || fail "no update-grub remedy"

# Not a dom0: xenfs unmounted.
rm "$R/proc/xen/capabilities"
run_hv check --root "$R" --profile xen --format json --only xen-dom0,xenstored-running > "$TMP/out.json"
expect_verdict "$TMP/out.json" xen-dom0 fail
expect_verdict "$TMP/out.json" xenstored-running skip
field "$TMP/out.json" xen-dom0 remedy | grep -q "mount -t xenfs" || fail "no xenfs remedy"
