#!/usr/bin/env bash
# make check-xen: contrib/ansible's role, run by Debian's ansible against two
# real hosts at once: this machine (connection local, hvscope from the
# install tree) and the dom0 image's systemd boot under QEMU, a second
# machine reached over SSH (a static address on QEMU's user network, its
# port 22 forwarded to a random port here, a key made for this run), where
# the role installs hvscope from a .deb.
#
# Both hosts check the kvm profile plus one rule of this test's own that
# fails on every host (ansible-rules/fleet-gate.yaml).  Run 1: this machine waives its
# FAILs, the dom0 none: the dom0 fails, this machine's tasks all complete,
# bundles come back.  Run 2, the other way round, the dom0 waiving the FAILs
# its own report of run 1 showed.  Each time the recap, the reports
# fetched to the controller and ansible_local.hvscope (read with
# "ansible -m setup") must say the same verdicts.
#
#   HVSCOPE_PAYLOAD  the hvscope install tree (make install DESTDIR=...,
#                    PREFIX=/usr): run here, and packed into the .deb
#   HVSCOPE_BUILD    the build directory it came from
#   HVSCOPE_XEN_IMAGE, HVSCOPE_XEN_CACHE  as tests/xen/run.sh
#   HVSCOPE_ANSIBLE_OUT  logs and results (default $HVSCOPE_BUILD/ansible-results)
#   HVSCOPE_ANSIBLE_DEBS  the .deb files the role installs on the dom0 (those
#                    dpkg-buildpackage made, say); default: the install tree,
#                    packed by dpkg-deb
#   HVSCOPE_ANSIBLE_FLEET  the hvscope that writes the fleet page on the
#                    controller in run 1 (default: the install tree's)
#   HVSCOPE_XEN_TIMEOUT  seconds before QEMU is stopped (default 1800)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${HVSCOPE_PAYLOAD:?the hvscope install tree (make check-xen sets it)}"
: "${HVSCOPE_BUILD:?the build directory it came from (make check-xen sets it)}"
HVSCOPE_PAYLOAD=$(cd "$HVSCOPE_PAYLOAD" && pwd)
cache=${HVSCOPE_XEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvscope/xen}
out=${HVSCOPE_ANSIBLE_OUT:-$HVSCOPE_BUILD/ansible-results}
limit=${HVSCOPE_XEN_TIMEOUT:-1800}

log() { echo "check-xen ansible: $*"; }
fail() { log "FAIL: $*"; exit 1; }
for t in ansible ansible-playbook ssh ssh-keygen qemu-system-x86_64 dpkg-deb python3 tar; do
	command -v "$t" > /dev/null || fail "$t is missing (./install-deps.sh installs it)"
done

t0=$(date +%s)
img=${HVSCOPE_XEN_IMAGE:-$(HVSCOPE_BUILD=$HVSCOPE_BUILD "$here/build-image.sh" "$cache")}
log "dom0 image: $img ($(($(date +%s) - t0)) s)"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/hvscope-ansible.XXXXXX")
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2> /dev/null && sleep 1 && kill -9 "$qpid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the .deb the role installs on the dom0: the install tree, depending
# on the packages of the libraries it loads ---
pack() {
	version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$top/debian/changelog")
	d=$work/deb/root
	mkdir -p "$d/DEBIAN"
	cp -a "$HVSCOPE_PAYLOAD/." "$d/"
	deps=$(ldd "$d/usr/bin/hvscope" "$d"/usr/lib/hvscope/*.so | awk '/=> \//{print $3}' | sort -u |
		xargs -r -n1 readlink -f | { xargs -r dpkg -S 2> /dev/null || true; } | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')
	# (dpkg -S knows no /usr/lib path of a library under /lib: libc6's,
	# essential, is not named)
	cat > "$d/DEBIAN/control" << EOF
Package: hvscope
Version: $version
Architecture: amd64
Maintainer: hvscope's tests <root@localhost>
Depends: $deps
Section: admin
Priority: optional
Description: hvscope, packed by tests/xen/ansible.sh from make install's tree
 Installed on the test dom0 by contrib/ansible's role.
EOF
	deb=$work/deb/hvscope_${version}_amd64.deb
	dpkg-deb --root-owner-group --build "$d" "$deb" > /dev/null
	log "packed $(basename "$deb") ($(stat -c %s "$deb") bytes; depends on $deps)"
}
if [ -n "${HVSCOPE_ANSIBLE_DEBS:-}" ]; then
	deb=$(printf '%s\n' $HVSCOPE_ANSIBLE_DEBS | paste -sd,)
	version=$(dpkg-deb -f "${HVSCOPE_ANSIBLE_DEBS%% *}" Version) || fail "not a .deb: ${HVSCOPE_ANSIBLE_DEBS%% *}"
	log "the role installs $HVSCOPE_ANSIBLE_DEBS on the dom0"
else
	pack
fi

# --- the SSH key, and the payload the dom0's init unpacks over / ---
ssh-keygen -q -t ed25519 -N '' -C hvscope-ansible-test -f "$work/id_ed25519"
p=$work/payload
mkdir -p "$p/opt/hvscope-xen" "$p/opt/hvscope-ansible" "$p/root/.ssh"
install -m 755 "$here/ansible-host.sh" "$p/opt/hvscope-xen/"
install -m 644 "$here/hvscope-ansible-host.service" "$p/opt/hvscope-xen/"
install -m 644 "$here/ansible-rules/fleet-gate.yaml" "$p/opt/hvscope-ansible/"
install -m 600 "$work/id_ed25519.pub" "$p/root/.ssh/authorized_keys"
chmod 700 "$p/root/.ssh"
tar -C "$p" --owner=0 --group=0 -cf "$work/payload.tar" .

# --- the dom0 image's systemd boot, KVM only where hvscope sees VT-x or
# AMD-V behind /dev/kvm (tests/xen/run.sh: a stock kernel hangs under
# kvm_pvm) ---
hw=$(HVSCOPE_RULES_PATH="$top/rules/profiles" "$HVSCOPE_BUILD/hvscope" check --profile kvm \
	--only hwvirt --format json 2> /dev/null || true)
kind=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"][0]["seen"])' <<< "$hw") ||
	fail "hvscope check --only hwvirt gave no report"
accel=tcg,thread=multi
case $kind in vt-x | amd-v) accel=kvm ;; esac
port=$(shuf -i 20000-60000 -n1)
log "booting the dom0 image with systemd under QEMU ($accel, hvscope sees $kind); SSH on 127.0.0.1:$port"
timeout --kill-after=10 "$limit" qemu-system-x86_64 \
	-accel "$accel" -cpu max -m 1024 -smp 2 \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 init=/hvscope-init hvscope.systemd systemd.show_status=0 panic=-1" \
	-drive file="$img/root.img",if=virtio,format=raw,snapshot=on \
	-drive file="$work/payload.tar",if=virtio,format=raw,readonly=on \
	-netdev "user,id=n0,net=10.0.2.0/24,hostfwd=tcp:127.0.0.1:$port-10.0.2.15:22" \
	-device virtio-net-pci,netdev=n0 \
	< /dev/null > "$out/console.log" 2>&1 &
qpid=$!
sshopts=(-p "$port" -i "$work/id_ed25519" -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10)
t1=$(date +%s)
until ssh "${sshopts[@]}" root@127.0.0.1 true 2> "$work/ssh.err"; do
	kill -0 "$qpid" 2> /dev/null || { tail -n 40 "$out/console.log"; fail "QEMU exited before SSH answered"; }
	[ $(($(date +%s) - t1)) -lt 600 ] || { tail -n 40 "$out/console.log"; fail "no SSH after 600 s: $(cat "$work/ssh.err")"; }
	sleep 5
done
log "dom0 answers over SSH after $(($(date +%s) - t1)) s"

# --- the controller: ansible.cfg, the inventory, the role's example play ---
ctl=$work/controller
mkdir -p "$ctl/local-state" "$ctl/local-facts.d"
cat > "$ctl/ansible.cfg" << EOF
[defaults]
roles_path = $top/contrib/ansible/roles
host_key_checking = False
retry_files_enabled = False
[ssh_connection]
pipelining = True
EOF
export ANSIBLE_CONFIG=$ctl/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
# inventory RUN LOCAL_WAIVE DOM0_WAIVE BUNDLES [FLEET_BIN] (waivers as JSON lists)
inventory() {
	local fleetvars="    # no fleet page"
	[ -z "${5:-}" ] || fleetvars="    hvscope_fleet_page: $out/fleet.html
    hvscope_controller_bin: $5"
	cat > "$ctl/inventory-$1.yml" << EOF
all:
  vars:
$fleetvars
    ansible_python_interpreter: /usr/bin/python3
    hvscope_profile: kvm
    hvscope_reports_dir: $out/reports
    hvscope_bundles_dir: $out/bundles
    hvscope_collect_bundle: $4
  children:
    hypervisors:
      hosts:
        local:
          ansible_connection: local
          hvscope_install: false
          hvscope_bin: $HVSCOPE_PAYLOAD/usr/bin/hvscope
          hvscope_check_args: [--rules, $here/ansible-rules]
          hvscope_state_dir: $ctl/local-state
          hvscope_facts_dir: $ctl/local-facts.d
          hvscope_waive: $2
        dom0:
          ansible_host: 127.0.0.1
          ansible_port: $port
          ansible_user: root
          ansible_ssh_private_key_file: $work/id_ed25519
          ansible_ssh_common_args: -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no
          hvscope_packages: [$deb]
          hvscope_check_args: [--rules, /opt/hvscope-ansible]
          hvscope_waive: $3
EOF
}
# play RUN: the example playbook; its recap's line for each host
play() {
	local s rc=0
	s=$(date +%s)
	ansible-playbook -i "$ctl/inventory-$1.yml" "$top/contrib/ansible/hvscope-check.yml" > "$out/play-$1.log" 2>&1 || rc=$?
	log "run $1: ansible-playbook exited $rc after $(($(date +%s) - s)) s; its recap:"
	sed -n '/^PLAY RECAP/,$p' "$out/play-$1.log" | sed 's/^/  | /'
}
# recap RUN HOST KEY VALUE
recap() {
	local got
	got=$(sed -n "/^PLAY RECAP/,\$s/^$2 *:.* $3=\([0-9]*\).*/\1/p" "$out/play-$1.log")
	[ "$got" = "$4" ] || { tail -n 60 "$out/play-$1.log"; fail "run $1: recap says $3=${got:-nothing} for $2, want $4"; }
}
# facts RUN: ansible_local.hvscope of each host, as the controller sees it,
# against the report fetched; prints each host's verdicts
facts() {
	rm -rf "$work/tree"
	ansible -i "$ctl/inventory-$1.yml" hypervisors -m setup \
		-a 'filter=ansible_local fact_path={{ hvscope_facts_dir | default("/etc/ansible/facts.d") }}' \
		--tree "$work/tree" > "$out/facts-$1.log" 2>&1 || { cat "$out/facts-$1.log"; fail "run $1: ansible -m setup"; }
	python3 - "$work/tree" "$out/reports" "$1" << 'PY' || fail "run $1: the facts do not match the reports"
import json, os, sys
tree, reports, run = sys.argv[1:4]
for host in ("local", "dom0"):
    fact = json.load(open(os.path.join(tree, host)))["ansible_facts"]["ansible_local"].get("hvscope")
    rep = json.load(open(os.path.join(reports, host + ".json")))
    if not fact or "checks" not in fact:
        sys.exit("%s: no ansible_local.hvscope" % host)
    v = lambda d: {c["id"]: c["verdict"] for c in d["checks"]}
    if v(fact) != v(rep) or fact["started"] != rep["started"]:
        sys.exit("%s: ansible_local.hvscope is not the report fetched" % host)
    if v(fact).get("fleet-gate") != "fail" or fact["profile"] != "kvm":
        sys.exit("%s: fleet-gate %s, profile %s" % (host, v(fact).get("fleet-gate"), fact["profile"]))
    fails = sorted(i for i, x in v(fact).items() if x in ("fail", "error"))
    print("  run %s: %s: ansible_local.hvscope: %s on %s; FAIL: %s" % (run, host, fact["summary"], fact["host"], " ".join(fails)))
PY
}
# gate RUN HOST WORD: the gate task's outcome for HOST (ok or fatal), naming fleet-gate
gate() {
	python3 - "$out/play-$1.log" "$1" "$2" "$3" << 'PY' || fail "run $1: the gate of $2 is not $3"
import re, sys
log, run, host, want = sys.argv[1:5]
part = open(log).read().split("TASK [hvscope : Gate the host on its unwaived FAIL verdicts]")[1].split("PLAY RECAP")[0]
m = re.search(r"^(ok|fatal): \[%s\](?:: FAILED!)? => (\{.*?^\})" % re.escape(host), part, re.M | re.S)
if not m or m.group(1) != want:
    sys.exit("%s: %s" % (host, m.group(1) if m else "absent"))
where = "failing" if want == "fatal" else "waived"
msg = re.search(r'"%s": \[(.*?)\n\s+\]' % where, m.group(2), re.S)
if not msg or '"fleet-gate"' not in msg.group(1):
    sys.exit("%s: fleet-gate not among the %s ids: %s" % (host, where, m.group(2)))
print("  run %s: %s's gate: %s, %s: %s" % (run, host, want, where, " ".join(msg.group(1).split())))
PY
}

# Run 1: this machine waives fleet-gate and the FAILs its check gives;
# the dom0 waives nothing: the dom0 alone fails, after its report, fact and
# bundle are collected.
local_fails=$("$HVSCOPE_PAYLOAD/usr/bin/hvscope" check --profile kvm --rules "$here/ansible-rules" --format json |
	python3 -c 'import json,sys; print(json.dumps(sorted({c["rule"] for c in json.load(sys.stdin)["checks"] if c["verdict"] in ("fail","error")})))') ||
	true
[ -n "$local_fails" ] || fail "hvscope check here gave no report"
fleet=${HVSCOPE_ANSIBLE_FLEET:-$HVSCOPE_PAYLOAD/usr/bin/hvscope}
inventory 1 "$local_fails" "[]" true "$fleet"
play 1
recap 1 local failed 0
recap 1 local unreachable 0
recap 1 dom0 failed 1
recap 1 dom0 unreachable 0
gate 1 local ok
gate 1 dom0 fatal
ver=$(ssh "${sshopts[@]}" root@127.0.0.1 dpkg-query -W -f='\${Version}' hvscope) || fail "hvscope is not installed on dom0"
[ "$ver" = "$version" ] || fail "dom0 has hvscope $ver, want $version"
for h in local dom0; do
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/reports/$h.json" || fail "run 1: no report of $h on the controller"
	tar -tJf "$out/bundles/$h.tar.xz" > "$work/bundle-$h.txt" || fail "run 1: no bundle of $h on the controller"
	grep -q '/check/report.json$' "$work/bundle-$h.txt" || fail "run 1: $h's bundle has no check/report.json"
	log "run 1: $h's bundle: $(stat -c %s "$out/bundles/$h.tar.xz") bytes"
done
facts 1
if [ -n "$fleet" ]; then
	python3 - "$out/fleet.html" "$out/reports/local.json" "$out/reports/dom0.json" << 'PY' || fail "run 1: the fleet page"
import html, json, sys
page = open(sys.argv[1]).read()
hosts = [json.load(open(p))["host"] for p in sys.argv[2:]]
missing = [h for h in hosts if html.escape(h) not in page] + (["fleet-gate"] if "fleet-gate" not in page else [])
if missing:
    sys.exit("not on the page: %s" % missing)
print("  run 1: the fleet page (%d bytes) shows %s and fleet-gate" % (len(page), " and ".join(hosts)))
PY
fi

# Run 2: the dom0 waives fleet-gate and what its run-1 report failed; this
# machine waives nothing: it alone fails, the dom0's tasks all complete.
dom0_fails=$(python3 -c 'import json,sys; print(json.dumps(sorted({c["rule"] for c in json.load(open(sys.argv[1]))["checks"] if c["verdict"] in ("fail","error")})))' "$out/reports/dom0.json")
started1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["started"])' "$out/reports/dom0.json")
inventory 2 "[]" "$dom0_fails" false
play 2
recap 2 local failed 1
recap 2 dom0 failed 0
recap 2 dom0 unreachable 0
gate 2 local fatal
gate 2 dom0 ok
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["started"])' "$out/reports/dom0.json")" != "$started1" ] ||
	fail "run 2: the dom0's report on the controller is still run 1's"
facts 2
ssh "${sshopts[@]}" root@127.0.0.1 'test -x /etc/ansible/facts.d/hvscope.fact && python3 -c "import json,subprocess; json.loads(subprocess.check_output([\"/etc/ansible/facts.d/hvscope.fact\"]))"' ||
	fail "dom0's hvscope.fact does not print JSON"
log "dom0 powers off"
ssh "${sshopts[@]}" root@127.0.0.1 'systemctl poweroff --no-block' || true
for _ in $(seq 60); do kill -0 "$qpid" 2> /dev/null || break; sleep 1; done
echo "total $(($(date +%s) - t0)) s" > "$out/timing.txt"
log "passed ($(cat "$out/timing.txt"))"
