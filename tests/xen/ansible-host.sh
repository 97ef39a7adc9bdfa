#!/bin/sh
# The dom0 image's systemd boot as a host Ansible manages
# (tests/xen/ansible.sh): a static address on QEMU's user network, its
# gateway, and sshd's host keys; sshd starts after this.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
ifc=
for _ in $(seq 60); do
	for n in /sys/class/net/*; do
		[ "${n##*/}" = lo ] || [ ! -e "$n" ] || { ifc=${n##*/}; break; }
	done
	[ -n "$ifc" ] && break
	sleep 1
done
[ -n "$ifc" ] || { echo "ansible-host: no network interface after 60 s"; exit 1; }
ip link set "$ifc" up
ip addr add 10.0.2.15/24 dev "$ifc"
ip route add default via 10.0.2.2
ssh-keygen -A
echo "ansible-host: $ifc is 10.0.2.15/24"
