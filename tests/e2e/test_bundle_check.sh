# hvscope check --bundle: the checklist run again on a support bundle.
# The round trip as a property: for every fixture root (and each overlay),
# and for this host, every check of every profile gives the same verdict
# on the host and on its bundle.  The bundle as an archive and as the
# directory it unpacks to; --only and every --format; a site rule reading a
# fact the bundle never recorded says SKIP, not in the bundle; hostile and
# broken archives give a clear error, write nothing outside a private
# directory and leave nothing behind.
. "$(dirname "$0")/lib.sh"
need python3 tar
export TMPDIR=$TMP/private # where check unpacks: must be empty afterwards
mkdir -p "$TMPDIR"

# --- the round trip ------------------------------------------------------
n=0
for spec in rhel5-xen kvm-host xen-dom0-debian "rhel5-xen amd" "rhel5-xen no-pae" "rhel5-xen vt-disabled" "xen-dom0-debian vt-disabled"; do
	R=$TMP/root-${spec// /-}
	# shellcheck disable=SC2086
	mkroot "$R" $spec
	round_trip "$R" "$spec"
	n=$((n + 1))
done
round_trip / "this host"
note "round trip: $n fixture roots and this host, every profile, $RT_CHECKS checks: the same verdict from the bundle"

# --- the archive, its directory, the options -------------------------------
R=$TMP/root-rhel5-xen
"$HVSCOPE" bundle --root "$R" -q -o "$TMP/b.tar.xz" > /dev/null || fail "bundle"
mkdir "$TMP/unpacked"
tar -C "$TMP/unpacked" -xf "$TMP/b.tar.xz"
top=$(ls "$TMP/unpacked")
for fmt in json junit prometheus text; do
	run_hv check --root "$R" --profile rhel5-xen --format $fmt > "$TMP/host.$fmt"
	rh=$RC
	run_hv check --bundle "$TMP/unpacked/$top" --profile rhel5-xen --format $fmt > "$TMP/dir.$fmt"
	[ "$RC" = "$rh" ] || fail "--format $fmt: exit $RC from the bundle's directory, $rh on the host"
done
run_hv check --bundle "$TMP/unpacked" --profile rhel5-xen --format json > "$TMP/parent.json"
[ "$(all_verdicts "$TMP/parent.json")" = "$(all_verdicts "$TMP/host.json")" ] || fail "the directory holding the bundle's directory"
grep -q 'root: bundle ' "$TMP/dir.text" || fail "the text report does not say it came from a bundle: $(head -3 "$TMP/dir.text")"
grep -q '<testcase' "$TMP/dir.junit" && grep -q '^hvscope_check_status' "$TMP/dir.prometheus" || fail "junit or prometheus from a bundle"
run_hv check --bundle "$TMP/b.tar.xz" --only kernel-xen-running,cpu-pae --format json > "$TMP/only.json"
[ "$(all_verdicts "$TMP/only.json" | awk '{ print $1 }' | sort | tr '\n' ' ')" = "cpu-pae kernel-xen-running " ] || fail "--only: $(all_verdicts "$TMP/only.json")"
# auto picks the profile from the recorded facts, as it did on the host
run_hv check --bundle "$TMP/b.tar.xz" --format json > "$TMP/auto.json"
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["profile"] == "rhel5-xen" else 1)' "$TMP/auto.json" ||
	fail "auto profile from the bundle: $(head -c 300 "$TMP/auto.json")"
# evidence travels with the facts: the same seen values and evidence as
# the report made with them (the host's own figures, such as free disk
# space, move between two runs)
python3 - "$TMP/unpacked/$top/check/report.json" "$TMP/dir.json" <<'PY' || fail "evidence differs"
import json, sys
a, b = (json.load(open(p))["checks"] for p in sys.argv[1:3])
for x, y in zip(a, b):
    assert (x["id"], x.get("seen"), x.get("evidence")) == (y["id"], y.get("seen"), y.get("evidence")), (x, y)
PY
note "archive and directory: same verdicts, seen values and evidence; --only, text/json/junit/prometheus; auto picks rhel5-xen"

# --- a fact the bundle did not record: SKIP, naming what is missing -------
mkdir -p "$TMP/site"
cat > "$TMP/site/site.yaml" <<'Y'
profile: rhel5-xen
rules:
  - id: site-motd
    title: The site's message of the day is in place
    fact: path.exists./etc/site-motd
    expect: true
    remedy: install -m 644 site-motd /etc/site-motd
Y
run_hv check --bundle "$TMP/b.tar.xz" --rules "$TMP/site" --only site-motd --format json > "$TMP/site.json"
[ "$(verdict "$TMP/site.json" site-motd)" = skip ] || fail "an unrecorded fact: $(cat "$TMP/site.json")"
grep -q 'not in the bundle' "$TMP/site.json" || fail "the skip does not say the bundle lacks it: $(cat "$TMP/site.json")"
run_hv check --root "$R" --rules "$TMP/site" --only site-motd --format json > "$TMP/site-host.json"
[ "$(verdict "$TMP/site-host.json" site-motd)" = fail ] || fail "the site rule should fail on the root itself"
note "a site rule on a fact the bundle lacks: SKIP (not in the bundle); FAIL on the root itself"

# --- this host's raw CPUID: the CPU probe runs on the recorded dump --------
# cx8 is beyond the probe's table of flags, so no profile reads it and the
# bundle did not record it: its answer comes from libcpuid on the dump.
"$HVSCOPE" bundle --no-hypervisor -q -o "$TMP/live.tar.gz" > /dev/null || fail "live bundle"
tar -tzf "$TMP/live.tar.gz" | grep -q '/check/cpuid.raw$' || fail "no check/cpuid.raw in a live bundle"
printf 'profile: kvm\nrules:\n  - {id: cx8, title: cx8, fact: "cpu.flag.cx8", expect: true, remedy: none}\n' > "$TMP/site/cx8.yaml"
run_hv check --profile kvm --rules "$TMP/site" --only cx8 --format json > "$TMP/cx8-host.json"
run_hv check --bundle "$TMP/live.tar.gz" --profile kvm --rules "$TMP/site" --only cx8 --format json > "$TMP/cx8-bundle.json"
[ "$(field "$TMP/cx8-bundle.json" cx8 evidence)" = "$(field "$TMP/cx8-host.json" cx8 evidence)" ] &&
	[ "$(verdict "$TMP/cx8-bundle.json" cx8)" = "$(verdict "$TMP/cx8-host.json" cx8)" ] ||
	fail "cpu.flag.cx8: host $(field "$TMP/cx8-host.json" cx8 evidence), bundle $(field "$TMP/cx8-bundle.json" cx8 evidence)"
field "$TMP/cx8-bundle.json" cx8 evidence | grep -q '^CPUID (libcpuid)' || fail "cx8 not from the CPUID dump: $(field "$TMP/cx8-bundle.json" cx8 evidence)"
note "an unrecorded CPU flag from the bundle's raw CPUID dump: $(field "$TMP/cx8-bundle.json" cx8 evidence), as on the host"

# --- hostile and broken archives ------------------------------------------
mkdir -p "$TMP/out"
python3 - "$TMP/out" "$TMP" <<'PY'
import io, os, sys, tarfile
out, tmp = sys.argv[1], sys.argv[2]
def tar(name, members, mode="w:gz"):
    with tarfile.open(os.path.join(out, name), mode) as t:
        for m, data in members:
            t.addfile(m, io.BytesIO(data) if data is not None else None)
def reg(name, data=b"x"):
    i = tarfile.TarInfo(name); i.size = len(data); return i, data
facts = reg("h/check/facts.json", b"[\n]\n")
tar("absolute.tar.gz", [facts, reg(tmp + "/escaped-absolute")])
tar("dotdot.tar.gz", [facts, reg("h/../../escaped-dotdot")])
s = tarfile.TarInfo("h/files/etc/passwd"); s.type = tarfile.SYMTYPE; s.linkname = "/etc/passwd"
tar("symlink.tar.gz", [facts, (s, None)])
l = tarfile.TarInfo("h/hard"); l.type = tarfile.LNKTYPE; l.linkname = "/etc/shadow"
tar("hardlink.tar.gz", [facts, (l, None)])
d = tarfile.TarInfo("h/dev"); d.type = tarfile.CHRTYPE; d.devmajor, d.devminor = 1, 3
tar("device.tar.gz", [facts, (d, None)])
# a header claiming 600 MiB, a few bytes behind it
big = tarfile.TarInfo("h/huge"); big.size = 600 << 20
open(os.path.join(out, "huge.tar"), "wb").write(facts[0].tobuf() + b"[\n]\n".ljust(512, b"\0") + big.tobuf() + b"\0" * 4096)
# a bomb by count: 100,001 empty members
with tarfile.open(os.path.join(out, "bomb.tar.gz"), "w:gz") as t:
    t.addfile(*[facts[0], io.BytesIO(facts[1])])
    for k in range(100001):
        i = tarfile.TarInfo("h/f%d" % k); t.addfile(i, io.BytesIO(b""))
tar("notabundle.tar.gz", [reg("h/README", b"hello\n")])
# an sosreport's shape with a link chain: each link alone stays inside,
# together they lead two levels above the archive
def dirm(name):
    i = tarfile.TarInfo(name); i.type = tarfile.DIRTYPE; return i, None
def link(name, to):
    i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = to; return i, None
tar("linkchain.tar.gz", [dirm("h/sos_commands"), dirm("h/sos_logs"), link("h/l1", "."), link("h/l2", "l1/l1/../../..")])
tar("badfacts.tar.gz", [reg("h/check/facts.json", b'[\n{"name": "cpu.flag.pae", "status": "ok"}\n]\n')])
open(os.path.join(out, "junk.tar.gz"), "wb").write(os.urandom(4096))
PY
gzip -c < /dev/null > "$TMP/out/empty.gz"
"$HVSCOPE" bundle --root "$R" -q -o "$TMP/out/good.tar.gz" > /dev/null
head -c $(($(stat -c %s "$TMP/out/good.tar.gz") / 2)) "$TMP/out/good.tar.gz" > "$TMP/out/truncated.tar.gz"
hostile() { # ARCHIVE EXPECTED-TEXT
	run_hv check --bundle "$TMP/out/$1" --format json > "$TMP/h.out" 2> "$TMP/h.err"
	[ "$RC" = 3 ] || fail "$1: exit $RC, not 3: $(cat "$TMP/h.err")"
	grep -q -- "$2" "$TMP/h.err" || fail "$1: the error does not say '$2': $(cat "$TMP/h.err")"
	[ ! -s "$TMP/h.out" ] || fail "$1: a report on stdout"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left behind: $(ls -A "$TMPDIR")"
}
hostile absolute.tar.gz "an absolute path or one with '..'"
hostile dotdot.tar.gz "member 'h/../../escaped-dotdot'"
hostile symlink.tar.gz "member 'h/files/etc/passwd': a symlink out of the archive"
hostile linkchain.tar.gz "member 'h/l2': a symlink out of the archive"
hostile hardlink.tar.gz "hard links and devices are refused"
hostile device.tar.gz "hard links and devices are refused"
hostile huge.tar "a member over 512 MiB"
hostile bomb.tar.gz "too many members"
hostile notabundle.tar.gz "neither an hvscope bundle nor an sosreport"
hostile badfacts.tar.gz "facts.json:2: fact 1:"
hostile junk.tar.gz "junk.tar.gz: "
hostile empty.gz "empty.gz: "
hostile truncated.tar.gz "truncated.tar.gz: "
[ ! -e "$TMP/escaped-absolute" ] && [ ! -e "$TMP/../escaped-dotdot" ] && [ ! -e "$TMPDIR/../escaped-dotdot" ] || fail "a member escaped"
run_hv check --bundle "$TMP/nonexistent.tar.gz"
[ "$RC" = 3 ] || fail "a missing bundle: exit $RC"
run_hv check --bundle "$TMP/out/good.tar.gz" --root "$R"
[ "$RC" = 3 ] || fail "--bundle with --root: exit $RC"
note "hostile archives (absolute, .., a symlink out, a chain of symlinks out, hard link, device, a 600 MiB member, 100,001 members), junk, empty, truncated, no facts, broken facts: exit 3 naming the member, nothing written outside, nothing left"
