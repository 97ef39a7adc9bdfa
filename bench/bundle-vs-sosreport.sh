#!/usr/bin/env bash
# hvscope bundle against Debian's sosreport with the plugins for the same
# job (libvirt, kvm, virsh; sos' xen and selinux plugins load only under its
# Red Hat policy), on this host, in one run: RUNS interleaved runs each,
# median wall time, peak RSS (the largest process of the run, as
# getrusage(RUSAGE_CHILDREN) reports it), archive size; then a coverage
# table from the two archives: what sos collected and where it is in ours.
#
# Needs root (both read /etc/libvirt and /var/log/libvirt) and, for the
# per-domain parts, libvirtd running with a guest (started here when the
# e2e helpers can: GUEST=0 to skip).
set -eu
: "${HVSCOPE:?HVSCOPE must name the hvscope binary}"
RUNS=${RUNS:-5}
command -v sos >/dev/null || { echo "sosreport is not installed (apt install sosreport)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root: both tools read root-only files" >&2; exit 1; }
W=$(mktemp -d /tmp/hvscope-bench-bundle.XXXXXX)
trap 'bench_guest_stop hvbench-guest; bench_daemons_stop; rm -rf "$W"' EXIT

. "$(dirname "$0")/lib.sh"
[ "${GUEST:-1}" = 1 ] && bench_guest hvbench-guest "<graphics type='vnc' port='-1' passwd='Bench123'/>" || true

# run NAME OUTDIR COMMAND...: wall ms and peak RSS KiB, appended to $W/NAME.
run() {
	local name=$1 out=$2
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	python3 - "$W/$name.stat" "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
wall = (time.monotonic() - t) * 1000
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "a").write("%.1f %d\n" % (wall, rss))
PY
}

for ((i = 0; i < RUNS; i++)); do
	run sos "$W/sos" sos report --batch --quiet --only-plugins libvirt,kvm,virsh --tmp-dir "$W/sos" --label bench
	run hvs "$W/hvs" "$HVSCOPE" bundle --connect qemu:///system -q -o "$W/hvs/bundle.tar.xz"
done
sos_archive=$(ls "$W"/sos/sosreport-*.tar.xz | head -1)
hvs_archive=$W/hvs/bundle.tar.xz

python3 - "$W/sos" "$W/hvs" "$sos_archive" "$hvs_archive" <<'PY'
import os, statistics, sys, tarfile
def stats(name):
    rows = [tuple(map(float, l.split())) for l in open(os.path.join(os.path.dirname(sys.argv[1]), name + ".stat"))]
    return statistics.median(r[0] for r in rows), max(r[1] for r in rows) / 1024, len(rows)
sw, sr, n = stats("sos")
hw, hr, _ = stats("hvs")
ss, hs = os.path.getsize(sys.argv[3]), os.path.getsize(sys.argv[4])
print("\nhvscope bundle vs sos report --only-plugins libvirt,kvm,virsh: %d interleaved runs each" % n)
print("  %-34s %10s %12s %12s" % ("", "wall (med)", "peak RSS", "archive"))
print("  %-34s %8.0f ms %9.1f MB %9.1f KB" % ("sos report (3 plugins)", sw, sr, ss / 1024))
print("  %-34s %8.0f ms %9.1f MB %9.1f KB" % ("hvscope bundle (everything)", hw, hr, hs / 1024))
print("  %-34s %9.1fx %11.2fx %11.2fx" % ("ratio sos / hvscope", sw / hw, sr / hr, ss / hs))

def names(path):
    with tarfile.open(path) as t:
        out = {}
        for m in t.getmembers():
            if m.isfile():
                rel = m.name.split("/", 1)[1] if "/" in m.name else m.name
                out[rel] = m.size
        return out
sos, ours = names(sys.argv[3]), names(sys.argv[4])
import json
with tarfile.open(sys.argv[4]) as t:
    man = json.load(t.extractfile([m for m in t.getmembers() if m.name.endswith("/manifest.json")][0]))
withheld = {s["source"].lstrip("/"): s["reason"] for s in man["skipped"] if "on purpose" in s["reason"]}
# What sos names a command's output -> where ours has it.
virsh = {
    "list_--all": "hypervisor/domains.txt", "capabilities": "hypervisor/capabilities.xml",
    "nodeinfo": "hypervisor/nodeinfo.txt", "freecell": "hypervisor/nodeinfo.txt", "version": "hypervisor/nodeinfo.txt",
    "domcapabilities": None, "node-memory-tune": None,
}
why_not = {
    "domcapabilities": "libvirt refuses it on a read-only connection (sos' `virsh -r` gets the same error)",
    "node-memory-tune": "KSM tunables: not collected (the figures are in /sys/kernel/mm/ksm)",
    "maps": "a QEMU's full memory map: large, rarely read; cmdline/limits/cgroup/numa_maps/status are taken",
}
rows, missing = [], []
for p in sorted(sos):
    if p.startswith(("sos_logs/", "sos_reports/", "sos_strings/", "version.txt", "environment", "sos_")) and not p.startswith("sos_commands/"):
        continue
    where = None
    if p.startswith("sos_commands/virsh/"):
        cmd = p.split("/")[-1].replace("virsh_-r_", "")
        for k, v in virsh.items():
            if cmd == k:
                where = v if v else "-- " + why_not[k]
        for kind, d in (("net-dumpxml_", "networks"), ("pool-dumpxml_", "storage"), ("nwfilter-dumpxml_", "nwfilters"),
                        ("dumpxml_", "domains"), ("dominfo_", "domains.txt"), ("domblklist_", "domains")):
            if where is None and cmd.startswith(kind):
                obj = cmd[len(kind):]
                where = "hypervisor/domains.txt" if d == "domains.txt" else "hypervisor/%s/%s.xml" % (d, obj)
                if kind == "domblklist_":
                    where += " (<disk> elements)"
        if where is None and cmd.endswith("-list"):
            where = "hypervisor/%s/ (one file each)" % {"net-list": "networks", "pool-list": "storage", "nwfilter-list": "nwfilters"}.get(cmd, "?")
    elif p.startswith("sos_commands/libvirt/ls_-lR"):
        where = "listings/var_lib_libvirt_qemu.txt (with SELinux labels)"
    elif p.startswith("sos_commands/kvm/"):
        where = "commands/kvm_stat.txt" if "commands/kvm_stat.txt" in ours else "-- kvm_stat needs debugfs; absent here for both"
    elif p.startswith("proc/"):
        leaf = p.split("/")[-1]
        where = ("proc/qemu-<domain>/" + leaf) if leaf != "maps" else "-- " + why_not["maps"]
    elif p.startswith("sos_commands/"):
        where = "?"
    else:
        where = "files/" + p if "files/" + p in ours else "?"
    for w, why in withheld.items():
        if p == w or p.startswith(w + "/"):
            where = "-- " + why
    if where == "?" or (where and not where.startswith("--") and where.split(" ")[0] not in ours and "<domain>" not in where and not where.endswith("/ (one file each)")):
        missing.append(p)
        where = "MISSING"
    rows.append((p, where))
print("\ncoverage: every file of sos' archive, and where hvscope's bundle has it")
for p, w in rows:
    print("  %-58s %s" % (p[:58], w))
print("\n  sos files: %d, missing from hvscope's bundle: %d%s" % (len(rows), len(missing), (" (" + ", ".join(missing) + ")") if missing else ""))
extra = sorted({p.split("/")[0] + ("/" + p.split("/")[1] if p.startswith("files/") and "/" in p[6:] else "") for p in ours})
print("\nwhat hvscope's bundle holds that these sos plugins do not: the check report and facts, package versions,\n"
      "Xen's files and xl commands (when present), /proc and boot loader files, SELinux AVC denials, dmesg,\n"
      "ip/bridge state, directory listings with labels, a manifest with sha256; top-level groups:\n  " + ", ".join(extra))
PY
