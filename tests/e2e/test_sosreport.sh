# hvscope check --bundle on an sosreport: a real one made here by Debian's
# sos 4.0 (its kernel, processor, dpkg, kvm, libvirt, systemd, services and
# process plugins) with a real guest defined and running under libvirtd,
# and a RHEL 5 Xen host in sos 1.7's layout (its xen plugin's /etc/xen,
# /var/log/xen, /sys/hypervisor, xm outputs and brctl show, installed-rpms
# as a link to the rpm plugin's output, the process plugin's ps listing,
# the startup plugin's chkconfig and runlevel, the general, kernel and
# filesys plugins' hostname, uname -a and df -al, with sos's top-level
# links), each as sos's archive and as its directory.  What sos holds
# gives the host's verdict; what it does not says SKIP, not in the
# sosreport: never a verdict the host would not give.  (sos 2.2, 3.5 and
# 4.5 layouts: test_sos_generations.sh.)
. "$(dirname "$0")/lib.sh"
need python3 tar xz sos
export TMPDIR=$TMP/private
mkdir -p "$TMPDIR"

# same_or_skip HOST.json SOS.json LABEL: each check has the host's verdict or
# says it is not in the sosreport; prints how many had a verdict.
same_or_skip() {
	python3 - "$@" <<'PY' || fail "$(cat "$TMP/sos.diff")"
import json, sys
def checks(p):
    return {(c["id"], c.get("item")): c for c in json.load(open(p))["checks"]}
host, sos = checks(sys.argv[1]), checks(sys.argv[2])
bad, agree = [], 0
for k in sorted(set(host) | set(sos), key=str):
    h, s = host.get(k, {}).get("verdict"), sos.get(k, {}).get("verdict")
    if h == s:
        agree += s != "skip"
    elif s != "skip" or "not in the sosreport" not in (sos[k].get("reason") or ""):
        bad.append("%s: %s on the host, %s from the sosreport (%s)" % (k[0], h, s, sos.get(k, {}).get("reason")))
open(sys.argv[4], "w").write("%s: %s" % (sys.argv[3], "; ".join(bad)))
print(agree)
sys.exit(1 if bad else 0)
PY
}

# --- a RHEL 5.2 Xen dom0 in sos's layout ---------------------------------
S=$TMP/sosfx/sosreport-xenhost1.12345-20090311094512
mkroot "$S" rhel5-xen
mkdir -p "$S/sos_commands/xen" "$S/sos_commands/rpm" "$S/sos_logs" "$S/sos_reports"
echo "sosreport 1.7" > "$S/sos_logs/sos.log"
cat > "$S/sos_commands/xen/xm_info" <<'X'
host                   : xenhost1.example.com
release                : 2.6.18-92.el5xen
machine                : x86_64
nr_cpus                : 4
xen_major              : 3
xen_minor              : 1
xen_extra              : .2-92.el5
xen_caps               : xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64
X
printf 'Name                                      ID Mem(MiB) VCPUs State   Time(s)\nDomain-0                                   0     3568     4 r-----    412.3\n' > "$S/sos_commands/xen/xm_list"
echo "(XEN) Xen version 3.1.2-92.el5 (brewbuilder@build.redhat.com)" > "$S/sos_commands/xen/xm_dmesg"
mkdir -p "$S/var/log/xen" && echo "[2009-03-11 09:40:01 xend 3021] INFO (SrvDaemon:227) Xend Daemon started" > "$S/var/log/xen/xend.log"
# sos copies neither /proc/PID, /var/run nor /var/lock: its ps listing and
# chkconfig stand for them (sos 1.7's process and startup plugins; it
# did not list /var/lock/subsys, so xendomains' lock is not known)
rm -rf "$S"/proc/[0-9]* "$S/var/run" "$S/var/lock"
mkdir -p "$S/sos_commands/process" "$S/sos_commands/startup"
cat > "$S/sos_commands/process/ps_auxwww" <<'X'
USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root         1  0.0  0.0  10344   692 ?        Ss   09:38   0:00 init [5]
root         2  0.0  0.0      0     0 ?        S<   09:38   0:00 [migration/0]
root      2977  0.0  0.0  12048   596 ?        S    09:39   0:00 xenstored --pid-file /var/run/xenstore.pid
root      3015  0.0  0.0  12000   448 ?        Sl   09:39   0:00 /usr/sbin/xenconsoled
root      3021  0.1  0.4 155720 10020 ?        S    09:40   0:02 /usr/bin/python /usr/sbin/xend start
root      3022  0.0  0.5 157436 11412 ?        Sl   09:40   0:07 /usr/bin/python /usr/sbin/xend start
root      3390  0.0  0.0  65928   972 pts/0    R+   09:45   0:00 /bin/ps auxwww
X
cat > "$S/sos_commands/startup/chkconfig_--list" <<'X'
NetworkManager  0:off   1:off   2:off   3:off   4:off   5:off   6:off
libvirtd        0:off   1:off   2:off   3:on    4:on    5:on    6:off
xend            0:off   1:off   2:off   3:on    4:on    5:on    6:off
xendomains      0:off   1:off   2:off   3:on    4:on    5:off   6:off
xinetd based services:
        chargen-dgram:  off
X
echo "N 5" > "$S/sos_commands/startup/runlevel"
# sos's selinux plugin: sestatus (RHEL 5's form) and its copy of /etc/selinux
mkdir -p "$S/sos_commands/selinux"
cat > "$S/sos_commands/selinux/sestatus" <<'X'
SELinux status:                 enabled
SELinuxfs mount:                /selinux
Current mode:                   enforcing
Mode from config file:          enforcing
Policy version:                 21
Policy from config file:        targeted
X
# sos 1.7's general, kernel, filesys and xen plugins: hostname, uname -a,
# df -al (coreutils 5.97 puts a long device name on a line of its own)
# and brctl show, each with sos's top-level link
mkdir -p "$S/sos_commands/general" "$S/sos_commands/kernel" "$S/sos_commands/filesys"
echo "xenhost1.example.com" > "$S/sos_commands/general/hostname"
echo "Linux xenhost1.example.com 2.6.18-92.el5xen #1 SMP Tue Apr 29 13:31:30 EDT 2008 x86_64 x86_64 x86_64 GNU/Linux" > "$S/sos_commands/kernel/uname_-a"
cat > "$S/sos_commands/filesys/df_-al" <<'X'
Filesystem           1K-blocks      Used Available Use% Mounted on
/dev/mapper/VolGroup00-LogVol00
                     148297244  21508752 119134736  16% /
proc                         0         0         0   -  /proc
sysfs                        0         0         0   -  /sys
devpts                       0         0         0   -  /dev/pts
/dev/sda1               101086     19310     76557  21% /boot
tmpfs                  1827452         0   1827452   0% /dev/shm
none                         0         0         0   -  /proc/xen
X
printf 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nxenbr0\t\t8000.feffffffffff\tno\t\tvif0.0\n\t\t\t\t\t\t\tpeth0\n' > "$S/sos_commands/xen/brctl_show"
ln -s sos_commands/general/hostname "$S/hostname"
ln -s sos_commands/kernel/uname_-a "$S/uname"
ln -s sos_commands/filesys/df_-al "$S/df"
ln -s sos_commands/process/ps_auxwww "$S/ps"
ln -s sos_commands/startup/chkconfig_--list "$S/chkconfig"
# the rpm plugin's listing (rpm -qa --qf ... | awk printf "%-59s %s"), and
# sos's top-level link to it
L="$S/sos_commands/rpm/sh_-c_rpm_--nodigest_-qa_--qf_NAME_-_VERSION_-_RELEASE_._ARCH_INSTALLTIME_date_awk_-F_printf_-59s_s_n_1_2_sort_-V"
for p in bridge-utils-1.1-2.x86_64 gnome-python2-gnomekeyring-2.16.0-1.fc6.x86_64 kernel-xen-2.6.18-92.el5.x86_64 \
	libvirt-0.3.3-7.el5.x86_64 libvirt-python-0.3.3-7.el5.x86_64 python-virtinst-0.300.2-8.el5.noarch \
	virt-manager-0.5.3-8.el5.x86_64 vnc-4.1.2-14.el5.x86_64 xen-3.0.3-64.el5.x86_64 xen-libs-3.0.3-64.el5.x86_64; do
	printf '%-59s %s\n' "$p" "Tue 11 Mar 2009 09:12:44 AM EDT"
done > "$L"
ln -s "${L#"$S/"}" "$S/installed-rpms"
(cd "$TMP/sosfx" && tar -cJf "$TMP/rhel5-sos.tar.xz" "$(basename "$S")")
run_hv check --root "$S" --profile rhel5-xen --format json > "$TMP/fx-root.json"
for form in "$S" "$TMP/rhel5-sos.tar.xz"; do
	run_hv check --bundle "$form" --format json > "$TMP/fx-sos.json"
	# the one finding: xendomains does not start in runlevel 5
	[ "$RC" = 1 ] && [ "$(all_verdicts "$TMP/fx-sos.json" | grep -v 'pass\|skip')" = "chkconfig[xendomains] warn" ] ||
		fail "the RHEL 5 sosreport ($form): exit $RC: $(all_verdicts "$TMP/fx-sos.json" | grep -v 'pass\|skip')"
	python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["profile"] == "rhel5-xen" else 1)' "$TMP/fx-sos.json" ||
		fail "auto did not pick rhel5-xen from the sosreport"
	for id in cpu-pae cpu-vt kernel-xen-installed kernel-xen-running boot-default-xen package[xen] package[vnc] package[virt-manager] guest-configs-parse; do
		[ "$(verdict "$TMP/fx-sos.json" "$id")" = pass ] || fail "$id from the sosreport: $(verdict "$TMP/fx-sos.json" "$id")"
	done
	field "$TMP/fx-sos.json" kernel-xen-installed evidence | grep -q 'installed-rpms: kernel-xen 2.6.18-92.el5.x86_64 installed' ||
		fail "kernel-xen's evidence: $(field "$TMP/fx-sos.json" kernel-xen-installed evidence)"
	# services: xend from the ps listing (python's script), chkconfig in
	# the runlevel sos saw (5: xendomains is off there), no lock listing
	expect_verdict "$TMP/fx-sos.json" xend-running pass
	field "$TMP/fx-sos.json" xend-running evidence | grep -q 'process 3021 (xend) in sos_commands/process/ps_auxwww' ||
		fail "xend-running's evidence: $(field "$TMP/fx-sos.json" xend-running evidence)"
	[ "$(verdict "$TMP/fx-sos.json" xendomains-running)" = skip ] &&
		field "$TMP/fx-sos.json" xendomains-running reason | grep -q 'not in the sosreport.*does not list /var/lock/subsys' ||
		fail "xendomains-running: $(verdict "$TMP/fx-sos.json" xendomains-running) $(field "$TMP/fx-sos.json" xendomains-running reason)"
	# SELinux: enforcing from sestatus, the policy's rule from the copied
	# file_contexts; the labels themselves are not in a report
	expect_verdict "$TMP/fx-sos.json" "selinux-image-dir-policy[/var/lib/xen/images]" pass
	[ "$(verdict "$TMP/fx-sos.json" "selinux-image-dir-label[/var/lib/xen/images]")" = skip ] ||
		fail "the image directory's label from the sosreport: $(verdict "$TMP/fx-sos.json" "selinux-image-dir-label[/var/lib/xen/images]")"
	# the host, the running kernel, the bridge and free space as sos 1.7 recorded them
	python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["host"] == "xenhost1.example.com" else 1)' "$TMP/fx-sos.json" ||
		fail "the sosreport's host name"
	field "$TMP/fx-sos.json" kernel-xen-running evidence | grep -q '"2.6.18-92.el5xen" (sos_commands/kernel/uname_-a)' ||
		fail "the running kernel: $(field "$TMP/fx-sos.json" kernel-xen-running evidence)"
	expect_verdict "$TMP/fx-sos.json" xenbr0 pass
	field "$TMP/fx-sos.json" xenbr0 evidence | grep -q 'sos_commands/xen/brctl_show lists 1 bridge: xenbr0' ||
		fail "xenbr0: $(field "$TMP/fx-sos.json" xenbr0 evidence)"
	expect_verdict "$TMP/fx-sos.json" images-disk-free pass
	field "$TMP/fx-sos.json" images-disk-free evidence | grep -q 'df_-al: /var/lib/xen/images is on / (/dev/mapper/VolGroup00-LogVol00), 119134736' ||
		fail "images-disk-free: $(field "$TMP/fx-sos.json" images-disk-free evidence)"
	python3 - "$TMP/fx-sos.json" <<'PY' || fail "chkconfig from the sosreport"
import json, sys
c = {x["id"]: x for x in json.load(open(sys.argv[1]))["checks"]}
x, d = c["chkconfig[xend]"], c["chkconfig[xendomains]"]
assert x["verdict"] == "pass" and "chkconfig_--list: xend on in runlevel 5" in x["evidence"], x
assert d["verdict"] == "warn" and "xendomains off in runlevel 5" in d["evidence"], d
PY
	# what does not come from the package listing is what the files say under --root
	python3 - "$TMP/fx-root.json" "$TMP/fx-sos.json" <<'PY' || fail "the sosreport and its tree under --root disagree"
import json, sys
root, sos = ({c["id"] + str(c.get("item")): c for c in json.load(open(p))["checks"]} for p in sys.argv[1:3])
for k, c in sos.items():
    # free space from sos's df, not this machine's statvfs of the fixture
    if c["verdict"] != "skip" and not k.startswith(("package", "kernel-xen-installed", "chkconfig", "xend", "images-disk-free")):
        assert c["verdict"] == root[k]["verdict"], (k, c["verdict"], root[k]["verdict"])
PY
done
note "RHEL 5.2 Xen dom0 in sos 1.7's layout (directory and tar.xz): host and running kernel from hostname and uname -a, xenbr0 from brctl show, free space from df -al, PAE, VT, kernel-xen, grub, every package from installed-rpms, xend from ps and chkconfig pass, xendomains off in runlevel 5 warns, SELinux's policy for the image directory passes; xendomains' lock, the guests' disks and file labels SKIP (not in the sosreport)"

# --- a real sosreport of this host ----------------------------------------
# with libvirtd running and a guest defined in /etc/libvirt/qemu and started
start_libvirtd
trap 'virsh -c qemu:///system destroy hvsos-guest >/dev/null 2>&1; virsh -c qemu:///system undefine hvsos-guest >/dev/null 2>&1; stop_libvirtd; cleanup' EXIT
cat > "$TMP/hvsos-guest.xml" <<XML
<domain type='$(kvm_or_qemu)'>
  <name>hvsos-guest</name>
  <memory unit='MiB'>96</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='user'><mac address='52:54:00:5a:05:01'/></interface></devices>
</domain>
XML
virsh -c qemu:///system define "$TMP/hvsos-guest.xml" >/dev/null && virsh -c qemu:///system start hvsos-guest >/dev/null ||
	fail "cannot define and start the guest"
mkdir -p "$TMP/sos"
sos report --batch --tmp-dir "$TMP/sos" --label hvscope -o kernel,processor,dpkg,kvm,libvirt,systemd,services,process > "$TMP/sos.log" 2>&1 ||
	fail "sos report: $(tail -n 5 "$TMP/sos.log")"
A=$(ls "$TMP"/sos/sosreport-*.tar.xz)
mkdir "$TMP/sos/unpacked"
tar -C "$TMP/sos/unpacked" -xJf "$A"
total=0
for p in kvm xen rhel5-xen; do
	run_hv check --profile "$p" --format json > "$TMP/live.json"
	for form in "$A" "$TMP/sos/unpacked"; do
		run_hv check --bundle "$form" --profile "$p" --format json > "$TMP/sos.json"
		[ "$RC" -le 2 ] || fail "check --bundle on the sosreport ($form, $p): exit $RC"
		n=$(same_or_skip "$TMP/live.json" "$TMP/sos.json" "sosreport of this host, profile $p" "$TMP/sos.diff")
	done
	total=$((total + n))
done
[ "$total" -ge 6 ] || fail "only $total checks had a verdict from the sosreport"
run_hv check --profile kvm --only qemu-package,libvirt-package --format json > "$TMP/live.json"
run_hv check --bundle "$A" --profile kvm --only qemu-package,libvirt-package --format json > "$TMP/sos.json"
[ "$(all_verdicts "$TMP/sos.json")" = "$(all_verdicts "$TMP/live.json")" ] && field "$TMP/sos.json" qemu-package evidence | grep -q '^installed-debs: ' ||
	fail "packages from installed-debs: $(all_verdicts "$TMP/sos.json"), host $(all_verdicts "$TMP/live.json"); $(field "$TMP/sos.json" qemu-package evidence)"
# the daemon from sos's ps listing, the guest from its copy of /etc/libvirt/qemu
run_hv check --bundle "$A" --profile kvm --format json > "$TMP/sos.json"
expect_verdict "$TMP/sos.json" libvirtd-available pass
field "$TMP/sos.json" libvirtd-available evidence | grep -q 'libvirtd) in sos_commands/process/ps_auxwww' ||
	fail "libvirtd's evidence: $(field "$TMP/sos.json" libvirtd-available evidence)"
python3 - "$TMP/sos.json" <<'PY' || fail "the guest from the sosreport"
import json, sys
c = [x for x in json.load(open(sys.argv[1]))["checks"] if x.get("item") == "hvsos-guest"]
told = [x for x in c if x["verdict"] != "skip"]
assert len(told) >= 3 and all("not in the sosreport" in x["reason"] for x in c if x["verdict"] == "skip"), c
print("  the guest from the sosreport: " + ", ".join("%s %s" % (x["id"], x["verdict"]) for x in told))
PY
[ -z "$(ls -A "$TMPDIR")" ] || fail "left behind: $(ls -A "$TMPDIR")"
note "a real sosreport of this host ($(sed -n 's/.*sosreport (version \(.*\)).*/sos \1/p' "$TMP/sos.log" | head -n 1), archive and directory): $total checks with the host's verdict (CPU, kernel, packages from installed-debs, libvirtd from ps, the guest from /etc/libvirt/qemu), the rest SKIP (not in the sosreport); none differ"
