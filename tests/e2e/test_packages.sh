# Packaging as an admin meets it: the Debian package built with
# dpkg-buildpackage from a copy of the tree, lintian with no error,
# "apt install ./hvscope_*.deb", a smoke test of the installed files (not
# the build tree): check, top on the test driver, an exporter scrape, a
# bundle, local rules in /etc/hvscope/rules.d, bash completion, every man
# page rendered by man and groff without a warning; then removed and purged
# with nothing left.  The RPM built by rpmbuild from "make dist"'s tarball,
# its file list, rpmlint's word, and its binary run from an rpm --root.
. "$(dirname "$0")/lib.sh"
need dpkg-buildpackage lintian rpmbuild groff man apt-get git
[ "$(id -u)" = 0 ] || skip not-root "installing a package needs root"
if dpkg-query -W -f='${Status}' hvscope 2>/dev/null | grep -q 'install ok'; then
	missing "an hvscope package is installed on this machine already; not touching it"
fi
# Run from make check: its MAKEFLAGS (SANITIZE=1, BUILD=...) must not reach
# the package builds' own make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
trap 'apt-get purge -y -q hvscope-xen hvscope >/dev/null 2>&1 || true; rm -f /etc/hvscope/rules.d/50-site.yaml; cleanup' EXIT

# --- the Debian package, from a copy of the tracked tree ---
S=$TMP/deb/hvscope-0.1.0
mkdir -p "$S"
git -C "$TOP" ls-files -co --exclude-standard | (cd "$TOP" && tar -T - -cf -) | tar -xf - -C "$S"
(cd "$S" && dpkg-buildpackage -us -uc -b > "$TMP/deb/build.log" 2>&1) || { tail -30 "$TMP/deb/build.log"; fail "dpkg-buildpackage"; }
DEB=$(ls "$TMP"/deb/hvscope_*_amd64.deb)
XDEB=$(ls "$TMP"/deb/hvscope-xen_*_amd64.deb)
note "built $(basename "$DEB") ($(stat -c %s "$DEB") bytes) and $(basename "$XDEB"); unit tests in the build: $(grep -c 'PASSED' "$TMP/deb/build.log") suites passed"
# The Xen backend is its own package: hvscope itself needs no Xen library.
dpkg-deb -c "$DEB" | grep -q 'hv-xenstat.so' && fail "hvscope ships the Xen backend"
dpkg-deb -c "$XDEB" | grep -q '/usr/lib/hvscope/hv-xenstat.so$' || fail "hvscope-xen lacks hv-xenstat.so"
dpkg-deb -f "$DEB" Depends | grep -q 'libxen' && fail "hvscope depends on Xen's libraries: $(dpkg-deb -f "$DEB" Depends)"
dpkg-deb -f "$XDEB" Depends | grep -q 'libxen' || fail "hvscope-xen does not depend on libxen: $(dpkg-deb -f "$XDEB" Depends)"
dpkg-deb -f "$DEB" Suggests | grep -q 'hvscope-xen' || fail "hvscope does not suggest hvscope-xen"
dpkg-deb -c "$DEB" | grep '/usr/share/doc/hvscope/examples/ansible/roles/hvscope/tasks/main.yml$' > /dev/null || fail "hvscope lacks the Ansible role (examples/ansible)"
# The textfile timer, writing where Debian's prometheus-node-exporter reads.
dpkg-deb -c "$DEB" > "$TMP/deb.list"
for f in ./lib/systemd/system/hvscope-check.service ./lib/systemd/system/hvscope-check.timer ./usr/share/doc/hvscope/examples/hvscope-federation.yml; do
	grep -q " $f\$" "$TMP/deb.list" || fail "$f not in the .deb"
done
dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./lib/systemd/system/hvscope-check.service |
	grep -qx 'Environment=HVSCOPE_TEXTFILE_DIR=/var/lib/prometheus/node-exporter' || fail "the .deb's hvscope-check.service writes elsewhere"
note "hvscope depends on: $(dpkg-deb -f "$DEB" Depends | tr -d '\n')"
note "hvscope-xen depends on: $(dpkg-deb -f "$XDEB" Depends | tr -d '\n')"
lintian --fail-on error --pedantic -I "$TMP"/deb/hvscope_*.changes > "$TMP/lintian.txt" 2>&1 || { cat "$TMP/lintian.txt"; fail "lintian reports errors"; }
note "lintian: $(grep -c '^[EWIP]:' "$TMP/lintian.txt") tags, none an error: $(grep '^[EWIP]:' "$TMP/lintian.txt" | cut -d' ' -f1,3 | tr '\n' ' ')"

DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB" > "$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log"; fail "apt install ./hvscope.deb"; }
H=/usr/bin/hvscope
[ -x $H ] || fail "no $H after install"
$H --version | grep -q '^hvscope 0.1.0$' || fail "--version: $($H --version)"
$H help bundle | grep -q 'Usage: hvscope bundle' || fail "hvscope help bundle"
for c in check top exporter bundle; do
	$H $c --help > "$TMP/h.out" 2> "$TMP/h.err" || fail "$c --help exited non-zero"
	[ -s "$TMP/h.out" ] && [ ! -s "$TMP/h.err" ] || fail "$c --help: usage goes to stdout, nothing to stderr"
done
$H frobnicate > "$TMP/o" 2> "$TMP/e" && fail "an unknown command succeeded"
[ ! -s "$TMP/o" ] && [ -s "$TMP/e" ] || fail "an unknown command's message belongs on stderr"

# check: the shipped profiles, on this host
$H check --list | grep -q '^rhel5-xen: ' || fail "check --list does not find the installed profiles"
set +e; $H check --profile kvm > "$TMP/check.txt" 2>&1; rc=$?; set -e
[ $rc -lt 3 ] || { cat "$TMP/check.txt"; fail "installed hvscope check could not run (exit $rc)"; }
# top: the backend module from /usr/lib/hvscope
$H top -b -i 2 -d 0.2 --connect test:///default -f csv > "$TMP/top.csv" || fail "installed top"
[ "$(grep -c ',test,' "$TMP/top.csv")" = 2 ] || fail "top -b -i 2: $(cat "$TMP/top.csv")"
# exporter: one scrape
P=$(free_port)
$H exporter --web.listen-address 127.0.0.1:$P --connect test:///default --check.interval 3600 2> "$TMP/exp.err" &
epid=$!
wait_http "http://127.0.0.1:$P/healthz" 20
curl -fs "http://127.0.0.1:$P/metrics" > "$TMP/metrics" || fail "scrape of the installed exporter"
kill -TERM $epid; wait $epid || true
grep -q '^hvscope_up 1' "$TMP/metrics" || fail "hvscope_up is not 1"
grep -q '^hvscope_domain_memory_bytes{domain="test"' "$TMP/metrics" || fail "no domain series"
# bundle
$H bundle --no-hypervisor -q -o "$TMP/b.tar.xz" > /dev/null || fail "installed bundle"
tar -tJf "$TMP/b.tar.xz" | grep -q '/manifest.json$' || fail "bundle has no manifest"
# local rules: the worked example of hvscope-rules(5), from the installed page
zcat /usr/share/man/man5/hvscope-rules.5.gz | sed -n '/^\.nf/,/^\.fi/p' | sed '1d;$d; s/\\-/-/g' > /etc/hvscope/rules.d/50-site.yaml
set +e; $H check --profile site > "$TMP/site.txt" 2>&1; rc=$?; set -e
[ $rc -lt 3 ] && grep -q 'min-cpus' "$TMP/site.txt" || { cat "$TMP/site.txt"; fail "the man page's example rule file (exit $rc)"; }
rm /etc/hvscope/rules.d/50-site.yaml
note "installed: check, top, exporter, bundle and the man page's example rules work"

# every man page: man renders it, groff -ww says nothing
pages=$(dpkg -L hvscope | grep -E '/man[15]/.*\.gz$')
[ "$(echo "$pages" | wc -l)" = 7 ] || fail "expected 7 man pages: $pages"
for p in $pages; do
	MANWIDTH=80 man -l "$p" > "$TMP/man.txt" 2> "$TMP/man.err" || fail "man -l $p"
	[ -s "$TMP/man.txt" ] && [ ! -s "$TMP/man.err" ] || fail "man -l $p: $(cat "$TMP/man.err")"
	zcat "$p" | groff -ww -man -Tutf8 -z 2> "$TMP/groff.err"
	[ ! -s "$TMP/groff.err" ] || fail "groff warns on $p: $(cat "$TMP/groff.err")"
done
man -w hvscope-rules | grep -q man5 || fail "man does not find hvscope-rules(5)"
note "7 man pages render; groff -ww: no warnings"

# bash completion, as an interactive shell loads it
cat > "$TMP/comp.sh" <<'SH'
. /usr/share/bash-completion/bash_completion
. /usr/share/bash-completion/completions/hvscope
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _hvscope; echo "${COMPREPLY[*]}"; }
echo "1:$(comp hvscope "")"
echo "2:$(comp hvscope check --profile "")"
echo "3:$(comp hvscope check --explain vt-)"
echo "4:$(comp hvscope top --so)"
echo "5:$(comp hvscope bundle --r)"
echo "6:$(comp hvscope top -s cpu)"
echo "7:$(comp hvscope exporter --no-collector.m)"
echo "8:$(comp hvscope fleet --o)"
SH
bash "$TMP/comp.sh" > "$TMP/comp.out" 2>&1 || { cat "$TMP/comp.out"; fail "completion script"; }
grep -q '^1:check top exporter bundle fleet help$' "$TMP/comp.out" && grep -q '^8:--output$' "$TMP/comp.out" &&
	grep -q '^2:.*rhel5-xen.*' "$TMP/comp.out" && grep -q '^2:.*kvm' "$TMP/comp.out" &&
	grep -q '^3:vt-enabled$' "$TMP/comp.out" && grep -q '^4:--sort$' "$TMP/comp.out" &&
	grep -q '^5:--root$' "$TMP/comp.out" && grep -q '^6:cpu_seconds cpu_pct$' "$TMP/comp.out" &&
	grep -q '^7:--no-collector.memory$' "$TMP/comp.out" ||
	{ cat "$TMP/comp.out"; fail "bash completion"; }
note "bash completion: commands, flags (from each command's usage text), collectors, profiles, rule ids, columns"

# hvscope-xen beside it: the xen backend is found, and fails as on a host
# that is no dom0 (no xenstore here), not as a missing module
$H top -b -i 1 --connect xen > "$TMP/x.out" 2>&1 && fail "--connect xen succeeded on a host without Xen"
grep -q 'hvscope-xen package' "$TMP/x.out" || fail "without hvscope-xen, --connect xen does not name the package: $(cat "$TMP/x.out")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$XDEB" > "$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log"; fail "apt install ./hvscope-xen.deb"; }
$H top -b -i 1 --connect xen > "$TMP/x.out" 2>&1 && fail "--connect xen succeeded on a host without Xen"
grep -q 'not installed' "$TMP/x.out" && fail "hvscope-xen installed, the module still missing: $(cat "$TMP/x.out")"
note "--connect xen: without hvscope-xen '$(head -c 90 "$TMP/x.out" | tr '\n' ' ')'..."
apt-get purge -y -q hvscope-xen > "$TMP/rm.log" 2>&1 || { cat "$TMP/rm.log"; fail "apt purge hvscope-xen"; }

# removed, then purged: nothing of it left
files=$(dpkg -L hvscope | while read -r f; do [ -f "$f" ] && echo "$f"; done)
apt-get remove -y -q hvscope > "$TMP/rm.log" 2>&1 || { cat "$TMP/rm.log"; fail "apt remove"; }
apt-get purge -y -q hvscope > "$TMP/purge.log" 2>&1 || { cat "$TMP/purge.log"; fail "apt purge"; }
for f in $files; do [ ! -e "$f" ] || fail "$f left after purge"; done
[ ! -e /etc/hvscope ] && [ ! -e /usr/lib/hvscope ] && [ ! -e /usr/share/hvscope ] || fail "directories left after purge"
note "removed and purged: none of its $(echo "$files" | wc -l) files left"

# --- the RPM, from "make dist"'s tarball ---
R=$TMP/rpm
mkdir -p "$R/SOURCES"
# what "make dist" packs, from the working tree (not HEAD) so the test also
# holds before a commit
git -C "$TOP" ls-files -co --exclude-standard | (cd "$TOP" && tar --transform 's,^,hvscope-0.1.0/,' -T - -czf "$R/SOURCES/hvscope-0.1.0.tar.gz")
rpmbuild --nodeps --define "_topdir $R" --define 'debug_package %{nil}' -ba "$TOP/contrib/hvscope.spec" > "$R/build.log" 2>&1 ||
	{ tail -30 "$R/build.log"; fail "rpmbuild"; }
RPM=$(ls "$R"/RPMS/x86_64/hvscope-0.1.0-1*.x86_64.rpm)
XRPM=$(ls "$R"/RPMS/x86_64/hvscope-xen-0.1.0-1*.x86_64.rpm)
rpm -qlp "$RPM" > "$R/files"
grep -q hv-xenstat "$R/files" && fail "the hvscope RPM ships the Xen backend"
rpm -qlp "$XRPM" | grep -qx /usr/lib64/hvscope/hv-xenstat.so || fail "hvscope-xen RPM lacks hv-xenstat.so"
for f in /usr/bin/hvscope /usr/lib64/hvscope/hv-libvirt.so /usr/lib64/hvscope/cmd-top.so /usr/lib64/hvscope/cmd-exporter.so \
	/usr/lib64/hvscope/cmd-bundle.so /usr/lib64/hvscope/probe-rpm.so /usr/lib64/hvscope/probe-unpack.so \
	/usr/lib64/hvscope/probe-xml.so /usr/lib64/hvscope/probe-semanage.so /usr/share/hvscope/rules/10-kvm.yaml /etc/hvscope/rules.d \
	/usr/lib/systemd/system/hvscope-exporter.service /usr/share/bash-completion/completions/hvscope \
	/usr/share/doc/hvscope/examples/ansible/roles/hvscope/tasks/main.yml \
	/usr/lib/systemd/system/hvscope-check.service /usr/lib/systemd/system/hvscope-check.timer \
	/usr/share/doc/hvscope/examples/hvscope-federation.yml; do
	grep -qx "$f" "$R/files" || fail "$f not in the RPM"
done
rpm2cpio "$RPM" | (cd "$R" && cpio -id --quiet ./usr/lib/systemd/system/hvscope-check.service)
grep -qx 'Environment=HVSCOPE_TEXTFILE_DIR=/var/lib/node_exporter/textfile_collector' "$R/usr/lib/systemd/system/hvscope-check.service" ||
	fail "the RPM's hvscope-check.service writes elsewhere: $(grep TEXTFILE_DIR= "$R/usr/lib/systemd/system/hvscope-check.service")"
grep -c '/man[15]/' "$R/files" | grep -qx 7 || fail "the RPM lacks man pages"
if command -v rpmlint >/dev/null; then
	rpmlint "$RPM" "$R"/SRPMS/*.src.rpm > "$R/rpmlint.txt" 2>&1 || true
	note "rpmlint: $(tail -1 "$R/rpmlint.txt")"
fi
mkdir -p "$R/root"
rpm --root "$R/root" --initdb
rpm --root "$R/root" -i --nodeps --noscripts "$RPM" || fail "rpm -i into a root"
"$R/root/usr/bin/hvscope" check --list | grep -q '^kvm: ' || fail "the RPM's binary does not find its profiles"
HVSCOPE_MODULE_PATH=$R/root/usr/lib64/hvscope "$R/root/usr/bin/hvscope" top -b -i 1 --connect test:///default -f csv | grep -q ',test,' ||
	fail "the RPM's binary and module"
note "RPM: $(basename "$RPM"), $(wc -l < "$R/files") paths, installs into an rpm --root and runs"
exit 0
