# hvscope's records in a real sosreport: the extras.d file the install puts
# in SYSCONFDIR/sos/extras.d (contrib/sos/hvscope, its commands naming the
# installed binary) run by Debian's sos 4.0 (its sos_extras plugin alone,
# to keep it short), then read back: check --bundle on the archive and on
# its directory gives the live run's verdicts for every profile (from the
# facts hvscope recorded, not from sos's copies), top --replay plays the
# recorded samples, and a record cut short leaves sos's own files read,
# with a warning.
#
# sos reads /etc/sos/extras.d only: the installed file is copied there
# under a name of this run's for the test, with --connect test:///default
# added to its top line (this machine's libvirtd may run no domains, or be
# someone else's; test:///default always has the domain "test"), and
# removed on exit.  The verdicts compared include libvirtd's state: run it
# under flock /tmp/hvscope-libvirtd.lock, as the tests that start it.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip not-root "sos report and /etc/sos/extras.d need root"
need python3 sos xz
export TMPDIR=$TMP/private
mkdir -p "$TMPDIR"

BIN=$(cd "$(dirname "$HVSCOPE")" && pwd)/$(basename "$HVSCOPE")
SHIPPED=
for f in "$(dirname "$BIN")/../etc/sos/extras.d/hvscope" /etc/sos/extras.d/hvscope; do
	[ -f "$f" ] && { SHIPPED=$f; break; }
done
[ -n "$SHIPPED" ] || missing "the installed extras.d file (PREFIX/etc/sos/extras.d/hvscope or /etc/sos/extras.d/hvscope)"
# its commands name the binary the install put in BINDIR
[ "$(grep -c "^$BIN " "$SHIPPED")" = 3 ] || fail "$SHIPPED does not run $BIN three times: $(grep -v '^#' "$SHIPPED")"

NAME=hvscope-e2e-$$
EXTRA=/etc/sos/extras.d/$NAME
trap 'rm -f "$EXTRA"; cleanup' EXIT
sed '/ top -b /s|$| --connect test:///default|' "$SHIPPED" > "$EXTRA"
chmod 644 "$EXTRA"

mkdir -p "$TMP/sos"
sos report --batch --tmp-dir "$TMP/sos" --label hvext -o sos_extras > "$TMP/sos.log" 2>&1 ||
	fail "sos report: $(tail -n 5 "$TMP/sos.log")"
rm -f "$EXTRA"
A=$(ls "$TMP"/sos/sosreport-*.tar.xz)
mkdir "$TMP/sos/unpacked"
tar -C "$TMP/sos/unpacked" -xJf "$A"
D=$(ls -d "$TMP"/sos/unpacked/sosreport-*)
OUT=$D/sos_commands/sos_extras/$NAME
ls "$OUT" > "$TMP/outputs"
[ "$(wc -l < "$TMP/outputs")" = 3 ] || fail "sos_extras kept $(wc -l < "$TMP/outputs") outputs: $(cat "$TMP/outputs")"

# verdicts A.json B.json LABEL: the same check ids (and items) with the
# same verdicts; prints how many.
verdicts() {
	python3 - "$@" <<'PY' || fail "$(cat "$TMP/diff")"
import json, os, sys
def m(p):
    return {"%s[%s]" % (c["id"], c.get("item") or ""): c["verdict"] for c in json.load(open(p))["checks"]}
a, b = m(sys.argv[1]), m(sys.argv[2])
bad = ["%s: %s live, %s from the sosreport" % (k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
open(os.environ["TMP"] + "/diff", "w").write("%s: %s" % (sys.argv[3], "; ".join(bad) or "no checks"))
sys.exit(1 if bad or not a else print(len(a)))
PY
}
export TMP

# the report sos kept is the host's
run_hv check --format json > "$TMP/live.json"
live_rc=$RC
verdicts "$TMP/live.json" "$OUT/$(grep 'check_--format_json' "$TMP/outputs")" "the report sos kept" > /dev/null
# every profile, from the archive and from its directory
total=0
for p in auto kvm xen rhel5-xen; do
	run_hv check --profile "$p" --format json > "$TMP/live.json"
	for form in "$A" "$D"; do
		run_hv check --bundle "$form" --profile "$p" --format json > "$TMP/sos.json" 2> "$TMP/sos.err"
		[ "$RC" -le 2 ] || fail "check --bundle $form --profile $p: exit $RC: $(cat "$TMP/sos.err")"
		[ ! -s "$TMP/sos.err" ] || fail "check --bundle $form --profile $p said: $(cat "$TMP/sos.err")"
		n=$(verdicts "$TMP/live.json" "$TMP/sos.json" "profile $p, $form")
	done
	total=$((total + n))
done
run_hv check --bundle "$A" --format json > "$TMP/sos.json"
[ "$RC" = "$live_rc" ] || fail "check --bundle exits $RC, the live check $live_rc"
# the facts are hvscope's: their evidence is the host's, not sos's files
python3 - "$TMP/sos.json" <<'PY' || fail "the verdicts did not come from the recorded facts"
import json, os, sys
c = json.load(open(sys.argv[1]))["checks"]
assert not [x for x in c if "not in the sosreport" in (x.get("reason") or "")], c
assert not [x for x in c if "sos_commands/" in (x.get("evidence") or "")], c
PY

# the samples: top --replay plays test:///default's domain, three samples
run_hv top --replay "$A" -b > "$TMP/replay.txt" 2> "$TMP/replay.err"
[ "$RC" = 0 ] || fail "top --replay: exit $RC: $(cat "$TMP/replay.err")"
[ "$(grep -c '^NAME ' "$TMP/replay.txt")" = 3 ] && [ "$(grep -c '^test ' "$TMP/replay.txt")" = 3 ] ||
	fail "top --replay: $(cat "$TMP/replay.txt")"
run_hv top --replay "$D" -b -f snapshot > "$TMP/again.json"
python3 - "$TMP/again.json" "$OUT/$(grep 'snapshot' "$TMP/outputs")" <<'PY' || fail "top --replay -f snapshot"
import json, os, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def key(doc):
    return [(s["time"], [(d["name"], d["cpu_ns"], d["mem_kib"]) for d in s["domains"]]) for s in doc["samples"]]
assert a["format"] == b["format"] == 3 and len(a["samples"]) == 3 and key(a) == key(b), (key(a), key(b))
assert [d["name"] for d in a["samples"][0]["domains"]] == ["test"], a["samples"][0]
PY

# a record cut short (sos's size limit, a run killed): sos's own files, said
F=$OUT/$(grep 'facts' "$TMP/outputs")
head -c 2000 "$F" > "$F.cut" && mv "$F.cut" "$F"
run_hv check --bundle "$D" --format json > "$TMP/sos.json" 2> "$TMP/sos.err"
[ "$RC" -le 2 ] || fail "check --bundle with a record cut short: exit $RC: $(cat "$TMP/sos.err")"
grep -q "hvscope's facts in it do not load (sos_commands/sos_extras/$NAME/.*:[0-9]*" "$TMP/sos.err" ||
	fail "a record cut short: $(cat "$TMP/sos.err")"
grep -q 'not in the sosreport' "$TMP/sos.json" || fail "a record cut short: sos's own files were not read"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left behind: $(ls -A "$TMPDIR")"
note "Debian's $(sed -n 's/.*sosreport (version \(.*\)).*/sos \1/p' "$TMP/sos.log" | head -n 1) ran the extras file: $total checks over 4 profiles with the live verdicts from the archive and its directory; top --replay: 3 samples of test:///default"
