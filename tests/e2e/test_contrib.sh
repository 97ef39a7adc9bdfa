# contrib/: the alerting rules pass promtool (syntax and unit tests), every
# metric the rules and the Grafana dashboard use is one the exporter serves
# (on the test driver; the families of collectors whose figures the test
# driver has not, the balloon, vCPU, job and block size ones, are looked for in the
# binary, and their values against virsh in test_exporter_families), and
# systemd accepts the unit.
. "$(dirname "$0")/lib.sh"
need python3 promtool curl
C=$TOP/contrib
promtool check rules "$C/prometheus/hvscope-alerts.yml" > /dev/null || fail "promtool check rules"
(cd "$C/prometheus" && promtool test rules hvscope-alerts.test.yml) > "$TMP/t.log" 2>&1 || fail "promtool test rules: $(cat "$TMP/t.log")"

# The names the exporter serves (test driver; readiness included).
P=$(free_port)
"$HVSCOPE" exporter --web.listen-address 127.0.0.1:$P --connect test:///default --collector.memory --collector.vcpu --collector.jobs 2> /dev/null &
PIDS+=($!)
wait_http "http://127.0.0.1:$P/healthz"
for i in $(seq 50); do curl -fs "http://127.0.0.1:$P/metrics" > "$TMP/m.txt"; grep -q '^hvscope_check_status' "$TMP/m.txt" && break; sleep 0.2; done
python3 - "$TMP/m.txt" "$C/prometheus/hvscope-alerts.yml" "$C/grafana/hvscope-dashboard.json" "$HVSCOPE" <<'PY' || fail "unknown metric names"
import json, re, sys
served = {l.split()[2] for l in open(sys.argv[1]) if l.startswith("# TYPE ")}
binary = open(sys.argv[4], "rb").read()
for name in ("hvscope_domain_vcpu_delay_seconds_total", "hvscope_domain_memory_swap_in_bytes_total",
             "hvscope_domain_job_running", "hvscope_domain_job_data_remaining_bytes",
             "hvscope_domain_block_allocation_bytes", "hvscope_domain_block_capacity_bytes"):
    if name.encode() + b"\0" in binary:
        served.add(name)
used = set(re.findall(r"hvscope_[a-z_]+", open(sys.argv[2]).read()))
dash = json.load(open(sys.argv[3]))
for p in dash["panels"]:
    for t in p.get("targets", []):
        used |= set(re.findall(r"hvscope_[a-z_]+", t["expr"]))
missing = sorted(u for u in used if u not in served)
assert not missing, f"used but not served: {missing}"
print(f"  {len(used)} metric names used by the rules and dashboard, all served")
PY

if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/bin/hvscope|$HVSCOPE|" "$C/systemd/hvscope-exporter.service" > "$TMP/hvscope-exporter.service"
	# Documentation=man:... is checked with man(1): the tree's pages
	mkdir -p "$TMP/man/man1" "$TMP/man/man5"
	cp "$TOP"/man/*.1 "$TMP/man/man1/"
	cp "$TOP"/man/*.5 "$TMP/man/man5/"
	MANPATH=$TMP/man systemd-analyze verify "$TMP/hvscope-exporter.service" > "$TMP/v.log" 2>&1 || true
	[ ! -s "$TMP/v.log" ] || fail "systemd-analyze verify: $(cat "$TMP/v.log")"
	# the socket-activation example: the socket unit, and the service
	# with its drop-in
	mkdir -p "$TMP/sa/hvscope-exporter.service.d"
	cp "$C/systemd/hvscope-exporter.socket" "$TMP/sa/"
	cp "$TMP/hvscope-exporter.service" "$TMP/sa/"
	sed "s|/usr/bin/hvscope|$HVSCOPE|" "$C/systemd/hvscope-exporter-socket.conf" > "$TMP/sa/hvscope-exporter.service.d/socket.conf"
	(cd "$TMP/sa" && MANPATH=$TMP/man SYSTEMD_UNIT_PATH=$TMP/sa: systemd-analyze verify hvscope-exporter.socket hvscope-exporter.service) > "$TMP/v2.log" 2>&1 || true
	[ ! -s "$TMP/v2.log" ] || fail "systemd-analyze verify, socket activation: $(cat "$TMP/v2.log")"
	grep -q -- '--web.systemd-socket' "$TMP/sa/hvscope-exporter.service.d/socket.conf" || fail "the drop-in does not ask for systemd's sockets"
	note "systemd-analyze verify: clean (the service, and the socket-activation example)"
fi

# The Ansible role's example play and inventory, as Debian's ansible parses
# them (the role itself runs against two hosts in make check-xen:
# tests/xen/ansible.sh).
need ansible-playbook ansible-inventory
A=$C/ansible
ANSIBLE_ROLES_PATH=$A/roles ansible-playbook -i "$A/inventory.example.yml" --syntax-check "$A/hvscope-check.yml" > "$TMP/a.log" 2>&1 ||
	fail "ansible-playbook --syntax-check: $(cat "$TMP/a.log")"
ANSIBLE_ROLES_PATH=$A/roles ansible-playbook -i "$A/inventory.example.yml" --list-tasks "$A/hvscope-check.yml" > "$TMP/tasks.txt" 2>&1 ||
	fail "ansible-playbook --list-tasks: $(cat "$TMP/tasks.txt")"
grep -q 'hvscope : Gate the host on its unwaived FAIL verdicts' "$TMP/tasks.txt" || fail "the role's gate is not among the tasks: $(cat "$TMP/tasks.txt")"
ansible-inventory -i "$A/inventory.example.yml" --host kvm02.example.org > "$TMP/a.json" 2> "$TMP/a.log" || fail "ansible-inventory: $(cat "$TMP/a.log")"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["hvscope_waive"], "no waivers"' "$TMP/a.json" || fail "kvm02's waivers are not in the example inventory"
note "contrib/ansible: the example play parses; the role's tasks: $(grep -c 'hvscope :' "$TMP/tasks.txt") (the included files' not counted)"
