# hvscope top on libvirt's test driver (no daemon): batch mode in every
# format, a generated 1,000-domain node, and the curses screen driven by
# tmux (header, columns, sorting, filtering, help, resize, quit).
. "$(dirname "$0")/lib.sh"
need python3 tmux virsh
trap 'tmux_stop; cleanup' EXIT

# The documented demo.
hv top -b -i 2 -d 0.3 --connect test:///default > "$TMP/t.txt"
[ "$(grep -c '^NAME ' "$TMP/t.txt")" = 2 ] || fail "a header per sample, as xentop -b"
grep -Eq '^test +-----r +[0-9]+ +[0-9.]+ +2097152 ' "$TMP/t.txt" || fail "the test domain's row: $(cat "$TMP/t.txt")"
hv top -b -i 2 -d 0.3 --connect test:///default --format json > "$TMP/t.json"
python3 - "$TMP/t.json" <<'PY' || fail "JSON records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["sample"] for r in recs] == [1, 2], recs
r = recs[1]
assert r["name"] == "test" and r["state"] == "running" and r["vcpus"] == 2 and r["mem_kib"] == 2097152
assert r["maxmem_kib"] == 8388608 and r["nets"] == 1 and r["vbds"] == 1
assert recs[0]["cpu_pct"] == 0 and r["cpu_pct"] > 0, "CPU(%) needs two samples"
assert len(r["vcpu_ns"]) == 2 and r["stuck"] is False
assert recs[0]["net_rx_bytes_per_s"] is None and r["net_rx_bytes_per_s"] > 0, "per-second I/O from the second sample"
PY
hv top -b -i 1 --connect test:///default --format csv > "$TMP/t.csv"
python3 -c 'import csv,sys; rows=list(csv.DictReader(open(sys.argv[1]))); assert len(rows)==1 and rows[0]["name"]=="test" and rows[0]["mem_kib"]=="2097152", rows' "$TMP/t.csv" || fail "CSV"

# A reader that goes away (| head) ends batch mode quietly, not forever.
set +e
timeout 20 "$HVSCOPE" top -b -d 0.1 --connect test:///default 2> "$TMP/pipe.err" | head -n 3 > /dev/null
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || fail "top -b | head: exit $rc ($(cat "$TMP/pipe.err"))"

# The same numbers as virsh for what does not move: memory, vCPUs, devices.
dominfo=$(virsh -c test:///default dominfo test)
echo "$dominfo" | grep -q "Used memory: *2097152 KiB" || fail "virsh dominfo differs: $dominfo"

# 1,000 domains.
make_node_xml "$TMP/node.xml" 1000
hv top -b -i 2 -d 0.2 --connect "test://$TMP/node.xml" --format json > "$TMP/k.json"
python3 - "$TMP/k.json" <<'PY' || fail "1,000 domains"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for s in (1, 2):
    names = [r["name"] for r in recs if r["sample"] == s]
    assert len(names) == 1000 and len(set(names)) == 1000, (s, len(names))
by = {r["name"]: r for r in recs if r["sample"] == 2}
assert by["dom0003"]["mem_kib"] == 524288 and by["dom0003"]["vcpus"] == 2
assert by["dom0998"]["mem_kib"] == 393216 and by["dom0998"]["vcpus"] == 1
PY
note "1,000 test-driver domains: two samples, every domain in each"

# Sorting and filtering in batch mode.
hv top -b -i 1 --connect "test://$TMP/node.xml" --sort mem_kib --reverse --filter dom000 > "$TMP/s.txt"
[ "$(sed -n 2p "$TMP/s.txt" | awk '{print $5}')" = 524288 ] || fail "sort by memory, reversed"
[ "$(grep -c '^dom' "$TMP/s.txt")" = 10 ] || fail "filter dom000 keeps 10 domains"

# Bad input.
run_hv top -b -i 1 --connect "test://$TMP/missing.xml" 2> "$TMP/err"
[ "$RC" = 1 ] || fail "a missing node file: exit $RC"
grep -q "libvirt test://$TMP/missing.xml" "$TMP/err" || fail "the message names what was tried: $(cat "$TMP/err")"
run_hv top -b -i 1 --sort nope 2> "$TMP/err"
[ "$RC" = 3 ] && grep -q "no column 'nope'" "$TMP/err" || fail "unknown sort column"
run_hv top --connect test:///default < /dev/null > "$TMP/out" 2> "$TMP/err"
[ "$RC" = 3 ] && grep -q "use -b" "$TMP/err" || fail "no terminal: should ask for -b"

# A terminal curses cannot drive: a message, not a crash.
tmux_start 100 10 "TERM=no-such-terminal $HVSCOPE top --connect test:///default 2> $TMP/term.out; echo exit=\$? >> $TMP/term.out; sleep 5"
for i in $(seq 30); do grep -q '^exit=' "$TMP/term.out" 2>/dev/null && break; sleep 0.1; done
grep -q "cannot drive terminal type 'no-such-terminal'; use -b" "$TMP/term.out" || fail "unknown terminal: $(cat "$TMP/term.out")"
grep -q '^exit=3$' "$TMP/term.out" || fail "unknown terminal: exit status"
tmux_stop

# The screen, through tmux.
make_node_xml "$TMP/small.xml" 12
tmux_start 200 40 "$HVSCOPE" top --connect "test://$TMP/small.xml" -d 0.5
wait_screen '^hvscope top - '
wait_screen '^12 domains: 12 running, 0 blocked'
wait_screen '^NAME +STATE +CPU\(sec\) CPU\(%\) +MEM\(k\) MEM\(%\) +MAXMEM\(k\) MAXMEM\(%\) VCPUS NETS NETTX\(k\) NETRX\(k\) VBDS +VBD_OO +VBD_RD +VBD_WR'
tmux_screen | grep -A1 '^NAME' | tail -1 | grep -q '^dom0000 ' || fail "sorted by name first"
# Sort by MEM(k) (four columns right), then reverse.
tmux_keys '>' '>' '>' '>' r
wait_screen '^dom00(03|07|11) .* 524288 '
tmux_screen | grep -A1 '^NAME' | tail -1 | grep -q ' 524288 ' || fail "reverse sort by memory: $(tmux_screen)"
# Filter.
tmux_keys / 'dom001' Enter
wait_screen '^filter: dom001'
[ "$(tmux_screen | grep -c '^dom')" = 2 ] || fail "filter: $(tmux_screen)"
tmux_keys / Enter
# vCPU and block rows.
tmux_keys v b
wait_screen '^    VCPUs\(sec\):'
wait_screen '^    VBD vda '
# Delay.
tmux_keys d 2 Enter
wait_screen 'delay 2.0s'
# Help, then back.
tmux_keys '?'
wait_screen '^hvscope top - keys'
tmux_keys x
wait_screen '^NAME '
# Resize: still drawn, no crash.
tmux -S "$TMUX_SOCK" resize-window -t t -x 80 -y 15 2>/dev/null || tmux -S "$TMUX_SOCK" resize-pane -t t -x 80 -y 15
sleep 0.8
wait_screen '^hvscope top - '
tmux_keys q
sleep 0.5
! tmux -S "$TMUX_SOCK" has-session -t t 2>/dev/null || fail "q did not quit"
note "screen: header, columns, sort, reverse, filter, detail rows, delay, help, resize, quit"

# Scrolling: 60 domains in a 20-line window.
tmux_stop
make_node_xml "$TMP/many.xml" 60
tmux_start 160 20 "$HVSCOPE" top --connect "test://$TMP/many.xml" -d 1
wait_screen '^dom0000 '
tmux_keys NPage
wait_screen '^dom001[0-9] '
! tmux_screen | grep -q '^dom0000 ' || fail "PgDn did not scroll"
tmux_keys End
wait_screen '^dom0059 '
tmux_keys Home
wait_screen '^dom0000 '
tmux_keys q
note "scrolling: PgDn, End, Home"
