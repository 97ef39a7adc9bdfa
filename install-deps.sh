#!/bin/sh
# Install what hvscope needs to build and test, by package name.
#
# Debian 12 / Ubuntu (apt):         this script.
# RHEL 9 / Fedora (dnf), the same set under their names:
#   dnf install gcc make pkgconf-pkg-config libcpuid-devel libselinux-devel \
#     libsemanage-devel rpm-devel libyaml-devel libcmocka-devel libvirt-devel \
#     xen-devel libmicrohttpd-devel zlib-devel gnutls-devel ncurses-devel libarchive-devel jansson-devel \
#     libxcrypt-devel rpm-build selinux-policy-targeted attr libvirt-daemon-kvm \
#     libvirt-client qemu-kvm clang tmux
#   (libcpuid-devel and xen-devel come from EPEL on RHEL.)
#
# Usage: ./install-deps.sh [--build-only]
#   --build-only   only what compiling needs, not the test components.
set -eu

# zlib1g-dev: the exporter module's gzip-compressed scrapes.
build_pkgs="build-essential pkg-config libcpuid-dev libselinux1-dev
 libsemanage-dev librpm-dev libyaml-dev libcmocka-dev libvirt-dev libxen-dev
 libmicrohttpd-dev libgnutls28-dev libncurses-dev libarchive-dev libcrypt-dev
 libxml2-dev nettle-dev libjansson-dev zlib1g-dev"
# Real components the tests drive: rpmbuild and rpm for an RPM database,
# Debian's reference SELinux policy, setfattr, libvirtd + virt-host-validate,
# QEMU for a real KVM guest, clang for the fuzzers, tmux for the curses view,
# sosreport for the bundle's benchmark; what builds and checks the .deb
# and .rpm packages, their man pages and the shell completion; and what
# builds the Xen dom0 image and the guest's initramfs (make check-xen);
# chromium (headless) renders the HTML report and fleet pages
# (tests/e2e/test_html_pages.sh); Debian's ansible and the SSH client it
# drives, for contrib/ansible's role run against this machine and the dom0
# image over SSH (tests/xen/ansible.sh);
# systemd for systemd-socket-activate (the exporter's --web.systemd-socket).
test_pkgs="rpm selinux-policy-default attr libvirt-daemon-system
 libvirt-clients qemu-system-x86 clang libclang-rt-14-dev tmux procps
 python3 libxml2-utils prometheus valgrind util-linux curl openssl
 prometheus-libvirt-exporter wrk xz-utils zstd sosreport debhelper lintian
 rpmlint groff man-db bash-completion git
 debootstrap busybox-static cpio e2fsprogs time chromium
 ansible openssh-client systemd"
# node_exporter reading check --output's textfile directory and strace
# holding a check in its fsync there (test_textfile); moreutils' sponge,
# node_exporter's own recipe, for bench/textfile.sh to compare with.
test_pkgs="$test_pkgs prometheus-node-exporter strace moreutils"

pkgs=$build_pkgs
[ "${1:-}" = "--build-only" ] || pkgs="$pkgs $test_pkgs"
# A Linux kernel for the test guests that run an OS (the balloon driver's
# memory statistics need one): Debian's package, kept here and unpacked by
# the tests (tests/e2e/lib.sh os_guest), never installed on this host.
GUEST_KERNEL_DIR=/var/cache/hvscope/guest-kernel

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps.sh: no apt-get here; install the dnf names listed at the top of this script" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: run as root (apt-get install)" >&2
	exit 1
fi

guest_kernel() {
	[ "${1:-}" != "--build-only" ] || return 0
	ls "$GUEST_KERNEL_DIR"/linux-image-*.deb >/dev/null 2>&1 && return 0
	k=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$k" ] || { echo "install-deps.sh: no linux-image package known to apt" >&2; exit 1; }
	mkdir -p "$GUEST_KERNEL_DIR"
	chown _apt "$GUEST_KERNEL_DIR" 2>/dev/null || true # apt downloads as _apt where it may
	(cd "$GUEST_KERNEL_DIR" && apt-get download -q "$k")
}

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
	guest_kernel "${1:-}"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Package scripts try to start daemons; with no init system to ask they must
# not fail the install (policy-rc.d 101 = "action not allowed").
cleanup_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	cleanup_policy=1
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
[ "$cleanup_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
guest_kernel "${1:-}"
