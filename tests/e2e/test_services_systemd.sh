# The systemd path of the service probe with a stand-in systemctl, for the
# states hard to reach on a real systemd (tests/xen's systemd boot covers
# the real one): a running service, a failed one, a daemon exited while its
# socket listens (libvirtd --timeout 120 behind libvirtd.socket), a daemon
# running but disabled at boot, a unit that does not exist.  systemd is not
# PID 1 here: /run/systemd/system, what sd_booted() looks at, is made in a
# private mount namespace on a tmpfs over /run, never on the host.
. "$(dirname "$0")/lib.sh"
need python3 unshare
[ "$(id -u)" = 0 ] || skip not-root "needs root for a private mount namespace"
[ -d /run/systemd/system ] && skip systemd-pid1 "systemd runs here: the live path is the real one"
mkdir -p "$TMP/bin" "$TMP/rules"
# systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState UNIT...
cat > "$TMP/bin/systemctl" <<'SH'
#!/bin/sh
shift 9
first=1
for unit in "$@"; do
	[ $first = 1 ] || echo
	first=0
	case "$unit" in
	xend.service) set -- loaded active running enabled ;;
	xendomains.service) set -- loaded failed failed enabled ;;
	libvirtd.service) set -- loaded inactive dead enabled ;;
	libvirtd.socket) set -- loaded active listening enabled ;;
	libvirtd-ro.socket) set -- loaded active listening enabled ;;
	libvirtd-admin.socket) set -- loaded active listening enabled ;;
	virtlogd.service) set -- loaded active running indirect ;;
	virtlogd.socket) set -- loaded inactive dead disabled ;;
	*.socket) set -- not-found inactive dead "" ;;
	*) set -- not-found inactive dead "" ;;
	esac
	printf 'LoadState=%s\nActiveState=%s\nSubState=%s\nUnitFileState=%s\n' "$1" "$2" "$3" "$4"
done
SH
chmod +x "$TMP/bin/systemctl"
cat > "$TMP/rules/sd.yaml" <<'Y'
profile: sd
rules:
  - {id: xend, title: xend runs, fact: service.xend.running, expect: true, remedy: systemctl start xend}
  - {id: xendomains, title: xendomains runs, fact: service.xendomains.running, expect: true, remedy: systemctl start xendomains}
  - {id: init, title: systemd is init, fact: init.systemd, expect: true, remedy: none}
  - {id: libvirtd-avail, title: libvirtd available, fact: service.libvirtd.available, expect: true, remedy: none}
  - {id: libvirtd-run, title: libvirtd runs, fact: service.libvirtd.running, expect: true, remedy: none}
  - {id: libvirtd-en, title: libvirtd enabled, fact: service.libvirtd.enabled, expect: true, remedy: none}
  - {id: virtlogd-en, title: virtlogd enabled, fact: service.virtlogd.enabled, expect: true, remedy: none}
  - {id: either, title: one of them, fact: service.nosuch|libvirtd.available, expect: true, remedy: none}
  - {id: nosuch, title: no such unit, fact: service.nosuch.available, expect: true, remedy: none}
Y
rc=0
PATH="$TMP/bin:$PATH" unshare --mount sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec "$@"' sh \
	"$HVSCOPE" check --rules "$TMP/rules" --profile sd --format json > "$TMP/out.json" || rc=$?
[ "$rc" -le 2 ] || fail "check exited $rc (0 to 2 are verdicts)"
[ ! -e /run/systemd/system ] || fail "the test left /run/systemd/system on the host"
ev() { field "$TMP/out.json" "$1" evidence; }
expect_verdict "$TMP/out.json" init pass
expect_verdict "$TMP/out.json" xend pass
ev xend | grep -q "systemd: xend.service is active (running)" || fail "evidence: $(ev xend)"
expect_verdict "$TMP/out.json" xendomains fail
ev xendomains | grep -q "systemd: xendomains.service is failed" || fail "failed unit: $(ev xendomains)"
expect_verdict "$TMP/out.json" libvirtd-avail pass
ev libvirtd-avail | grep -q "libvirtd.socket listening; libvirtd.service is inactive and starts on demand" ||
	fail "socket activation: $(ev libvirtd-avail)"
expect_verdict "$TMP/out.json" libvirtd-run fail
expect_verdict "$TMP/out.json" libvirtd-en pass
expect_verdict "$TMP/out.json" virtlogd-en pass
ev virtlogd-en | grep -q "virtlogd.service indirect" || fail "indirect: $(ev virtlogd-en)"
expect_verdict "$TMP/out.json" either pass
expect_verdict "$TMP/out.json" nosuch fail
ev nosuch | grep -q "no nosuch.service unit" || fail "a missing unit: $(ev nosuch)"
