# The HTML pages in a real browser: check --format html of a root whose
# host name, os-release and guest definitions carry markup, the same page
# as a bundle's index.html, and hvscope fleet over JSON reports (one with
# markup in its host, evidence and remedy, one that does not parse).
# Debian's chromium renders each (--dump-dom); tests/e2e/html_dom.py
# asserts on the DOM: no element or link from host data, the hostile text
# shown as text, failing checks first, rows worst first, every cell's link
# landing on its check.  Screenshots are kept in build/e2e-artifacts/html/.
. "$(dirname "$0")/lib.sh"
need python3
need chromium
ART=${HVSCOPE_ARTIFACTS:-$TOP/build/e2e-artifacts}/html
mkdir -p "$ART"

browser() { # MODE FILE OUT: --dump-dom into OUT, or a screenshot at OUT
	local sandbox=()
	[ "$(id -u)" != 0 ] || sandbox=(--no-sandbox)
	local args=(--headless --disable-gpu "${sandbox[@]}" --user-data-dir="$TMP/chromium" --no-first-run)
	if [ "$1" = dom ]; then
		timeout 120 chromium "${args[@]}" --dump-dom "file://$2" > "$3" 2> "$TMP/chromium.log" || fail "chromium --dump-dom $2: $(tail -3 "$TMP/chromium.log")"
	else
		timeout 120 chromium "${args[@]}" --window-size=1280,2000 --screenshot="$3" "file://$2" > /dev/null 2> "$TMP/chromium.log" ||
			fail "chromium --screenshot $2: $(tail -3 "$TMP/chromium.log")"
		head -c 8 "$3" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "$3: not a PNG"
	fi
	[ -s "$3" ] || fail "chromium wrote nothing for $2"
}

# What the page may hold: no script, no element that loads (src=), no web
# address in an attribute but a reference's link, nothing loaded by the
# style (url(), @import); with "strict", no web address outside those
# links at all (the fleet's hand-written report carries some as text).
self_contained() {
	grep -qi '<script' "$1" && fail "$1: a <script> in the file"
	grep -q 'src="' "$1" && fail "$1: a src= attribute"
	grep -qiE 'url\(|@import' "$1" && fail "$1: the style loads something"
	local rest
	rest=$(sed -E 's|<a class="ref" rel="noreferrer" href="https?://[^"]*">[^<]*</a>||g' "$1")
	echo "$rest" | grep -qE '="https?://' && fail "$1: a web address in an attribute: $(echo "$rest" | grep -oE '="https?://[^"]*' | head -3)"
	[ "${2:-}" != strict ] || ! echo "$rest" | grep -qE 'https?://' ||
		fail "$1: a web address outside the reference links: $(echo "$rest" | grep -oE 'https?://[^ <]*' | head -3)"
	grep -q "default-src 'none'" "$1" || fail "$1: no Content-Security-Policy"
	return 0
}

# A KVM host whose name, os-release and first guest carry markup.
HOST='<script>alert("host")</script><b>evil</b>'
R=$TMP/root
mkroot "$R" kvm-host
printf '%s\n' "$HOST" > "$R/etc/hostname"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="<img src=x onerror=alert(1)> Debian"\n' > "$R/etc/os-release"
sed -i -e "s|<name>web1</name>|<name>\&lt;script\&gt;alert(1)\&lt;/script\&gt;web1</name>|" \
	-e "s|/var/lib/libvirt/images/web1.qcow2|/var/lib/libvirt/images/\&lt;b\&gt;web1\&lt;/b\&gt;.qcow2|" "$R/etc/libvirt/qemu/web1.xml"

run_hv check --root "$R" --profile kvm --format json > "$TMP/hostile.json"
[ "$RC" = 2 ] || fail "check --format json exited $RC"
run_hv check --root "$R" --profile kvm --format html > "$TMP/hostile.html"
[ "$RC" = 2 ] || fail "check --format html exited $RC, not the verdicts' 2"
grep -q 'web1' "$TMP/hostile.json" && grep -q '<script>alert(1)</script>web1' "$TMP/hostile.json" ||
	fail "the guest's name did not reach the report: $(grep -o '"id":"guest-vcpus[^"]*"' "$TMP/hostile.json")"
self_contained "$TMP/hostile.html" strict
browser dom "$TMP/hostile.html" "$TMP/hostile.dom"
python3 "$E2E_DIR/html_dom.py" report "$TMP/hostile.dom" "$TMP/hostile.json" "$HOST" || fail "the report page's DOM"
browser shot "$TMP/hostile.html" "$ART/check-hostile.png"
cp "$TMP/hostile.html" "$ART/check-hostile.html"

# This machine's own report, as an admin would look at it.
run_hv check --format json > "$TMP/live.json"
run_hv check --format html > "$TMP/live.html"
self_contained "$TMP/live.html" strict
browser dom "$TMP/live.html" "$TMP/live.dom"
python3 "$E2E_DIR/html_dom.py" report "$TMP/live.dom" "$TMP/live.json" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["host"])' "$TMP/live.json")" ||
	fail "the live report page's DOM"
browser shot "$TMP/live.html" "$ART/check-live.png"

# The bundle's index.html is the same page.
run_hv bundle --root "$R" --no-hypervisor --profile kvm -o "$TMP/b.tar" > /dev/null 2> "$TMP/bundle.err"
[ "$RC" = 0 ] || fail "bundle exited $RC: $(cat "$TMP/bundle.err")"
mkdir "$TMP/b"
tar -xf "$TMP/b.tar" -C "$TMP/b"
IDX=$(find "$TMP/b" -mindepth 2 -maxdepth 2 -name index.html)
[ -n "$IDX" ] || fail "no index.html at the bundle's top: $(tar -tf "$TMP/b.tar" | head -5)"
grep -q '"index.html"' "$(dirname "$IDX")/manifest.json" || fail "index.html not in the manifest"
self_contained "$IDX" strict
browser dom "$IDX" "$TMP/index.dom"
python3 "$E2E_DIR/html_dom.py" report "$TMP/index.dom" "$(dirname "$IDX")/check/report.json" "$HOST" || fail "the bundle's index.html DOM"
browser shot "$IDX" "$ART/bundle-index.png"

# The fleet: the hostile root's report, this machine's, one written by hand
# with markup in host, evidence and remedy, one all-pass, and one that does
# not parse.
mkdir "$TMP/fleet"
cp "$TMP/hostile.json" "$TMP/fleet/hostile-root.json"
cp "$TMP/live.json" "$TMP/fleet/live.json"
cat > "$TMP/fleet/hand.json" <<'EOF'
{"host": "<iframe src=\"https://example.org/\"></iframe>hand\"'&", "profile": "kvm", "started": "2026-12-08T00:00:00Z",
 "checks": [
  {"id": "tun", "verdict": "fail", "title": "<svg onload=alert(1)>", "fact": "path./dev/net/tun.exists", "seen": "false",
   "evidence": "</pre></details><script>alert('evidence')</script>", "expected": "== true",
   "remedy": "modprobe tun && echo '<b>done</b>' > /tmp/x", "reference": "javascript:alert('ref')"},
  {"id": "hwvirt", "verdict": "warn", "evidence": "<a href=\"https://evil.example/\">click</a>", "remedy": "none"},
  {"id": "kvm-device", "verdict": "pass"}
 ]}
EOF
printf '{"host": "calm", "checks": [{"id": "tun", "verdict": "pass"}, {"id": "hwvirt", "verdict": "pass"}]}\n' > "$TMP/fleet/calm.json"
printf '{"host": "cut",\n  "checks": [{"id": "tun", "verdict": "pa' > "$TMP/fleet/broken.json"
cd "$TMP/fleet"
run_hv fleet --output "$TMP/fleet.html" calm.json hostile-root.json broken.json live.json hand.json 2> "$TMP/fleet.err"
cd - > /dev/null
[ "$RC" = 1 ] || fail "fleet with an unreadable report exited $RC, not 1: $(cat "$TMP/fleet.err")"
grep -q "^hvscope fleet: broken.json:2:41: " "$TMP/fleet.err" || fail "the parse error not named at line:column: $(cat "$TMP/fleet.err")"
self_contained "$TMP/fleet.html"
grep -q 'href="https://evil' "$TMP/fleet.html" && fail "a link from a report's evidence"
browser dom "$TMP/fleet.html" "$TMP/fleet.dom"
(cd "$TMP/fleet" && python3 "$E2E_DIR/html_dom.py" fleet "$TMP/fleet.dom" calm.json hostile-root.json broken.json live.json hand.json) ||
	fail "the fleet page's DOM"
grep -q "broken.json:2:41: " "$TMP/fleet.dom" || fail "the fleet page does not name the parse error"
browser shot "$TMP/fleet.html" "$ART/fleet.png"
cp "$TMP/fleet.html" "$ART/fleet.html"
# All read: 0; to standard output without --output; nothing given: 3.
run_hv fleet "$TMP/fleet/calm.json" > "$TMP/one.html"
[ "$RC" = 0 ] && grep -q '<table class="fleet">' "$TMP/one.html" || fail "fleet of one readable report: exit $RC"
run_hv fleet 2> /dev/null
[ "$RC" = 3 ] || fail "fleet without a report exited $RC"
note "screenshots in $ART"
