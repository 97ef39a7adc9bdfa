# The options each command's usage text lists against those its man page
# defines (an OPTIONS entry: .TP, then a line naming it); prints what one
# has and the other lacks, exits 1 when they differ.
import re
import subprocess
import sys

hvscope, man_dir = sys.argv[1], sys.argv[2]
OPT = r"--(?:\[no-\])?[a-z][a-z0-9.-]*[a-z0-9]"
bad = []
for cmd in ("check", "top", "exporter", "bundle", "fleet"):
    r = subprocess.run([hvscope, cmd, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        bad.append("%s --help exited %d" % (cmd, r.returncode))
        continue
    usage = set()
    for line in r.stdout.splitlines():
        m = re.match(r"\s+(?:-\w,\s+)?(%s)" % OPT, line)
        if m:
            usage.add(m.group(1).replace("[no-]", ""))
    text = open("%s/hvscope-%s.1" % (man_dir, cmd)).read().replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")
    lines = text.splitlines()
    man = set()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP"):
            m = re.search(OPT, lines[i + 1]) if lines[i + 1].startswith(".") else None
            if m:
                man.add(m.group(0))
    if len(usage) < (2 if cmd == "fleet" else 3):
        bad.append("%s: the usage text lists %d options" % (cmd, len(usage)))
    for o in sorted(usage - man):
        bad.append("%s: %s in the usage text, not in hvscope-%s(1)" % (cmd, o, cmd))
    for o in sorted(man - usage):
        bad.append("%s: %s in hvscope-%s(1), not in the usage text" % (cmd, o, cmd))
    print("  %s: %d options in both" % (cmd, len(usage & man)))
if bad:
    print("\n".join(bad))
    sys.exit(1)
