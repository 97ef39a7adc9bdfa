# hvscope bundle on a RHEL 5 Xen host root with secrets planted in every
# kind of file it collects: none may appear anywhere in the archive (files,
# manifest, the bundle's own log); the system's tar opens it and every
# checksum of the manifest holds; symlinks out of the tree are not followed;
# a 1 GB log is capped to its newest part; --since, --clean, a user who
# may not read everything, and a run killed half-way.
. "$(dirname "$0")/lib.sh"
need python3 tar xz setpriv
R=$TMP/root
mkroot "$R" rhel5-xen
chmod 755 "$TMP"

# --- planted secrets: every form the scrubber must catch ---
SECRETS=()
plant() { SECRETS+=("$1"); }
mkdir -p "$R/etc/xen/scripts" "$R/var/log/xen" "$R/etc/libvirt/qemu" "$R/etc/libvirt/secrets" \
	"$R/var/log/libvirt/qemu" "$R/run/libvirt/common" "$R/var/log/audit" "$R/etc/default" "$R/etc/sysconfig"
# xm config: python syntax, quoted, and inside a vfb list
cat >> "$R/etc/xen/vm_rhel5_i386" <<'X'
vncpasswd = "Xm Quoted Secret 1"
X
plant "Xm Quoted Secret 1"
cat > "$R/etc/xen/guest2" <<'X'
name = "guest2"
memory = 512
vfb = [ 'type=vnc,vncpasswd=XmListSecret2,vncdisplay=3' ]
vif = [ 'mac=00:16:3e:aa:bb:cc,ip=192.168.122.50,bridge=xenbr0' ]
X
plant XmListSecret2
# xend's S-expression config
cat >> "$R/etc/xen/xend-config.sxp" <<'X'
(vncpasswd 'SxpSecret3')
X
plant SxpSecret3
# a python dict in xend.log, a password with spaces in an INI-ish file
cat > "$R/var/log/xen/xend.log" <<'X'
[2009-03-11 10:00:01 xend 3021] DEBUG (XendDomainInfo:91) XendDomainInfo.create(['vm', ['name', 'vm1'], {'vncpasswd': 'LogDictSecret4', 'vnc': 1}])
[2009-03-11 10:00:02 xend 3021] INFO (XendDomainInfo:95) vm1 created for alice from 192.168.122.50
X
plant LogDictSecret4
cat > "$R/etc/sysconfig/xend" <<'X'
XEND_PASSPHRASE=ini spaced secret five
X
plant "spaced secret five"
# libvirt XML attribute, qemu.conf, a URL, a QMP password in a JSON log
cat > "$R/etc/libvirt/qemu/web1.xml" <<'X'
<domain type='kvm'>
  <name>web1</name>
  <devices>
    <graphics type='vnc' port='-1' passwd='XmlAttrSecret6' keymap='en-us'/>
  </devices>
</domain>
X
plant XmlAttrSecret6
printf 'vnc_password = "QemuConfSecret7"\nspice_password = QemuConfSecret8\n' > "$R/etc/libvirt/qemu.conf"
plant QemuConfSecret7
plant QemuConfSecret8
printf 'uri_aliases = [ "remote=qemu+ssh://root:UrlSecret9@virt02/system" ]\n' > "$R/etc/libvirt/libvirt.conf"
plant UrlSecret9
cat > "$R/var/log/libvirt/qemu/web1.log" <<'X'
2026-11-20 10:00:00.000+0000: starting up libvirt version: 9.0.0
{"execute":"set_password","arguments":{"protocol":"vnc","password":"QmpJsonSecret10"},"id":"libvirt-12"}
-object secret,id=masterKey0,data=QemuObjSecret11,format=base64
X
plant QmpJsonSecret10
plant QemuObjSecret11
# a private key in a log, whole; libvirt's secret store and session token
cat > "$R/var/log/libvirt/libvirtd.log" <<'X'
2026-11-20 10:00:00.000+0000: 1234: error : loaded key
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAPemWholeSecret12AAAAAAAAAAAAAAAAAAAAA
QWERTYUIOPASDFGHJKLZXCVBNMqwertyuiopasdfghjk
-----END RSA PRIVATE KEY-----
2026-11-20 10:00:01.000+0000: 1234: info : done
X
plant PemWholeSecret12
echo "StoreSecret13" > "$R/etc/libvirt/secrets/0b3c5a8e-1d2f-4c3b-9a8e-7f6d5c4b3a21.base64"
plant StoreSecret13
echo "TokenFileSecret14" > "$R/run/libvirt/common/system.token"
plant TokenFileSecret14
# an AVC denial (kept) and an auth record with a password (not an AVC: dropped)
cat > "$R/var/log/audit/audit.log" <<'X'
type=AVC msg=audit(1700000000.123:45): avc:  denied  { read } for  pid=3021 comm="qemu-dm" name="vm1.img" scontext=system_u:system_r:xend_t:s0 tcontext=system_u:object_r:default_t:s0 tclass=file
type=USER_AUTH msg=audit(1700000001.000:46): pid=1 uid=0 msg='op=login acct="alice" password=AuditSecret15'
X
plant AuditSecret15
# a 1 GB log: a hole, then its newest megabytes, a key cut by the cap
big=$R/var/log/xen/qemu-dm.2001.log
truncate -s 1G "$big"
python3 - "$big" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    f.write("-----BEGIN PRIVATE KEY-----\n")
    for i in range(40000):          # 40000 * 45 B = 1.8 MB of key body
        f.write("PemCutSecret16AAAAAAAAAAAAAAAAAAAAAAAAA%05d\n" % i)
    f.write("-----END PRIVATE KEY-----\n")
    for i in range(2000):
        f.write("newest line %d of the log\n" % i)
PY
plant PemCutSecret16
# a symlink out of the tree, to a file outside the root
echo "OutsideSecret17" > "$TMP/outside.txt"
ln -s "$TMP/outside.txt" "$R/var/log/xen/leak.log"
ln -s ../../../../../../../../etc/shadow "$R/etc/xen/shadow-link"
plant OutsideSecret17
# an old log, for --since
echo "an old log line" > "$R/var/log/xen/old.log"
touch -d '10 days ago' "$R/var/log/xen/old.log"
# a user, for --clean
echo "alice:x:1000:1000:Alice:/home/alice:/bin/bash" >> "$R/etc/passwd"
echo "virt01.example.com" > "$R/etc/hostname"

# --- the bundle ---
OUT=$TMP/out
mkdir -p "$OUT"
chmod 755 "$OUT"
run_hv bundle --root "$R" --connect test:///default --max-file-size 1M -o "$OUT/b.tar.xz" > "$TMP/stdout" 2> "$TMP/stderr"
[ "$RC" = 0 ] || { cat "$TMP/stderr"; fail "bundle exited $RC"; }
[ "$(cat "$TMP/stdout")" = "$OUT/b.tar.xz" ] || fail "stdout should be the archive's path: $(cat "$TMP/stdout")"
[ "$(stat -c %a "$OUT/b.tar.xz")" = 600 ] || fail "archive mode $(stat -c %a "$OUT/b.tar.xz"), expected 600"
[ "$(ls "$OUT")" = b.tar.xz ] || fail "leftovers beside the archive: $(ls "$OUT")"
note "$(cat "$TMP/stderr")"

X=$TMP/x
mkdir -p "$X"
tar -xf "$OUT/b.tar.xz" -C "$X" || fail "the system tar cannot open the archive"
top=$(ls "$X")
B=$X/$top
[[ "$top" == hvscope-virt01.example.com-* ]] || fail "top directory $top"

# no planted secret anywhere: extracted files, and the raw archive stream
xz -dc "$OUT/b.tar.xz" > "$TMP/raw.tar"
for s in "${SECRETS[@]}"; do
	if grep -rqaF -- "$s" "$B" || grep -qaF -- "$s" "$TMP/raw.tar"; then
		fail "secret '$s' leaked: $(grep -rlaF -- "$s" "$B" | sed "s|$B/||" | tr '\n' ' ')"
	fi
done
note "${#SECRETS[@]} planted secrets, none in the archive"

# the manifest: every file listed with the right size and sha256, and
# every file of the archive in it; what was left out, with reasons
python3 - "$B" <<'PY' || fail "manifest check"
import hashlib, json, os, sys
b = sys.argv[1]
m = json.load(open(os.path.join(b, "manifest.json")))
listed = {f["path"]: f for f in m["files"]}
on_disk = set()
for d, _, fs in os.walk(b):
    for f in fs:
        on_disk.add(os.path.relpath(os.path.join(d, f), b))
on_disk.discard("manifest.json")
assert on_disk == set(listed), ("not listed", on_disk - set(listed), "listed, absent", set(listed) - on_disk)
for p, f in listed.items():
    data = open(os.path.join(b, p), "rb").read()
    assert len(data) == f["size"], p
    assert hashlib.sha256(data).hexdigest() == f["sha256"], p
skipped = {s["source"]: s["reason"] for s in m["skipped"]}
def reason(src, word):
    assert src in skipped and word in skipped[src], (src, skipped.get(src))
reason("/var/log/xen/leak.log", "symlink")
reason("/etc/xen/shadow-link", "symlink")
reason("/etc/libvirt/secrets", "on purpose")
reason("/run/libvirt/common/system.token", "on purpose")
reason("dmesg", "live host")
scrubbed = {f["path"]: f["scrubbed"] for f in m["files"]}
for p in ["files/etc/xen/guest2", "files/etc/xen/xend-config.sxp", "files/var/log/xen/xend.log", "files/etc/libvirt/qemu/web1.xml",
          "files/etc/libvirt/qemu.conf", "files/var/log/libvirt/qemu/web1.log", "files/var/log/libvirt/libvirtd.log"]:
    assert scrubbed.get(p, 0) >= 1, (p, scrubbed.get(p))
assert scrubbed["files/etc/libvirt/qemu.conf"] == 2
assert m["totals"]["scrubbed"] >= 12, m["totals"]
big = listed["files/var/log/xen/qemu-dm.2001.log"]
assert big["size"] <= (1 << 20) + 200 and big["truncated_bytes"] > (1 << 30), big
assert m["live_host"] is False and m["root"].endswith("/root")
print("  manifest: %d files, %d skipped, %d values scrubbed" % (len(listed), len(skipped), m["totals"]["scrubbed"]))
PY

# what a Xen support case needs is there
for f in README.txt bundle.log index.html check/report.txt check/report.json check/facts.json check/packages.txt \
	files/etc/xen/xend-config.sxp files/etc/xen/vm_rhel5_i386 files/var/log/xen/xend.log files/sys/hypervisor/type \
	files/etc/redhat-release files/proc/cpuinfo selinux/avc-virt.log listings/var_lib_xen_images.txt \
	hypervisor/samples.json hypervisor/capabilities.xml hypervisor/domains/test.xml hypervisor/networks/default.xml; do
	[ -s "$B/$f" ] || fail "missing or empty: $f"
done
grep -q '"profile": *"rhel5-xen"' "$B/check/report.json" || fail "check report is not rhel5-xen's"
grep -q "xend_t" "$B/selinux/avc-virt.log" || fail "AVC denial missing"
grep -q USER_AUTH "$B/selinux/avc-virt.log" && fail "non-AVC audit records kept"
grep -q "newest line 1999 of the log" "$B/files/var/log/xen/qemu-dm.2001.log" || fail "capped log lost its newest part"
head -1 "$B/files/var/log/xen/qemu-dm.2001.log" | grep -q "were left out" || fail "capped log does not say so"
grep -q "private key removed" "$B/files/var/log/xen/qemu-dm.2001.log" || fail "cut key not marked"
grep -q "OutsideSecret" "$B" -r && fail "followed a symlink out"
grep -q "keymap='en-us'" "$B/files/etc/libvirt/qemu/web1.xml" || fail "over-scrubbed the XML"
grep -q '"name":"test"' "$B/hypervisor/samples.json" || fail "test driver domain missing"
[ -s "$B/files/var/log/xen/old.log" ] || fail "old log missing without --since"

# --- --since and --clean ---
run_hv bundle --root "$R" --no-hypervisor --since 1d --clean -o "$OUT/c.tar.gz" > /dev/null 2> "$TMP/stderr"
[ "$RC" = 0 ] || { cat "$TMP/stderr"; fail "bundle --clean exited $RC"; }
[ -f "$OUT/c.tar.gz.map.json" ] || fail "no mapping beside the archive"
[ "$(stat -c %a "$OUT/c.tar.gz.map.json")" = 600 ] || fail "mapping is not mode 600"
C=$TMP/c
mkdir -p "$C"
tar -xzf "$OUT/c.tar.gz" -C "$C"
zcat "$OUT/c.tar.gz" > "$TMP/raw-c.tar"
for s in virt01 192.168.122.50 00:16:3e:aa:bb:cc 00:16:3e:0c:77:c5 alice "${SECRETS[@]}"; do
	grep -qaF -- "$s" "$TMP/raw-c.tar" && fail "--clean left '$s' in the archive"
done
ls "$C" | grep -q '^hvscope-host1-' || fail "top directory not cleaned: $(ls "$C")"
grep -q map.json "$TMP/raw-c.tar" && fail "mapping inside the archive"
python3 - "$OUT/c.tar.gz.map.json" "$C" <<'PY' || fail "mapping"
import json, sys, glob
m = json.load(open(sys.argv[1]))
assert m["host"]["virt01.example.com"] == "host1", m
ip = m["ipv4"]["192.168.122.50"]
mac = m["mac"]["00:16:3e:aa:bb:cc"]
user = m["user"]["alice"]
top = glob.glob(sys.argv[2] + "/*")[0]
# the same address, the same placeholder in every file it appears in
assert ip in open(top + "/files/etc/xen/guest2").read()
assert ip in open(top + "/files/var/log/xen/xend.log").read()
assert mac in open(top + "/files/etc/xen/guest2").read()
assert user in open(top + "/files/var/log/xen/xend.log").read()
PY
python3 - "$C" <<'PY' || fail "--since"
import json, sys, glob
top = glob.glob(sys.argv[1] + "/*")[0]
m = json.load(open(top + "/manifest.json"))
sk = {s["source"]: s["reason"] for s in m["skipped"]}
assert "since" in sk.get("/var/log/xen/old.log", ""), sk.get("/var/log/xen/old.log")
assert any(f["path"] == "files/var/log/xen/xend.log" for f in m["files"])
PY

# --- a user who may not read everything ---
chmod 000 "$R/etc/xen/guest2"
run_hv bundle --help > "$TMP/help.txt"
[ "$RC" = 0 ] || fail "bundle --help exited $RC"
grep -q '^Usage: hvscope bundle' "$TMP/help.txt" || fail "bundle --help printed no usage: $(head -3 "$TMP/help.txt")"
mkdir -p "$TMP/nobody"
chown 65534:65534 "$TMP/nobody"
setpriv --reuid=65534 --regid=65534 --clear-groups "$HVSCOPE" bundle --root "$R" --no-hypervisor -o "$TMP/nobody/u.tar" > /dev/null 2> "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "bundle as nobody failed"; }
tar -xf "$TMP/nobody/u.tar" -O --wildcards '*/manifest.json' | python3 -c '
import json, sys
m = json.load(sys.stdin)
sk = {s["source"]: s["reason"] for s in m["skipped"]}
assert sk.get("/etc/xen/guest2") == "permission denied", sk.get("/etc/xen/guest2")
' || fail "permission denied not reported"
chmod 644 "$R/etc/xen/guest2"

# --- killed half-way: the old archive stays, nothing is left beside it ---
echo OLD > "$OUT/k.tar.xz"
for i in $(seq 40); do head -c 400000 /dev/urandom | base64 > "$R/var/log/xen/bulk$i.log"; done
# (SIGINT: a background job of a script ignores it, so not tested here)
for sig in KILL TERM; do
	"$HVSCOPE" bundle --root "$R" --no-hypervisor --max-file-size 1G -o "$OUT/k.tar.xz" > /dev/null 2>&1 &
	pid=$!
	sleep 0.3
	kill -0 "$pid" 2>/dev/null || fail "bundle finished before SIG$sig; make it longer"
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null || true
	[ "$(cat "$OUT/k.tar.xz")" = OLD ] || fail "SIG$sig: the target was replaced by a partial archive"
	[ "$(ls "$OUT" | grep -c '^k\.')" = 1 ] || fail "SIG$sig: leftovers: $(ls "$OUT")"
done
note "killed with SIGKILL and SIGTERM: target untouched, no leftovers"

# --- an audit log that is not a file: said so, not a stale errno ---
R3="$TMP/r3"
mkdir -p "$R3/var/log/audit/audit.log" "$R3/etc"
echo r3 > "$R3/etc/hostname"
"$HVSCOPE" bundle --root "$R3" --no-hypervisor -q -o "$OUT/r3.tar" > /dev/null 2>&1 || fail "bundle of r3"
tar -xf "$OUT/r3.tar" -O --wildcards '*/manifest.json' | python3 -c '
import json, sys
m = json.load(sys.stdin)
sk = {s["source"]: s["reason"] for s in m["skipped"]}
assert sk.get("/var/log/audit/audit.log") == "not a regular file", sk.get("/var/log/audit/audit.log")
' || fail "audit.log as a directory: wrong reason"

# --- --clean with the default archive name, on a host named like a
# directory of that name's path: the placeholder goes in the file name,
# and only there ---
echo tmp > "$R3/etc/hostname"
out=$("$HVSCOPE" bundle --root "$R3" --no-hypervisor --clean -q 2> "$TMP/stderr") || { cat "$TMP/stderr"; fail "bundle --clean, default name, host 'tmp'"; }
case "$out" in
/var/tmp/hvscope-*-tmp-* | /var/tmp/hvscope-tmp-*) fail "--clean: the host name is in the archive name: $out" ;;
/var/tmp/hvscope-*.tar.xz) ;;
*) fail "--clean: default archive name $out" ;;
esac
[ -f "$out" ] && [ -f "$out.map.json" ] || fail "--clean: $out or its map missing"
grep -q '"tmp"' "$out.map.json" || fail "--clean: the map does not name the host: $(cat "$out.map.json")"
rm -f "$out" "$out.map.json"

# --- bad input ---
run_hv bundle -o "$OUT/x.zip"
[ "$RC" = 1 ] || fail "unknown suffix: exit $RC"
run_hv bundle --since yesterday -o "$OUT/x.tar"
[ "$RC" = 1 ] || fail "bad --since: exit $RC"
run_hv bundle -o /nonexistent/dir/x.tar
[ "$RC" = 1 ] || fail "unwritable output: exit $RC"
[ ! -e "$OUT/x.tar" ] && [ ! -e "$OUT/x.zip" ] || fail "bad runs wrote something"
exit 0
