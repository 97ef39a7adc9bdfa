#!/usr/bin/env python3
"""The comparisons of tests/xen/dom0-run.sh, run inside the test dom0.

Each subcommand exits 0 when everything agrees; otherwise it prints what
differs (the last line is the reason dom0-run.sh reports) and exits 1.
"""
import json
import os
import re
import sys
import tarfile


def die(msg):
    print(msg)
    sys.exit(1)


def samples(path):
    """hvscope top -b -f json: one object per domain per sample."""
    by = {}
    for line in open(path):
        line = line.strip()
        if line:
            d = json.loads(line)
            by.setdefault(d["sample"], {})[d["name"]] = d
    return by


# Why each check of the xen profile gets its verdict on this dom0 (Debian 12,
# Xen 4.17 under QEMU's TCG with -cpu qemu64, booted by QEMU's multiboot
# loader, the Xen services started by hand because init is not systemd):
EXPECTED = {
    "cpu-lm": ("pass", "the CPU model has long mode"),
    # The CPU model QEMU gives (run.sh, HVSCOPE_XEN_CPU) decides these two;
    # see CPU_DEPENDENT below.
    "xen-running": ("pass", "/sys/hypervisor/type is xen"),
    "xen-dom0": ("pass", "/proc/xen/capabilities is control_d"),
    # QEMU loads xen.elf itself: the image has no boot loader configuration,
    # so nothing says the next boot is Xen's (a warning)
    "boot-default-xen": ("warn", "no GRUB configuration in this image"),
    "xen-tools": ("pass", "xen-utils-common is installed"),
    # the hypervisor's package; xen-hypervisor-common (scripts only) is not
    # installed here, as Recommends are not taken
    "xen-hypervisor": ("pass", "xen-hypervisor-4.17-amd64 is installed"),
    "xenstored-running": ("pass", "started by dom0-run.sh"),
    "xenconsoled-running": ("pass", "started by dom0-run.sh"),
    # a systemd unit only; this dom0's init is a script
    "xen-init-dom0": ("skip", "not a systemd host"),
    # enablement as a SysV host has it: Debian's xen-utils links
    # /etc/rc3.d/S01xen (which starts xenstored and xenconsoled) and
    # S01xendomains
    "xen-daemons-enabled[xenstored]": ("pass", "S01xen in runlevel 3"),
    "xen-daemons-enabled[xenconsoled]": ("pass", "S01xen in runlevel 3"),
    "xendomains": ("pass", "S01xendomains in runlevel 3"),
    "bridge": ("pass", "xenbr0 made by dom0-run.sh"),
    # Debian does not enable SELinux
    "selinux-image-dir-policy[/var/lib/xen/images]": ("skip", "SELinux off"),
    "selinux-image-dir-label[/var/lib/xen/images]": ("skip", "SELinux off"),
    "selinux-guest-dir-policy": ("skip", "SELinux off"),
    "selinux-guest-dir-label": ("skip", "SELinux off"),
    # /etc/xen/guest1.cfg: no vif, no disk
    "guest-mac-range[guest1]": ("pass", "no vif to refuse"),
    # the image is a 3 GB file system with about 2 GB free: below 10 GB
    "images-disk-free": ("warn", "about 2 GB free on the 3 GB image"),
    "guest-configs-parse": ("pass", "guest1.cfg is what xl create took"),
    "guest-vcpus[guest1]": ("pass", "1 vCPU of 2"),
    "guest-memory-min[guest1]": ("pass", "256 MB"),
    "guest-memory-max[guest1]": ("pass", "256 MB of 2 GB"),
    "guest-memory-total": ("pass", "256 MB of 2 GB"),
    "guest-mac-unique": ("pass", "no MACs"),
    "guest-uuid-unique": ("pass", "no UUIDs given"),
    "guest-name-unique": ("pass", "one config"),
    "guest-disks-present[guest1]": ("pass", "no disk to miss"),
    # Xen's command line is read from the boot loader's default entry, and
    # this image has none (boot-default-xen above)
    "xen-spec-ctrl": ("skip", "no GRUB configuration in this image"),
    "xen-smt[l1tf]": ("skip", "no GRUB configuration in this image"),
    "xen-smt[mds]": ("skip", "no GRUB configuration in this image"),
}

# The dom0 kernel's vulnerability files name what this kernel knows and
# what QEMU's CPU model (TCG, no microcode) leaves: one cpu-vulnerability
# item each, its text as seen and its verdict as the xen profile's
# expression ranks it (a PV dom0's meltdown "Unknown (XEN PV detected,
# hypervisor mitigation required)" passes); never a FAIL.
VULN_DIR = "/sys/devices/system/cpu/vulnerabilities"
VULN_OK = re.compile(r"^(Not affected|Mitigation: |Unknown \(XEN PV detected, hypervisor mitigation required\))")


def check_vulns(got, bad):
    names = sorted(os.listdir(VULN_DIR)) if os.path.isdir(VULN_DIR) else []
    items = sorted(cid[len("cpu-vulnerability["):-1] for cid in got if cid.startswith("cpu-vulnerability["))
    if names and items != names:
        bad.append("cpu-vulnerability items %s, %s holds %s" % (items, VULN_DIR, names))
    if not names and got.get("cpu-vulnerability", {}).get("verdict") != "skip":
        bad.append("cpu-vulnerability: no %s, expected skip" % VULN_DIR)
    for n in names:
        c = got.get("cpu-vulnerability[%s]" % n)
        text = open(os.path.join(VULN_DIR, n)).read().strip()
        want = "pass" if VULN_OK.search(text) else "warn"
        if c is None:
            continue
        if c.get("seen") != text or c["verdict"] != want:
            bad.append("cpu-vulnerability[%s]: %s, seen %r; expected %s for %r" % (n, c["verdict"], c.get("seen"), want, text))


# TCG emulates AMD-V but not VT-x.  Nehalem (the default): no vmx, so Xen
# lists no hvm capability: only PV guests.  qemu64 (AMD): svm, and Xen lists
# hvm-3.0-x86_64.
CPU_DEPENDENT = {
    "Nehalem": {
        "cpu-vt": ("warn", "TCG has no VT-x: Nehalem without vmx"),
        "vt-enabled": ("skip", "runs only where the CPU has vmx/svm"),
    },
    "qemu64": {
        "cpu-vt": ("pass", "qemu64 has svm, which TCG emulates"),
        "vt-enabled": ("pass", "svm, and Xen lists hvm-3.0-x86_64"),
    },
}


def check_verdicts(auto_path, xen_path, rc, cpu_model):
    base = cpu_model.split(",")[0]
    if base not in CPU_DEPENDENT:
        die("no expected verdicts for the CPU model %r (tests/xen/dom0_check.py)" % cpu_model)
    EXPECTED.update(CPU_DEPENDENT[base])
    auto = json.load(open(auto_path))
    if auto.get("profile") != "xen":
        die("auto picked profile %r on a Xen dom0" % auto.get("profile"))
    rep = json.load(open(xen_path))
    got = {c["id"]: c for c in rep["checks"]}
    bad = []
    for cid, (want, why) in EXPECTED.items():
        c = got.get(cid)
        if c is None:
            bad.append("%s: absent (expected %s: %s)" % (cid, want, why))
        elif c["verdict"] != want:
            bad.append("%s: %s, expected %s (%s); seen %r evidence %r reason %r" % (
                cid, c["verdict"], want, why, c.get("seen"), c.get("evidence"), c.get("reason")))
    check_vulns(got, bad)
    for cid in got:
        if cid.startswith("cpu-vulnerability"):
            continue
        if cid not in EXPECTED:
            bad.append("%s: %s, not in the expected list" % (cid, got[cid]["verdict"]))
    worst = {"pass": 0, "skip": 0, "warn": 1, "fail": 2, "error": 3}
    want_rc = max(worst[v] for v, _ in EXPECTED.values())
    if int(rc) != want_rc:
        bad.append("exit status %s, expected %d" % (rc, want_rc))
    for b in bad:
        print(b)
    if bad:
        die("%d of %d checks differ from the expected verdicts" % (len(bad), len(EXPECTED)))
    print("all %d verdicts as expected" % len(EXPECTED))


def xentop_samples(path):
    """xentop -b: a header line starting each sample, then one line a domain.
    MAXMEM(k) may read "no limit" with MAXMEM(%) "n/a"."""
    out, cur = [], None
    for line in open(path):
        tok = line.split()
        if not tok:
            continue
        if tok[0] == "NAME":
            cur = {}
            out.append(cur)
            continue
        if cur is None:
            continue
        name, state, cpu_s, cpu_pct, mem_k, _mem_pct = tok[:6]
        rest = tok[6:]
        if rest[:2] == ["no", "limit"]:
            maxmem, rest = None, rest[3:]
        else:
            maxmem, rest = int(rest[0]), rest[2:]
        cur[name] = {"cpu_s": int(cpu_s), "mem_k": int(mem_k), "maxmem_k": maxmem,
                     "vcpus": int(rest[0]), "nets": int(rest[1]), "vbds": int(rest[4]),
                     "state": state}
    return out


def top_vs_xentop(top_path, xentop_path, xl_list_path):
    hs = samples(top_path)
    xs = xentop_samples(xentop_path)
    if len(xs) < 2 or len(hs) < 2:
        die("too few samples: hvscope %d, xentop %d" % (len(hs), len(xs)))
    ids = {}
    for line in open(xl_list_path).read().splitlines()[1:]:
        t = line.split()
        ids[t[0]] = int(t[1])
    keys = sorted(hs)
    # What each domain used in one interval, by hvscope's own samples.
    per_interval = {}
    for a, b in zip(keys, keys[1:]):
        for name, d in hs[b].items():
            if name in hs[a]:
                used = d["cpu_seconds"] - hs[a][name]["cpu_seconds"]
                per_interval[name] = max(per_interval.get(name, 0), used)
    bad = []
    n = min(len(keys), len(xs))
    for i in range(n):
        h, x = hs[keys[i]], xs[i]
        if sorted(h) != sorted(x):
            bad.append("sample %d: hvscope names %s, xentop names %s" % (i + 1, sorted(h), sorted(x)))
            continue
        for name in sorted(x):
            hd, xd = h[name], x[name]
            if hd["mem_kib"] != xd["mem_k"]:
                bad.append("%s sample %d: memory %d k, xentop %d k" % (name, i + 1, hd["mem_kib"], xd["mem_k"]))
            hmax = hd.get("maxmem_kib") or None
            if hmax != xd["maxmem_k"]:
                bad.append("%s sample %d: maximum memory %r k, xentop %r k" % (name, i + 1, hmax, xd["maxmem_k"]))
            if hd["vcpus"] != xd["vcpus"]:
                bad.append("%s sample %d: %d vCPUs, xentop %d" % (name, i + 1, hd["vcpus"], xd["vcpus"]))
            if hd["nets"] != xd["nets"] or hd["vbds"] != xd["vbds"]:
                bad.append("%s sample %d: nets/vbds %d/%d, xentop %d/%d" % (
                    name, i + 1, hd["nets"], hd["vbds"], xd["nets"], xd["vbds"]))
            # xentop truncates to whole seconds; the two samples are taken
            # within one interval of each other.
            slack = per_interval.get(name, 0) + 1.0
            diff = hd["cpu_seconds"] - xd["cpu_s"]
            print("%-8s sample %d: cpu %.3f s, xentop %d s (allowed %.2f)" % (name, i + 1, hd["cpu_seconds"], xd["cpu_s"], slack))
            if abs(diff) > slack:
                bad.append("%s sample %d: CPU %.3f s, xentop %d s (more than one interval, %.2f s, apart)" % (
                    name, i + 1, hd["cpu_seconds"], xd["cpu_s"], slack))
            if name in ids and hd["id"] != ids[name]:
                bad.append("%s: id %d, xl list says %d" % (name, hd["id"], ids[name]))
    if "guest1" not in hs[keys[-1]]:
        bad.append("guest1 is not in hvscope's last sample")
    if hs[keys[-1]].get("guest1", {}).get("cpu_seconds", 0) <= 0:
        bad.append("guest1 used no CPU")
    for b in bad:
        print(b)
    if bad:
        die("%d differences from xentop/xl list" % len(bad))
    print("%d samples agree with xentop on %d domains" % (n, len(xs[-1])))


def follow(path, guest):
    hs = samples(path)
    keys = sorted(hs)
    seen = [guest in hs[k] for k in keys]
    print("samples:", keys)
    print(guest + " present:", "".join("x" if s else "." for s in seen))
    if keys != list(range(1, len(keys) + 1)):
        die("samples missing: %s" % keys)
    for k in keys:
        for must in ("Domain-0", "guest1"):
            if must not in hs[k]:
                die("%s missing from sample %d" % (must, k))
    if seen[0]:
        die("%s present before it was created" % guest)
    if not any(seen):
        die("%s never appeared" % guest)
    if seen[-1]:
        die("%s still present after xl destroy" % guest)
    first = seen.index(True)
    last = len(seen) - 1 - seen[::-1].index(True)
    if not all(seen[first:last + 1]):
        die("%s flickered: %s" % (guest, seen))
    gids = {hs[keys[i]][guest]["id"] for i in range(first, last + 1)}
    if len(gids) != 1:
        die("%s changed id: %s" % (guest, gids))
    print("%s followed: appeared in sample %d, gone from sample %d" % (guest, keys[first], keys[last] + 1))


SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(path):
    out = []
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = SERIES.match(line)
        if not m:
            die("unparsable line: %r" % line)
        labels = dict(LABEL.findall(m.group(3) or ""))
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def metrics(metrics_path, top_path, source="xenstat"):
    ms = parse_metrics(metrics_path)
    hs = samples(top_path)
    top = hs[max(hs)]

    def get(name, dom, **kw):
        for n, labels, v in ms:
            if n == name and labels.get("domain") == dom and all(labels.get(k) == w for k, w in kw.items()):
                return v
        return None

    doms = {labels["domain"] for n, labels, _ in ms if n == "hvscope_domain_memory_bytes"}
    if doms != set(top):
        die("exporter domains %s, hvscope top %s" % (sorted(doms), sorted(top)))
    bad = []
    for name, d in sorted(top.items()):
        mem = get("hvscope_domain_memory_bytes", name)
        if mem != d["mem_kib"] * 1024:
            bad.append("%s memory %r, top %d" % (name, mem, d["mem_kib"] * 1024))
        if get("hvscope_domain_vcpus", name) != d["vcpus"]:
            bad.append("%s vcpus %r, top %d" % (name, get("hvscope_domain_vcpus", name), d["vcpus"]))
        cpu = get("hvscope_domain_cpu_seconds_total", name)
        if cpu is None or cpu <= 0 or cpu > d["cpu_seconds"]:
            bad.append("%s cpu %r, top (sampled after) %.3f" % (name, cpu, d["cpu_seconds"]))
        if get("hvscope_domain_state", name, id=str(d["id"])) != 1:
            bad.append("%s: no state series with id %d" % (name, d["id"]))
        for k in range(d["vcpus_max"]):
            if get("hvscope_domain_vcpu_seconds_total", name, vcpu=str(k)) is None:
                bad.append("%s: no series for vCPU %d" % (name, k))
    host = {n: v for n, labels, v in ms if n.startswith("hvscope_host_")}
    if host.get("hvscope_host_cpus") != 2:
        bad.append("host CPUs %r, expected 2 (-smp 2)" % host.get("hvscope_host_cpus"))
    if not host.get("hvscope_host_memory_bytes", 0) > 2000 * 2 ** 20:
        bad.append("host memory %r, expected about 2 GB" % host.get("hvscope_host_memory_bytes"))
    info = [labels for n, labels, _ in ms if n == "hvscope_host_info"]
    # xenstat names the hypervisor "Xen" with its version; libvirt's Xen
    # driver says "Xen" too, with the hypervisor's version
    if not info or info[0].get("type", "").lower() != "xen" or not info[0].get("version", "").startswith("4.17"):
        bad.append("host info %r (%s)" % (info, source))
    for b in bad:
        print(b)
    if bad:
        die("%d metric values differ" % len(bad))
    print("exporter: %d domains, values agree with hvscope top" % len(top))


def bundle(path):
    with tarfile.open(path) as t:
        names = t.getnames()

        def text(pattern):
            for n in names:
                if re.search(pattern, n):
                    f = t.extractfile(n)
                    if f:
                        return n, f.read().decode("utf-8", "replace")
            return None, None

        bad = []
        n, s = text(r"xl[-_ ]info")
        if not s or "xen_version" not in s:
            bad.append("no real xl info (%s)" % n)
        n, s = text(r"xl[-_ ]dmesg")
        if not s or "Xen version" not in s:
            bad.append("no real xl dmesg (%s)" % n)
        logs = [x for x in names if "var/log/xen/" in x]
        if not logs:
            bad.append("nothing from /var/log/xen")
        if not any("guest1" in x for x in logs):
            bad.append("no xl log of guest1 in /var/log/xen: %s" % logs)
        n, s = text(r"etc/xen/guest1\.cfg$")
        if not s or 'name = "guest1"' not in s:
            bad.append("no /etc/xen/guest1.cfg")
        n, s = text(r"manifest\.json$")
        if not s:
            bad.append("no manifest")
        n, s = text(r"hypervisor/samples\.json$")
        if not s or "guest1" not in s or "Domain-0" not in s:
            bad.append("samples.json (%s) does not list Domain-0 and guest1" % n)
        print("\n".join(sorted(names)))
        for b in bad:
            print(b)
        if bad:
            die("the bundle lacks %d things" % len(bad))
        print("bundle: %d files, xl info, xl dmesg, %d from /var/log/xen" % (len(names), len(logs)))


def libvirt(lv_path, xs_path, virsh_list_path):
    lv, xs = samples(lv_path), samples(xs_path)
    lv, xs = lv[max(lv)], xs[max(xs)]
    listed = {line.split()[1] for line in open(virsh_list_path).read().splitlines()[2:] if line.split()}
    bad = []
    # libvirt's Xen driver knows dom0 and the domains it started, not those
    # xl created: hvscope must show exactly what virsh lists.
    if set(lv) != listed:
        bad.append("hvscope over libvirt shows %s, virsh lists %s" % (sorted(lv), sorted(listed)))
    for must in ("Domain-0", "guest3"):
        if must not in lv:
            bad.append("%s missing over xen:///system" % must)
    if not set(lv) <= set(xs):
        bad.append("libvirt names %s not all in xenstat's %s" % (sorted(lv), sorted(xs)))
    for name in sorted(set(lv) & set(xs)):
        a, b = lv[name], xs[name]
        for k in ("id", "mem_kib", "vcpus", "vcpus_max"):
            if a[k] != b[k]:
                bad.append("%s %s: libvirt %r, xenstat %r" % (name, k, a[k], b[k]))
        # libvirt was asked first; CPU time only grows
        if not 0 < a["cpu_seconds"] <= b["cpu_seconds"]:
            bad.append("%s cpu: libvirt %r, xenstat (after) %r" % (name, a["cpu_seconds"], b["cpu_seconds"]))
        print("%-8s id %d mem %d KiB vcpus %d cpu %.3f s (xenstat after: %.3f s)" % (
            name, a["id"], a["mem_kib"], a["vcpus"], a["cpu_seconds"], b["cpu_seconds"]))
    for b in bad:
        print(b)
    if bad:
        die("%d differences between xen:///system and xenstat" % len(bad))
    print("xen:///system agrees with xenstat on %d domains" % len(lv))


def guest_types(top_path, xl_list_l_path, xentop_path, xl_list_path, dm_rss_path, bundle_path, last_path):
    """PV, PVH and HVM guests: hvscope's TYPE against xl list -l's, their
    figures against xentop and xl list, the device model's memory on its
    guest, and the bundle's samples holding both.  The figures are compared
    with a top -b sample taken right after xl list and xentop (last_path):
    the background run's last sample comes after the bundle, and may be cut
    short by the SIGINT that ends it."""
    hs = samples(top_path)
    if len(hs) > 1:
        del hs[max(hs)]  # possibly cut short
    last_s = samples(last_path)
    last = last_s[max(last_s)]
    bad = []
    # xl list -l: a JSON array of {"domid", "config": {"c_info": {"type", "name"}}}
    want = {"Domain-0": "pv"}
    for d in json.load(open(xl_list_l_path)):
        c = d.get("config", {}).get("c_info", {})
        if c.get("name"):
            want[c["name"]] = c.get("type")
    for name in ("guest-pvh", "guest-hvm"):
        if want.get(name) not in ("pvh", "hvm"):
            bad.append("xl list -l gives %s type %r" % (name, want.get(name)))
    for name, t in sorted(want.items()):
        got = last.get(name, {}).get("type")
        print("%-10s xl list -l: %-4s hvscope: %s" % (name, t, got))
        if got != (t or "").upper():
            bad.append("%s: hvscope says %r, xl list -l %r" % (name, got, t))
    # every sample since a guest appeared shows its type
    for k in sorted(hs):
        for name in ("guest-pvh", "guest-hvm"):
            r = hs[k].get(name)
            if r and r["type"] != want.get(name, "").upper():
                bad.append("sample %d: %s type %r" % (k, name, r["type"]))
    # memory and vCPUs as xl list says; CPU time as xentop counts it
    xl = {}
    for line in open(xl_list_path).read().splitlines()[1:]:
        f = line.split()
        if len(f) >= 6:
            xl[f[0]] = {"id": int(f[1]), "mem_mib": int(f[2]), "vcpus": int(f[3])}
    xs = xentop_samples(xentop_path)
    for name in ("guest-pvh", "guest-hvm"):
        r, x = last.get(name), xl.get(name)
        if not r or not x:
            bad.append("%s missing: hvscope %s, xl list %s" % (name, bool(r), bool(x)))
            continue
        if r["id"] != x["id"] or r["mem_kib"] // 1024 != x["mem_mib"] or r["vcpus"] != x["vcpus"]:
            bad.append("%s: hvscope id %d mem %d KiB vcpus %d, xl list %s" % (name, r["id"], r["mem_kib"], r["vcpus"], x))
        xt = xs[-1].get(name)
        if not xt:
            bad.append("%s not in xentop -b" % name)
        elif abs(r["cpu_seconds"] - xt["cpu_s"]) > 30:
            bad.append("%s CPU time: hvscope %.1f s, xentop %s s" % (name, r["cpu_seconds"], xt["cpu_s"]))
    # the device model's resident memory is the HVM guest's rss in the
    # bundle's samples (read seconds apart: within a quarter)
    rss = int(open(dm_rss_path).read().split()[1])
    with tarfile.open(bundle_path) as t:
        m = [x for x in t.getmembers() if x.name.endswith("hypervisor/samples.json")]
        hist = json.load(t.extractfile(m[0])) if m else {"samples": []}
        logs = [x.name for x in t.getmembers() if "var/log/xen/qemu-dm-guest-hvm" in x.name]
    got = [d for s in hist["samples"] for d in s["domains"] if d["name"] == "guest-hvm"]
    if not got:
        bad.append("guest-hvm not in the bundle's samples")
    else:
        g = got[-1]
        if g.get("type") != "hvm":
            bad.append("the bundle's guest-hvm type %r" % g.get("type"))
        if not (0.75 * rss <= g["rss_kib"] <= 1.25 * rss):
            bad.append("the bundle's guest-hvm rss %d KiB, its device model's VmRSS %d KiB" % (g["rss_kib"], rss))
        print("guest-hvm: device model VmRSS %d KiB, the bundle's rss_kib %d KiB" % (rss, g["rss_kib"]))
    if not logs:
        bad.append("the bundle holds no device-model log (var/log/xen/qemu-dm-guest-hvm.log)")
    for b in bad:
        print(b)
    if bad:
        die("%d differences in the guest types" % len(bad))
    print("PV, PVH and HVM guests as xl list -l types them; figures as xl list and xentop")


def vcpu_list(path):
    """xl vcpu-list: {"name:vcpu": cpu} of the vCPUs on a pCPU (CPU not "-")."""
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) < 5 or f[0] == "Name" or not f[2].isdigit():
            continue
        if f[3].isdigit():
            out["%s:%s" % (f[0], f[2])] = int(f[3])
    return out


def pcpu(pcpu_path, xl_info_path, before_path, after_path, z_path):
    """top -b --pcpu on Xen: a row per pCPU xl info counts, busy from Xen's
    idle time alone, the vCPUs where xl vcpu-list puts them; -z; no steal."""
    info = {k.strip(): v.strip() for k, v in (l.split(":", 1) for l in open(xl_info_path) if ":" in l)}
    ncpu = int(info["nr_cpus"].strip())
    recs = [json.loads(l) for l in open(pcpu_path)]
    bad = []
    if len(recs) != 3 * ncpu:
        bad.append("%d records for 3 samples of %d pCPUs (xl info nr_cpus)" % (len(recs), ncpu))
    for r in recs:
        if r["online"] is not True or r["user_pct"] is not None or r["iowait_pct"] is not None:
            bad.append("cpu %d: %r" % (r["cpu"], r))
        if r["sample"] > 1 and not (r["busy_pct"] is not None and 0 <= r["busy_pct"] <= 100):
            bad.append("cpu %d sample %d: busy %r" % (r["cpu"], r["sample"], r["busy_pct"]))
    before, after = vcpu_list(before_path), vcpu_list(after_path)
    last = {v: r["cpu"] for r in recs if r["sample"] == 3 for v in r["vcpus"]}
    if set(last) != set(after) and set(last) != set(before):
        bad.append("vCPUs %s, xl vcpu-list %s" % (sorted(last), sorted(after)))
    for v, c in sorted(last.items()):
        # dom0-run.sh pins each vCPU for the run: top finds it where xl does
        if before.get(v) == after.get(v) is not None and c != after[v]:
            bad.append("%s on pCPU %d, xl vcpu-list says %d" % (v, c, after[v]))
    z = [json.loads(l) for l in open(z_path)]
    if not z or z[0]["name"] != "Domain-0":
        bad.append("-z -s name -r: first %r" % (z[0]["name"] if z else None))
    if any(r["steal_pct"] is not None for r in z):
        bad.append("STEAL(%%) on Xen: %r" % [r["steal_pct"] for r in z])
    for b in bad:
        print(b)
    if bad:
        die("%d differences in the pCPU view" % len(bad))
    print("pCPU view: %d pCPUs as xl info says, busy %s, vCPUs as xl vcpu-list places them; -z puts Domain-0 first" % (
        ncpu, [r["busy_pct"] for r in recs if r["sample"] == 3]))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"check-verdicts": check_verdicts, "top-vs-xentop": top_vs_xentop, "follow": follow,
     "metrics": metrics, "bundle": bundle, "libvirt": libvirt, "guest-types": guest_types, "pcpu": pcpu}[cmd](*args)
