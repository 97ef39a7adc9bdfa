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

# How KVM accelerates.  The kvm-host root's CPU has svm: amd-v, PASS.
field "$TMP/out.json" hwvirt seen | grep -qx amd-v || fail "hwvirt on the AMD root: $(field "$TMP/out.json" hwvirt seen)"
expect_verdict "$TMP/out.json" hwvirt pass
# A PVM host (cpuinfo and kvm_pvm's parameters as read off a machine whose
# /dev/kvm comes from kvm_pvm): WARN, saying what a guest gets.
P=$TMP/pvm
mkroot "$P" kvm-host pvm
run_hv check --root "$P" --profile kvm --only hwvirt --format json > "$TMP/pvm.json"
expect_verdict "$TMP/pvm.json" hwvirt warn
field "$TMP/pvm.json" hwvirt seen | grep -qx pvm || fail "hwvirt on PVM: $(field "$TMP/pvm.json" hwvirt seen)"
field "$TMP/pvm.json" hwvirt evidence | grep -q "module kvm_pvm; CPUID: neither vmx nor svm" ||
	fail "PVM evidence: $(field "$TMP/pvm.json" hwvirt evidence)"
field "$TMP/pvm.json" hwvirt remedy | grep -q "KVM here is PVM: only guests with a PVM-enabled kernel run accelerated" ||
	fail "PVM remedy: $(field "$TMP/pvm.json" hwvirt remedy)"
# Neither VT nor a KVM module: FAIL with the BIOS remedy.
N=$TMP/none
mkroot "$N" kvm-host pvm
rm -rf "$N/sys/module/kvm_pvm" "$N/dev/kvm"
run_hv check --root "$N" --profile kvm --only hwvirt --format json > "$TMP/none.json"
expect_verdict "$TMP/none.json" hwvirt fail
field "$TMP/none.json" hwvirt seen | grep -qx none || fail "hwvirt without KVM: $(field "$TMP/none.json" hwvirt seen)"
field "$TMP/none.json" hwvirt remedy | grep -q "Enable Intel VT-x" || fail "no-KVM remedy"
