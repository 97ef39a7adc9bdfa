# Golden images (root file systems that are not running, no /proc or /sys
# in them): check --root answers bridges, the boot loader's default and
# services enabled at boot from their configuration, naming the file and
# line, and says SKIP for what only a running system has.  One fixture per
# network style (ifupdown with interfaces.d, systemd-networkd, NetworkManager
# keyfiles, RHEL ifcfg) and boot style (/etc/default/grub alone, GRUB 2
# grub.cfg, grub2 with saved_entry, grub legacy grub.conf), and variants of
# them made here.
. "$(dirname "$0")/lib.sh"
need python3

# A rule file adding checks on facts no profile rule reads (a rule is the
# way to see a fact's value and evidence in the report).
RULES=$TMP/rules
mkdir -p "$RULES"
cat > "$RULES/golden.yaml" <<'X'
profile: xen
rules:
  - id: t-no-br9
    title: no br9 (backups are not configuration)
    remedy: none (a test rule)
    fact: net.bridge.br9
    expect: false
  - id: t-no-labbr0
    title: no labbr0 (masked)
    remedy: none (a test rule)
    fact: net.bridge.labbr0
    expect: false
  - id: t-xen-cmdline
    title: Xen's command line
    remedy: none (a test rule)
    fact: boot.default.xen_cmdline
    expect: {matches: "dom0_mem="}
  - id: t-kernel-cmdline
    title: the kernel's command line
    remedy: none (a test rule)
    fact: kernel.cmdline
    expect: {matches: "."}
  - id: t-release
    title: the kernel the image boots
    remedy: none (a test rule)
    fact: kernel.release
    expect: {matches: "."}
  - id: t-init
    title: the image boots systemd
    remedy: none (a test rule)
    fact: init.systemd
    expect: true
X
# check ROOT PROFILE [ARGS...]: the JSON report in $TMP/out.json
check() {
	local root=$1 profile=$2
	shift 2
	run_hv check --root "$root" --profile "$profile" --rules "$RULES" --format json "$@" > "$TMP/out.json"
	# 3: a check could not be evaluated (guest-memory-total without
	# /proc/meminfo until the offline table says SKIP for it)
	[ "$RC" -le 3 ] && [ -s "$TMP/out.json" ] || fail "check --root $root --profile $profile exited $RC"
}
has() { # CHECK-ID FIELD TEXT
	field "$TMP/out.json" "$1" "$2" | grep -qF -- "$3" || fail "$1 $2 lacks \"$3\": $(field "$TMP/out.json" "$1" "$2")"
}

# --- Debian 12: ifupdown (interfaces sources interfaces.d/*), /etc/default/grub
# with Debian's grub.d/xen.cfg and no grub.cfg yet, systemd with SysV scripts.
R=$TMP/deb
mkroot "$R" golden/debian12-ifupdown
check "$R" xen
expect_verdict "$TMP/out.json" bridge pass
has bridge evidence "xenbr0 at /etc/network/interfaces.d/xenbr0:5 (ifupdown)"
expect_verdict "$TMP/out.json" boot-default-xen pass
has boot-default-xen evidence "/etc/default/grub.d/xen.cfg"
expect_verdict "$TMP/out.json" t-xen-cmdline pass
has t-xen-cmdline seen "dom0_mem=2048M,max:2048M loglvl=warning"
expect_verdict "$TMP/out.json" t-kernel-cmdline pass
has t-kernel-cmdline seen "console=tty0 console=ttyS0,115200n8 quiet"
has t-release seen "6.1.0-28-amd64"
expect_verdict "$TMP/out.json" t-init pass
has t-init evidence "/sbin/init is /lib/systemd/systemd"
# xendomains has an init script and no unit: its rc link (systemd's
# sysv-generator makes the unit from it at boot)
expect_verdict "$TMP/out.json" xendomains pass
has xendomains evidence "/etc/rc3.d/S01xendomains"
# no CPU, hypervisor or processes in an image: never FAIL for them here
expect_verdict "$TMP/out.json" xen-dom0 skip
check "$R" kvm
expect_verdict "$TMP/out.json" libvirtd-enabled pass
has libvirtd-enabled evidence "libvirtd.service enabled (/etc/systemd/system/multi-user.target.wants/libvirtd.service)"
expect_verdict "$TMP/out.json" libvirtd-available skip
has libvirtd-available reason "not in an image"
expect_verdict "$TMP/out.json" virtlogd-available skip

# The same image through a bundle made of it gives the same answers.
run_hv bundle --root "$R" --connect test:///default -o "$TMP/deb.tar.xz" > /dev/null 2> "$TMP/bundle.err"
[ "$RC" = 0 ] || fail "bundle --root exited $RC"
run_hv check --bundle "$TMP/deb.tar.xz" --profile xen --format json > "$TMP/out.json"
for c in bridge boot-default-xen xendomains; do expect_verdict "$TMP/out.json" "$c" pass; done
has bridge evidence "xenbr0 at /etc/network/interfaces.d/xenbr0:5 (ifupdown)"

# Disabled: no symlinks left.  Masked: linked to /dev/null.  A preset that
# would enable it is not enablement.
rm "$R/etc/systemd/system/multi-user.target.wants/libvirtd.service" "$R/etc/systemd/system/sockets.target.wants/libvirtd.socket"
mkdir -p "$R/usr/lib/systemd/system-preset"
echo "enable libvirtd.*" > "$R/usr/lib/systemd/system-preset/80-libvirt.preset"
check "$R" kvm --only libvirtd-enabled
expect_verdict "$TMP/out.json" libvirtd-enabled warn
has libvirtd-enabled evidence "libvirtd.service disabled"
ln -s /dev/null "$R/etc/systemd/system/libvirtd.service"
check "$R" kvm --only libvirtd-enabled
expect_verdict "$TMP/out.json" libvirtd-enabled warn
has libvirtd-enabled evidence "libvirtd.service masked"
# A unit's own alias or a socket enabled alone starts it.
ln -s /lib/systemd/system/libvirtd.socket "$R/etc/systemd/system/sockets.target.wants/libvirtd.socket"
check "$R" kvm --only libvirtd-enabled
expect_verdict "$TMP/out.json" libvirtd-enabled pass

# Older Debian: source-directory, which takes only names of letters,
# digits, _ and - (xenbr0.cfg is not one of them).
sed -i 's|^source .*|source-directory interfaces.d|' "$R/etc/network/interfaces"
check "$R" xen --only bridge
expect_verdict "$TMP/out.json" bridge pass
mv "$R/etc/network/interfaces.d/xenbr0" "$R/etc/network/interfaces.d/xenbr0.cfg"
check "$R" xen --only bridge
expect_verdict "$TMP/out.json" bridge warn
has bridge evidence "defines no bridge: read /etc/network/interfaces, /etc/network/interfaces.d/storage"

# GRUB_DEFAULT=0 kept (XEN_OVERRIDE_GRUB_DEFAULT=0): the first entry is
# what /etc/grub.d's order makes it; a number past it cannot be told yet.
sed -i 's|^#XEN_OVERRIDE_GRUB_DEFAULT=0|XEN_OVERRIDE_GRUB_DEFAULT=0|' "$R/etc/default/grub.d/xen.cfg"
mkdir -p "$R/etc/grub.d"
: > "$R/etc/grub.d/10_linux"
: > "$R/etc/grub.d/20_linux_xen"
check "$R" xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen warn
has boot-default-xen evidence "/etc/grub.d/10_linux runs before 20_linux_xen"
mv "$R/etc/grub.d/20_linux_xen" "$R/etc/grub.d/09_linux_xen"
check "$R" xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen pass
sed -i 's|^GRUB_DEFAULT=.*|GRUB_DEFAULT=2|' "$R/etc/default/grub"
check "$R" xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen skip
has boot-default-xen reason "has not made yet"
sed -i "s|^GRUB_DEFAULT=.*|GRUB_DEFAULT=\"Advanced options for Debian GNU/Linux (with Xen hypervisor)>Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-28-amd64\"|" "$R/etc/default/grub"
check "$R" xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen pass
sed -i 's|^GRUB_DEFAULT=.*|GRUB_DEFAULT=gnulinux-simple-2b9f4c2e|' "$R/etc/default/grub"
check "$R" xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen warn
# No boot loader configuration at all: set up when the image is deployed.
rm -r "$R/etc/default/grub" "$R/etc/default/grub.d"
check "$R" xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen skip
has boot-default-xen reason "holds no boot loader configuration"

# --- Debian 12: systemd-networkd (an empty /etc file masks /usr/lib's of
# the same name; a bond is not a bridge), GRUB 2's generated grub.cfg with
# the ${next_entry} block and Xen entries first.
R=$TMP/networkd
mkroot "$R" golden/debian12-networkd
check "$R" xen
expect_verdict "$TMP/out.json" bridge pass
has bridge evidence "xenbr0 at /etc/systemd/network/10-xenbr0.netdev:4 (systemd-networkd)"
has bridge seen "xenbr0"
expect_verdict "$TMP/out.json" t-no-labbr0 pass
expect_verdict "$TMP/out.json" boot-default-xen pass
has boot-default-xen evidence "\"Debian GNU/Linux, with Xen hypervisor\", a Xen entry"
has t-xen-cmdline seen "dom0_mem=4096M,max:4096M"
has t-kernel-cmdline seen "root=UUID=2b9f4c2e-6f0a-4a43-9d55-8c1d1e0e2a11 ro  quiet"
rm "$R/etc/systemd/network/90-lab.netdev"
check "$R" xen --only t-no-labbr0
expect_verdict "$TMP/out.json" t-no-labbr0 fail
has t-no-labbr0 evidence "/usr/lib/systemd/network/90-lab.netdev:3"

# --- CentOS 7 (Xen4CentOS): NetworkManager keyfiles (an editor's ~ backup
# is not one), grub2 with set default="${saved_entry}" and grubenv naming
# the plain kernel.
R=$TMP/c7
mkroot "$R" golden/centos7-nm
# NetworkManager loads only keyfiles no one but root may read (git keeps 0644)
chmod 600 "$R"/etc/NetworkManager/system-connections/*
check "$R" xen
expect_verdict "$TMP/out.json" bridge pass
has bridge evidence "br0 at /etc/NetworkManager/system-connections/bridge-br0.nmconnection:4 (NetworkManager)"
expect_verdict "$TMP/out.json" t-no-br9 pass
expect_verdict "$TMP/out.json" boot-default-xen warn
has boot-default-xen evidence "/boot/grub2/grubenv"
has boot-default-xen evidence "not a Xen entry"
expect_verdict "$TMP/out.json" t-xen-cmdline fail
has t-kernel-cmdline seen "root=/dev/mapper/centos-root ro crashkernel=auto"
chmod 644 "$R/etc/NetworkManager/system-connections/bridge-br0.nmconnection"
check "$R" xen --only bridge
expect_verdict "$TMP/out.json" bridge warn
has bridge evidence "bridge-br0.nmconnection (mode 0644: NetworkManager refuses a keyfile others may read)"
chmod 600 "$R/etc/NetworkManager/system-connections/bridge-br0.nmconnection"
# grub2-set-default 'CentOS Linux, with Xen hypervisor'
printf '# GRUB Environment Block\nsaved_entry=CentOS Linux, with Xen hypervisor\n' > "$R/boot/grub2/grubenv"
check "$R" xen
expect_verdict "$TMP/out.json" boot-default-xen pass
has t-xen-cmdline seen "dom0_mem=1024M,max:1024M cpuinfo com1=115200,8n1"
has t-release seen "4.9.241-37.el7.x86_64"

# --- RHEL 5: ifcfg-xenbr0 TYPE=Bridge (ifcfg-br9.bak is a backup), grub
# legacy grub.conf, SysV chkconfig links.
R=$TMP/rhel5
mkroot "$R" golden/rhel5-ifcfg
check "$R" rhel5-xen
expect_verdict "$TMP/out.json" xenbr0 pass
has xenbr0 evidence "xenbr0 at /etc/sysconfig/network-scripts/ifcfg-xenbr0:2 (ifcfg)"
expect_verdict "$TMP/out.json" boot-default-xen pass
has boot-default-xen evidence "Red Hat Enterprise Linux Server (2.6.18-398.el5xen)"
expect_verdict "$TMP/out.json" kernel-xen-running pass
expect_verdict "$TMP/out.json" chkconfig[xend] pass
has chkconfig[xend] evidence "/etc/rc.d/rc3.d/S98xend"
expect_verdict "$TMP/out.json" chkconfig[xendomains] warn
expect_verdict "$TMP/out.json" xend-running skip
has xend-running reason "not in an image"
check "$R" xen --only t-no-br9,t-xen-cmdline,t-kernel-cmdline,t-init
expect_verdict "$TMP/out.json" t-no-br9 pass
has t-xen-cmdline seen "dom0_mem=1024M"
has t-kernel-cmdline seen "ro root=/dev/VolGroup00/LogVol00 rhgb quiet"
expect_verdict "$TMP/out.json" t-init fail
# DEVICE= names the bridge, not the file; a second default= wins in grub legacy.
sed -i 's|^DEVICE=.*|DEVICE=br-guests|' "$R/etc/sysconfig/network-scripts/ifcfg-xenbr0"
check "$R" rhel5-xen --only xenbr0
expect_verdict "$TMP/out.json" xenbr0 warn
has xenbr0 evidence "defines no bridge xenbr0: read"
printf 'default=1\n' >> "$R/boot/grub/grub.conf"
check "$R" rhel5-xen --only boot-default-xen
expect_verdict "$TMP/out.json" boot-default-xen fail

# --- Fedora 40 Xen host: grub.cfg's blscfg reads /boot/loader/entries (newest
# version first), grubenv's saved_entry names one by its file's id; the
# Xen entry is a menuentry of 20_linux_xen.
R=$TMP/f40
mkroot "$R" golden/fedora40-bls
check "$R" xen --only boot-default-xen,t-release,t-kernel-cmdline,t-xen-cmdline
expect_verdict "$TMP/out.json" boot-default-xen warn
has boot-default-xen evidence "is \"Fedora Linux (6.10.12-200.fc40.x86_64) 40 (Server Edition)\", not a Xen entry"
has t-release seen "6.10.12-200.fc40.x86_64"
has t-kernel-cmdline evidence "/boot/loader/entries/2f6e8a1c4b9d4e0f8a7b6c5d4e3f2a1b-6.10.12-200.fc40.x86_64.conf"
# grub2-set-default by index: 0 is the newest BLS entry, 3 the Xen one
sed -i 's|^saved_entry=.*|saved_entry=3|' "$R/boot/grub2/grubenv"
check "$R" xen --only boot-default-xen,t-xen-cmdline
expect_verdict "$TMP/out.json" boot-default-xen pass
has t-xen-cmdline seen "dom0_mem=4G,max:4G"
# RHEL 8 keeps the options in grubenv's kernelopts
sed -i 's|^options .*|options $kernelopts audit=1|' "$R"/boot/loader/entries/*.conf
printf 'saved_entry=2f6e8a1c4b9d4e0f8a7b6c5d4e3f2a1b-6.9.7-200.fc40.x86_64\nkernelopts=root=/dev/mapper/rhel-root ro crashkernel=auto\n' > "$R/boot/grub2/grubenv"
check "$R" xen --only t-kernel-cmdline,t-release
has t-kernel-cmdline seen "root=/dev/mapper/rhel-root ro crashkernel=auto audit=1"
has t-release seen "6.9.7-200.fc40.x86_64"

# --- Ubuntu 22.04: netplan (its networkd files are generated at boot), a
# libvirt network that autostarts, /etc/default/grub with no Xen to boot.
R=$TMP/jammy
mkroot "$R" golden/ubuntu22-netplan
check "$R" xen --only bridge,boot-default-xen,t-release,t-kernel-cmdline
expect_verdict "$TMP/out.json" bridge pass
has bridge evidence "br-guests at /etc/netplan/60-bridge.yaml:8 (netplan)"
has bridge evidence "virbr0 at /etc/libvirt/qemu/networks/autostart/default.xml:12 (libvirt network, autostarted)"
expect_verdict "$TMP/out.json" boot-default-xen warn
has boot-default-xen evidence "no /boot/xen*.gz"
has t-release seen "5.15.0-105-generic"
has t-kernel-cmdline seen "intel_iommu=on iommu=pt quiet splash"
# a netplan file of the same name in /run hides /etc's
mkdir -p "$R/run/netplan"
printf 'network:\n  version: 2\n' > "$R/run/netplan/60-bridge.yaml"
check "$R" xen --only bridge
has bridge seen "virbr0"
field "$TMP/out.json" bridge seen | grep -q br-guests && fail "/run/netplan did not hide /etc/netplan's file"
# SUSE: /etc/sysconfig/network/ifcfg-NAME with BRIDGE='yes'
R=$TMP/suse
mkdir -p "$R/etc/sysconfig/network"
printf "STARTMODE='auto'\nBOOTPROTO='dhcp'\nBRIDGE='yes'\nBRIDGE_PORTS='eth0'\nBRIDGE_STP='off'\n" > "$R/etc/sysconfig/network/ifcfg-br0"
printf "STARTMODE='hotplug'\nBOOTPROTO='none'\n" > "$R/etc/sysconfig/network/ifcfg-eth0"
check "$R" xen --only bridge
expect_verdict "$TMP/out.json" bridge pass
has bridge evidence "br0 at /etc/sysconfig/network/ifcfg-br0:3 (ifcfg)"

# A fixture root that carries /sys/class/net (a copy of a running host) is
# still read from there, not from its configuration.
R=$TMP/xen
mkroot "$R" xen-dom0-debian
mkdir -p "$R/etc/network"
printf 'iface br7 inet manual\n\tbridge_ports none\n' > "$R/etc/network/interfaces"
check "$R" xen --only bridge
has bridge evidence "in /sys/class/net"
exit 0
