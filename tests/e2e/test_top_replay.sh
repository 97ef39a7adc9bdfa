# hvscope top --replay: a bundle records a few samples of the hypervisor
# (libvirt's test driver with a node of three domains here; a real guest in
# test_bundle_live, the real Xen dom0 in make check-xen), and top plays them
# in batch mode (every format, sort, filter, the archive and its directory,
# a bundle from before samples.json) and on the curses screen driven by tmux
# (step, seek by number and by time, play); broken and foreign bundles are
# clear errors.
. "$(dirname "$0")/lib.sh"
need python3 tmux tar xz
trap 'tmux_stop; cleanup' EXIT

make_node_xml "$TMP/node.xml" 3
B=$TMP/b.tar.xz
run_hv bundle --connect "test://$TMP/node.xml" --samples 4 --sample-interval 0.3 -o "$B" > /dev/null 2> "$TMP/err"
[ "$RC" = 0 ] || { cat "$TMP/err"; fail "bundle exited $RC"; }
mkdir -p "$TMP/x"
tar -xf "$B" -C "$TMP/x"
D=$(echo "$TMP"/x/*)
S=$D/hypervisor/samples.json
[ -s "$S" ] || fail "no hypervisor/samples.json"
grep -q "4 of 4 samples 0.3 s apart" "$D/bundle.log" || fail "bundle.log: $(grep -i sample "$D/bundle.log")"

# Batch replay: every recorded figure as recorded, rates between samples.
run_hv top --replay "$B" -b -f json > "$TMP/r.json" 2> "$TMP/err"
[ "$RC" = 0 ] || { cat "$TMP/err"; fail "top --replay exited $RC"; }
python3 - "$S" "$TMP/r.json" <<'PY' || fail "the replay is not what was recorded"
import json, sys
rec = json.load(open(sys.argv[1]))
rows = [json.loads(l) for l in open(sys.argv[2])]
ss = rec["samples"]
assert rec["interval"] == 0.3 and len(ss) == 4, (rec["interval"], len(ss))
for a, b in zip(ss, ss[1:]):
    assert b["time"] - a["time"] >= 0.29, "samples %.3f s apart" % (b["time"] - a["time"])
assert len(rows) == 12, len(rows)
for i, s in enumerate(ss, 1):
    got = {r["name"]: r for r in rows if r["sample"] == i}
    assert sorted(got) == sorted(d["name"] for d in s["domains"]), (i, sorted(got))
    for d in s["domains"]:
        r = got[d["name"]]
        assert r["time"] == s["time"] and r["uuid"] == d["uuid"], (r, d)
        for k in ("cpu_ns", "mem_kib", "maxmem_kib", "vcpu_ns", "vcpus_max"):
            assert r[k] == d[k], (i, d["name"], k, r[k], d[k])
        assert r["vbd_rd"] == sum(x["rd_reqs"] for x in d["block"]), (r, d)
        if i > 1:
            p = [x for x in ss[i - 2]["domains"] if x["name"] == d["name"]][0]
            want = 100.0 * (d["cpu_ns"] - p["cpu_ns"]) / ((s["time"] - ss[i - 2]["time"]) * 1e9)
            assert abs(r["cpu_pct"] - want) < 0.01 * max(want, 1), (r["cpu_pct"], want)
        else:
            assert r["cpu_pct"] == 0 and r["net_rx_bytes_per_s"] is None, r
print("  replay: 4 samples of 3 domains as recorded, CPU(%%) %.1f from the recorded counters" % rows[-1]["cpu_pct"])
PY

# The directory gives what the archive gives; sort, filter, -i, csv, text.
hv top --replay "$D" -b -f json > "$TMP/d.json"
cmp -s "$TMP/r.json" "$TMP/d.json" || fail "the directory replays differently from the archive"
hv top --replay "$B" -b -i 2 --filter dom0001 > "$TMP/f.txt"
[ "$(grep -c '^NAME ' "$TMP/f.txt")" = 2 ] || fail "-i 2: $(cat "$TMP/f.txt")"
[ "$(grep -vc '^NAME ' "$TMP/f.txt")" = 2 ] && grep -q '^dom0001 ' "$TMP/f.txt" || fail "--filter: $(cat "$TMP/f.txt")"
hv top --replay "$B" -b -f csv -s mem_kib -r > "$TMP/r.csv"
python3 - "$TMP/r.csv" <<'PY' || fail "CSV replay sorted by memory"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 12
for s in "1234":
    mem = [int(r["mem_kib"]) for r in rows if r["sample"] == s]
    assert mem == sorted(mem, reverse=True), mem
PY
hv top --replay "$B" -b -v -n -x -i 1 > "$TMP/v.txt"
grep -q '^VCPUs(sec):' "$TMP/v.txt" && grep -q '^Net0 ' "$TMP/v.txt" && grep -q '^VBD ' "$TMP/v.txt" ||
	fail "detail lines: $(cat "$TMP/v.txt")"

# A bundle from before samples.json holds one sample in domains.json,
# without the keys added since: it replays as that one sample.
O=$TMP/old
cp -a "$D" "$O"
python3 - "$S" "$O/hypervisor/domains.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["samples"][0]
for d in s["domains"]:
    for k in ("have", "vcpu_state", "vcpu_pcpu", "persistent"):
        d.pop(k, None)
json.dump(s, open(sys.argv[2], "w"))
PY
rm "$O/hypervisor/samples.json"
hv top --replay "$O" -b > "$TMP/o.txt"
[ "$(grep -c '^NAME ' "$TMP/o.txt")" = 1 ] && [ "$(grep -vc '^NAME ' "$TMP/o.txt")" = 3 ] || fail "old bundle: $(cat "$TMP/o.txt")"

# Broken and foreign bundles: a clear error naming what, exit 1.
expect_error() { # WHAT REGEX PATH
	run_hv top --replay "$3" -b > /dev/null 2> "$TMP/e.err"
	[ "$RC" = 1 ] || fail "$1: exit $RC"
	grep -Eq -- "$2" "$TMP/e.err" || fail "$1: $(cat "$TMP/e.err")"
	note "$1: $(head -c 200 "$TMP/e.err")"
}
T=$TMP/trunc
cp -a "$D" "$T"
head -c 900 "$S" > "$T/hypervisor/samples.json"
expect_error "truncated samples.json" "hypervisor/samples.json:[0-9]+:[0-9]+: " "$T"
python3 - "$S" "$T/hypervisor/samples.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
h["samples"][2]["domains"][1]["cpu_ns"] = -5
json.dump(h, open(sys.argv[2], "w"))
PY
expect_error "a negative counter" "sample 3: a domain's counters" "$T"
python3 - "$S" "$T/hypervisor/samples.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
h["samples"].reverse()
json.dump(h, open(sys.argv[2], "w"))
PY
expect_error "samples out of order" "sample 2 is older" "$T"
run_hv bundle --connect "test://$TMP/node.xml" --no-hypervisor -o "$TMP/nohv.tar.gz" > /dev/null 2>&1
expect_error "a bundle without the hypervisor" "holds no samples of the hypervisor" "$TMP/nohv.tar.gz"
mkdir -p "$TMP/sos/sos_commands/kernel" "$TMP/sos/sos_logs"
echo "Linux" > "$TMP/sos/sos_commands/kernel/uname_-a"
expect_error "an sosreport" "sosreport records no hypervisor samples" "$TMP/sos"
expect_error "no such file" "no-such" "$TMP/no-such.tar.xz"

# The screen: sample 1 first, then the keys step, seek and play.
tmux_start 200 30 "$HVSCOPE" top --replay "$B"
wait_screen "sample 1 of 4"
tmux_screen | head -1 | grep -q "UTC   replay of $B (libvirt test://" || fail "first line: $(tmux_screen | head -1)"
tmux_keys .
wait_screen "sample 2 of 4"
# the row of sample 2 on the screen is batch mode's row of sample 2
want=$(hv top --replay "$B" -b --filter dom0002 | grep '^dom0002 ' | sed -n 2p | tr -s ' ')
got=$(tmux_screen | grep '^dom0002 ' | tr -s ' ' | sed 's/ $//')
[ "$got" = "$want" ] || fail "screen row '$got', batch row '$want'"
tmux_keys Right
wait_screen "sample 3 of 4"
tmux_keys ']'
wait_screen "sample 4 of 4"
tmux_keys Left
wait_screen "sample 3 of 4"
tmux_keys '['
wait_screen "sample 1 of 4"
tmux_keys g 4 Enter
wait_screen "sample 4 of 4"
# by time: the first sample at or after sample 3's second (UTC)
read -r hms want_no < <(python3 - "$S" <<'PY'
import json, sys, time
ss = json.load(open(sys.argv[1]))["samples"]
t = int(ss[2]["time"])
first = next(i for i, s in enumerate(ss, 1) if int(s["time"]) % 86400 >= t % 86400)
print(time.strftime("%H:%M:%S", time.gmtime(t)), first)
PY
)
tmux_keys g "$hms" Enter
wait_screen "sample $want_no of 4"
tmux_keys '['
wait_screen "sample 1 of 4"
tmux_keys Space
wait_screen "sample [23] of 4, playing" 5
wait_screen "sample 4 of 4 *$" 5
tmux_keys h
wait_screen "the first / last sample"
tmux_keys x q
sleep 0.5
tmux_screen 2>/dev/null | grep -q "sample 4 of 4" && fail "q did not quit the replay"
tmux_stop
note "screen: step, seek by number and by UTC time, play to the end"
exit 0
