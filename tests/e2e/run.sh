#!/usr/bin/env bash
# Runs every tests/e2e/test_*.sh against $HVSCOPE and prints one closing
# line "N passed, N failed, N skipped".  Exit 1 when any failed.
set -u
: "${HVSCOPE:?HVSCOPE must name the hvscope binary under test}"
dir=$(cd "$(dirname "$0")" && pwd)
pass=0 failn=0 skipn=0 failed=()
# A skip names its machine fact first ("SKIP: no-kvm: ..."); in CI only the
# facts in skip-facts may skip a test.
allowed_skip() {
	local fact
	fact=$(echo "$1" | sed -n 's/^SKIP: \([a-z0-9-]*\): .*/\1/p' | head -n 1)
	[ -n "$fact" ] && grep -Eq "^$fact( |\$)" "$dir/skip-facts"
}
for t in "$dir"/test_*.sh; do
	[ -n "${E2E_ONLY:-}" ] && [[ "$(basename "$t")" != *"$E2E_ONLY"* ]] && continue
	name=$(basename "$t" .sh)
	out=$(bash "$t" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "ok    $name"
	elif [ $rc -eq 77 ] && [ "${CI:-}" = true ] && ! allowed_skip "$out"; then
		failn=$((failn + 1)); failed+=("$name"); echo "FAIL  $name (a skip in CI for no machine fact of skip-facts)"; echo "$out" | sed 's/^/      /' | tail -n 10
	elif [ $rc -eq 77 ]; then
		skipn=$((skipn + 1)); echo "skip  $name: $(echo "$out" | grep -m1 '^SKIP' | cut -c7-)"
	else
		failn=$((failn + 1)); failed+=("$name"); echo "FAIL  $name (exit $rc)"; echo "$out" | sed 's/^/      /' | tail -n 40
	fi
	[ -n "${E2E_VERBOSE:-}" ] && echo "$out" | sed 's/^/      /'
done
echo "e2e: $pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
