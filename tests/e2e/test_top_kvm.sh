# hvscope top against real QEMU guests under libvirtd: busy CPUs, agreement
# with virsh domstats, a guest destroyed mid-run, a guest whose QEMU is
# stopped (SIGSTOP: its monitor stops answering), and libvirtd killed and
# restarted under a running screen.
. "$(dirname "$0")/lib.sh"
need python3 tmux qemu-system-x86_64
start_libvirtd
GUESTS="hvs-a hvs-b hvs-c"
finish() {
	local g
	for g in $GUESTS; do
		pid=$(cat "/run/libvirt/qemu/$g.pid" 2>/dev/null || true)
		[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null || true
		virsh -c qemu:///system destroy "$g" >/dev/null 2>&1 || true
	done
	tmux_stop
	stop_libvirtd
	cleanup
}
trap finish EXIT
TYPE=$(kvm_or_qemu)
# With a disk each: stopped, a guest's monitor is asked for its block
# counters and does not answer.
for g in $GUESTS; do guest_create "$g" "$TYPE" disk; done
note "three $TYPE guests running"
URI=qemu:///system

# Busy CPUs, rising vCPU times, and the numbers virsh domstats gives; the
# block figures from the second sample on are asked over the pool's two
# connections.
virsh -c $URI domstats --raw --block hvs-a hvs-b hvs-c > "$TMP/before.txt"
hv top -b -i 3 -d 1 --connect $URI --connections 2 --format json --filter hvs- > "$TMP/a.json"
virsh -c $URI domstats --raw --balloon --vcpu --cpu-total --block hvs-a hvs-b hvs-c > "$TMP/domstats.txt"
python3 - "$TMP/a.json" "$TMP/domstats.txt" "$TMP/before.txt" <<'PY' || fail "numbers"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
def domstats(path):
    ds, cur = {}, None
    for line in open(path):
        m = re.match(r"Domain: '(.*)'", line.strip())
        if m:
            cur = ds.setdefault(m.group(1), {})
        elif "=" in line and cur is not None:
            k, v = line.strip().split("=", 1)
            cur[k] = v
    return ds
ds, before = domstats(sys.argv[2]), domstats(sys.argv[3])
for g in ("hvs-a", "hvs-b", "hvs-c"):
    rs = [r for r in recs if r["name"] == g]
    assert len(rs) == 3, (g, len(rs))
    last = rs[-1]
    # CPU times come from /proc stat in 10 ms ticks (virDomainGetInfo,
    # GetVcpus): an idle TCG guest (about 1% of a CPU) may not use a tick
    # in a second, so a time never falls and rises over the two seconds.
    assert max(r["cpu_pct"] for r in rs[1:]) > 0, f"{g}: CPU(%) {[r['cpu_pct'] for r in rs]}"
    assert rs[2]["cpu_ns"] >= rs[1]["cpu_ns"] >= rs[0]["cpu_ns"] and rs[2]["cpu_ns"] > rs[0]["cpu_ns"], \
        f"{g}: CPU time {[r['cpu_ns'] for r in rs]}"
    assert rs[2]["vcpu_ns"][0] >= rs[1]["vcpu_ns"][0] >= rs[0]["vcpu_ns"][0] > 0, f"{g}: vCPU time {[r['vcpu_ns'] for r in rs]}"
    d = ds[g]
    assert last["mem_kib"] == int(d["balloon.current"]), (g, last["mem_kib"], d["balloon.current"])
    assert last["maxmem_kib"] == int(d["balloon.maximum"]), g
    assert last["vcpus"] == int(d["vcpu.current"]), g
    # No OS: the firmware's boot-sector reads (again each minute) are all
    # the disk sees; each sample's count lies between virsh's before and
    # after the run.
    assert [r["vbds"] for r in rs] == [1, 1, 1], (g, [r["vbds"] for r in rs])
    lo, hi, rd = int(before[g]["block.0.rd.reqs"]), int(d["block.0.rd.reqs"]), [r["vbd_rd"] for r in rs]
    assert lo <= rd[0] <= rd[1] <= rd[2] <= hi, (g, lo, rd, hi)
    # cpu.time read just after our last sample: later, by less than the
    # time it took (a second of CPU at most).  Ours is virDomainGetInfo's
    # (QEMU's /proc stat, utime and stime in 10 ms ticks), virsh's the
    # cgroup's (ns): ours may be ahead by up to two ticks.
    dt = int(d["cpu.time"]) - last["cpu_ns"]
    assert -20_000_000 <= dt < 2_000_000_000, (g, dt)
    print(f"  {g}: CPU {last['cpu_pct']:.1f}%, mem {last['mem_kib']} KiB, vCPU time {last['vcpu_ns'][0]} ns; virsh domstats agrees")
PY

# Two stopped QEMUs (SIGSTOP: their monitors stop answering): the other
# guest keeps updating, the stuck ones are marked in every sample, and the
# first sample takes about two deadlines however many guests are stuck (the
# bulk call, then each domain alone, all at once).
PIDS=""
for g in hvs-b hvs-c; do PIDS="$PIDS $(cat /run/libvirt/qemu/$g.pid)"; done
kill -STOP $PIDS
t0=$(date +%s.%N)
run_hv top -b -i 6 -d 1 --deadline 700 --connect $URI --format json --filter hvs- > "$TMP/s.json" 2> "$TMP/s.err"
t1=$(date +%s.%N)
[ "$RC" = 0 ] || fail "top -b with two stopped guests exited $RC: $(tail -n 3 "$TMP/s.err")"
# On failure, whether libvirtd answers for hvs-a itself (the others still stopped).
diag() {
	local s0 rc
	s0=$(date +%s.%N)
	timeout 20 virsh -r -c $URI domstats --balloon --block hvs-a > "$TMP/diag.txt" 2>&1 && rc=0 || rc=$?
	echo "virsh domstats hvs-a: exit $rc after $(awk -v a="$(date +%s.%N)" -v b="$s0" 'BEGIN { printf "%.2f", a - b }') s"
	cat "$TMP/s.err"
}
python3 - "$TMP/s.json" "$t0" "$t1" <<'PY' || fail "stuck guests: $(diag; cat "$TMP/s.json")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
by = {g: [r for r in recs if r["name"] == g] for g in ("hvs-a", "hvs-b", "hvs-c")}
assert all(len(v) == 6 for v in by.values()), {g: len(v) for g, v in by.items()}
for g in ("hvs-b", "hvs-c"):
    assert all(r["stuck"] for r in by[g]), f"{g} not marked stuck in every sample: {[r['stuck'] for r in by[g]]}"
a = by["hvs-a"]
assert not any(r["stuck"] for r in a), "hvs-a marked stuck: " + "; ".join(f"sample {r['sample']}: {r['note']}" for r in a if r["stuck"])
# (CPU time in 10 ms ticks: an idle guest's may stand still for a second)
assert a[-1]["cpu_ns"] > a[0]["cpu_ns"] and max(r["cpu_pct"] for r in a[1:]) > 0, "hvs-a stopped updating"
# A sample starts about 1 s after the previous one ended: the first is the
# slow one (the bulk call misses, then the domains are asked alone).
took = a[1]["time"] - a[0]["time"] - 1
assert took < 2.0, f"the first sample with two stuck guests took {took:.2f} s"
print(f"  hvs-b, hvs-c stuck in all 6 samples: {by['hvs-b'][0]['note']}")
print(f"  first sample {took:.2f} s (deadline 0.7 s); six samples in {float(sys.argv[3]) - float(sys.argv[2]):.1f} s")
PY
kill -CONT $PIDS
note "two SIGSTOPped QEMUs: the other guest kept updating"

# A guest destroyed mid-run leaves cleanly.
hv top -b -i 4 -d 1 --connect $URI --format json --filter hvs- > "$TMP/d.json" 2> "$TMP/d.err" &
bg=$!
sleep 1.5
virsh -c $URI destroy hvs-c >/dev/null
wait $bg || fail "top exited $? after a guest was destroyed: $(cat "$TMP/d.err")"
python3 - "$TMP/d.json" <<'PY' || fail "destroyed guest"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
first = {r["name"] for r in recs if r["sample"] == 1}
last = {r["name"] for r in recs if r["sample"] == 4}
assert "hvs-c" in first and "hvs-c" not in last and {"hvs-a", "hvs-b"} <= last, (first, last)
PY
note "hvs-c destroyed mid-run: gone from later samples, no error"

# libvirtd killed and restarted under a running screen.
tmux_start 200 30 "$HVSCOPE" top --connect $URI -d 0.5 --filter hvs-
wait_screen '^hvs-a '
own_libvirtd "killing libvirtd under a running screen"
kill "$LIBVIRTD_PID"
wait_screen 'SOURCE DOWN: .*(connection lost|next attempt)' 15
note "libvirtd killed: $(tmux_screen | grep -m1 'SOURCE DOWN' | cut -c1-110)"
restart_own_libvirtd
for i in $(seq 100); do virsh -c $URI version >/dev/null 2>&1 && break; sleep 0.1; done
# Back-off is at most a few seconds at this point.
for i in $(seq 150); do tmux_screen | grep -q 'SOURCE DOWN' || break; sleep 0.2; done
tmux_screen | grep -q 'SOURCE DOWN' && fail "the screen did not recover: $(tmux_screen)"
wait_screen '^hvs-a '
tmux_keys q
note "libvirtd restarted: the screen recovered without restarting hvscope"
