# The systemd path of the service probe.  systemd is not PID 1 on these
# machines, so this stands in for it: /run/systemd/system (what sd_booted()
# looks at) and a systemctl on PATH that answers "show -p ActiveState
# --value UNIT" from a table.  The probe must ask systemd first and report
# the unit state it was given.
. "$(dirname "$0")/lib.sh"
need python3
[ "$(id -u)" = 0 ] || skip "needs root to create /run/systemd/system"
[ -d /run/systemd/system ] && skip "systemd runs here: the live path is the real one"
mkdir -p "$TMP/bin" "$TMP/rules"
cat > "$TMP/bin/systemctl" <<'SH'
#!/bin/sh
# show -p ActiveState --value UNIT
case "$5" in
	xend.service) echo active ;;
	xendomains.service) echo failed ;;
	*) echo inactive ;;
esac
SH
chmod +x "$TMP/bin/systemctl"
cat > "$TMP/rules/sd.yaml" <<'Y'
profile: sd
rules:
  - {id: xend, title: xend runs, fact: service.xend.running, expect: true, remedy: systemctl start xend}
  - {id: xendomains, title: xendomains runs, fact: service.xendomains.running, expect: true, remedy: systemctl start xendomains}
  - {id: init, title: systemd is init, fact: init.systemd, expect: true, remedy: none}
Y
mkdir -p /run/systemd/system
trap 'rmdir /run/systemd/system /run/systemd 2>/dev/null || true; cleanup' EXIT
PATH="$TMP/bin:$PATH" run_hv check --rules "$TMP/rules" --profile sd --format json > "$TMP/out.json"
expect_verdict "$TMP/out.json" init pass
expect_verdict "$TMP/out.json" xend pass
field "$TMP/out.json" xend evidence | grep -q "systemd: xend.service is active" || fail "evidence: $(field "$TMP/out.json" xend evidence)"
expect_verdict "$TMP/out.json" xendomains fail
field "$TMP/out.json" xendomains evidence | grep -q "systemd: xendomains.service is failed" || fail "failed unit"
