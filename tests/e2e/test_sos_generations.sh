# hvscope check --bundle on sosreports of each sos generation, laid out
# here as each one writes them (file names from sos's plugins at its tags:
# a command's output under sos_commands/PLUGIN/ as the command line with
# the program's directory dropped and other characters as "_"; copied
# files under their host path), with the command outputs in their real
# formats: a RHEL 6 KVM host (sos 2.2: general/hostname, kernel/uname_-a,
# selinux/sestatus, startup/chkconfig_--list, networking/brctl_show,
# filesys/df_-al with coreutils 8.4's wrapped device lines, cgconfig's
# /cgroup mounts in proc/mounts), a RHEL 7 KVM host (sos 3.5: sestatus_-b
# only, services/chkconfig_--list, systemd/systemctl_list-unit-files,
# networking/ip_-s_-d_link without bridge-utils, df_-al_-x_autofs, cgroup
# v1 under /sys/fs/cgroup), and a RHEL 9 KVM host (sos 4.x: host/hostname,
# sestatus, cgroup v2, proc/mounts -> self/mounts as sos 4 copies it).
# Each asserts what an admin reading the same files concludes: the host
# name, the kernel release, memory, cgroup controllers, the bridge, free
# space and SELinux's running state.  Then: a bare root (no /proc, /sys,
# /dev) gives no FAIL or ERROR from a runtime fact in any profile, and its
# bundle the same verdicts.
. "$(dirname "$0")/lib.sh"
need python3 tar
export TMPDIR=$TMP/private
mkdir -p "$TMPDIR"

# cpuinfo N MODEL FLAGS: x86 /proc/cpuinfo of N logical CPUs
cpuinfo() {
	local i
	for i in $(seq 0 $(($1 - 1))); do
		printf 'processor\t: %d\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 63\nmodel name\t: %s\nstepping\t: 2\ncpu MHz\t\t: 2400.000\ncache size\t: 15360 KB\nphysical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\napicid\t\t: %d\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 15\nwp\t\t: yes\nflags\t\t: %s\nbogomips\t: 4799.89\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n' \
			"$i" "$2" "$1" "$i" "$1" "$i" "$3"
	done
}
FLAGS="fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon pebs bts rep_good xtopology nonstop_tsc aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm ida arat epb xsaveopt pln pts dtherm tpr_shadow vnmi flexpriority ept vpid fsgsbase bmi1 avx2 smep bmi2 erms invpcid"

# guest DIR NAME MIB: a libvirt domain in the report's copy of /etc/libvirt/qemu
guest() {
	mkdir -p "$1/etc/libvirt/qemu"
	cat > "$1/etc/libvirt/qemu/$2.xml" <<X
<domain type='kvm'>
  <name>$2</name>
  <uuid>$(python3 -c 'import uuid,sys; print(uuid.uuid5(uuid.NAMESPACE_DNS, sys.argv[1]))' "$2")</uuid>
  <memory unit='KiB'>$(($3 * 1024))</memory>
  <currentMemory unit='KiB'>$(($3 * 1024))</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices>
    <emulator>/usr/libexec/qemu-kvm</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/$2.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='bridge'><mac address='52:54:00:$(printf '%s' "$2" | md5sum | sed 's/^\(..\)\(..\)\(..\).*/\1:\2:\3/')'/><source bridge='br0'/><model type='virtio'/></interface>
  </devices>
</domain>
X
}

# rpms FILE NAME-VERSION-RELEASE.ARCH...: rpm -qa through awk, as sos's rpm plugin
rpms() {
	local f=$1 fmt=$2 p
	shift 2
	for p in "$@"; do printf "$fmt" "$p" "Mon 10 Mar 2014 10:12:33 AM EDT"; done | sort > "$f"
}

# --- RHEL 6.5 KVM host, sos 2.2 ---------------------------------------------
S6=$TMP/sos6/sosreport-kvm6.1234567-20140312101500
mkdir -p "$S6"/{sos_logs,sos_reports,proc,etc/sysconfig,etc/selinux} "$S6"/sos_commands/{general,kernel,selinux,startup,networking,filesys,process,rpm}
echo "sosreport (version 2.2)" > "$S6/sos_logs/sos.log"
echo '<html><body>sosreport</body></html>' > "$S6/sos_reports/sosreport.html"
echo "Red Hat Enterprise Linux Server release 6.5 (Santiago)" > "$S6/etc/redhat-release"
printf 'NETWORKING=yes\nHOSTNAME=kvm6.example.com\n' > "$S6/etc/sysconfig/network"
printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' > "$S6/etc/selinux/config"
echo "kvm6.example.com" > "$S6/sos_commands/general/hostname"
echo "Linux kvm6.example.com 2.6.32-431.el6.x86_64 #1 SMP Sun Nov 10 22:19:54 EST 2013 x86_64 x86_64 x86_64 GNU/Linux" > "$S6/sos_commands/kernel/uname_-a"
cat > "$S6/sos_commands/selinux/sestatus" <<'X'
SELinux status:                 enabled
SELinuxfs mount:                /selinux
Current mode:                   enforcing
Mode from config file:          enforcing
Policy version:                 24
Policy from config file:        targeted
X
cpuinfo 12 "Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz" "$FLAGS" > "$S6/proc/cpuinfo"
# 2.6.32 has no MemAvailable
cat > "$S6/proc/meminfo" <<'X'
MemTotal:       32878248 kB
MemFree:        21048536 kB
Buffers:          301808 kB
Cached:          1947412 kB
SwapCached:            0 kB
Active:          8601140 kB
Inactive:        1614400 kB
SwapTotal:      16482300 kB
SwapFree:       16482300 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
X
cat > "$S6/proc/cgroups" <<'X'
#subsys_name	hierarchy	num_cgroups	enabled
cpuset	1	4	1
ns	0	1	1
cpu	2	4	1
cpuacct	3	4	1
memory	4	4	1
devices	5	4	1
freezer	6	4	1
net_cls	0	1	1
blkio	0	1	1
perf_event	0	1	1
net_prio	0	1	1
X
# cgconfig's mounts; blkio is left out of this host's /etc/cgconfig.conf
cat > "$S6/proc/mounts" <<'X'
rootfs / rootfs rw 0 0
proc /proc proc rw,relatime 0 0
sysfs /sys sysfs rw,seclabel,relatime 0 0
devtmpfs /dev devtmpfs rw,seclabel,relatime,size=16427836k,nr_inodes=4106959,mode=755 0 0
/dev/mapper/vg_kvm6-lv_root / ext4 rw,seclabel,relatime,barrier=1,data=ordered 0 0
/dev/sda1 /boot ext4 rw,seclabel,relatime,barrier=1,data=ordered 0 0
/dev/mapper/vg_kvm6-lv_images /var/lib/libvirt/images ext4 rw,seclabel,relatime,barrier=1,data=ordered 0 0
cgroup /cgroup/cpuset cgroup rw,relatime,cpuset 0 0
cgroup /cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
cgroup /cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /cgroup/devices cgroup rw,relatime,devices 0 0
cgroup /cgroup/freezer cgroup rw,relatime,freezer 0 0
X
# coreutils 8.4: a device name over 20 characters on a line of its own
cat > "$S6/sos_commands/filesys/df_-al" <<'X'
Filesystem           1K-blocks      Used Available Use% Mounted on
/dev/mapper/vg_kvm6-lv_root
                      51606140   6334108  42650592  13% /
proc                         0         0         0   -  /proc
sysfs                        0         0         0   -  /sys
devpts                       0         0         0   -  /dev/pts
tmpfs                 16439124         0  16439124   0% /dev/shm
/dev/sda1               495844     39922    430322   9% /boot
/dev/mapper/vg_kvm6-lv_images
                     206424760 196981224    957536 100% /var/lib/libvirt/images
none                         0         0         0   -  /proc/sys/fs/binfmt_misc
cgroup                       0         0         0   -  /cgroup/cpuset
cgroup                       0         0         0   -  /cgroup/cpu
X
ln -s sos_commands/filesys/df_-al "$S6/df"
printf 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr0\t\t8000.001e0bd2a4f6\tno\t\teth0\n\t\t\t\t\t\t\tvnet0\nvirbr0\t\t8000.525400c1d2e3\tyes\t\tvirbr0-nic\n' \
	> "$S6/sos_commands/networking/brctl_show"
cat > "$S6/sos_commands/process/ps_auxwww" <<'X'
USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root         1  0.0  0.0  19364  1536 ?        Ss   Mar10   0:01 /sbin/init
root      2291  0.2  0.0 1023708 15892 ?       Sl   Mar10  12:01 libvirtd --daemon
nobody    2410  0.0  0.0  12892   588 ?        S    Mar10   0:00 /usr/sbin/dnsmasq --strict-order --pid-file=/var/run/libvirt/network/default.pid --conf-file= --except-interface lo --bind-interfaces --listen-address 192.168.122.1
qemu      3050  3.1 12.6 4734220 4163876 ?     Sl   Mar10 161:20 /usr/libexec/qemu-kvm -name web6 -S -M rhel6.5.0 -enable-kvm -m 4096 -smp 2,sockets=2,cores=1,threads=1
root      9812  0.0  0.0 110236  1152 pts/0    R+   10:15   0:00 /bin/ps auxwww
X
ln -s sos_commands/process/ps_auxwww "$S6/ps"
cat > "$S6/sos_commands/startup/chkconfig_--list" <<'X'
cgconfig       	0:off	1:off	2:on	3:on	4:on	5:on	6:off
libvirtd       	0:off	1:off	2:off	3:on	4:on	5:on	6:off
libvirt-guests 	0:off	1:off	2:on	3:on	4:on	5:on	6:off
network        	0:off	1:off	2:on	3:on	4:on	5:on	6:off
X
echo "N 3" > "$S6/sos_commands/startup/runlevel"
L6=$S6/sos_commands/rpm/rpm_-qa_--qf_NAME_-_VERSION_-_RELEASE_._ARCH_INSTALLTIME_date_--
rpms "$L6" '%-60s%s\n' qemu-kvm-0.12.1.2-2.415.el6.x86_64 libvirt-0.10.2-29.el6.x86_64 libvirt-client-0.10.2-29.el6.x86_64 \
	bridge-utils-1.2-10.el6.x86_64 kernel-2.6.32-431.el6.x86_64 libcgroup-0.40.rc1-5.el6.x86_64 selinux-policy-targeted-3.7.19-231.el6.noarch
ln -s "${L6#"$S6/"}" "$S6/installed-rpms"
guest "$S6" web6 4096
guest "$S6" db6 8192

# --- RHEL 7.5 KVM host, sos 3.5 ---------------------------------------------
S7=$TMP/sos7/sosreport-kvm7-20180612101500
mkdir -p "$S7"/{sos_logs,sos_reports,etc/selinux} "$S7"/proc/7731 "$S7"/sys/fs/cgroup \
	"$S7"/sos_commands/{general,kernel,selinux,services,systemd,networking,filesys,process,rpm}
echo "sosreport (version 3.5)" > "$S7/sos_logs/sos.log"
echo '<html><body>sosreport</body></html>' > "$S7/sos_reports/sos.html"
echo "Red Hat Enterprise Linux Server release 7.5 (Maipo)" > "$S7/etc/redhat-release"
printf 'NAME="Red Hat Enterprise Linux Server"\nVERSION="7.5 (Maipo)"\nID="rhel"\nVERSION_ID="7.5"\nPRETTY_NAME="Red Hat Enterprise Linux Server 7.5 (Maipo)"\n' > "$S7/etc/os-release"
# the configuration says enforcing; the running kernel was set permissive
printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' > "$S7/etc/selinux/config"
echo "kvm7.example.com" > "$S7/sos_commands/general/hostname"
echo "kvm7.example.com" > "$S7/sos_commands/general/hostname_-f"
ln -s sos_commands/general/hostname "$S7/hostname"
echo "Linux kvm7.example.com 3.10.0-862.el7.x86_64 #1 SMP Wed Mar 21 18:14:51 EDT 2018 x86_64 x86_64 x86_64 GNU/Linux" > "$S7/sos_commands/kernel/uname_-a"
ln -s sos_commands/kernel/uname_-a "$S7/uname"
cat > "$S7/sos_commands/selinux/sestatus_-b" <<'X'
SELinux status:                 enabled
SELinuxfs mount:                /sys/fs/selinux
SELinux root directory:         /etc/selinux
Loaded policy name:             targeted
Current mode:                   permissive
Mode from config file:          enforcing
Policy MLS status:              enabled
Policy deny_unknown status:     allowed
Max kernel policy version:      31

Policy booleans:
abrt_anon_write                             off
virt_read_qemu_ga_data                      off
virt_sandbox_use_all_caps                   on
virt_use_nfs                                off
virt_use_samba                              off
X
cpuinfo 8 "Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz" "$FLAGS" > "$S7/proc/cpuinfo"
cat > "$S7/proc/meminfo" <<'X'
MemTotal:       16268504 kB
MemFree:        10110344 kB
MemAvailable:   13581424 kB
Buffers:            2108 kB
Cached:          3565560 kB
SwapCached:            0 kB
SwapTotal:       8257532 kB
SwapFree:        8257532 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
X
cat > "$S7/proc/cgroups" <<'X'
#subsys_name	hierarchy	num_cgroups	enabled
cpuset	4	7	1
cpu	6	95	1
cpuacct	6	95	1
memory	10	95	1
devices	7	95	1
freezer	2	7	1
net_cls	5	7	1
blkio	9	95	1
perf_event	3	7	1
hugetlb	8	7	1
pids	11	95	1
net_prio	5	7	1
X
# sos 3.5 copies /proc/self/mounts through its link to the pid directory
ln -s 7731 "$S7/proc/self"
ln -s self/mounts "$S7/proc/mounts"
cat > "$S7/proc/7731/mounts" <<'X'
sysfs /sys sysfs rw,seclabel,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
devtmpfs /dev devtmpfs rw,seclabel,nosuid,size=8122292k,nr_inodes=2030573,mode=755 0 0
tmpfs /sys/fs/cgroup tmpfs ro,seclabel,nosuid,nodev,noexec,mode=755 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,seclabel,nosuid,nodev,noexec,relatime,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd 0 0
cgroup /sys/fs/cgroup/freezer cgroup rw,seclabel,nosuid,nodev,noexec,relatime,freezer 0 0
cgroup /sys/fs/cgroup/perf_event cgroup rw,seclabel,nosuid,nodev,noexec,relatime,perf_event 0 0
cgroup /sys/fs/cgroup/cpuset cgroup rw,seclabel,nosuid,nodev,noexec,relatime,cpuset 0 0
cgroup /sys/fs/cgroup/net_cls,net_prio cgroup rw,seclabel,nosuid,nodev,noexec,relatime,net_prio,net_cls 0 0
cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,seclabel,nosuid,nodev,noexec,relatime,cpuacct,cpu 0 0
cgroup /sys/fs/cgroup/devices cgroup rw,seclabel,nosuid,nodev,noexec,relatime,devices 0 0
cgroup /sys/fs/cgroup/hugetlb cgroup rw,seclabel,nosuid,nodev,noexec,relatime,hugetlb 0 0
cgroup /sys/fs/cgroup/blkio cgroup rw,seclabel,nosuid,nodev,noexec,relatime,blkio 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,seclabel,nosuid,nodev,noexec,relatime,memory 0 0
cgroup /sys/fs/cgroup/pids cgroup rw,seclabel,nosuid,nodev,noexec,relatime,pids 0 0
/dev/mapper/rhel-root / xfs rw,seclabel,relatime,attr2,inode64,noquota 0 0
/dev/sda1 /boot xfs rw,seclabel,relatime,attr2,inode64,noquota 0 0
X
cat > "$S7/sos_commands/filesys/df_-al_-x_autofs" <<'X'
Filesystem            1K-blocks    Used Available Use% Mounted on
sysfs                         0       0         0    - /sys
proc                          0       0         0    - /proc
devtmpfs                8122292       0   8122292   0% /dev
tmpfs                   8134252       0   8134252   0% /sys/fs/cgroup
cgroup                        0       0         0    - /sys/fs/cgroup/cpu,cpuacct
/dev/mapper/rhel-root  52403200 9871512  42531688  19% /
/dev/sda1               1038336  191372    846964  19% /boot
X
ln -s sos_commands/filesys/df_-al_-x_autofs "$S7/df"
# bridge-utils not installed: no brctl output, ip -s -d link says which are bridges
cat > "$S7/sos_commands/networking/ip_-s_-d_link" <<'X'
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 
    RX: bytes  packets  errors  dropped overrun mcast   
    1624       20       0       0       0       0       
    TX: bytes  packets  errors  dropped carrier collsns 
    1624       20       0       0       0       0       
2: eno1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000
    link/ether 18:66:da:7e:21:0c brd ff:ff:ff:ff:ff:ff promiscuity 0 addrgenmode none numtxqueues 8 numrxqueues 8 gso_max_size 65536 gso_max_segs 65535 
    RX: bytes  packets  errors  dropped overrun mcast   
    91862713   312877   0       0       0       4128    
    TX: bytes  packets  errors  dropped carrier collsns 
    20482219   141911   0       0       0       0       
3: virbr0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000
    link/ether 52:54:00:8d:43:d6 brd ff:ff:ff:ff:ff:ff promiscuity 0 
    bridge forward_delay 200 hello_time 200 max_age 2000 ageing_time 30000 stp_state 1 priority 32768 vlan_filtering 0 vlan_protocol 802.1Q bridge_id 8000.52:54:0:8d:43:d6 designated_root 8000.52:54:0:8d:43:d6 root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    1.34 tcn_timer    0.00 topology_change_timer    0.00 gc_timer  214.07 vlan_default_pvid 1 vlan_stats_enabled 0 group_fwd_mask 0 group_address 01:80:c2:00:00:00 mcast_snooping 1 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 4 mcast_hash_max 512 mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_response_interval 1000 mcast_startup_query_interval 3125 mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 
    RX: bytes  packets  errors  dropped overrun mcast   
    0          0        0       0       0       0       
    TX: bytes  packets  errors  dropped carrier collsns 
    0          0        0       0       0       0       
4: virbr0-nic: <BROADCAST,MULTICAST> mtu 1500 qdisc pfifo_fast master virbr0 state DOWN mode DEFAULT group default qlen 1000
    link/ether 52:54:00:8d:43:d6 brd ff:ff:ff:ff:ff:ff promiscuity 1 
    tun 
    bridge_slave state disabled priority 32 cost 100 hairpin off guard off root_block off fastleave off learning on flood on port_id 0x8001 port_no 0x1 designated_port 32769 designated_cost 0 designated_bridge 8000.52:54:0:8d:43:d6 designated_root 8000.52:54:0:8d:43:d6 hold_timer    0.00 message_age_timer    0.00 forward_delay_timer    0.00 topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 
    RX: bytes  packets  errors  dropped overrun mcast   
    0          0        0       0       0       0       
    TX: bytes  packets  errors  dropped carrier collsns 
    0          0        0       0       0       0       
X
cat > "$S7/sos_commands/systemd/systemctl_list-units" <<'X'
UNIT                                 LOAD   ACTIVE SUB       DESCRIPTION
libvirtd.service                     loaded active running   Virtualization daemon
virtlogd.service                     loaded active running   Virtual machine log manager
virtlockd.socket                     loaded active listening Virtual machine lock manager socket
virtlogd.socket                      loaded active listening Virtual machine log manager socket

LOAD   = Reflects whether the unit definition was properly loaded.
ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
SUB    = The low-level unit activation state, values depend on unit type.

4 loaded units listed. Pass --all to see loaded but inactive units, too.
To show all installed unit files use 'systemctl list-unit-files'.
X
cat > "$S7/sos_commands/systemd/systemctl_list-unit-files" <<'X'
UNIT FILE                                     STATE   
libvirtd.service                              enabled 
virtlockd.service                             static  
virtlogd.service                              static  
virtlockd.socket                              enabled 
virtlogd.socket                               enabled 

5 unit files listed.
X
printf 'USER       PID %%CPU %%MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot      1322  0.1  0.1 1108492 24212 ?       Ssl  Jun11   1:02 /usr/sbin/libvirtd\n' > "$S7/sos_commands/process/ps_auxwww"
L7=$S7/sos_commands/rpm/sh_-c_rpm_--nodigest_-qa_--qf_NAME_-_VERSION_-_RELEASE_._ARCH_INSTALLTIME_date_awk_-F_printf_-59s_s_n_1_2_sort_-f
rpms "$L7" '%-59s %s\n' qemu-kvm-1.5.3-156.el7.x86_64 libvirt-daemon-kvm-3.9.0-14.el7.x86_64 libvirt-daemon-3.9.0-14.el7.x86_64 \
	kernel-3.10.0-862.el7.x86_64 selinux-policy-targeted-3.13.1-192.el7.noarch
ln -s "${L7#"$S7/"}" "$S7/installed-rpms"
# three guests of 6 GiB on 16 GiB: more than the host holds
guest "$S7" app7a 6144
guest "$S7" app7b 6144
guest "$S7" app7c 6144

# --- RHEL 9.2 KVM host, sos 4.5 (cgroup v2) ---------------------------------
S9=$TMP/sos9/sosreport-kvm9-2023-09-01-abcdefg
mkdir -p "$S9"/{sos_logs,sos_reports,etc/selinux} "$S9"/proc/2211 "$S9"/sys/fs/cgroup \
	"$S9"/sos_commands/{host,kernel,selinux,networking,filesys}
echo "sos report version 4.5.6" > "$S9/sos_logs/sos.log"
echo '{}' > "$S9/sos_reports/manifest.json"
printf 'NAME="Red Hat Enterprise Linux"\nVERSION="9.2 (Plow)"\nID="rhel"\nVERSION_ID="9.2"\nPRETTY_NAME="Red Hat Enterprise Linux 9.2 (Plow)"\n' > "$S9/etc/os-release"
printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' > "$S9/etc/selinux/config"
echo "kvm9.example.com" > "$S9/sos_commands/host/hostname"
echo "Linux kvm9.example.com 5.14.0-284.11.1.el9_2.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Apr 12 10:45:03 EDT 2023 x86_64 x86_64 x86_64 GNU/Linux" > "$S9/sos_commands/kernel/uname_-a"
printf 'SELinux status:                 enabled\nSELinuxfs mount:                /sys/fs/selinux\nSELinux root directory:         /etc/selinux\nLoaded policy name:             targeted\nCurrent mode:                   enforcing\nMode from config file:          enforcing\nPolicy MLS status:              enabled\nPolicy deny_unknown status:     allowed\nMemory protection checking:     actual (secure)\nMax kernel policy version:      33\n' \
	> "$S9/sos_commands/selinux/sestatus"
cpuinfo 16 "Intel(R) Xeon(R) Silver 4210 CPU @ 2.20GHz" "$FLAGS" > "$S9/proc/cpuinfo"
printf 'MemTotal:       65516344 kB\nMemFree:        60110344 kB\nMemAvailable:   62581424 kB\n' > "$S9/proc/meminfo"
printf '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t97\t1\ncpu\t0\t97\t1\ncpuacct\t0\t97\t1\nblkio\t0\t97\t1\nmemory\t0\t97\t1\ndevices\t0\t97\t1\nfreezer\t0\t97\t1\nnet_cls\t0\t97\t1\nperf_event\t0\t97\t1\nnet_prio\t0\t97\t1\nhugetlb\t0\t97\t1\npids\t0\t97\t1\nrdma\t0\t97\t1\nmisc\t0\t97\t1\n' > "$S9/proc/cgroups"
ln -s 2211 "$S9/proc/self"
ln -s self/mounts "$S9/proc/mounts"
printf 'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\nsysfs /sys sysfs rw,seclabel,nosuid,nodev,noexec,relatime 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,seclabel,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0\n/dev/mapper/rhel-root / xfs rw,seclabel,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0\n/dev/mapper/rhel-images /var/lib/libvirt/images xfs rw,seclabel,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0\n' \
	> "$S9/proc/2211/mounts"
echo "cpuset cpu io memory hugetlb pids rdma misc" > "$S9/sys/fs/cgroup/cgroup.controllers"
printf 'Filesystem              1K-blocks     Used  Available Use%% Mounted on\nproc                            0        0          0    - /proc\n/dev/mapper/rhel-root    73364480 10248952   63115528  14%% /\n/dev/mapper/rhel-images 943218688 51204480  892014208   6%% /var/lib/libvirt/images\n' \
	> "$S9/sos_commands/filesys/df_-al_-x_autofs"
printf '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 minmtu 0 maxmtu 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535\n2: eno1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n    link/ether 3c:ec:ef:1a:2b:3c brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 9000 addrgenmode none numtxqueues 8 numrxqueues 8\n' \
	> "$S9/sos_commands/networking/ip_-s_-d_link"

# The sos 2.2 and 3.5 reports also as sos's archives.
(cd "$TMP/sos6" && tar -cJf "$TMP/sos6.tar.xz" "$(basename "$S6")")
(cd "$TMP/sos7" && tar -cJf "$TMP/sos7.tar.xz" "$(basename "$S7")")

# seen JSON ID: the check's seen value (the fact's value)
seen() { field "$1" "$2" seen; }
# show DIR FACT: a fact's value and evidence from the sosreport, through a site rule
show() {
	mkdir -p "$TMP/show"
	printf 'profile: kvm\nrules:\n  - {id: show, title: show, fact: "%s", expect: {empty: true}, remedy: none}\n' "$2" > "$TMP/show/s.yaml"
	run_hv check --bundle "$1" --profile kvm --rules "$TMP/show" --only show --format json > "$TMP/show.json"
	echo "$(seen "$TMP/show.json" show) ($(field "$TMP/show.json" show evidence))"
}
header() { # JSON JUNIT HOST
	python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["host"] == sys.argv[2] else 1)' "$1" "$3" || fail "JSON host is not $3"
	grep -q "hostname=\"$3\"" "$2" || fail "JUnit hostname is not $3: $(grep -o 'hostname="[^"]*"' "$2")"
}

# --- RHEL 6 ----------------------------------------------------------------
for form in "$S6" "$TMP/sos6.tar.xz"; do
	run_hv check --bundle "$form" --profile kvm --format json > "$TMP/r6.json"
	[ "$RC" -le 2 ] || fail "RHEL 6 sosreport: exit $RC"
	run_hv check --bundle "$form" --profile kvm --format junit > "$TMP/r6.xml"
	header "$TMP/r6.json" "$TMP/r6.xml" kvm6.example.com
	for c in "cgroup[cpu]" "cgroup[cpuacct]" "cgroup[cpuset]" "cgroup[memory]" "cgroup[devices]" default-bridge guest-memory-total \
		libvirtd-available "guest-vcpus[web6]" "guest-memory-max[db6]"; do
		expect_verdict "$TMP/r6.json" "$c" pass
	done
	# cgconfig mounts no blkio hierarchy: enabled in /proc/cgroups, not mounted
	expect_verdict "$TMP/r6.json" "cgroup[blkio]" warn
	field "$TMP/r6.json" "cgroup[blkio]" evidence | grep -q 'enabled but not mounted' || fail "blkio: $(field "$TMP/r6.json" "cgroup[blkio]" evidence)"
	# /var/lib/libvirt/images is its own file system, nearly full (df's wrapped line)
	expect_verdict "$TMP/r6.json" images-disk-free warn
	[ "$(seen "$TMP/r6.json" images-disk-free)" = 935 ] || fail "images free: $(seen "$TMP/r6.json" images-disk-free)"
	field "$TMP/r6.json" images-disk-free evidence | grep -q 'df_-al: /var/lib/libvirt/images is on /var/lib/libvirt/images (/dev/mapper/vg_kvm6-lv_images), 957536' ||
		fail "images free evidence: $(field "$TMP/r6.json" images-disk-free evidence)"
	field "$TMP/r6.json" default-bridge evidence | grep -q 'sos_commands/networking/brctl_show lists 2 bridges: br0, virbr0' ||
		fail "bridges: $(field "$TMP/r6.json" default-bridge evidence)"
	# 32107 MiB less 512 for the host less 12288 for the guests
	[ "$(seen "$TMP/r6.json" guest-memory-total)" = 19307 ] || fail "RHEL 6 headroom: $(seen "$TMP/r6.json" guest-memory-total)"
done
[ "$(show "$S6" kernel.release)" = "2.6.32-431.el6.x86_64 (sos_commands/kernel/uname_-a)" ] || fail "RHEL 6 kernel: $(show "$S6" kernel.release)"
[ "$(show "$S6" host.name)" = "kvm6.example.com (sos_commands/general/hostname)" ] || fail "RHEL 6 host: $(show "$S6" host.name)"
[ "$(show "$S6" selinux.mode)" = "enforcing (sos_commands/selinux/sestatus: Current mode enforcing)" ] || fail "RHEL 6 SELinux: $(show "$S6" selinux.mode)"
[ "$(show "$S6" service.libvirtd.enabled)" = "true (sos_commands/startup/chkconfig_--list: libvirtd on in runlevel 3)" ] ||
	fail "RHEL 6 chkconfig: $(show "$S6" service.libvirtd.enabled)"
note "RHEL 6.5 (sos 2.2, directory and tar.xz): host kvm6.example.com, kernel 2.6.32-431.el6, 5 cgroup controllers pass and blkio (not mounted) warns, br0 and virbr0 from brctl show, /var/lib/libvirt/images 935 MiB free warns (df's wrapped line), 19307 MiB headroom, SELinux enforcing, chkconfig libvirtd on"

# --- RHEL 7 ----------------------------------------------------------------
for form in "$S7" "$TMP/sos7.tar.xz"; do
	run_hv check --bundle "$form" --profile kvm --format json > "$TMP/r7.json"
	[ "$RC" -le 2 ] || fail "RHEL 7 sosreport: exit $RC"
	run_hv check --bundle "$form" --profile kvm --format junit > "$TMP/r7.xml"
	header "$TMP/r7.json" "$TMP/r7.xml" kvm7.example.com
	for c in "cgroup[cpu]" "cgroup[cpuacct]" "cgroup[cpuset]" "cgroup[memory]" "cgroup[devices]" "cgroup[blkio]" default-bridge \
		images-disk-free libvirtd-available libvirtd-enabled virtlogd-available virtlogd-enabled virtlockd-available; do
		expect_verdict "$TMP/r7.json" "$c" pass
	done
	# 15887 MiB less 512 for the host less 3 x 6144 for the guests
	expect_verdict "$TMP/r7.json" guest-memory-total warn
	[ "$(seen "$TMP/r7.json" guest-memory-total)" = -3057 ] || fail "RHEL 7 headroom: $(seen "$TMP/r7.json" guest-memory-total)"
	field "$TMP/r7.json" default-bridge evidence | grep -q 'sos_commands/networking/ip_-s_-d_link lists 1 bridge: virbr0' ||
		fail "RHEL 7 bridges: $(field "$TMP/r7.json" default-bridge evidence)"
	[ "$(seen "$TMP/r7.json" images-disk-free)" = 41534 ] || fail "RHEL 7 free: $(seen "$TMP/r7.json" images-disk-free)"
	field "$TMP/r7.json" images-disk-free evidence | grep -q 'df_-al_-x_autofs: /var/lib/libvirt/images is on / (/dev/mapper/rhel-root)' ||
		fail "RHEL 7 free evidence: $(field "$TMP/r7.json" images-disk-free evidence)"
	# permissive at run time: selinux.enabled stays true, the policy's rule is read
	[ "$(verdict "$TMP/r7.json" "selinux-image-dir-label[/var/lib/libvirt/images]")" = skip ] || fail "labels are not in a report"
done
[ "$(show "$S7" kernel.release)" = "3.10.0-862.el7.x86_64 (sos_commands/kernel/uname_-a)" ] || fail "RHEL 7 kernel: $(show "$S7" kernel.release)"
[ "$(show "$S7" host.name)" = "kvm7.example.com (sos_commands/general/hostname)" ] || fail "RHEL 7 host: $(show "$S7" host.name)"
[ "$(show "$S7" selinux.mode)" = "permissive (sos_commands/selinux/sestatus_-b: Current mode permissive)" ] ||
	fail "RHEL 7 SELinux (sestatus -b, not the config's enforcing): $(show "$S7" selinux.mode)"
grep -q '^  host: kvm7.example.com, root: bundle ' <("$HVSCOPE" check --bundle "$S7" --profile kvm --no-color) || fail "the text header's host"
note "RHEL 7.5 (sos 3.5, directory and tar.xz): host kvm7.example.com, kernel 3.10.0-862.el7, 6 cgroup controllers from /proc/self/mounts, virbr0 from ip -s -d link, 41534 MiB free on /, 3 x 6 GiB guests on 16 GiB warn (-3057 MiB), SELinux permissive from sestatus -b"

# --- RHEL 9 ----------------------------------------------------------------
run_hv check --bundle "$S9" --profile kvm --format json > "$TMP/r9.json"
for c in "cgroup[cpu]" "cgroup[cpuacct]" "cgroup[cpuset]" "cgroup[memory]" "cgroup[devices]" "cgroup[blkio]" images-disk-free guest-memory-total; do
	expect_verdict "$TMP/r9.json" "$c" pass
done
field "$TMP/r9.json" "cgroup[blkio]" evidence | grep -q 'cgroup v2: /sys/fs/cgroup/cgroup.controllers lists io' || fail "v2: $(field "$TMP/r9.json" "cgroup[blkio]" evidence)"
[ "$(show "$S9" host.name)" = "kvm9.example.com (sos_commands/host/hostname)" ] || fail "RHEL 9 host: $(show "$S9" host.name)"
[ "$(show "$S9" kernel.release)" = "5.14.0-284.11.1.el9_2.x86_64 (sos_commands/kernel/uname_-a)" ] || fail "RHEL 9 kernel"
[ "$(show "$S9" net.bridges)" = "(none) (sos_commands/networking/ip_-s_-d_link lists 0 bridges)" ] || fail "RHEL 9 bridges: $(show "$S9" net.bridges)"
# no process listing in this report: libvirtd's state is not told, nor the bridge rule
[ "$(verdict "$TMP/r9.json" default-bridge)" = skip ] && field "$TMP/r9.json" default-bridge reason | grep -q 'not in the sosreport: it holds none of sos_commands/process/ps_auxwww' ||
	fail "RHEL 9 default-bridge: $(verdict "$TMP/r9.json" default-bridge) $(field "$TMP/r9.json" default-bridge reason)"
note "RHEL 9.2 (sos 4.5): host kvm9.example.com from host/hostname, kernel from uname -a, cgroup v2 controllers from the copied cgroup.controllers, 871107 MiB free, no bridges in ip -s -d link"

# --- figures past a long long: refused naming the figure, never wrapped ---
# (atoll once made these 9007199254740991 MiB of memory and free space: PASS)
SX=$TMP/sosx/sosreport-kvm9-huge
mkdir -p "$TMP/sosx"
cp -a "$S9" "$SX"
printf 'MemTotal:       99999999999999999999 kB\nMemAvailable:   62581424 kB\n' > "$SX/proc/meminfo"
sed -i 's/ 892014208 / 18446744073709551616 /' "$SX/sos_commands/filesys/df_-al_-x_autofs"
run_hv check --bundle "$SX" --profile kvm --format json > "$TMP/rx.json"
[ "$RC" -ne 0 ] || fail "figures past a long long: exit 0"
for c in images-disk-free guest-memory-total; do
	expect_verdict "$TMP/rx.json" "$c" error
done
field "$TMP/rx.json" images-disk-free evidence | grep -q '18446744073709551616 1K-blocks available: out of range' ||
	fail "df past 2^64: $(field "$TMP/rx.json" images-disk-free evidence)"
field "$TMP/rx.json" guest-memory-total evidence | grep -q 'MemTotal: 99999999999999999999 kB: out of range' ||
	fail "MemTotal past a long long: $(field "$TMP/rx.json" guest-memory-total evidence)"
note "figures past a long long (MemTotal 99999999999999999999 kB, df's 2^64 available): ERROR naming each, exit $RC"

# --- a reason never calls a file missing that the report holds ------------
rm "$S7/sos_commands/filesys/df_-al_-x_autofs"
echo "df: cannot read table of mounted file systems: No such file or directory" > "$S7/sos_commands/filesys/df_-al_-x_autofs"
run_hv check --bundle "$S7" --profile kvm --only images-disk-free --format json > "$TMP/r7b.json"
[ "$(verdict "$TMP/r7b.json" images-disk-free)" = error ] && field "$TMP/r7b.json" images-disk-free reason | grep -q 'not df.s output' ||
	fail "an unreadable df: $(verdict "$TMP/r7b.json" images-disk-free) $(field "$TMP/r7b.json" images-disk-free reason)"
rm "$S7/sos_commands/filesys/df_-al_-x_autofs" "$S7/df" "$S6/proc/meminfo"
run_hv check --bundle "$S7" --profile kvm --only images-disk-free --format json > "$TMP/r7b.json"
field "$TMP/r7b.json" images-disk-free reason | grep -q 'not in the sosreport: it holds none of sos_commands/filesys/df_-al_-x_autofs, sos_commands/filesys/df_-al, df' ||
	fail "no df: $(field "$TMP/r7b.json" images-disk-free reason)"
run_hv check --bundle "$S6" --profile kvm --only guest-memory-total --format json > "$TMP/r6b.json"
[ "$(verdict "$TMP/r6b.json" guest-memory-total)" = skip ] && field "$TMP/r6b.json" guest-memory-total reason | grep -q 'it holds none of proc/meminfo' ||
	fail "no meminfo: $(field "$TMP/r6b.json" guest-memory-total reason)"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left behind: $(ls -A "$TMPDIR")"

# --- a bare root: runtime facts SKIP, never FAIL or ERROR ----------------------
B=$TMP/bare
mkdir -p "$B/etc" "$B/proc" "$B/sys" "$B/dev" "$B/var/lib/libvirt/images"
echo golden > "$B/etc/hostname"
for p in $("$HVSCOPE" check --list | sed -n 's/^\([a-z0-9_-]*\): .*/\1/p'); do
	run_hv check --root "$B" --profile "$p" --format json > "$TMP/bare.json"
	python3 - "$TMP/bare.json" "$p" <<'PY' || fail "bare root, profile $p"
import json, sys
d = json.load(open(sys.argv[1]))
runtime = ("cpu.", "xen.", "kvm.", "virt.", "mem.", "cgroup.", "iommu.", "secure_guest.", "net.bridge", "disk.free_mib.",
           "path.exists./dev/")
bad = []
for c in d["checks"]:
    f = c.get("fact") or ""
    ev = (c.get("evidence") or "") + (c.get("reason") or "")
    if c["verdict"] in ("fail", "error") and (f.startswith(runtime) or "/proc/" in ev or "/sys/" in ev or
                                               (f.startswith("service.") and not f.endswith(".enabled"))):
        bad.append("%s %s (%s)" % (c["id"], c["verdict"], ev))
    if f.startswith(runtime) and c["verdict"] != "pass" and c["verdict"] == "skip" and "not in an image" not in ev:
        bad.append("%s: skip without saying why: %s" % (c["id"], ev))
assert d["host"] == "golden", d["host"]
assert not bad, bad
PY
done
run_hv check --root "$B" --profile xen --only cpu-lm --format json > "$TMP/bare.json"
field "$TMP/bare.json" cpu-lm reason | grep -q 'not in an image: a root file system holds no running CPU' || fail "cpu-lm: $(field "$TMP/bare.json" cpu-lm reason)"
round_trip "$B" "a bare root"
note "a bare root (empty /proc, /sys, /dev), every profile: runtime facts SKIP (not in an image), no FAIL or ERROR from them; its bundle gives the same $RT_CHECKS verdicts"
