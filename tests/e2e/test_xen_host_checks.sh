# The xen profile's share of issue 30's host checks: the dom0 kernel's CPU
# vulnerability entries read as a PV dom0 gives them (meltdown's "Unknown
# (XEN PV detected, hypervisor mitigation required)" is Xen's to mitigate),
# Xen's own spec-ctrl= and smt= choices on its command line (the boot
# loader's default entry).  Over a Debian 12 dom0 fixture with an overlay
# that passes (xen-hardened: microcode loaded, smt=0) and one that warns
# (xen-exposed: MDS without microcode, spec-ctrl=no-xen, no smt= on an
# L1TF/MDS CPU); the spec-ctrl= forms Xen's documentation gives; a CPU
# L1TF does not affect; the same files as an sosreport; an image.
. "$(dirname "$0")/lib.sh"
need python3
ONLY=cpu-vulnerability,xen-spec-ctrl,xen-smt

G=$TMP/good
mkroot "$G" xen-dom0-debian xen-hardened
run_hv check --root "$G" --profile xen --only $ONLY --format json > "$TMP/good.json"
[ "$RC" -eq 0 ] || fail "hardened dom0: exit $RC"
[ -z "$(all_verdicts "$TMP/good.json" | awk '$2 != "pass"')" ] || fail "hardened dom0: $(all_verdicts "$TMP/good.json")"
[ "$(all_verdicts "$TMP/good.json" | wc -l)" -eq 8 ] || fail "hardened dom0: want 5 entries and 3 Xen checks: $(all_verdicts "$TMP/good.json")"
expect_verdict "$TMP/good.json" "cpu-vulnerability[meltdown]" pass
field "$TMP/good.json" "cpu-vulnerability[meltdown]" seen | grep -qx "Unknown (XEN PV detected, hypervisor mitigation required)" ||
	fail "meltdown as a PV dom0 sees it: $(field "$TMP/good.json" "cpu-vulnerability[meltdown]" seen)"
field "$TMP/good.json" "xen-smt[l1tf]" evidence | grep -q "hypervisor's line" || fail "smt evidence: $(field "$TMP/good.json" "xen-smt[l1tf]" evidence)"

B=$TMP/bad
mkroot "$B" xen-dom0-debian xen-exposed
run_hv check --root "$B" --profile xen --only $ONLY --format json > "$TMP/bad.json"
[ "$RC" -eq 1 ] || fail "exposed dom0: exit $RC, want 1 (WARN)"
expect_verdict "$TMP/bad.json" "cpu-vulnerability[mds]" warn
field "$TMP/bad.json" "cpu-vulnerability[mds]" remedy | grep -q "ucode=scan" || fail "mds remedy names Xen's microcode loading"
expect_verdict "$TMP/bad.json" "cpu-vulnerability[meltdown]" pass
expect_verdict "$TMP/bad.json" "cpu-vulnerability[l1tf]" pass
expect_verdict "$TMP/bad.json" xen-spec-ctrl warn
field "$TMP/bad.json" xen-spec-ctrl seen | grep -q "spec-ctrl=no-xen" || fail "spec-ctrl seen: $(field "$TMP/bad.json" xen-spec-ctrl seen)"
field "$TMP/bad.json" xen-spec-ctrl remedy | grep -q "xl dmesg | grep -i spec" || fail "spec-ctrl remedy"
expect_verdict "$TMP/bad.json" "xen-smt[l1tf]" warn
expect_verdict "$TMP/bad.json" "xen-smt[mds]" warn

# Xen's spec-ctrl= forms (docs/misc/xen-command-line.pandoc): a false
# boolean, a negated xen/pv/hvm, or =0 on one turns mitigations off, as
# does xpti= (Xen's Meltdown mitigation for PV) off for dom0 or domUs;
# fine-grained choices and other options do not.
X=$TMP/forms
mkroot "$X" xen-dom0-debian xen-hardened
cfg=$X/boot/grub/grub.cfg
cp "$cfg" "$TMP/grub.cfg"
for form in "spec-ctrl=no:warn" "spec-ctrl=0:warn" "spec-ctrl=off:warn" "spec-ctrl=false:warn" "spec-ctrl=no-pv:warn" \
	"spec-ctrl=ibpb=1,hvm=0:warn" "spec-ctrl=no-hvm,bti-thunk=retpoline:warn" \
	"spec-ctrl=bti-thunk=retpoline:pass" "spec-ctrl=no-ibpb-entry:pass" "spec-ctrl=1:pass" "xpti=false:warn" "xpti=dom0=0:warn" "xpti=no-domu:warn" "xpti=default:pass" "xpti=dom0=1,domu=1:pass"; do
	opt=${form%:*} want=${form##*:}
	sed "s|ucode=scan smt=0|ucode=scan smt=0 $opt|" "$TMP/grub.cfg" > "$cfg"
	run_hv check --root "$X" --profile xen --only xen-spec-ctrl --format json > "$TMP/form.json"
	[ "$(field "$TMP/form.json" xen-spec-ctrl verdict)" = "$want" ] || fail "$opt: $(field "$TMP/form.json" xen-spec-ctrl verdict), want $want"
done

# A CPU that neither L1TF nor MDS affects: Xen asks for no smt= choice.
echo "Not affected" > "$X/sys/devices/system/cpu/vulnerabilities/l1tf"
echo "Not affected" > "$X/sys/devices/system/cpu/vulnerabilities/mds"
sed "s| smt=0||" "$TMP/grub.cfg" > "$cfg"
run_hv check --root "$X" --profile xen --only xen-smt --format json > "$TMP/nosmt.json"
expect_verdict "$TMP/nosmt.json" "xen-smt[l1tf]" skip
expect_verdict "$TMP/nosmt.json" "xen-smt[mds]" skip

# A default entry that does not boot Xen: Xen's command line is unknown.
sed -i 's/set default="0"/set default="1"/' "$cfg"
run_hv check --root "$X" --profile xen --only xen-spec-ctrl --format json > "$TMP/noxen.json"
expect_verdict "$TMP/noxen.json" xen-spec-ctrl skip

# The same dom0 as an sosreport (sos 4.x layout: the processor plugin
# copies /sys/devices/system/cpu, the grub2 plugin /boot/grub/grub.cfg,
# the xen plugin /proc/xen/capabilities): the same verdicts.
S=$TMP/sos
mkroot "$S" xen-dom0-debian xen-exposed
mkdir -p "$S/sos_logs" "$S/sos_reports" "$S/sos_commands/kernel"
echo "sos report version 4.5.6" > "$S/sos_logs/sos.log"
run_hv check --bundle "$S" --profile xen --only $ONLY --format json > "$TMP/sos.json"
python3 - "$TMP/bad.json" "$TMP/sos.json" <<'PY' || fail "sosreport verdicts differ"
import json, sys
a, b = ({(c["id"], c.get("item")): c["verdict"] for c in json.load(open(p))["checks"]} for p in sys.argv[1:])
diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
sys.exit(f"root vs sosreport: {diff}" if diff else 0)
PY

# An image (an empty /proc): no running dom0 kernel, so no vulnerability
# verdict; Xen's command line is configuration, read as the image has it.
I=$TMP/image
mkroot "$I" xen-dom0-debian xen-exposed
rm -rf "$I/proc" "$I/sys"; mkdir "$I/proc"
run_hv check --root "$I" --profile xen --only $ONLY --format json > "$TMP/image.json"
all_verdicts "$TMP/image.json" | grep '^cpu-vulnerability' | awk '$2 != "skip"' | grep -q . && fail "image: $(all_verdicts "$TMP/image.json")"
expect_verdict "$TMP/image.json" xen-spec-ctrl warn
note "xen host checks: $(all_verdicts "$TMP/bad.json" | wc -l) checks on the exposed dom0"
