#!/usr/bin/env python3
# A libvirt test-driver node file: make-node-xml.py FILE N [special] [tuned]
# N running domains (dom0000...), memory 128-512 MiB, 1-2 vCPUs, one disk
# and one NIC each; with "special" the first five are named with a quote, a
# backslash, a newline, UTF-8 and a space; with "tuned" each disk has I/O
# limits (<iotune>, a value of its own for each) and each domain a
# <numatune>, the mode and nodeset going round, one or two IOThreads,
# the first pinned, and perf events (none for every third domain).  Used by tests/e2e and bench/.
import sys
import uuid
from xml.sax.saxutils import escape

path, n = sys.argv[1], int(sys.argv[2])
special = "special" in sys.argv[3:]
tuned = "tuned" in sys.argv[3:]


def iotune(i):
    # QEMU's rules, which libvirt checks: total excludes read and write; a
    # burst needs its rate and is above it; a length needs its burst
    vals = {}
    for unit, step, dirs in (("bytes", 1048576, ("total",) if i % 2 else ("read", "write")),
                             ("iops", 100, ("total",) if i % 3 == 0 else ("read", "write"))):
        for n, d in enumerate(dirs):
            rate = (1 + i + n) * step
            vals[f"{d}_{unit}_sec"] = rate
            if (i + n) % 2 == 0:
                vals[f"{d}_{unit}_sec_max"] = 2 * rate
                vals[f"{d}_{unit}_sec_max_length"] = 2 + (i + n) % 7
    return "<iotune>" + "".join(f"<{k}>{v}</{k}>" for k, v in vals.items()) + "</iotune>"


def numatune(i):
    mode = ("strict", "interleave", "preferred")[i % 3]
    return (f"<numatune><memory mode='{mode}' nodeset='{i % 2}'/></numatune><iothreads>{1 + i % 2}</iothreads>"
            f"<cputune><iothreadpin iothread='1' cpuset='{i % 4},{i % 4 + 2}-{i % 4 + 4}'/></cputune>"
            + ("" if i % 3 == 2 else "<perf>" + "".join(f"<event name='{e}' enabled='yes'/>" for e in PERF[i % 3:i % 3 + 2]) + "</perf>"))


PERF = ["cpu_cycles", "cmt", "page_faults", "mbml"]


odd = ['q"uote', 'back\\slash', 'new\nline', 'ünïcødé-名前', 'with space']
with open(path, "w") as f:
    f.write("<node>\n  <cpu><mhz>2000</mhz><model>i686</model><active>16</active><total>16</total>"
            "<nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>2</threads></cpu>\n"
            "  <memory>67108864</memory>\n")
    for i in range(n):
        name = escape(odd[i]) if special and i < len(odd) else f"dom{i:04d}"
        f.write(f"  <domain type='test'><name>{name}</name><uuid>{uuid.UUID(int=i + 1)}</uuid>"
                f"<memory unit='KiB'>{131072 * (1 + i % 4)}</memory><vcpu>{1 + i % 2}</vcpu>"
                f"{numatune(i) if tuned else ''}<os><type>hvm</type></os>"
                f"<devices><disk type='file' device='disk'><source file='/guest/d{i}.img'/><target dev='vda' bus='virtio'/>"
                f"{iotune(i) if tuned else ''}</disk>"
                f"<interface type='network'><mac address='52:54:00:00:{i // 256:02x}:{i % 256:02x}'/>"
                f"<source network='default'/><target dev='tap{i}'/></interface></devices></domain>\n")
    f.write("</node>\n")
