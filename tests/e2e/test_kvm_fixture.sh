# libvirt domain XML under /etc/libvirt/qemu: two guests, the first with
# more vCPUs than the host has, 128 MiB, a missing image and the MAC of the
# second.
. "$(dirname "$0")/lib.sh"
need python3
R=$TMP/root
mkroot "$R" kvm-host
run_hv check --root "$R" --profile kvm --format json > "$TMP/out.json"
expect_verdict "$TMP/out.json" "guest-vcpus[web1]" fail
expect_verdict "$TMP/out.json" "guest-vcpus[web2]" pass
expect_verdict "$TMP/out.json" "guest-memory-min[web1]" warn
expect_verdict "$TMP/out.json" "guest-memory-min[web2]" pass
expect_verdict "$TMP/out.json" "guest-disks-present[web1]" fail
expect_verdict "$TMP/out.json" "guest-disks-present[web2]" pass
expect_verdict "$TMP/out.json" guest-mac-unique fail
expect_verdict "$TMP/out.json" guest-uuid-unique pass
expect_verdict "$TMP/out.json" guest-configs-parse pass
field "$TMP/out.json" guest-mac-unique seen | grep -q "52:54:00:12:34:56: web1 (/etc/libvirt/qemu/web1.xml), web2" || fail "duplicate MAC not named"
field "$TMP/out.json" "guest-vcpus[web1]" seen | grep -qx 64 || fail "vcpu count"
field "$TMP/out.json" "guest-memory-min[web1]" seen | grep -qx 128 || fail "memory in MiB from KiB"
field "$TMP/out.json" "guest-vcpus[web1]" remedy | grep -q "virsh setvcpus web1" || fail "remedy names the guest"
# The vCPU check reads the host's logical CPUs from the same root.
expect_verdict "$TMP/out.json" tun fail
