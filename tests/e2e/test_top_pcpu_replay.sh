# hvscope top's physical-CPU view and -z on a Xen dom0's recorded samples:
# a bundle made from libvirt's test driver, its samples.json rewritten as
# hv/xenstat.c records a dom0 (this machine runs no Xen): Xen's per-pCPU
# idle time alone, Domain-0 with id 0, each vCPU's pCPU as xl vcpu-list
# gives it, no vCPU delay.  Batch --pcpu in every format, -z whatever the
# sort, STEAL(%) unknown, the 1 and z keys on the replay screen; an older
# bundle (no per-CPU counters) shows the CPUs its vCPUs name.
. "$(dirname "$0")/lib.sh"
need python3 tmux tar xz
trap 'tmux_stop; cleanup' EXIT

make_node_xml "$TMP/node.xml" 3
run_hv bundle --connect "test://$TMP/node.xml" --samples 3 --sample-interval 0.3 -o "$TMP/b.tar.xz" > /dev/null 2> "$TMP/err"
[ "$RC" = 0 ] || { cat "$TMP/err"; fail "bundle exited $RC"; }
mkdir -p "$TMP/x"
tar -xf "$TMP/b.tar.xz" -C "$TMP/x"
D=$(echo "$TMP"/x/*)
S=$D/hypervisor/samples.json
[ -s "$S" ] || fail "no hypervisor/samples.json"
cp "$S" "$TMP/libvirt-samples.json"
# The samples 2 s apart; 4 pCPUs idle 1.5, 0.5, 2.0 and 0 s of each 2 s
# (busy 25, 75, 0, 100%); Domain-0's vCPUs on pCPUs 0 and 1, the guests'
# on 2 and 3; Domain-0 uses the least CPU.
python3 - "$S" <<'PY'
import copy, json, sys
rec = json.load(open(sys.argv[1]))
idle_per_s = [0.75, 0.25, 1.0, 0.0]
for i, s in enumerate(rec["samples"]):
    s["time"] = 1796000000.0 + 2 * i
    h = s["host"]
    h.update(source="xenstat", type="Xen", version="4.17.3", cpus=4)
    for k in ("pcpu_user_ns", "pcpu_system_ns", "pcpu_iowait_ns", "cpu_user_ns", "cpu_system_ns", "cpu_idle_ns", "cpu_iowait_ns"):
        h.pop(k, None)
    h["pcpu_idle_ns"] = [int(1e12 + idle_per_s[c] * 2e9 * i) for c in range(4)]
    for d in s["domains"]:
        n = int(d["name"][-4:])
        d["cpu_ns"] = 10**12 + (n + 1) * 10**9 * i
        d["vcpu_pcpu"] = [2 + n % 2]
        d.pop("vcpu_wait_ns", None)
        d.pop("vcpu_delay_ns", None)
    z = copy.deepcopy(s["domains"][0])
    z.update(id=0, name="Domain-0", uuid="00000000-0000-0000-0000-000000000000", cpu_ns=10**12,
             vcpu_ns=[10**11, 10**11], vcpu_state=["running", "running"], vcpu_pcpu=[0, 1], vcpus_online=2, vcpus_max=2)
    s["domains"].append(z)
json.dump(rec, open(sys.argv[1], "w"))
PY
cp "$S" "$TMP/xen-samples.json"

hv top --replay "$D" -b --pcpu -f json > "$TMP/p.json"
python3 - "$TMP/p.json" <<'PY' || fail "the pCPU view of Xen's idle time"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 12, len(recs)
want = [25.0, 75.0, 0.0, 100.0]
for r in recs:
    assert r["online"] is True and r["user_pct"] is None and r["iowait_pct"] is None and "user_ns" not in r, r
    if r["sample"] == 1:
        assert r["busy_pct"] is None, r
    else:
        assert abs(r["busy_pct"] - want[r["cpu"]]) < 0.01 and abs(r["idle_pct"] - (100 - want[r["cpu"]])) < 0.01, r
vc = {r["cpu"]: r["vcpus"] for r in recs if r["sample"] == 3}
assert vc == {0: ["Domain-0:0"], 1: ["Domain-0:1"], 2: ["dom0000:0", "dom0002:0"], 3: ["dom0001:0"]}, vc
print("  Xen idle time: busy %s, vCPUs %s" % ([r["busy_pct"] for r in recs if r["sample"] == 3], vc))
PY
hv top --replay "$D" -b --pcpu -i 2 > "$TMP/p.txt"
grep -Eq '^ +1 online +75\.0 +- +- +- +Domain-0:1$' "$TMP/p.txt" || fail "--pcpu text: $(cat "$TMP/p.txt")"
[ "$(grep -c '^ *CPU STATE ' "$TMP/p.txt")" = 2 ] || fail "--pcpu text, a header a sample: $(cat "$TMP/p.txt")"
hv top --replay "$D" -b --pcpu -f csv > "$TMP/p.csv"
python3 - "$TMP/p.csv" <<'PY' || fail "--pcpu CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 12 and rows[0]["busy_pct"] == "" and rows[-1]["busy_pct"] == "100.00", rows[-1]
assert rows[-1]["vcpus"] == "dom0001:0" and rows[-4]["online"] == "1", rows[-4]
PY
note "--pcpu text, CSV, JSON: busy from Xen's per-pCPU idle time, the vCPUs on each"

# -z: Domain-0 first whatever the sort (it uses the least CPU here).
hv top --replay "$D" -b -i 2 -s cpu_pct -r -z > "$TMP/z.txt"
[ "$(awk 'NR == 2 { print $1 }' "$TMP/z.txt")" = Domain-0 ] || fail "-z: $(cat "$TMP/z.txt")"
[ "$(awk '/^NAME/ { n++ } n == 2 && !/^NAME/ { print $1; exit }' "$TMP/z.txt")" = Domain-0 ] || fail "-z, sample 2: $(cat "$TMP/z.txt")"
hv top --replay "$D" -b -i 2 -s cpu_pct -r > "$TMP/noz.txt"
[ "$(awk 'NR == 2 { print $1 }' "$TMP/noz.txt")" = dom0002 ] || fail "without -z: $(cat "$TMP/noz.txt")"
hv top --replay "$D" -b -f json -z > "$TMP/z.json"
python3 - "$TMP/z.json" <<'PY' || fail "STEAL on Xen"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs[0]["name"] == "Domain-0" and all(r["steal_pct"] is None and "vcpu_delay_ns" not in r for r in recs), recs[0]
PY
note "-z: Domain-0 first under a CPU sort; STEAL(%) unknown (Xen gives a dom0 no vCPU delay)"

# An older bundle's samples (no per-CPU counters): the CPUs its vCPUs name.
python3 - "$S" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
for s in rec["samples"]:
    s["host"].pop("pcpu_idle_ns")
json.dump(rec, open(sys.argv[1], "w"))
PY
hv top --replay "$D" -b --pcpu -i 1 > "$TMP/old.txt"
grep -Eq '^ +3 - +- +- +- +- +dom0001:0$' "$TMP/old.txt" || fail "no counters: $(cat "$TMP/old.txt")"
cp "$TMP/libvirt-samples.json" "$S"
# libvirt's test driver: counters that stand still, CPUs offline in its map
hv top --replay "$D" -b --pcpu -i 2 > "$TMP/t.txt"
grep -Eq '^ +1 offline +- ' "$TMP/t.txt" && grep -Eq '^ +0 online +- ' "$TMP/t.txt" || fail "test driver: $(cat "$TMP/t.txt")"

# The screen: z puts Domain-0 first, 1 shows the pCPUs.
cp "$TMP/xen-samples.json" "$S"
tmux_start 160 30 "$HVSCOPE" top --replay "$D" -s cpu_pct -r
wait_screen '^dom0002 '
[ "$(tmux_screen | sed -n 6p | cut -d' ' -f1)" = dom0002 ] || fail "first row: $(tmux_screen)"
tmux_keys z
for i in $(seq 50); do [ "$(tmux_screen | sed -n 6p | cut -d' ' -f1)" = Domain-0 ] && break; sleep 0.1; done
[ "$(tmux_screen | sed -n 6p | cut -d' ' -f1)" = Domain-0 ] || fail "z: $(tmux_screen)"
tmux_keys 1 ']'
wait_screen '^ +1 online +75\.0 .*Domain-0:1'
wait_screen '^ +3 online +100\.0 .*\[#{20}\] +dom0001:0'
note "the replay screen: z, then 1: $(tmux_screen | grep -m1 '^ *1 online' | tr -s ' ')"
tmux_keys q
