# Hosts of another era or vendor build, as fixture roots with a real RPM
# database (rpmbuild's empty packages, rpm --root --justdb): a RHEL 6 KVM
# host (libvirt 0.10.2, SysV init, chkconfig's links, no os-release), a
# RHEL 7 OpenStack compute node running qemu-kvm-rhev (systemd), and a
# RHEL 8 host.  Each gets only the rules its libvirt has (virtlogd from
# 1.3.0, virtlockd from 1.0.1), enablement read the way its init keeps it,
# and remedies in its own tools: yum to RHEL 7, dnf from RHEL 8, chkconfig
# on SysV, systemctl on systemd.
. "$(dirname "$0")/lib.sh"
need python3 rpm rpmbuild

check_kvm() { # ROOT OUT.json
	run_hv check --root "$1" --profile kvm --format json > "$2"
	[ "$RC" -le 3 ] || fail "check --root $1 exited $RC"
}
remedy_is() { # JSON ID TEXT: the remedy is exactly TEXT
	local got
	got=$(field "$1" "$2" remedy)
	[ "$got" = "$3" ] || fail "$2: remedy '$got', expected '$3'"
}
reason_has() { # JSON ID TEXT
	field "$1" "$2" reason | grep -qF -- "$3" || fail "$2: reason '$(field "$1" "$2" reason)' lacks '$3'"
}
no_remedy_with() { # JSON TEXT: no check's remedy mentions TEXT
	python3 - "$1" "$2" <<'PY' || fail "a remedy says '$2' on this host"
import json, sys
bad = [c["id"] for c in json.load(open(sys.argv[1]))["checks"] if sys.argv[2] in (c.get("remedy") or "")]
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}

# --- RHEL 6.10: libvirt 0.10.2, SysV init, chkconfig libvirtd on ---------
R6=$TMP/rhel6
mkroot "$R6" rhel6-kvm
rpmdb_install "$R6" libvirt=0.10.2-64.el6 libvirt-client=0.10.2-64.el6 qemu-kvm=0.12.1.2-2.506.el6
check_kvm "$R6" "$TMP/r6.json"
expect_verdict "$TMP/r6.json" qemu-package pass
expect_verdict "$TMP/r6.json" libvirt-package pass
# virtlogd and virtlockd came after 0.10.2: not applicable, the versions said
for id in virtlogd-available virtlogd-enabled; do
	expect_verdict "$TMP/r6.json" $id skip
	reason_has "$TMP/r6.json" $id "0.10.2-64.el6"
	reason_has "$TMP/r6.json" $id "version >= 1.3.0"
done
expect_verdict "$TMP/r6.json" virtlockd-available skip
reason_has "$TMP/r6.json" virtlockd-available "version >= 1.0.1"
# chkconfig's S link in runlevel 3 (inittab's initdefault)
expect_verdict "$TMP/r6.json" libvirtd-enabled pass
field "$TMP/r6.json" libvirtd-enabled evidence | grep -qF "/etc/rc.d/rc3.d/S97libvirtd (runlevel 3)" || fail "libvirtd-enabled evidence"
# not running (no process in the image): the SysV way to start it
remedy_is "$TMP/r6.json" libvirtd-available "chkconfig libvirtd on && service libvirtd start"
no_remedy_with "$TMP/r6.json" systemctl
no_remedy_with "$TMP/r6.json" dnf
# chkconfig libvirtd off: the link goes, the remedy is chkconfig's
rm "$R6/etc/rc.d/rc3.d/S97libvirtd"
ln -s ../init.d/libvirtd "$R6/etc/rc.d/rc3.d/K03libvirtd"
check_kvm "$R6" "$TMP/r6.json"
expect_verdict "$TMP/r6.json" libvirtd-enabled warn
remedy_is "$TMP/r6.json" libvirtd-enabled "chkconfig libvirtd on"
# without QEMU: RHEL 6 installs it with yum
rpmdb_erase "$R6" qemu-kvm
check_kvm "$R6" "$TMP/r6.json"
expect_verdict "$TMP/r6.json" qemu-package fail
remedy_is "$TMP/r6.json" qemu-package "yum install qemu-kvm"
note "RHEL 6: virtlogd/virtlockd not applicable below 1.3.0/1.0.1, chkconfig read, yum and chkconfig remedies"

# --- RHEL 7.9 OpenStack compute node: qemu-kvm-rhev, systemd -------------
R7=$TMP/rhel7
mkroot "$R7" rhel7-osp-compute
rpmdb_install "$R7" libvirt-daemon=4.5.0-36.el7 libvirt-daemon-kvm=4.5.0-36.el7 libvirt-client=4.5.0-36.el7 \
	qemu-kvm-rhev=2.12.0-48.el7 qemu-kvm-common-rhev=2.12.0-48.el7
check_kvm "$R7" "$TMP/r7.json"
expect_verdict "$TMP/r7.json" qemu-package pass
field "$TMP/r7.json" qemu-package evidence | grep -qF "qemu-kvm-rhev 2.12.0-48.el7" || fail "qemu-package names the build: $(field "$TMP/r7.json" qemu-package evidence)"
expect_verdict "$TMP/r7.json" libvirt-package pass
# libvirt 4.5 has virtlogd and virtlockd: they apply
expect_verdict "$TMP/r7.json" virtlogd-available fail
remedy_is "$TMP/r7.json" virtlogd-available "systemctl enable --now virtlogd.socket   (without an init - virtlogd -d)"
expect_verdict "$TMP/r7.json" virtlockd-available warn
# no libvirtd.socket before libvirt 5.6
remedy_is "$TMP/r7.json" libvirtd-available "systemctl enable --now libvirtd   (without an init - libvirtd -d)"
no_remedy_with "$TMP/r7.json" dnf
no_remedy_with "$TMP/r7.json" chkconfig
# the CentOS build (qemu-kvm-ev) answers as well
rpmdb_erase "$R7" qemu-kvm-rhev qemu-kvm-common-rhev
rpmdb_install "$R7" qemu-kvm-ev=2.12.0-44.1.el7_8.1
check_kvm "$R7" "$TMP/r7.json"
expect_verdict "$TMP/r7.json" qemu-package pass
# none of them: RHEL 7 has yum, not dnf
rpmdb_erase "$R7" qemu-kvm-ev
check_kvm "$R7" "$TMP/r7.json"
expect_verdict "$TMP/r7.json" qemu-package fail
remedy_is "$TMP/r7.json" qemu-package "yum install qemu-kvm"
note "RHEL 7 OpenStack: qemu-kvm-rhev and qemu-kvm-ev accepted, yum and systemctl remedies"

# --- RHEL 8.6: dnf; libvirt 8.0 has libvirtd.socket ------------------------
R8=$TMP/rhel8
mkdir -p "$R8/etc" "$R8/usr/lib/systemd" "$R8/proc/sys/kernel"
# a copy of the running host's /proc, as the fixtures carry: no libvirtd
# among its processes is the host's state (an image, with an empty /proc,
# could not tell, and its daemon checks say SKIP)
echo 4.18.0-372.9.1.el8.x86_64 > "$R8/proc/sys/kernel/osrelease"
cat > "$R8/etc/os-release" <<'X'
NAME="Red Hat Enterprise Linux"
VERSION="8.6 (Ootpa)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="8.6"
PLATFORM_ID="platform:el8"
PRETTY_NAME="Red Hat Enterprise Linux 8.6 (Ootpa)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:redhat:enterprise_linux:8::baseos"
HOME_URL="https://www.redhat.com/"
X
echo "Red Hat Enterprise Linux release 8.6 (Ootpa)" > "$R8/etc/redhat-release"
: > "$R8/usr/lib/systemd/systemd"
mkdir -p "$R8/proc/1" && echo systemd > "$R8/proc/1/comm"
rpmdb_install "$R8" libvirt-daemon=8.0.0-5.el8 libvirt-daemon-driver-qemu=8.0.0-5.el8
check_kvm "$R8" "$TMP/r8.json"
expect_verdict "$TMP/r8.json" qemu-package fail
remedy_is "$TMP/r8.json" qemu-package "dnf install qemu-kvm"
expect_verdict "$TMP/r8.json" libvirt-package pass
remedy_is "$TMP/r8.json" libvirtd-available "systemctl enable --now libvirtd.socket"
expect_verdict "$TMP/r8.json" virtlogd-available fail
no_remedy_with "$TMP/r8.json" yum
# RHEL 9's modular daemons: virtqemud
sed -i 's/8\.6/9.2/g; s/el8/el9/' "$R8/etc/os-release"
rpmdb_install "$R8" qemu-kvm-core=7.2.0-14.el9_2
check_kvm "$R8" "$TMP/r8.json"
expect_verdict "$TMP/r8.json" qemu-package pass
remedy_is "$TMP/r8.json" libvirtd-available "systemctl enable --now virtqemud.socket"
note "RHEL 8/9: dnf remedies, libvirtd.socket, virtqemud.socket on RHEL 9"
echo "PASS test_era_hosts"
