#!/usr/bin/env python3
# A libvirt test-driver node file: make-node-xml.py FILE N [special]
# N running domains (dom0000...), memory 128-512 MiB, 1-2 vCPUs, one disk
# and one NIC each; with "special" the first five are named with a quote, a
# backslash, a newline, UTF-8 and a space.  Used by tests/e2e and bench/.
import sys
import uuid
from xml.sax.saxutils import escape

path, n = sys.argv[1], int(sys.argv[2])
special = len(sys.argv) > 3 and sys.argv[3] == "special"
odd = ['q"uote', 'back\\slash', 'new\nline', 'ünïcødé-名前', 'with space']
with open(path, "w") as f:
    f.write("<node>\n  <cpu><mhz>2000</mhz><model>i686</model><active>16</active><total>16</total>"
            "<nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>2</threads></cpu>\n"
            "  <memory>67108864</memory>\n")
    for i in range(n):
        name = escape(odd[i]) if special and i < len(odd) else f"dom{i:04d}"
        f.write(f"  <domain type='test'><name>{name}</name><uuid>{uuid.UUID(int=i + 1)}</uuid>"
                f"<memory unit='KiB'>{131072 * (1 + i % 4)}</memory><vcpu>{1 + i % 2}</vcpu><os><type>hvm</type></os>"
                f"<devices><disk type='file' device='disk'><source file='/guest/d{i}.img'/><target dev='vda' bus='virtio'/></disk>"
                f"<interface type='network'><mac address='52:54:00:00:{i // 256:02x}:{i % 256:02x}'/>"
                f"<source network='default'/><target dev='tap{i}'/></interface></devices></domain>\n")
    f.write("</node>\n")
