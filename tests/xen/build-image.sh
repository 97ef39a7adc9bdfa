#!/usr/bin/env bash
# Build (or find in the cache) the Debian 12 dom0 root image that
# tests/xen/run.sh boots under Xen 4.17 in QEMU.
#
# Usage: tests/xen/build-image.sh CACHE_DIR
# Prints the directory holding root.img, xen.elf, vmlinuz and initrd.img.
#
# The image is keyed by this script, the dom0 init, the package list and the
# candidate versions apt on this host has for those packages: a new Xen,
# kernel or library upload (or a change here) builds a new image; otherwise
# the cached one is reused, read-only (QEMU boots it with -snapshot).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
cache=${1:?usage: build-image.sh CACHE_DIR}

# The dom0: Xen's tools and hypervisor, a kernel, libvirt's Xen driver (the
# libvirt backend over xen:///system), curl to scrape the exporter, and the
# runtime libraries of the freshly built hvscope (hvscope_libs below); and
# for the systemd boot as a host Ansible manages over SSH
# (tests/e2e/test_ansible.sh): sshd, and python3 with python3-apt, which
# Ansible's modules (apt among them) run with on the managed host.
base_pkgs="xen-utils-4.17 xen-utils-common xen-hypervisor-4.17-amd64
 linux-image-amd64 procps iproute2 udev kmod systemd-sysv
 libvirt-daemon libvirt-daemon-driver-xen libvirt-clients curl ca-certificates
 openssh-server python3 python3-apt"
# Debian's libvirt units (the systemd boot checks the service facts against
# them), and Xen's device model for HVM guests (qemu-system-xen); apt in
# the root installs them, as debootstrap does not choose between
# the alternatives its dependencies name (dbus-system-bus, logind).
apt_pkgs="libvirt-daemon-system qemu-system-xen"

# Debian packages holding the shared libraries the binary and its modules
# load, found from the build itself so that a new dependency is never missed.
hvscope_libs() {
	local build=${HVSCOPE_BUILD:?}
	ldd "$build/hvscope" "$build"/*.so | awk '/=> \//{print $3}' | sort -u |
		xargs -r -n1 readlink -f | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u
}

pkgs=$(printf '%s\n' $base_pkgs $(hvscope_libs) | sort -u)

# The mirror apt on this machine already uses (deb822 or one-line sources).
mirror=${HVSCOPE_XEN_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(sed -n 's/^URIs:[[:space:]]*\(http[^ ]*debian\)\/\{0,1\}$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

# One apt-cache call for all of them (one a package took 70 s here).
versions=$(apt-cache show --no-all-versions $pkgs $apt_pkgs 2>/dev/null | sed -n 's/^Package: //p; s/^Version: //p' | paste - -)
key=$( { cat build-image.sh dom0-init.sh; echo "$versions"; echo "$mirror"; } | sha256sum | cut -c1-16)
out=$cache/dom0-$key
if [ -s "$out/root.img" ] && [ -s "$out/xen.elf" ]; then
	echo "$out"
	exit 0
fi

log() { echo "build-image: $*" >&2; }
for t in debootstrap mkfs.ext4 zcat; do
	command -v "$t" >/dev/null || { log "$t is missing (./install-deps.sh installs it)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { log "debootstrap needs root"; exit 1; }

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build.XXXXXX")
# debootstrap mounts /proc and /sys in the root: unmount whatever it left
# before removing a failed build, and never cross into a mount.
cleanup() {
	# (no mounts left is the usual case: grep finding none must not stop
	# the trap under set -e before the removal)
	findmnt -rno TARGET | { grep -F "$work/" || true; } | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
root=$work/root
start=$(date +%s)
log "debootstrap bookworm from $mirror ($(echo $pkgs | wc -w) packages asked for)"
if ! debootstrap --variant=minbase --include="$(echo $pkgs | tr ' ' ,)" \
	bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1; then
	tail -n 30 "$work/debootstrap.log" >&2
	[ -f "$root/debootstrap/debootstrap.log" ] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
	log "debootstrap failed"
	exit 1
fi
log "debootstrap: $(( $(date +%s) - start )) s"

# debootstrap takes the release alone; bring the root up to what apt on this
# host sees (bookworm-updates, bookworm-security), so that the image holds
# the versions its key names and the libraries hvscope was built against.
cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/" 2>/dev/null || true
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
if ! chroot "$root" sh -c "apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q -y dist-upgrade &&
	DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends install $apt_pkgs" \
	> "$work/upgrade.log" 2>&1; then
	tail -n 30 "$work/upgrade.log" >&2
	log "apt-get dist-upgrade in the root failed"
	exit 1
fi
umount -R "$root/dev"
umount "$root/proc"
rm -f "$root/usr/sbin/policy-rc.d"
log "updates: $(( $(date +%s) - start )) s"

install -m 0755 dom0-init.sh "$root/hvscope-init"
echo hvscope-dom0 > "$root/etc/hostname"
printf 'LABEL=dom0 / ext4 defaults 0 1\n' > "$root/etc/fstab"
# apt caches are not needed in the image.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

zcat "$root"/boot/xen-4.17-amd64.gz > "$work/xen.elf"
cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1)" "$work/vmlinuz"
cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -n1)" "$work/initrd.img"
chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' > "$work/packages.txt"

findmnt -rno TARGET | grep -qF "$root/" && { log "something is still mounted under $root"; exit 1; }
truncate -s 3G "$work/root.img"
mkfs.ext4 -q -F -L dom0 -d "$root" "$work/root.img"
rm -rf --one-file-system "$root"
log "image built in $(( $(date +%s) - start )) s"

# Older images of this cache are stale once a new key is built.
find "$cache" -maxdepth 1 -name 'dom0-*' -type d ! -name "dom0-$key" -exec rm -rf {} +
mv "$work" "$out"
trap - EXIT
echo "$out"
