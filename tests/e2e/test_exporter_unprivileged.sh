# The exporter as an unprivileged user with libvirt's read-only access, as
# contrib/systemd/hvscope-exporter.service runs it (DynamicUser): it reads a
# real guest under libvirtd through the read-only socket, its readiness
# checks run (those needing root say so).  That the same user cannot change
# a guest is libvirt's access control, not hvscope's: reported, not tested.
. "$(dirname "$0")/lib.sh"
need python3 curl qemu-system-x86_64 setpriv
start_libvirtd
G=hvx-unpriv
finish() {
	virsh -c qemu:///system destroy "$G" >/dev/null 2>&1 || true
	stop_libvirtd
	cleanup
}
trap finish EXIT
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --no-new-privs)
as_nobody() { "${NOBODY[@]}" "$@"; }
if ! as_nobody virsh -r -c qemu:///system version > /dev/null 2>&1; then
	# Ours is configured to let them in (tests/e2e/libvirtd.conf).
	[ -n "$LIBVIRTD_PID" ] && fail "the libvirtd this test started refuses unprivileged read-only clients"
	missing "the libvirtd running here, not this test's, refuses unprivileged read-only clients (auth_unix_ro; no polkitd)"
fi
guest_create "$G" "$(kvm_or_qemu)"
chmod 755 "$TMP"
P=$(free_port)
"${NOBODY[@]}" "$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect qemu:///system --check.interval 3600 \
	2> "$TMP/exp.err" &
PIDS+=($!)
wait_http "http://127.0.0.1:$P/healthz"
M="http://127.0.0.1:$P/metrics"
[ "$(ps -o user= -p "${PIDS[-1]}")" = nobody ] || fail "the exporter does not run as nobody"
for i in $(seq 100); do curl -fs "$M" > "$TMP/m.txt" && grep -q '^hvscope_check_status{' "$TMP/m.txt" && break; sleep 0.2; done
grep -qx 'hvscope_up 1' "$TMP/m.txt" || fail "hvscope_up is not 1 as nobody: $(cat "$TMP/exp.err")"
mem=$(awk -v d="hvscope_domain_memory_max_bytes{domain=\"$G\"" 'index($0, d) == 1 {print $NF}' "$TMP/m.txt")
[ "$mem" = 134217728 ] || fail "no memory series for $G as nobody (got '$mem')"
cpu=$(awk -v d="hvscope_domain_cpu_seconds_total{domain=\"$G\"" 'index($0, d) == 1 {print $NF}' "$TMP/m.txt")
[ -n "$cpu" ] || fail "no CPU series for $G"
grep -qx 'hvscope_check_up 1' "$TMP/m.txt" || fail "the checks did not run as nobody"
promtool check metrics < "$TMP/m.txt" || fail "promtool"
nskip=$(grep -c '^hvscope_check_status{.*status="skip"} 1$' "$TMP/m.txt" || true)
note "as nobody: hvscope_up 1, $G memory $mem, CPU $cpu s, $nskip checks skipped (as with root: no systemd here; those needing root say so)"
if as_nobody virsh -c qemu:///system suspend "$G" > /dev/null 2>&1 || as_nobody virsh -r -c qemu:///system suspend "$G" > /dev/null 2>&1; then
	note "libvirt's access control (not hvscope's): nobody COULD suspend $G on this libvirtd"
else
	note "libvirt's access control (not hvscope's): nobody cannot suspend $G"
fi
