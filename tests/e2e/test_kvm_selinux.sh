# libvirt's SELinux model on a KVM host (the kvm profile): sVirt relabels
# each guest's disks when it starts, so what is checked is that sVirt is on
# (qemu.conf's security_driver), the booleans the images' file systems need
# (virt_use_nfs, virt_use_samba, virt_use_fusefs, from the mount table),
# and the stock stores' policy, never a per-directory fcontext rule.
# An OpenStack compute node (tests/fixtures/rhel7-osp-compute: a guest
# under /var/lib/nova/instances/<uuid>/ on NFS) is checked with --root and
# as an sosreport (sos 4's layout).  This machine's kernel has no SELinux
# and Debian's policy has no nova types, so fixtures stand in for the live
# path: the fixture's file_contexts carries the lines of RHEL's targeted
# policy and openstack-selinux's nova module that matter here, its
# sys/fs/selinux/booleans stands for the kernel's selinuxfs, and the
# sosreport's sestatus -b for the booleans sos saw.
. "$(dirname "$0")/lib.sh"
need python3 setfattr
U=5b8c7a6e-1f0d-4c55-9a3e-2f6d8e9a0b14

R=$TMP/osp
mkroot "$R" rhel7-osp-compute
chk() { run_hv check --root "$R" --profile kvm --format json > "$TMP/out.json"; [ "$RC" -le 3 ] || fail "check exited $RC"; }
remedy_is() {
	local got
	got=$(field "$TMP/out.json" "$1" remedy)
	[ "$got" = "$2" ] || fail "$1: remedy '$got', expected '$2'"
}
# no check of the node says semanage fcontext, or names an instance's directory
no_fcontext() {
	python3 - "$TMP/out.json" "$U" <<'PY' || fail "per-directory fcontext remedy or check: $(cat "$TMP/bad")"
import json, sys
bad = [c["id"] + ": " + (c.get("remedy") or "") for c in json.load(open(sys.argv[1]))["checks"]
       if "semanage fcontext --add" in (c.get("remedy") or "") or sys.argv[2] in c["id"]
       or c["id"].startswith("selinux-guest-dir-policy")]
open("/dev/stderr", "w").write("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
# the files as a booted node has them: nova's type; the running guest's disk
# relabelled by sVirt with its own MCS pair
label_node() {
	local f
	while IFS= read -r f; do label "$f" nova_var_lib_t; done < <(find "$R/var/lib/nova")
	setfattr -n security.selinux -v "system_u:object_r:svirt_image_t:s0:c178,c912" "$R/var/lib/nova/instances/$U/disk"
	while IFS= read -r f; do label "$f" virt_image_t; done < <(find "$R/var/lib/libvirt/images")
}
label_node
chk
no_fcontext
expect_verdict "$TMP/out.json" svirt-driver pass
field "$TMP/out.json" svirt-driver evidence | grep -qF "security_driver not set" || fail "svirt-driver evidence"
expect_verdict "$TMP/out.json" svirt-default-confined pass
expect_verdict "$TMP/out.json" "selinux-nova-store-policy[/var/lib/nova/instances]" pass
expect_verdict "$TMP/out.json" "selinux-image-dir-policy[/var/lib/libvirt/images]" pass
# the running guest's sVirt label is not a mislabel
expect_verdict "$TMP/out.json" "selinux-image-dir-label[/var/lib/nova/instances]" pass
expect_verdict "$TMP/out.json" "selinux-image-dir-label[/var/lib/libvirt/images]" pass
# instances on NFS, virt_use_nfs off (selinuxfs says "0 0"): FAIL
expect_verdict "$TMP/out.json" selinux-virt-use-nfs fail
remedy_is selinux-virt-use-nfs "setsebool -P virt_use_nfs on"
field "$TMP/out.json" selinux-virt-use-nfs evidence | grep -qF 'sys/fs/selinux/booleans/virt_use_nfs: "0 0"' || fail "boolean evidence"
expect_verdict "$TMP/out.json" selinux-virt-use-samba skip
expect_verdict "$TMP/out.json" selinux-virt-use-fusefs skip
field "$TMP/out.json" selinux-virt-use-samba reason | grep -qF "/var/lib/nova/instances/$U: /proc/self/mounts: nfs.example.com:/export/nova on /var/lib/nova/instances (nfs4)" ||
	fail "file system evidence: $(field "$TMP/out.json" selinux-virt-use-samba reason)"
echo "1 1" > "$R/sys/fs/selinux/booleans/virt_use_nfs"
chk
expect_verdict "$TMP/out.json" selinux-virt-use-nfs pass

# an image without selinuxfs: what setsebool -P left in the store, else SKIP
rm -rf "$R/sys"
chk
expect_verdict "$TMP/out.json" selinux-virt-use-nfs skip
field "$TMP/out.json" selinux-virt-use-nfs reason | grep -qF "not in an image" || fail "no-selinuxfs reason"
mkdir -p "$R/var/lib/selinux/targeted/active"
printf 'virt_use_nfs=1\nvirt_use_samba=0\n' > "$R/var/lib/selinux/targeted/active/booleans.local"
chk
expect_verdict "$TMP/out.json" selinux-virt-use-nfs pass
field "$TMP/out.json" selinux-virt-use-nfs evidence | grep -qF "booleans.local: virt_use_nfs=1" || fail "booleans.local evidence"

# the instances on CIFS, then on GlusterFS's FUSE client: their booleans apply
sed -i 's|^nfs.example.com:/export/nova .*|//fs.example.com/nova /var/lib/nova/instances cifs rw,relatime,vers=3.0,sec=ntlmssp 0 0|' "$R/proc/self/mounts"
chk
expect_verdict "$TMP/out.json" selinux-virt-use-nfs skip
expect_verdict "$TMP/out.json" selinux-virt-use-samba fail
remedy_is selinux-virt-use-samba "setsebool -P virt_use_samba on"
sed -i 's|^//fs.example.com/nova .*|gluster1:/nova /var/lib/nova/instances fuse.glusterfs rw,relatime,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072 0 0|' "$R/proc/self/mounts"
chk
expect_verdict "$TMP/out.json" selinux-virt-use-fusefs skip
field "$TMP/out.json" selinux-virt-use-fusefs reason | grep -qF "not in an image" || fail "fusefs: no value in the store"
echo "virt_use_fusefs=0" >> "$R/var/lib/selinux/targeted/active/booleans.local"
chk
expect_verdict "$TMP/out.json" selinux-virt-use-fusefs fail
remedy_is selinux-virt-use-fusefs "setsebool -P virt_use_fusefs on"

# sVirt switched off, guests unconfined by default
printf 'security_driver = "none"\nsecurity_default_confined = 0\n' >> "$R/etc/libvirt/qemu.conf"
chk
expect_verdict "$TMP/out.json" svirt-driver fail
expect_verdict "$TMP/out.json" svirt-default-confined warn
# a list, as qemu.conf allows
printf 'security_driver = [ "selinux",\n   "dac" ]   # stacked\n' >> "$R/etc/libvirt/qemu.conf"
chk
expect_verdict "$TMP/out.json" svirt-driver pass
[ "$(field "$TMP/out.json" svirt-driver seen)" = "selinux, dac" ] || fail "security_driver list: $(field "$TMP/out.json" svirt-driver seen)"

# a file in the store nobody relabelled: a mislabel, restorecon's to fix
label "$R/var/lib/nova/instances/$U/disk.info" var_lib_t
chk
expect_verdict "$TMP/out.json" "selinux-image-dir-label[/var/lib/nova/instances]" fail
field "$TMP/out.json" "selinux-image-dir-label[/var/lib/nova/instances]" seen | grep -qF "disk.info (var_lib_t, want nova_var_lib_t)" || fail "mislabel named"
field "$TMP/out.json" "selinux-image-dir-label[/var/lib/nova/instances]" seen | grep -qF "/disk (svirt_image_t" || fail "the running disk listed as it is"
remedy_is "selinux-image-dir-label[/var/lib/nova/instances]" "restorecon -Rv /var/lib/nova/instances   (with the guests using it shut down)"
no_fcontext

# a policy without nova's types (openstack-selinux not installed): the fix
# is that package, not a local rule per directory
sed -i '/nova/d' "$R/etc/selinux/targeted/contexts/files/file_contexts"
chk
expect_verdict "$TMP/out.json" "selinux-nova-store-policy[/var/lib/nova/instances]" fail
remedy_is "selinux-nova-store-policy[/var/lib/nova/instances]" "yum install openstack-selinux && restorecon -Rv /var/lib/nova"
no_fcontext
note "--root: sVirt on/off, booleans from selinuxfs and booleans.local on NFS, CIFS, FUSE; nova store; no fcontext remedy"

# --- the same node as an sosreport (sos 4.x layout) ----------------------
S=$TMP/sos/sosreport-compute-0-2024-03-05-abcdef
mkdir -p "$S/sos_commands/selinux" "$S/sos_logs" "$S/sos_reports" "$S/proc" "$S/etc"
cp -a "$FIXTURES/rhel7-osp-compute/etc/." "$S/etc/"
cp "$FIXTURES/rhel7-osp-compute/proc/self/mounts" "$S/proc/mounts"
echo "sos 4.0" > "$S/sos_logs/sos.log"
cat > "$S/sos_commands/selinux/sestatus" <<'X'
SELinux status:                 enabled
SELinuxfs mount:                /sys/fs/selinux
SELinux root directory:         /etc/selinux
Loaded policy name:             targeted
Current mode:                   enforcing
Mode from config file:          enforcing
Policy MLS status:              enabled
Policy deny_unknown status:     allowed
Max kernel policy version:      31
X
{ cat "$S/sos_commands/selinux/sestatus"; cat <<'X'

Policy booleans:
abrt_anon_write                             off
virt_read_qemu_ga_data                      off
virt_rw_qemu_ga_data                        off
virt_sandbox_use_all_caps                   on
virt_sandbox_use_audit                      on
virt_sandbox_use_netlink                    off
virt_sandbox_use_sys_admin                  off
virt_transition_userdomain                  off
virt_use_comm                               off
virt_use_execmem                            off
virt_use_fusefs                             off
virt_use_glusterd                           off
virt_use_nfs                                off
virt_use_rawip                              off
virt_use_samba                              off
virt_use_sanlock                            off
virt_use_usb                                on
virt_use_xserver                            off
X
} > "$S/sos_commands/selinux/sestatus_-b"
run_hv check --bundle "$S" --profile kvm --format json > "$TMP/sos.json"
expect_verdict "$TMP/sos.json" selinux-virt-use-nfs fail
field "$TMP/sos.json" selinux-virt-use-nfs evidence | grep -qF "sos_commands/selinux/sestatus_-b: virt_use_nfs off" || fail "sos boolean evidence"
field "$TMP/sos.json" selinux-virt-use-samba reason | grep -qF "proc/mounts: nfs.example.com:/export/nova on /var/lib/nova/instances (nfs4)" || fail "sos mounts: $(field "$TMP/sos.json" selinux-virt-use-samba reason)"
expect_verdict "$TMP/sos.json" svirt-driver pass
sed -i 's/^virt_use_nfs .*/virt_use_nfs                                on/' "$S/sos_commands/selinux/sestatus_-b"
run_hv check --bundle "$S" --profile kvm --format json > "$TMP/sos.json"
expect_verdict "$TMP/sos.json" selinux-virt-use-nfs pass
# an older sos's getsebool -a answers too
printf 'virt_use_nfs --> off\nvirt_use_samba --> off\n' > "$S/sos_commands/selinux/getsebool_-a"
run_hv check --bundle "$S" --profile kvm --format json > "$TMP/sos.json"
expect_verdict "$TMP/sos.json" selinux-virt-use-nfs fail
python3 - "$TMP/sos.json" <<'PY' || fail "an sosreport check gave a per-directory fcontext remedy"
import json, sys
sys.exit(any("semanage fcontext --add" in (c.get("remedy") or "") for c in json.load(open(sys.argv[1]))["checks"]))
PY
note "sosreport: booleans from sestatus -b and getsebool -a, mounts from proc/mounts"
echo "PASS test_kvm_selinux"
