# Output formats, colours, --list/--explain/--only, user rule directories,
# exit codes, and that a check changes nothing on the host it reads.
. "$(dirname "$0")/lib.sh"
need python3 xmllint
R=$TMP/root
mkroot "$R" rhel5-xen

# JSON parses and carries the report; JUnit is well-formed XML with the counts.
run_hv check --root "$R" --profile rhel5-xen --format json > "$TMP/r.json"
python3 - "$TMP/r.json" "$RC" <<'PY' || fail "JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["profile"] == "rhel5-xen" and d["root"].endswith("/root"), d
assert sum(d["summary"].values()) == len(d["checks"])
assert d["exit_code"] == int(sys.argv[2]), (d["exit_code"], sys.argv[2])
for c in d["checks"]:
    assert c["verdict"] in ("pass", "warn", "fail", "skip", "error")
    if c["verdict"] in ("warn", "fail"):
        assert c["remedy"] and c["seen"] is not None and c["fact"], c
PY
run_hv check --root "$R" --profile rhel5-xen --format junit > "$TMP/r.xml"
xmllint --noout "$TMP/r.xml" || fail "JUnit is not well-formed"
fails=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["fail"])' "$TMP/r.json")
grep -q "failures=\"$fails\"" "$TMP/r.xml" || fail "JUnit failure count"
[ "$(grep -c '<testcase ' "$TMP/r.xml")" = "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$TMP/r.json")" ] || fail "JUnit testcase count"

# Prometheus text format, linted by promtool when it is here.
run_hv check --root "$R" --profile rhel5-xen --format prometheus > "$TMP/r.prom"
grep -q '^hvscope_check_status{profile="rhel5-xen",check="package\[vnc\]",severity="fail",status="fail"} 1$' "$TMP/r.prom" ||
	fail "no status series for package[vnc]"
if command -v promtool >/dev/null; then
	promtool check metrics < "$TMP/r.prom" || fail "promtool check metrics"
	note "promtool check metrics: clean"
fi

# Text: no colour when piped or with NO_COLOR; colour on a terminal.
run_hv check --root "$R" --profile rhel5-xen > "$TMP/r.txt"
! grep -q $'\033' "$TMP/r.txt" || fail "colour codes in piped output"
grep -q '^FAIL  package\[vnc\]' "$TMP/r.txt" || fail "text lacks the FAIL line"
grep -q '^      fix:  yum install vnc$' "$TMP/r.txt" || fail "text lacks the remedy"
grep -q '^      seen: package.vnc.installed = (missing) (no package database' "$TMP/r.txt" || fail "text lacks what was seen"
if command -v script >/dev/null; then
	script -qec "$HVSCOPE check --root $R --profile rhel5-xen --only cpu-pae" /dev/null > "$TMP/tty.txt" || fail "check on a terminal exited $?"
	grep -q $'\033\[32mPASS' "$TMP/tty.txt" || fail "no colour on a terminal"
	NO_COLOR=1 script -qec "$HVSCOPE check --root $R --profile rhel5-xen --only cpu-pae" /dev/null > "$TMP/tty.txt" || fail "check with NO_COLOR exited $?"
	! grep -q $'\033' "$TMP/tty.txt" || fail "colour despite NO_COLOR"
fi
run_hv check --root "$R" --profile rhel5-xen --quiet > "$TMP/q.txt"
! grep -q '^PASS' "$TMP/q.txt" || fail "--quiet prints passes"
grep -q '^FAIL' "$TMP/q.txt" || fail "--quiet hides failures"

# --only and exit codes: 0 pass, 1 warn, 2 fail.
run_hv check --root "$R" --profile rhel5-xen --only cpu-pae,cpu-vt > /dev/null
[ "$RC" = 0 ] || fail "exit $RC for passes"
run_hv check --root "$R" --profile rhel5-xen --only guest-memory-total,images-disk-free,cpu-pae > /dev/null
[ "$RC" = 0 ] || fail "exit $RC"
run_hv check --root "$R" --profile rhel5-xen --only package > /dev/null
[ "$RC" = 2 ] || fail "exit $RC for failures"

# --list and --explain.
hv check --list | grep -q '^rhel5-xen: Red Hat Enterprise Linux 5 Xen host' || fail "--list"
hv check --list | grep -q '^  vt-enabled ' || fail "--list rules"
hv check --explain vt-enabled --profile rhel5-xen | grep -q 'BIOS setup utility' || fail "--explain"
hv check --facts | grep -q 'selinux.expected_type./\*' || fail "--facts"
hv --version | grep -q '^hvscope [0-9]' || fail "--version"
hv help check | grep -q -- '--root DIR' || fail "help check"

# A user rule directory: a new profile, and a rule added to a built-in one.
mkdir -p "$TMP/mine"
cat > "$TMP/mine/site.yaml" <<'Y'
profile: rhel5-xen
rules:
  - id: site-four-cpus
    title: Our hosts have at least four logical CPUs
    severity: warn
    fact: cpu.logical
    expect: {at_least: 4}
    remedy: Order the bigger server.
Y
run_hv check --root "$R" --profile rhel5-xen --rules "$TMP/mine" --format json --only site-four-cpus,cpu-pae > "$TMP/u.json"
expect_verdict "$TMP/u.json" site-four-cpus warn
expect_verdict "$TMP/u.json" cpu-pae pass
[ "$RC" = 1 ] || fail "exit $RC for a warning"

# The check changes nothing: the same tree before and after.
snap() { (cd "$R" && find . -printf '%p %m %s %T@\n' | sort && getfattr -R -d -m - . 2>/dev/null | sort) | sha256sum; }
before=$(snap)
run_hv check --root "$R" --profile rhel5-xen > /dev/null
[ "$before" = "$(snap)" ] || fail "the check modified the root"
