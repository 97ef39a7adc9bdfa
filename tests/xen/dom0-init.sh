#!/bin/sh
# PID 1 of the test dom0 (installed as /hvscope-init by build-image.sh).
# It mounts what a system needs, unpacks the payload disk (/dev/vdb, a tar:
# the freshly built hvscope and the test scripts), runs the payload's
# entry point, writes /results as a tar onto the results disk (/dev/vdc) and
# powers the machine off, whatever happened on the way. The tests themselves
# live in the payload so that changing them does not rebuild the image.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mkdir -p /results /run/lock
hostname hvscope-dom0

# "hvscope.systemd" on the command line (the kernel booted without Xen):
# systemd is PID 1 this time.  The payload's units start under it: the
# service checks (systemd-run.sh), which write the results disk and power
# off, or the network and sshd of a host Ansible manages (test_ansible.sh).
if grep -qw hvscope.systemd /proc/cmdline; then
	echo "hvscope-init: unpacking the payload, then systemd"
	tar -xf /dev/vdb -C / 2>/results/payload.err
	mkdir -p /etc/systemd/system/multi-user.target.wants
	for u in /opt/hvscope-xen/*.service; do
		[ -f "$u" ] || continue
		cp "$u" /etc/systemd/system/
		ln -sf "../${u##*/}" /etc/systemd/system/multi-user.target.wants/
	done
	umount /dev/shm /dev/pts /tmp 2>/dev/null
	exec /lib/systemd/systemd
fi

echo "hvscope-init: unpacking the payload"
if tar -xf /dev/vdb -C / 2>/results/payload.err && [ -x /opt/hvscope-xen/dom0-run.sh ]; then
	/opt/hvscope-xen/dom0-run.sh > /results/dom0-run.log 2>&1 &
	run=$!
	# The console shows the run as it goes.
	tail -f /results/dom0-run.log &
	tailpid=$!
	wait $run
	echo $? > /results/exit-code
	sleep 1
	kill $tailpid 2>/dev/null
else
	echo "hvscope-init: no payload"
	echo 125 > /results/exit-code
fi

echo "hvscope-init: writing results (exit code $(cat /results/exit-code))"
tar -cf /dev/vdc -C /results . && sync
echo "hvscope-init: power off"
echo o > /proc/sysrq-trigger
sleep 30
