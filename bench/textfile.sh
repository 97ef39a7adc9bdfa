#!/usr/bin/env bash
# The textfile path: `hvscope check --format prometheus --output FILE`
# (the probes, the rules, the report, then a temporary in FILE's
# directory, fsync, rename, fsync of the directory) end to end, against
# the ways node_exporter users write the file without it: a plain
# redirection (not atomic: the collector may read half a file), the
# textfile README's "> f.$$ && mv f.$$ f", and moreutils' sponge.
# RUNS interleaved runs of each, in BENCH_DIR (default /var/tmp: a disk,
# where fsync costs what it costs for node_exporter's directory under
# /var/lib; tmpfs would make it free); median, p10-p90 and the ratios;
# issue 29's target: the atomic path under 50 ms.
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
RUNS=${RUNS:-31}
D=$(mktemp -d "${BENCH_DIR:-/var/tmp}/hvscope-textfile.XXXXXX")
trap 'rm -rf "$D"' EXIT
F=$D/hvscope.prom
CHECK="$HVSCOPE check --format prometheus"

declare -A cmds=(
	[output]="$CHECK --output $F"
	[redirect]="$CHECK > $F"
	[mv]="$CHECK > $F.\$\$ && mv $F.\$\$ $F"
	[stdout]="$CHECK > /dev/null"
)
order=(output redirect mv stdout)
if command -v sponge > /dev/null; then
	cmds[sponge]="$CHECK | sponge $F"
	order+=(sponge)
else
	echo "(moreutils' sponge is not installed: its row is left out)"
fi
load0=$(cut -d' ' -f1 /proc/loadavg)
declare -A samples
for name in "${order[@]}"; do samples[$name]=""; done
# One run of each first, not counted: the page cache and the rules.
for name in "${order[@]}"; do bash -c "${cmds[$name]}" > /dev/null 2>&1 || true; done
for ((i = 0; i < RUNS; i++)); do
	for name in "${order[@]}"; do
		t0=$EPOCHREALTIME
		bash -c "${cmds[$name]}" > /dev/null 2>&1 || true
		t1=$EPOCHREALTIME
		samples[$name]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f ", (b - a) * 1000 }')"
	done
done
# The bash -c each row pays is measured too: an empty command.
base=""
for ((i = 0; i < RUNS; i++)); do
	t0=$EPOCHREALTIME
	bash -c true
	t1=$EPOCHREALTIME
	base+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f ", (b - a) * 1000 }')"
done
# stats: "median p10 p90" of the samples on stdin
stats() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 }
	END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	      lo = v[int((NR - 1) * 0.1) + 1]; hi = v[int((NR - 1) * 0.9) + 1]; print m, lo, hi }'; }
read -r bmed _ _ <<< "$(echo "$base" | stats)"
declare -A med p10 p90
for name in "${order[@]}"; do
	read -r m lo hi <<< "$(echo "${samples[$name]}" | stats)"
	med[$name]=$(awk -v a="$m" -v b="$bmed" 'BEGIN { print a - b }')
	p10[$name]=$(awk -v a="$lo" -v b="$bmed" 'BEGIN { print a - b }')
	p90[$name]=$(awk -v a="$hi" -v b="$bmed" 'BEGIN { print a - b }')
done
echo "hvscope check --format prometheus into a file ($(wc -c < "$F") bytes, $(grep -c '^hvscope_check_status{' "$F") checks), $RUNS interleaved runs each,"
echo "wall time in $(df -T "$D" | awk 'NR == 2 { print $2 }') at $D, less a bare 'bash -c true' ($bmed ms median):"
printf '  %-44s %8s %18s %8s\n' "check --format prometheus ..." "median" "p10 - p90 (ms)" "ratio"
for name in "${order[@]}"; do
	label=${cmds[$name]#"$CHECK "}
	label=${label//$D/DIR}
	printf '  %-44s %8.2f %8.2f - %7.2f %7.2fx\n' "$label" "${med[$name]}" "${p10[$name]}" "${p90[$name]}" \
		"$(awk -v a="${med[$name]}" -v b="${med[redirect]}" 'BEGIN { print a / b }')"
done
echo "  (ratio: to the plain redirection, which is not atomic; load average $load0 at the start,"
echo "   $(cut -d' ' -f1 /proc/loadavg) at the end, on $(nproc) CPUs)"
awk -v o="${med[output]}" -v r="${med[redirect]}" 'BEGIN {
	printf "  the atomic write costs %.2f ms over the plain redirection\n", o - r
	printf "  target: check --output under 50 ms: %s (%.2f ms)\n", (o < 50 ? "met" : "NOT met"), o }'
