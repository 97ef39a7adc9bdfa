# An image (--root) cannot point the SELinux probe at this host's policy:
# SELINUXTYPE is a name, the policy's files are read through the root's
# confinement (a link inside the image resolves inside it), and
# libsemanage is not handed a store that a link leads out of.  The host
# here has Debian's policy under /etc/selinux/default and its store under
# /var/lib/selinux/default: each escape would find them.
. "$(dirname "$0")/lib.sh"
need python3
ID="selinux-image-dir-policy[/var/lib/xen/images]"
[ -f /etc/selinux/default/contexts/files/file_contexts ] || missing "selinux-policy-default is not installed"

# The honest image: its own copy of the policy passes.
R=$TMP/ok
mkroot "$R" rhel5-xen
run_hv check --root "$R" --profile rhel5-xen --only selinux-image-dir-policy --format json > "$TMP/ok.json"
expect_verdict "$TMP/ok.json" "$ID" pass

# A signal while the image's policy is copied out and read leaves no copy:
# its file_contexts padded with rules (about 16 MiB, the most read) so
# that libselinux reads it long enough to be caught at it.
R=$TMP/sig
mkroot "$R" rhel5-xen
fc=$R/etc/selinux/default/contexts/files/file_contexts
python3 - "$fc" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(220000):
        f.write("/srv/pad%d(/.*)?\tsystem_u:object_r:var_t:s0\n" % i)
PY
caught=0
for sig in TERM INT HUP; do
	for delay in 0.05 0.2 0.5 1; do
		T=$TMP/sigtmp-$sig-$delay
		mkdir -p "$T"
		TMPDIR=$T env --default-signal=INT,TERM,HUP "$HVSCOPE" check --root "$R" --profile rhel5-xen --only selinux-image-dir-policy \
			> /dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -s "$sig" "$pid" 2> /dev/null || true
		set +e
		wait "$pid"
		rc=$?
		set -e
		[ "$rc" -gt 128 ] && caught=$((caught + 1))
		[ -z "$(ls -A "$T")" ] || fail "SIG$sig after $delay s (exit $rc) left: $(ls -A "$T")"
	done
done
[ "$caught" -ge 4 ] || fail "only $caught of 12 runs were ended by their signal: the policy reads too fast to test this"
note "$caught of 12 runs ended by a signal while reading an image's policy; no copy left"

# SELINUXTYPE climbing out of the image.
R=$TMP/dots
mkroot "$R" rhel5-xen
rm -rf "$R/etc/selinux/default"
sed -i 's|^SELINUXTYPE=.*|SELINUXTYPE=../../../../../../../../etc/selinux/default|' "$R/etc/selinux/config"
run_hv check --root "$R" --profile rhel5-xen --only selinux-image-dir-policy --format json > "$TMP/dots.json"
v=$(verdict "$TMP/dots.json" "$ID")
[ "$v" = fail ] || fail "SELINUXTYPE=../..: $v ($(field "$TMP/dots.json" "$ID" evidence))"
field "$TMP/dots.json" "$ID" evidence | grep -q "SELINUXTYPE=../../../../../../../../etc/selinux/default is not a policy name" ||
	fail "SELINUXTYPE=../..: $(field "$TMP/dots.json" "$ID" evidence)"

# The policy directory an absolute link to this host's (which resolves in
# the image, where there is none), and one relative link climbing out.
for link in /etc/selinux/default ../../../../../../../etc/selinux/default; do
	R=$TMP/link
	rm -rf "$R"
	mkroot "$R" rhel5-xen
	rm -rf "$R/etc/selinux/default"
	ln -s "$link" "$R/etc/selinux/default"
	run_hv check --root "$R" --profile rhel5-xen --only selinux-image-dir-policy --format json > "$TMP/link.json"
	v=$(verdict "$TMP/link.json" "$ID")
	[ "$v" != pass ] && [ "$v" != absent ] || fail "policy directory linked to $link: $v ($(field "$TMP/link.json" "$ID" evidence))"
	note "policy directory linked to $link: $v ($(field "$TMP/link.json" "$ID" reason | cut -c1-120))"
done

# The policy store a link out of the image (a site rule reads the local
# fcontext rules libsemanage lists).
R=$TMP/store
mkroot "$R" rhel5-xen
mkdir -p "$R/var/lib/selinux" "$TMP/rules"
ln -s /var/lib/selinux/default "$R/var/lib/selinux/default"
cat > "$TMP/rules/site.yaml" <<'YAML'
profile: rhel5-xen
rules:
  - id: site-local-fcontext
    title: No local fcontext rules
    fact: selinux.fcontext.local
    expect: {empty: true}
    remedy: semanage fcontext --list -C
YAML
run_hv check --root "$R" --profile rhel5-xen --rules "$TMP/rules" --only site-local-fcontext --format json > "$TMP/store.json"
expect_verdict "$TMP/store.json" site-local-fcontext error
field "$TMP/store.json" site-local-fcontext reason | grep -q "/var/lib/selinux/default in $R leads outside it" ||
	fail "the store's link: $(field "$TMP/store.json" site-local-fcontext reason)"
# and without the link, the image's missing store is said as such
rm "$R/var/lib/selinux/default"
run_hv check --root "$R" --profile rhel5-xen --rules "$TMP/rules" --only site-local-fcontext --format json > "$TMP/store2.json"
v=$(verdict "$TMP/store2.json" site-local-fcontext)
[ "$v" = fail ] || fail "no store in the image: $v ($(field "$TMP/store2.json" site-local-fcontext evidence))"
# Nothing left behind by the copies of the image's policy.
[ -z "$(ls -d "${TMPDIR:-/tmp}"/hvscope-policy-* 2> /dev/null)" ] || fail "copies of an image's policy left in TMPDIR"

# The same through the walk that stands in for openat2 on older kernels.
if [ -z "${HVSCOPE_ROOT_WALK:-}" ]; then
	HVSCOPE_ROOT_WALK=1 bash "$0" || fail "through the walk without openat2"
	note "the same through the walk that stands in for openat2"
fi
