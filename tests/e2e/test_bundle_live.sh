# hvscope bundle on this live host with a real guest under libvirtd whose
# VNC password libvirt keeps in its status XML (/run/libvirt/qemu): the
# guest's definition through the API, its QEMU's command line and log, the
# host's commands; the password nowhere in the archive.
. "$(dirname "$0")/lib.sh"
need python3 tar zstd
start_libvirtd
trap 'virsh -c qemu:///system destroy hvb-guest >/dev/null 2>&1; virsh -c qemu:///system destroy hvb-defined >/dev/null 2>&1;
	virsh -c qemu:///system undefine hvb-defined >/dev/null 2>&1; stop_libvirtd; cleanup' EXIT
type=$(kvm_or_qemu)
PW=Vq7Zx3Kp   # VNC allows 8 characters
cat > "$TMP/g.xml" <<XML
<domain type='$type'>
  <name>hvb-guest</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='$PW'/>
  </devices>
</domain>
XML
virsh -c qemu:///system destroy hvb-guest >/dev/null 2>&1 || true
virsh -c qemu:///system create "$TMP/g.xml" >/dev/null || fail "cannot start the guest"
# and a defined (persistent) one beside the transient one
sed "s/hvb-guest/hvb-defined/; /graphics/d" "$TMP/g.xml" > "$TMP/d.xml"
virsh -c qemu:///system destroy hvb-defined >/dev/null 2>&1 || true
virsh -c qemu:///system undefine hvb-defined >/dev/null 2>&1 || true
virsh -c qemu:///system define "$TMP/d.xml" >/dev/null && virsh -c qemu:///system start hvb-defined >/dev/null ||
	fail "cannot start the defined guest"
grep -rqs "$PW" /run/libvirt/qemu/ && note "libvirt keeps the VNC password in /run/libvirt/qemu (status XML)"

run_hv bundle --connect qemu:///system -o "$TMP/live.tar.zst" > /dev/null 2> "$TMP/err"
[ "$RC" = 0 ] || { cat "$TMP/err"; fail "bundle exited $RC"; }
note "$(cat "$TMP/err")"
mkdir -p "$TMP/x"
tar -xf "$TMP/live.tar.zst" -C "$TMP/x" || fail "the system tar cannot open the .tar.zst" 
B=$(echo "$TMP"/x/*)
grep -rqaF "$PW" "$B" && fail "the VNC password leaked: $(grep -rlaF "$PW" "$B")"
for f in hypervisor/samples.json hypervisor/domains/hvb-guest.xml hypervisor/capabilities.xml \
	hypervisor/nodeinfo.txt hypervisor/domains.txt proc/qemu-hvb-guest/cmdline proc/qemu-hvb-guest/limits \
	files/var/log/libvirt/qemu/hvb-guest.log commands/ip-address.txt commands/dmesg.txt check/report.json \
	listings/var_lib_libvirt_qemu.txt; do
	[ -s "$B/$f" ] || fail "missing or empty: $f"
done
grep -q "hvb-guest" "$B/hypervisor/samples.json" || fail "the guest is not in samples.json"
# top --replay of the bundle: the guest as virsh sees it, in each of the
# default three samples, its CPU time never going back
virsh -c qemu:///system dominfo hvb-guest > "$TMP/dominfo"
run_hv top --replay "$TMP/live.tar.zst" -b -f json > "$TMP/replay.json" 2> "$TMP/err"
[ "$RC" = 0 ] || { cat "$TMP/err"; fail "top --replay exited $RC"; }
python3 - "$TMP/replay.json" "$TMP/dominfo" <<'PY' || fail "top --replay of the live bundle"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
info = dict(l.split(":", 1) for l in open(sys.argv[2]) if ":" in l)
g = [r for r in rows if r["name"] == "hvb-guest"]
assert [r["sample"] for r in g] == [1, 2, 3], [r["sample"] for r in g]
want_kib = int(info["Max memory"].split()[0])
for r in g:
    assert r["vcpus"] == int(info["CPU(s)"]) and r["maxmem_kib"] == want_kib, (r, info)
    assert r["uuid"] == info["UUID"].strip(), r["uuid"]
assert g[0]["cpu_ns"] <= g[1]["cpu_ns"] <= g[2]["cpu_ns"], [r["cpu_ns"] for r in g]
assert g[1]["cpu_pct"] is not None and g[1]["cpu_pct"] >= 0
print("  top --replay: hvb-guest in 3 samples, %d vCPU, %d KiB as virsh dominfo says, CPU %.1f%% then %.1f%%"
      % (g[0]["vcpus"], want_kib, g[1]["cpu_pct"], g[2]["cpu_pct"]))
PY
# Every field the samples record for each guest, against virsh and a live
# top -b: what a bundle records must be what the host said, or absent.
for g in hvb-guest hvb-defined; do
	virsh -c qemu:///system dominfo "$g" > "$TMP/dominfo-$g"
	virsh -c qemu:///system dumpxml "$g" > "$TMP/dumpxml-$g"
done
run_hv top --connect qemu:///system -b -i 1 -f json > "$TMP/live.json"
[ "$RC" = 0 ] || fail "live top -b exited $RC"
python3 - "$B/hypervisor/samples.json" "$TMP" "$TMP/live.json" <<'PY' || fail "the bundle's samples against virsh and top"
import json, re, sys
samples = json.load(open(sys.argv[1]))["samples"]
live = {r["name"]: r for r in map(json.loads, open(sys.argv[3]))}
for name in ("hvb-guest", "hvb-defined"):
    info = dict((k.strip(), v.strip()) for k, v in (l.split(":", 1) for l in open("%s/dominfo-%s" % (sys.argv[2], name)) if ":" in l))
    xml = open("%s/dumpxml-%s" % (sys.argv[2], name)).read()
    os_type = re.search(r"<type[^>]*>(\w+)</type>", xml).group(1)
    for s in samples:
        d = [x for x in s["domains"] if x["name"] == name]
        assert len(d) == 1, (name, len(d))
        d = d[0]
        want = {"id": int(info["Id"]), "uuid": info["UUID"], "state": info["State"],
                "persistent": info["Persistent"] == "yes", "type": os_type,
                "vcpus_max": int(info["CPU(s)"]), "maxmem_kib": int(info["Max memory"].split()[0])}
        got = {k: d[k] for k in want}
        assert got == want, (name, got, want)
        assert "persistent" in d["have"], d["have"]
        assert d["mem_kib"] == int(info["Used memory"].split()[0]), (d["mem_kib"], info["Used memory"])
        assert d["type"].upper() == live[name]["type"] and d["persistent"] == live[name]["persistent"], (d, live[name])
    print("  %s: id, uuid, state, persistent (%s), type (%s), vCPUs, memory in every sample as virsh and top say"
          % (name, info["Persistent"], os_type))
PY
grep -q "qemu-system-x86_64" "$B/proc/qemu-hvb-guest/cmdline" || fail "QEMU's command line"
if [ -f "$B/files/run/libvirt/qemu/hvb-guest.xml" ]; then
	grep -q "passwd='\*\*\*\*\*\*\*\*'" "$B/files/run/libvirt/qemu/hvb-guest.xml" || fail "status XML not scrubbed as expected"
	note "status XML collected, its passwd scrubbed"
fi
python3 - "$B" <<'PY' || fail "manifest"
import hashlib, json, os, sys
b = sys.argv[1]
m = json.load(open(b + "/manifest.json"))
for f in m["files"]:
    assert hashlib.sha256(open(os.path.join(b, f["path"]), "rb").read()).hexdigest() == f["sha256"], f["path"]
assert m["live_host"] is True
print("  %d files, %.3f s, %d values scrubbed" % (len(m["files"]), m["duration_seconds"], m["totals"]["scrubbed"]))
PY
exit 0
