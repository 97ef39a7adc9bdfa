# The seed's RHEL 5 Xen host, as a fixture root with a real RPM database
# (rpmbuild + rpm --root) and real SELinux labels checked against the real
# policy: every check of the rhel5-xen profile passes; then each item of the
# seed's checklist is broken in turn and must FAIL with the seed's remedy.
. "$(dirname "$0")/lib.sh"
need rpm rpmbuild setfattr python3
[ -f /etc/selinux/default/contexts/files/file_contexts ] || missing "selinux-policy-default is not installed"

R=$TMP/root
mkroot "$R" rhel5-xen
# shellcheck disable=SC2086
rpmdb_install "$R" $SEED_PACKAGES
label "$R/var/lib/xen/images" xen_image_t
label "$R/var/lib/xen/images/vm_rhel5_i386" xen_image_t

check() { run_hv check --root "$R" --format json "$@" > "$TMP/out.json"; }

# auto picks the seed's profile on this host.
check
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"])' "$TMP/out.json")" = rhel5-xen ] ||
	fail "auto did not pick rhel5-xen"
# Expected verdicts, and why:
#   everything passes: PAE and vmx in cpuinfo, hvm capabilities, a 2.6.18-8.el5xen
#   kernel that grub.conf's default=0 boots, the ten packages in the RPM
#   database, xend's pid file naming a live python xend, xendomains' SysV lock,
#   xenbr0, the policy's xen_image_t on /xen and /var/lib/xen/images, the
#   image labelled xen_image_t, one well-formed guest (2 vCPUs, 1000 MB);
#   selinux-image-dir-label[/xen] skips: there is no /xen directory.
expected=$(cat <<'X'
cpu-pae pass
cpu-vt pass
vt-enabled pass
kernel-xen-installed pass
kernel-xen-running pass
boot-default-xen pass
package[xen] pass
package[xen-libs] pass
package[bridge-utils] pass
package[gnome-python2-gnomekeyring] pass
package[libvirt] pass
package[libvirt-python] pass
package[python-virtinst] pass
package[virt-manager] pass
package[vnc] pass
xend-running pass
xendomains-running pass
chkconfig[xend] pass
chkconfig[xendomains] pass
xenbr0 pass
selinux-image-dir-policy[/xen] pass
selinux-image-dir-policy[/var/lib/xen/images] pass
selinux-image-dir-label[/xen] skip
selinux-image-dir-label[/var/lib/xen/images] pass
selinux-guest-dir-policy[/var/lib/xen/images] pass
selinux-guest-dir-label[/var/lib/xen/images] pass
guest-count pass
guest-mac-range[vm_rhel5_i386] pass
images-disk-free pass
guest-configs-parse pass
guest-vcpus[vm_rhel5_i386] pass
guest-memory-min[vm_rhel5_i386] pass
guest-memory-max[vm_rhel5_i386] pass
guest-memory-total pass
guest-mac-unique pass
guest-uuid-unique pass
guest-name-unique pass
guest-disks-present[vm_rhel5_i386] pass
X
)
diff <(echo "$expected") <(all_verdicts "$TMP/out.json") || fail "verdicts differ from the expected list"

[ "$RC" = 0 ] || fail "exit code $RC on an all-pass host"
# The report names the image's host (RHEL 5's /etc/sysconfig/network), not
# the machine that ran the check.
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["host"])' "$TMP/out.json")" = xenhost1.example.com ] ||
	fail "the report's host is not the image's"

# Package names as globs, through librpm's glob match on the real database.
mkdir -p "$TMP/glob-rules"
cat > "$TMP/glob-rules/glob.yaml" <<'Y'
profile: rhel5-xen
rules:
  - id: glob-hit
    title: a libvirt-py* package is installed
    fact: package.nosuch-*|libvirt-py*.installed
    expect: true
    remedy: yum install libvirt-python
  - id: glob-miss
    title: a nosuch-* package is installed
    fact: package.nosuch-*.installed
    expect: true
    remedy: none
Y
run_hv check --root "$R" --rules "$TMP/glob-rules" --format json --only glob-hit,glob-miss > "$TMP/glob.json"
expect_verdict "$TMP/glob.json" glob-hit pass
expect_verdict "$TMP/glob.json" glob-miss fail
field "$TMP/glob.json" glob-hit evidence | grep -q "rpm database: libvirt-python 0.1.8-15.el5" || fail "glob evidence: $(field "$TMP/glob.json" glob-hit evidence)"
note "seed host: $(echo "$expected" | wc -l) checks as expected"

# Evidence names the RPM database and the version read through librpm.
field "$TMP/out.json" kernel-xen-installed evidence | grep -q 'kernel-xen 2.6.18-8.el5.i686' || fail "evidence lacks the rpm version"

# Break one thing at a time; each must fail with its exact remedy.
breaks=0
broken() { # ID VERDICT REMEDY-SUBSTRING
	check
	expect_verdict "$TMP/out.json" "$1" "$2"
	field "$TMP/out.json" "$1" remedy | grep -qF -- "$3" || fail "$1: remedy lacks '$3': $(field "$TMP/out.json" "$1" remedy)"
	breaks=$((breaks + 1))
}

rpmdb_erase "$R" vnc
broken "package[vnc]" fail "yum install vnc"
[ "$RC" = 2 ] || fail "exit code $RC with a failure"
rpmdb_install "$R" vnc=4.1.2-9.el5

rpmdb_erase "$R" kernel-xen
broken kernel-xen-installed fail "yum install kernel-xen"
rpmdb_install "$R" kernel-xen=2.6.18-8.el5

echo 2.6.18-8.el5 > "$R/proc/sys/kernel/osrelease"
broken kernel-xen-running fail "reboot"
echo 2.6.18-8.el5xen > "$R/proc/sys/kernel/osrelease"

sed -i 's/^default=0/default=1/' "$R/boot/grub/grub.conf"
broken boot-default-xen fail "/boot/grub/grub.conf"
field "$TMP/out.json" boot-default-xen evidence | grep -q '2.6.18-8.el5)' || fail "evidence lacks the default title"
sed -i 's/^default=1/default=0/' "$R/boot/grub/grub.conf"

echo 99999 > "$R/var/run/xend.pid"
mv "$R/proc/2001" "$R/proc/2001.gone"
broken xend-running fail "service xend start"
field "$TMP/out.json" xend-running evidence | grep -q 'stale pid file' || fail "a stale pid file is not named"
mv "$R/proc/2001.gone" "$R/proc/2001"
echo 2001 > "$R/var/run/xend.pid"

rm "$R/var/lock/subsys/xendomains"
broken xendomains-running fail "service xendomains start"
touch "$R/var/lock/subsys/xendomains"

# chkconfig xend off: the S link of runlevel 3 (inittab's initdefault) goes.
mv "$R/etc/rc.d/rc3.d/S98xend" "$R/etc/rc.d/rc3.d/K01xend"
broken "chkconfig[xend]" warn "chkconfig xend on"
field "$TMP/out.json" "chkconfig[xend]" evidence | grep -q 'no S??xend link in /etc/rc.d/rc3.d (runlevel 3)' || fail "chkconfig evidence"
mv "$R/etc/rc.d/rc3.d/K01xend" "$R/etc/rc.d/rc3.d/S98xend"

label "$R/var/lib/xen/images/vm_rhel5_i386" var_lib_t
broken "selinux-image-dir-label[/var/lib/xen/images]" fail "restorecon -Rv /var/lib/xen/images"
field "$TMP/out.json" "selinux-image-dir-label[/var/lib/xen/images]" seen | grep -q 'vm_rhel5_i386 (var_lib_t, want xen_image_t)' ||
	fail "the mislabelled image is not named"
label "$R/var/lib/xen/images/vm_rhel5_i386" xen_image_t

# The seed's /newdir example: an image outside the two xen_image_t trees.
mkdir -p "$R/newdir"
echo img > "$R/newdir/guest2.img"
label "$R/newdir" default_t
label "$R/newdir/guest2.img" default_t
cat > "$R/etc/xen/guest2" <<'CFG'
name = "guest2"
memory = 512
disk = [ 'file:/newdir/guest2.img,xvda,w' ]
vif = [ 'mac=00:16:3e:00:00:02, bridge=xenbr0' ]
uuid = "2b7e1a2c-0000-4000-8000-000000000002"
CFG
broken "selinux-guest-dir-policy[/newdir]" fail "semanage fcontext --add -t xen_image_t '/newdir(/.*)?' && restorecon -Rv /newdir"

# After "semanage fcontext --add" the local rule is in file_contexts.local,
# which selabel_lookup reads with the policy: the policy check passes, the
# label check still wants restorecon.
printf '/newdir(/.*)?\tsystem_u:object_r:xen_image_t:s0\n' > "$R/etc/selinux/default/contexts/files/file_contexts.local"
# libsemanage reads the same rule from the policy store (a copy of the real
# store of selinux-policy-default, with the rule as semanage writes it).
if [ -d /var/lib/selinux/default/active ]; then
	mkdir -p "$R/var/lib/selinux"
	cp -a /var/lib/selinux/default "$R/var/lib/selinux/"
	cp /etc/selinux/semanage.conf "$R/etc/selinux/" 2>/dev/null || true
	cp "$R/etc/selinux/default/contexts/files/file_contexts.local" "$R/var/lib/selinux/default/active/file_contexts.local"
	mkdir -p "$TMP/se-rules"
	cat > "$TMP/se-rules/local.yaml" <<'Y'
profile: rhel5-xen
rules:
  - id: site-local-fcontext
    title: /newdir is a local xen_image_t rule (semanage fcontext -l -C)
    fact: selinux.fcontext.local
    expect: {contains: "/newdir(/.*)? xen_image_t"}
    remedy: semanage fcontext --add -t xen_image_t '/newdir(/.*)?'
Y
	run_hv check --root "$R" --rules "$TMP/se-rules" --format json --only site-local-fcontext > "$TMP/se.json"
	expect_verdict "$TMP/se.json" site-local-fcontext pass
	field "$TMP/se.json" site-local-fcontext evidence | grep -q "libsemanage: 1 local rules" || fail "libsemanage evidence"
	note "libsemanage lists the local rule from the store under --root"
fi
check
expect_verdict "$TMP/out.json" "selinux-guest-dir-policy[/newdir]" pass
expect_verdict "$TMP/out.json" "selinux-guest-dir-label[/newdir]" fail
field "$TMP/out.json" "selinux-guest-dir-label[/newdir]" remedy | grep -qF "restorecon -Rv /newdir" || fail "no restorecon remedy"
label "$R/newdir" xen_image_t
label "$R/newdir/guest2.img" xen_image_t
check
expect_verdict "$TMP/out.json" "selinux-guest-dir-label[/newdir]" pass

# Guest configuration findings.
sed -i 's/00:16:3e:00:00:02/00:16:3e:0c:77:c5/; s/^memory = 512/memory = 128/; s/^vcpus.*//' "$R/etc/xen/guest2"
echo "vcpus = 8" >> "$R/etc/xen/guest2"
broken guest-mac-unique fail "Give each interface its own MAC"
expect_verdict "$TMP/out.json" "guest-memory-min[guest2]" warn
expect_verdict "$TMP/out.json" "guest-vcpus[guest2]" fail
for i in 3 4 5 6; do sed "s/guest2/guest$i/g; s/00:00:02/00:00:0$i/; s/0000-000000000002/0000-00000000000$i/" "$R/etc/xen/guest2" > "$R/etc/xen/guest$i"; done
broken guest-count warn "Advanced Platform"

# The CPU and BIOS variants of the seed's "Processors" section.
for v in vt-disabled no-pae amd; do
	R2=$TMP/root-$v
	mkroot "$R2" rhel5-xen "$v"
	run_hv check --root "$R2" --profile rhel5-xen --format json --only cpu-pae,cpu-vt,vt-enabled > "$TMP/$v.json"
	case $v in
	vt-disabled)
		expect_verdict "$TMP/$v.json" cpu-vt pass
		expect_verdict "$TMP/$v.json" vt-enabled fail
		field "$TMP/$v.json" vt-enabled remedy | grep -q "enable the setting" || fail "no BIOS remedy"
		field "$TMP/$v.json" vt-enabled remedy | grep -q "reboot" || fail "no BIOS remedy" ;;
	no-pae)
		expect_verdict "$TMP/$v.json" cpu-pae fail ;;
	amd)
		expect_verdict "$TMP/$v.json" cpu-pae pass
		expect_verdict "$TMP/$v.json" cpu-vt pass
		field "$TMP/$v.json" cpu-vt evidence | grep -q svm || fail "AMD host: svm not named"
		expect_verdict "$TMP/$v.json" vt-enabled pass ;;
	esac
	note "fixture $v: as expected"
done
note "$breaks broken items failed with their remedies"
