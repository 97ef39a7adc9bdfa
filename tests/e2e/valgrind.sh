#!/usr/bin/env bash
# hvscope under valgrind memcheck on the paths that read the most: the
# live kvm profile, the seed host with an RPM database and SELinux labels,
# broken input.  Any memory error or definite leak fails.
set -eu
: "${HVSCOPE:?}"
. "$(dirname "$0")/lib.sh"
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions="$E2E_DIR/valgrind.supp")
n=0
vg() {
	set +e
	"${VG[@]}" "$HVSCOPE" "$@" > "$TMP/vg.out" 2> "$TMP/vg.err"
	local rc=$?
	set -e
	[ $rc -ne 99 ] || { cat "$TMP/vg.err" >&2; fail "valgrind: hvscope $*"; }
	n=$((n + 1))
}
R=$TMP/root
mkroot "$R" rhel5-xen
# shellcheck disable=SC2086
rpmdb_install "$R" $SEED_PACKAGES
label "$R/var/lib/xen/images" xen_image_t
printf 'name = "bad"\nmemory = \ndisk = [ "file:/newdir/x.img"\n' > "$R/etc/xen/bad"
vg check --profile kvm
vg check --profile kvm --format json
vg check --root "$R" --format junit
vg check --root "$R" --format prometheus
vg check --root "$FIXTURES/xen-dom0-debian" --format json
# golden images: every network and boot configuration reader
for g in debian12-ifupdown debian12-networkd centos7-nm rhel5-ifcfg ubuntu22-netplan fedora40-bls; do
	vg check --root "$FIXTURES/golden/$g" --profile xen --format json
done
vg check --root "$FIXTURES/golden/debian12-ifupdown" --profile kvm
vg check --root "$TMP" --profile xen
vg check --root "$R" --format html
# the fleet's page: reports read back, one that does not parse, one missing
vg check --root "$R" --format json
cp "$TMP/vg.out" "$TMP/vg-r1.json"
printf '{"host": "cut",\n "checks": [{"id": "a", "verdict": "fa' > "$TMP/vg-cut.json"
vg fleet -o "$TMP/vg-fleet.html" "$TMP/vg-r1.json" "$TMP/vg-cut.json" "$TMP/vg-missing.json"
grep -q 'vg-cut.json:2:' "$TMP/vg-fleet.html" || fail "valgrind: the fleet page does not name the report that does not parse"
vg check --list
vg check --explain hwvirt
mkdir -p "$TMP/bad"
printf 'profile: x\nrules:\n  - {id: a, title: [unclosed\n' > "$TMP/bad/a.yaml"
vg check --rules "$TMP/bad"
# top: the libvirt backend (test driver) and the batch writers.
make_node_xml "$TMP/node.xml" 50
vg top -b -i 2 -d 0.2 --connect test:///default --format json
vg top -b -i 2 -d 0.2 --connect "test://$TMP/node.xml" --format csv -v -n -x
vg top -b -i 1 --connect "test://$TMP/missing.xml"
# bundle: collection, scrubbing, --clean and libarchive, on the seed root
# (with the test driver's API dump) and the live host.
printf 'vncpasswd = "s3cret"\n' >> "$R/etc/xen/bad"
vg bundle --root "$R" --connect test:///default --clean -q -o "$TMP/vg-bundle.tar.xz"
vg bundle --no-hypervisor -q -o "$TMP/vg-live.tar.zst"
vg bundle -o "$TMP/vg.zip"
# check --bundle: unpacking (tar.xz, zip) and the recorded facts
vg check --bundle "$TMP/vg-bundle.tar.xz" --profile xen --format json
vg check --bundle "$TMP/vg.zip"
# top --replay: the bundle's samples read back and printed, and a bundle
# without them
vg top --replay "$TMP/vg-bundle.tar.xz" -b -v -n -x
vg top --replay "$TMP/vg-live.tar.zst" -b
# an sosreport's layout: its package listing behind sos's link
S=$TMP/sosreport-vg
mkroot "$S" rhel5-xen
mkdir -p "$S/sos_commands/rpm" "$S/sos_logs"
printf '%-59s %s\n' kernel-xen-2.6.18-92.el5.x86_64 "Tue 11 Mar 2009" xen-3.0.3-64.el5.x86_64 "Tue 11 Mar 2009" > "$S/sos_commands/rpm/rpm_-qa"
ln -s sos_commands/rpm/rpm_-qa "$S/installed-rpms"
mkdir -p "$S/sos_commands/process" "$S/sos_commands/startup"
printf 'USER PID %%CPU %%MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 2 0.0 0.0 0 0 ? S 09:38 0:00 [kthreadd]\nroot 3021 0.1 0.4 155720 10020 ? S 09:40 0:02 /usr/bin/python /usr/sbin/xend start\n' > "$S/sos_commands/process/ps_auxwww"
printf 'xend 0:off 1:off 2:off 3:on 4:on 5:on 6:off\n' > "$S/sos_commands/startup/chkconfig_--list"
echo "N 5" > "$S/sos_commands/startup/runlevel"
(cd "$TMP" && tar -cJf sos-vg.tar.xz sosreport-vg)
vg check --bundle "$TMP/sos-vg.tar.xz" --format json
# exporter: serve two scrapes, stop on SIGTERM, exit clean.
P=$(free_port)
"${VG[@]}" "$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect test:///default --check.interval 3600 \
	2> "$TMP/vg-exp.err" &
vgpid=$!
wait_http "http://127.0.0.1:$P/healthz" 60
curl -fs -o /dev/null "http://127.0.0.1:$P/metrics"
curl -fs -o /dev/null "http://127.0.0.1:$P/metrics"
curl -s -o /dev/null -X POST "http://127.0.0.1:$P/metrics"
kill -TERM $vgpid
set +e
wait $vgpid
rc=$?
set -e
[ $rc -ne 99 ] || { cat "$TMP/vg-exp.err" >&2; fail "valgrind: hvscope exporter"; }
n=$((n + 1))
echo "valgrind: $n passed, 0 failed"
