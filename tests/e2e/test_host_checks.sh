# The host checks of issue 30: CPU vulnerabilities and SMT, huge pages
# reserved against the guests backed by them (per size and <numatune>
# node), KSM, /dev/vhost-vsock and nested virtualization for the guests
# that need them, vCPU and emulator pins, QEMU against libvirt's oldest,
# secure guests (SEV, SEV-ES, SEV-SNP).  Each over a fixture root that
# passes (host-hardened: an SEV-SNP EPYC host) and one that fails
# (host-exposed: L1TF/MDS with SMT on, a spectre_v2 hole, KSM stopped with
# pages still merged, 1 GiB pages short, a vsock guest without the device,
# svm passed through with nested off, pins onto CPU 64 and across
# isolcpus=, libvirt 8.7 with QEMU 4.0, an SEV-ES guest on an SEV host),
# and Intel TDX (host-tdx, a TD guest with and without it);
# the same files in an sosreport's layout, an image (SKIP), the man page's
# site rules (untrusted guests, OpenStack's minimums), a real sosreport of
# this machine, and this machine's own /sys and CPUID.
. "$(dirname "$0")/lib.sh"
need python3 sos xz
ONLY=cpu-vulnerability,cpu-smt-exposure,hugepages-reserved,ksm-unmerged,vhost-vsock,nested-virt,guest-pins-present,guest-pins-isolated
ONLY=$ONLY,qemu-for-libvirt-8.7.0,qemu-for-libvirt-8.3.0,qemu-for-libvirt-7.4.0,secure-guest,secure-guest-launch

G=$TMP/good
mkroot "$G" kvm-host host-hardened
run_hv check --root "$G" --profile kvm --only $ONLY --format json > "$TMP/good.json"
[ -z "$(all_verdicts "$TMP/good.json" | awk '$2 != "pass"')" ] || fail "hardened host: $(all_verdicts "$TMP/good.json")"
expect_verdict "$TMP/good.json" "cpu-vulnerability[itlb_multihit]" pass
expect_verdict "$TMP/good.json" hugepages-reserved pass
field "$TMP/good.json" hugepages-reserved evidence | grep -q "hugepages-\*kB/nr_hugepages" || fail "hugepages evidence"

B=$TMP/bad
mkroot "$B" kvm-host host-exposed
run_hv check --root "$B" --profile kvm --only $ONLY --format json > "$TMP/bad.json"
[ "$RC" -ne 0 ] || fail "a FAIL must set the exit code"
expect_verdict "$TMP/bad.json" "cpu-vulnerability[spectre_v2]" warn
expect_verdict "$TMP/bad.json" "cpu-vulnerability[itlb_multihit]" warn
expect_verdict "$TMP/bad.json" "cpu-vulnerability[l1tf]" pass
expect_verdict "$TMP/bad.json" "cpu-vulnerability[tsx_async_abort]" pass
expect_verdict "$TMP/bad.json" cpu-smt-exposure warn
field "$TMP/bad.json" cpu-smt-exposure seen | grep -q "^l1tf: Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable, mds: " ||
	fail "SMT exposure names l1tf and mds: $(field "$TMP/bad.json" cpu-smt-exposure seen)"
expect_verdict "$TMP/bad.json" hugepages-reserved fail
field "$TMP/bad.json" hugepages-reserved seen | grep -qx "1048576kB: the guests need 4 pages (db2 4096 MiB), 2 reserved" ||
	fail "hugepage shortfall: $(field "$TMP/bad.json" hugepages-reserved seen)"
expect_verdict "$TMP/bad.json" ksm-unmerged warn
field "$TMP/bad.json" ksm-unmerged remedy | grep -q "echo 2 > /sys/kernel/mm/ksm/run" || fail "ksm remedy"

# db2 has a <vsock> without /dev/vhost-vsock, requires svm with kvm_amd's
# nested=0, pins a vCPU onto CPU 64 of 0-7, another across isolated CPUs
# and its emulator onto one (isolcpus= read from /proc/cmdline).
expect_verdict "$TMP/bad.json" vhost-vsock fail
expect_verdict "$TMP/bad.json" nested-virt warn
field "$TMP/bad.json" nested-virt evidence | grep -qx "/sys/module/kvm_amd/parameters/nested = 0" || fail "nested evidence"
expect_verdict "$TMP/bad.json" guest-pins-present fail
field "$TMP/bad.json" guest-pins-present seen | grep -qx "db2 vcpu 1: cpuset 64 names CPU 64, not present (present: 0-7)" ||
	fail "absent pin: $(field "$TMP/bad.json" guest-pins-present seen)"
expect_verdict "$TMP/bad.json" guest-pins-isolated warn
field "$TMP/bad.json" guest-pins-isolated seen | grep -q "db2 vcpu 0: cpuset 2-5 spans isolated CPUs 2-5.*, db2: emulator threads on isolated CPU 4 (isolated: 2-7)" ||
	fail "isolated pins: $(field "$TMP/bad.json" guest-pins-isolated seen)"
field "$TMP/bad.json" guest-pins-isolated evidence | grep -q "isolcpus= on the kernel command line" || fail "isolcpus evidence"

# SEV with SEV-ES off in kvm_amd, and db2's policy 0x0007 asking for SEV-ES;
# the hardened host launches SEV-SNP (its db1 asks for it).
expect_verdict "$TMP/bad.json" secure-guest pass
field "$TMP/bad.json" secure-guest seen | grep -qx sev || fail "secure kind: $(field "$TMP/bad.json" secure-guest seen)"
expect_verdict "$TMP/bad.json" secure-guest-launch fail
field "$TMP/bad.json" secure-guest-launch seen | grep -qx "db2: sev-es (this host launches: sev)" || fail "unmet SEV-ES guest"
field "$TMP/good.json" secure-guest seen | grep -qx sev-snp || fail "SNP host: $(field "$TMP/good.json" secure-guest seen)"

# Intel TDX: a host whose kernel lists tdx_host_platform and whose
# kvm_intel has tdx=Y (host-tdx, Linux 6.16's interface) launches its TD
# guest td1 (<launchSecurity type='tdx'/>, the tdx-guest overlay); the same
# guest on a host without TDX FAILs, as does one whose kvm_intel turned
# TDX off (tdx=N); an sosreport of the TDX host (proc/cpuinfo,
# sys/module/*/parameters) agrees.
TD=$TMP/tdx
mkroot "$TD" kvm-host host-tdx tdx-guest
run_hv check --root "$TD" --profile kvm --only secure-guest,secure-guest-launch --format json > "$TMP/tdx.json"
expect_verdict "$TMP/tdx.json" secure-guest pass
field "$TMP/tdx.json" secure-guest seen | grep -qx tdx || fail "TDX host: $(field "$TMP/tdx.json" secure-guest seen)"
field "$TMP/tdx.json" secure-guest evidence | grep -q "KVM: tdx Y" || fail "TDX evidence: $(field "$TMP/tdx.json" secure-guest evidence)"
expect_verdict "$TMP/tdx.json" secure-guest-launch pass
N=$TMP/notdx
mkroot "$N" kvm-host tdx-guest
run_hv check --root "$N" --profile kvm --only secure-guest,secure-guest-launch --format json > "$TMP/notdx.json"
expect_verdict "$TMP/notdx.json" secure-guest warn
expect_verdict "$TMP/notdx.json" secure-guest-launch fail
field "$TMP/notdx.json" secure-guest-launch seen | grep -qx "td1: tdx (this host launches: none)" ||
	fail "TD guest without TDX: $(field "$TMP/notdx.json" secure-guest-launch seen)"
echo N > "$TD/sys/module/kvm_intel/parameters/tdx"
run_hv check --root "$TD" --profile kvm --only secure-guest-launch --format json > "$TMP/tdx-off.json"
expect_verdict "$TMP/tdx-off.json" secure-guest-launch fail
echo Y > "$TD/sys/module/kvm_intel/parameters/tdx"
mkdir -p "$TD/sos_logs" "$TD/sos_reports" "$TD/sos_commands/kernel"
echo "sos report version 4.5.6" > "$TD/sos_logs/sos.log"
run_hv check --bundle "$TD" --profile kvm --only secure-guest,secure-guest-launch --format json > "$TMP/tdx-sos.json"
expect_verdict "$TMP/tdx-sos.json" secure-guest pass
expect_verdict "$TMP/tdx-sos.json" secure-guest-launch pass

# libvirt 8.7.0 with Ubuntu's QEMU 1:4.0: libvirt dropped QEMU < 4.2 in
# 8.7.0; the epoch does not carry it past.
expect_verdict "$TMP/bad.json" qemu-for-libvirt-8.7.0 fail
field "$TMP/bad.json" qemu-for-libvirt-8.7.0 seen | grep -qx "4.0" || fail "upstream QEMU version"
expect_verdict "$TMP/bad.json" qemu-for-libvirt-8.3.0 pass

# OpenStack's minimums: hvscope-rules(5)'s example, as written there.
mkdir -p "$TMP/os"
sed -n '/^# site\\-openstack\\-minimums$/,/^# end$/p' "$TOP/man/hvscope-rules.5" | sed '1d;$d; s/\\-/-/g' > "$TMP/os/openstack.yaml"
grep -q "nova-min-qemu" "$TMP/os/openstack.yaml" || fail "the man page's OpenStack example was not found"
OS=nova-min-libvirt,nova-min-qemu,nova-next-min-libvirt,nova-next-min-qemu,site-min-kernel
run_hv check --root "$B" --profile kvm --rules "$TMP/os" --only $OS --format json > "$TMP/os-bad.json"
expect_verdict "$TMP/os-bad.json" nova-min-libvirt pass
expect_verdict "$TMP/os-bad.json" nova-min-qemu fail
expect_verdict "$TMP/os-bad.json" nova-next-min-libvirt warn
expect_verdict "$TMP/os-bad.json" site-min-kernel fail
field "$TMP/os-bad.json" site-min-kernel seen | grep -qx "4.19.0" || fail "kernel upstream version"
run_hv check --root "$G" --profile kvm --rules "$TMP/os" --only $OS --format json > "$TMP/os-good.json"
[ -z "$(all_verdicts "$TMP/os-good.json" | awk '$2 != "pass"')" ] || fail "OpenStack minimums on the hardened host: $(all_verdicts "$TMP/os-good.json")"
# and on this machine, against dpkg's own idea of the versions
if command -v dpkg-query >/dev/null && dpkg-query -W qemu-system-x86 >/dev/null 2>&1; then
	run_hv check --profile kvm --rules "$TMP/os" --only nova-min-qemu,site-min-kernel --format json > "$TMP/os-live.json"
	q=$(dpkg-query -W -f '${Version}' qemu-system-x86 | sed 's/^[0-9]*://; s/[^0-9.].*//')
	[ "$(field "$TMP/os-live.json" nova-min-qemu seen)" = "$q" ] || fail "live QEMU: $(field "$TMP/os-live.json" nova-min-qemu seen) vs dpkg $q"
	[ "$(field "$TMP/os-live.json" site-min-kernel seen)" = "$(uname -r | sed 's/[^0-9.].*//')" ] || fail "live kernel"
fi

# A site that hosts untrusted guests: hvscope-rules(5)'s example, as written there.
mkdir -p "$TMP/site"
sed -n '/^# site\\-untrusted\\-guests$/,/^# end$/p' "$TOP/man/hvscope-rules.5" | sed '1d;$d; s/\\-/-/g' > "$TMP/site/untrusted.yaml"
grep -q "cpu-smt-off" "$TMP/site/untrusted.yaml" || fail "the man page's site rule example was not found"
run_hv check --root "$B" --profile kvm --rules "$TMP/site" --only $ONLY,cpu-smt-off,ksm-off --format json > "$TMP/site.json"
expect_verdict "$TMP/site.json" "cpu-vulnerability[spectre_v2]" fail
expect_verdict "$TMP/site.json" "cpu-smt-off[l1tf]" fail
expect_verdict "$TMP/site.json" "cpu-smt-off[mds]" fail
expect_verdict "$TMP/site.json" ksm-off fail
run_hv check --root "$G" --profile kvm --rules "$TMP/site" --only cpu-smt-off,ksm-off --format json > "$TMP/site-good.json"
expect_verdict "$TMP/site-good.json" "cpu-smt-off[l1tf]" pass
expect_verdict "$TMP/site-good.json" ksm-off fail   # the hardened host runs KSM: this site says no

# The same host as an sosreport (sos 4.x layout): the same verdicts, but
# for /dev/vhost-vsock: sos records no device nodes, so SKIP.
S=$TMP/sos
mkroot "$S" kvm-host host-exposed
mkdir -p "$S/sos_logs" "$S/sos_reports" "$S/sos_commands/kernel"
echo "sos report version 4.5.6" > "$S/sos_logs/sos.log"
run_hv check --bundle "$S" --profile kvm --only $ONLY --format json > "$TMP/sos.json"
python3 - "$TMP/bad.json" "$TMP/sos.json" <<'PY' || fail "sosreport verdicts differ"
import json, sys
a, b = ({(c["id"], c.get("item")): c["verdict"] for c in json.load(open(p))["checks"]} for p in sys.argv[1:])
diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
if diff.pop(("vhost-vsock", None), None) != ("fail", "skip"):
    sys.exit("vhost-vsock: want fail on the root, skip from the sosreport")
sys.exit(f"root vs sosreport: {diff}" if diff else 0)
PY
rm -rf "$S/sys/kernel/mm/ksm"
run_hv check --bundle "$S" --profile kvm --only ksm-unmerged --format json > "$TMP/sos-noksm.json"
expect_verdict "$TMP/sos-noksm.json" ksm-unmerged skip
field "$TMP/sos-noksm.json" ksm-unmerged reason | grep -q "not in the sosreport" || fail "sos SKIP reason"

# An image (an empty /proc) has no running kernel: SKIP, never a verdict,
# but for what its configuration holds (the packages).
I=$TMP/image
mkroot "$I" kvm-host host-exposed
rm -rf "$I/proc"; mkdir "$I/proc"
run_hv check --root "$I" --profile kvm --only $ONLY --format json > "$TMP/image.json"
[ -z "$(all_verdicts "$TMP/image.json" | grep -v '^qemu-for-libvirt' | awk '$2 != "skip"')" ] || fail "image: $(all_verdicts "$TMP/image.json")"
# its package database is there: the versions are its own
expect_verdict "$TMP/image.json" qemu-for-libvirt-8.7.0 fail

# A real sosreport of this machine (Debian's sos: the processor, memory,
# numa, kernel and dpkg plugins copy what these rules read): the live
# verdicts, rule by rule.
mkdir -p "$TMP/realsos"
sos report --batch -o processor,memory,numa,kernel,dpkg --tmp-dir "$TMP/realsos" --quiet > "$TMP/realsos/log" 2>&1 ||
	fail "sos report: $(tail -3 "$TMP/realsos/log")"
run_hv check --profile kvm --only $ONLY --format json > "$TMP/live-all.json"
run_hv check --bundle "$(ls "$TMP"/realsos/sosreport-*.tar.xz)" --profile kvm --only $ONLY --format json > "$TMP/realsos.json"
python3 - "$TMP/live-all.json" "$TMP/realsos.json" <<'PY' || fail "live vs sosreport"
import json, sys
a, b = ({(c["id"], c.get("item")): c["verdict"] for c in json.load(open(p))["checks"]} for p in sys.argv[1:])
diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
sys.exit(f"live vs sosreport: {diff}" if diff else 0)
PY
note "live and a real sosreport agree on $(all_verdicts "$TMP/realsos.json" | wc -l) checks"

# This machine: each entry the kernel lists, with its own words.
if [ -d /sys/devices/system/cpu/vulnerabilities ]; then
	run_hv check --profile kvm --only cpu-vulnerability --format json > "$TMP/live.json"
	n=0
	for f in /sys/devices/system/cpu/vulnerabilities/*; do
		name=$(basename "$f")
		seen=$(field "$TMP/live.json" "cpu-vulnerability[$name]" seen)
		[ "$seen" = "$(cat "$f")" ] || fail "live $name: '$seen' vs '$(cat "$f")'"
		case "$(cat "$f")" in
		"Not affected"|Mitigation:*|"KVM: Mitigation:"*) want=pass ;;
		*) want=warn ;;
		esac
		expect_verdict "$TMP/live.json" "cpu-vulnerability[$name]" $want
		n=$((n + 1))
	done
	note "live: $n vulnerability entries agree with /sys"
fi
# CPUID leaf 0x8000001F, read here by the instruction: the kind agrees
# with the kernel's flags (this CPU has none of sev, sev_es, sev_snp).
run_hv check --profile kvm --only secure-guest --format json > "$TMP/sev.json"
field "$TMP/sev.json" secure-guest seen | grep -qx none || grep -qw sev /proc/cpuinfo || fail "live SEV: $(field "$TMP/sev.json" secure-guest evidence)"
if grep -q AuthenticAMD /proc/cpuinfo; then
	field "$TMP/sev.json" secure-guest evidence | grep -q "CPUID leaf 0x8000001F" || fail "live CPUID not read: $(field "$TMP/sev.json" secure-guest evidence)"
fi
if [ -r /sys/kernel/mm/ksm/run ]; then
	run_hv check --profile kvm --only ksm-unmerged --format json > "$TMP/ksm.json"
	field "$TMP/ksm.json" ksm-unmerged evidence | grep -q "run = $(cat /sys/kernel/mm/ksm/run), pages_sharing = $(cat /sys/kernel/mm/ksm/pages_sharing)" ||
		fail "live ksm: $(field "$TMP/ksm.json" ksm-unmerged evidence)"
fi
