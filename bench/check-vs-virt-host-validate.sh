#!/usr/bin/env bash
# hvscope check --profile kvm against virt-host-validate qemu on this host:
# RUNS runs of each, interleaved, median wall time and the ratios.  Then the
# cost of each probe group, as the median of "--only <its rules>" minus the
# median of the cheapest single check (process start and rule loading).
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
RUNS=${RUNS:-21}
command -v virt-host-validate >/dev/null || { echo "virt-host-validate is not installed" >&2; exit 1; }

# The checks both tools make (virt-host-validate's QEMU list).
COMMON=hwvirt,kvm-dev,kvm-dev-usable,vhost-net,tun,cgroup,iommu,iommu-kernel,secure-guest

declare -A cmds=(
	[vhv]="virt-host-validate qemu"
	[common]="$HVSCOPE check --profile kvm --only $COMMON"
	[full]="$HVSCOPE check --profile kvm"
	[base]="$HVSCOPE check --profile kvm --only tun"
	[cpu_kvm]="$HVSCOPE check --profile kvm --only hwvirt,kvm-dev,kvm-dev-usable"
	[cgroup]="$HVSCOPE check --profile kvm --only cgroup"
	[iommu]="$HVSCOPE check --profile kvm --only iommu,iommu-kernel,secure-guest"
	[packages]="$HVSCOPE check --profile kvm --only qemu-package,libvirt-package"
	[services]="$HVSCOPE check --profile kvm --only libvirtd-available,virtlogd-available"
	[selinux]="$HVSCOPE check --profile kvm --only selinux-image-dir-policy,selinux-image-dir-label,selinux-guest-dir-policy"
	[guests]="$HVSCOPE check --profile kvm --only guest-configs-parse,guest-vcpus,guest-mac-unique,guest-memory-total"
)
order=(vhv common full base cpu_kvm cgroup iommu packages services selinux guests)
declare -A samples
for name in "${order[@]}"; do samples[$name]=""; done

for ((i = 0; i < RUNS; i++)); do
	for name in "${order[@]}"; do
		t0=$EPOCHREALTIME
		${cmds[$name]} > /dev/null 2>&1 || true
		t1=$EPOCHREALTIME
		samples[$name]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f ", (b - a) * 1000 }')"
	done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med
for name in "${order[@]}"; do med[$name]=$(echo "${samples[$name]}" | median); done

echo "hvscope check vs virt-host-validate qemu: $RUNS interleaved runs each, median wall time"
printf '  %-48s %8.2f ms\n' "virt-host-validate qemu" "${med[vhv]}"
printf '  %-48s %8.2f ms   ratio %.2fx\n' "hvscope check --profile kvm --only <the $(echo $COMMON | tr ',' '\n' | wc -l) shared checks>" "${med[common]}" \
	"$(awk -v a="${med[common]}" -v b="${med[vhv]}" 'BEGIN { print a / b }')"
printf '  %-48s %8.2f ms   ratio %.2fx\n' "hvscope check --profile kvm (whole profile)" "${med[full]}" \
	"$(awk -v a="${med[full]}" -v b="${med[vhv]}" 'BEGIN { print a / b }')"
# issue 28's targets: the whole profile no slower than virt-host-validate,
# the shared checks at most 0.6 of its time.
awk -v c="${med[common]}" -v f="${med[full]}" -v v="${med[vhv]}" 'BEGIN {
	printf "  targets: shared checks <= 0.60x: %s; whole profile <= 1.00x: %s\n",
		(c / v <= 0.6 ? "met" : "NOT met"), (f / v <= 1.0 ? "met" : "NOT met") }'
echo
echo "cost per probe group (median of --only <group> minus the median of --only tun, ${med[base]} ms):"
for name in cpu_kvm cgroup iommu packages services selinux guests; do
	printf '  %-10s %7.2f ms\n' "$name" "$(awk -v a="${med[$name]}" -v b="${med[base]}" 'BEGIN { print a - b }')"
done
