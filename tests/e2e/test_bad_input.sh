# Bad input gets a clear message naming the file (and line:column), a
# non-zero exit where the user must act, and never a crash.
. "$(dirname "$0")/lib.sh"
need python3

# expect_err EXIT-CODE MESSAGE-REGEX -- hvscope args...
expect_err() {
	local want=$1 re=$2
	shift 3
	set +e
	"$HVSCOPE" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
	local rc=$?
	set -e
	[ $rc -eq "$want" ] || fail "hvscope $*: exit $rc, expected $want; stderr: $(cat "$TMP/stderr")"
	grep -Eq -- "$re" "$TMP/stderr" || fail "hvscope $*: stderr lacks /$re/: $(cat "$TMP/stderr")"
	[ $rc -lt 128 ] || fail "hvscope $* crashed (signal $((rc - 128)))"
}

D=$TMP/rules
mkdir -p "$D"
rule() { rm -f "$D"/*.yaml; cat > "$D/$1"; }

rule broken.yaml <<'Y'
profile: mine
rules:
  - id: a
    title: [unclosed
Y
expect_err 3 "$D/broken.yaml:5:1: did not find expected .* \\(while parsing a flow sequence that starts at 4:12\\)" -- check --rules "$D" --list

rule unknown-key.yaml <<'Y'
profile: mine
rules:
  - id: a
    title: A
    fact: cpu.flag.pae
    expect: true
    remedy: none
    severty: warn
Y
expect_err 3 "$D/unknown-key.yaml:8:5: unknown key 'severty' in a rule" -- check --rules "$D" --list

rule unknown-fact.yaml <<'Y'
profile: mine
rules:
  - id: a
    title: A
    fact: cpu.flag.pae
    expect: true
    remedy: none
  - id: b
    title: B
    fact: no.such.fact
    expect: true
    remedy: none
Y
expect_err 3 "$D/unknown-fact.yaml:10:11: no probe provides the fact 'no.such.fact'" -- check --rules "$D" --list

rule bad-op.yaml <<'Y'
profile: mine
rules:
  - id: a
    title: A
    fact: cpu.logical
    expect: {more_than: 2}
    remedy: none
Y
expect_err 3 "$D/bad-op.yaml:6:14: unknown operator 'more_than'" -- check --rules "$D" --list

rule bad-regex.yaml <<'Y'
profile: mine
rules:
  - id: a
    title: A
    fact: cpu.model
    expect: {matches: "([unclosed"}
    remedy: none
Y
expect_err 3 "$D/bad-regex.yaml:6:23: bad regular expression" -- check --rules "$D" --list

rule dup.yaml <<'Y'
profile: mine
rules:
  - {id: a, title: A, fact: cpu.logical, expect: 2, remedy: none}
  - {id: a, title: B, fact: cpu.logical, expect: 2, remedy: none}
Y
expect_err 3 "$D/dup.yaml:4:5: rule id 'a' already used" -- check --rules "$D" --list

printf 'profile: x\nrules: []\n\x00\x01\xff' > "$D/dup.yaml"
expect_err 3 "$D/dup.yaml:[0-9]+:[0-9]+: " -- check --rules "$D" --list

rm -f "$D"/*.yaml
expect_err 3 "no profile 'nope'" -- check --profile nope
expect_err 3 "no rule 'nope' in profile kvm" -- check --profile kvm --only nope
expect_err 3 "--root /nonexistent: not a directory" -- check --root /nonexistent
expect_err 3 "unknown format 'xml'" -- check --format xml
# Numbers past an int or a timespec: refused, not truncated (4294967297
# iterations were 1; a deadline of 2^32+1 ms was 1 ms).
expect_err 3 "--iterations 4294967297: give a count between 1 and 2147483647" -- top -b -i 4294967297
expect_err 3 "--iterations 99999999999999999999" -- top -b -i 99999999999999999999
expect_err 3 "--deadline 4294967297: give milliseconds between 1 and 3600000" -- top -b --deadline 4294967297
expect_err 3 "--delay nan" -- top -b -d nan
expect_err 3 "--connections 17: give 1 to 16" -- top -b --connections 17
expect_err 3 "--libvirt.connections 0: give 1 to 16" -- exporter --libvirt.connections 0
expect_err 3 "--deadline 4294967297" -- exporter --deadline 4294967297
expect_err 3 "--check.interval 1e300" -- exporter --check.interval 1e300
expect_err 3 "--scrape.timeout inf" -- exporter --scrape.timeout inf
expect_err 1 "--since inf" -- bundle --since inf -o "$TMP/never.tar"
expect_err 1 "--samples 0: give a count between 1 and 600" -- bundle --samples 0 -o "$TMP/never.tar"
expect_err 1 "--sample-interval 61: give seconds between 0.1 and 60" -- bundle --sample-interval 61 -o "$TMP/never.tar"
expect_err 1 "--replay $TMP/none: No such file" -- top -b --replay "$TMP/none"
expect_err 3 "unknown command 'chekc'" -- chekc
expect_err 3 "$TMP/none: No such file" -- check --rules "$TMP/none"

# Host files: truncated cpuinfo, binary junk in a guest config, a broken
# libvirt XML, no RPM database, an empty root.
R=$TMP/root
mkroot "$R" rhel5-xen
head -c 100 "$FIXTURES/rhel5-xen/proc/cpuinfo" > "$R/proc/cpuinfo"
head -c 3000 /dev/urandom > "$R/etc/xen/junk"
printf 'name = "ok"\nmemory = 512\nvcpus = \ndisk = [ "phy:/dev/sdb,xvda,w"\n' > "$R/etc/xen/partial"
mkdir -p "$R/etc/libvirt/qemu"
printf '<domain type="kvm"><name>x</name><memory>1024\n</domain>' > "$R/etc/libvirt/qemu/x.xml"
run_hv check --root "$R" --profile rhel5-xen --format json > "$TMP/out.json"
[ "$RC" = 3 ] || fail "truncated cpuinfo: exit $RC, expected 3 (could not run)"
expect_verdict "$TMP/out.json" cpu-pae error
field "$TMP/out.json" cpu-pae reason | grep -q "/proc/cpuinfo" || fail "the error does not name /proc/cpuinfo"
expect_verdict "$TMP/out.json" guest-configs-parse warn
seen=$(field "$TMP/out.json" guest-configs-parse seen)
# Binary junk is not a guest config: skipped by what it is, none of it quoted.
echo "$seen" | grep -q "/etc/xen/junk" && fail "binary junk read as a guest config: $seen"
mkdir -p "$TMP/skipped-rules"
cat > "$TMP/skipped-rules/s.yaml" <<'Y'
profile: rhel5-xen
rules:
  - id: show-skipped
    title: files that are not guests
    severity: warn
    fact: guest.skipped
    expect: {empty: true}
    remedy: none
Y
run_hv check --root "$R" --profile rhel5-xen --rules "$TMP/skipped-rules" --only show-skipped --format json > "$TMP/skipped.json"
field "$TMP/skipped.json" show-skipped seen | grep -q "/etc/xen/junk: binary content" || fail "junk not listed as skipped"
echo "$seen" | grep -q "/etc/xen/partial:3:9: missing value" || fail "partial config not named with line:col: $seen"
echo "$seen" | grep -q "/etc/xen/partial:4:8: list not closed" || fail "unclosed list not named: $seen"
echo "$seen" | grep -q "/etc/libvirt/qemu/x.xml:[0-9]*:[0-9]*: " || fail "broken XML not named: $seen"
expect_verdict "$TMP/out.json" kernel-xen-installed fail
field "$TMP/out.json" kernel-xen-installed evidence | grep -q "no package database" || fail "no RPM database is not said"

# A binary file as a rule file's neighbour and an empty root: no crash.
E=$TMP/empty
mkdir -p "$E"
for p in rhel5-xen xen kvm; do
	run_hv check --root "$E" --profile $p --format json > "$TMP/empty-$p.json"
	[ "$RC" -lt 128 ] || fail "empty root, profile $p: crashed"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/empty-$p.json" || fail "empty root: invalid JSON"
done

# Unreadable files as a user: grub.conf is 0600 on RHEL 5.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkroot "$TMP/r2" rhel5-xen
	chmod -R a+rX "$TMP"
	chmod 600 "$TMP/r2/boot/grub/grub.conf"
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HVSCOPE" check --root "$TMP/r2" --profile rhel5-xen --format json --only boot-default-xen,cpu-pae > "$TMP/user.json"
	rc=$?
	set -e
	expect_verdict "$TMP/user.json" boot-default-xen skip
	field "$TMP/user.json" boot-default-xen reason | grep -q "needs root" || fail "an unreadable grub.conf is not 'needs root'"
	[ $rc = 0 ] || fail "as a user: exit $rc (a skipped check is not a failure)"
	note "unreadable grub.conf as a user: SKIP (needs root)"
fi

# Sizes and counts in guest XML that do not fit: refused with the value
# named (guest-configs-parse), the guest's figure unknown (SKIP), never a
# wrapped number or a default standing in (UBSan aborts on the overflow).
X=$TMP/bigxml
mkdir -p "$X/etc/libvirt/qemu"
cat > "$X/etc/libvirt/qemu/big.xml" <<'XML'
<domain type='kvm'>
  <name>big</name>
  <memory unit='GB'>99999999999999</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu current='99'>4</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
XML
cat > "$X/etc/libvirt/qemu/wide.xml" <<'XML'
<domain type='kvm'>
  <name>wide</name>
  <memory unit='PiB'>1</memory>
  <currentMemory unit='bytes'>1073741824</currentMemory>
  <vcpu placement='static'>99999999999</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
XML
run_hv check --root "$X" --profile kvm --format json --only guest-configs-parse,guest-memory-min,guest-vcpus > "$TMP/big.json"
[ "$RC" -lt 128 ] || fail "oversized guest XML: crashed ($RC)"
seen=$(field "$TMP/big.json" guest-configs-parse seen)
for want in "big.xml:3: <memory>: 99999999999999 GB is too large" "big.xml:5: <vcpu current='99'>: not a count from 1 to 4" \
	"wide.xml:5: <vcpu>: '99999999999' is not a vCPU count"; do
	grep -qF "$want" <<< "$seen" || fail "oversized guest XML: '$want' not in: $seen"
done
expect_verdict "$TMP/big.json" "guest-memory-min[big]" skip
expect_verdict "$TMP/big.json" "guest-vcpus[wide]" skip
expect_verdict "$TMP/big.json" "guest-memory-min[wide]" pass
field "$TMP/big.json" "guest-memory-min[wide]" seen | grep -qx 1024 || fail "1073741824 bytes is 1024 MiB"
note "oversized guest XML: refused with the value named, the figures unknown"
