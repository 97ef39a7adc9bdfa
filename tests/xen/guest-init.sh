#!/bin/sh
# init of the test's PV guests (a busybox initramfs): mount /proc and keep
# one vCPU a little busy so that its CPU time grows.
/bin/busybox mount -t proc proc /proc
/bin/busybox echo "hvscope test guest up"
while :; do
	i=0
	while [ $i -lt 3000 ]; do i=$((i + 1)); done
	/bin/busybox sleep 1
done
