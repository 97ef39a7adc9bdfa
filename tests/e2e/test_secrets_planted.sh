# Secrets planted in every directory the probes read (a migration key in
# /etc/xen, keys under names that do not say so, passwords in guest
# configs of every format, in a line that does not parse, in the kernel
# command line and grub.conf, a network disk's key) reach no output:
# hvscope check in every format and profile, its facts as JSON, and every file of a bundle.
. "$(dirname "$0")/lib.sh"
need openssl tar xz python3

R=$TMP/root
mkroot "$R" rhel5-xen
rm -rf "$R/etc/xen"
cp -a "$TOP/tests/corpus/etc-xen/rhel5.2-xen3.1" "$R/etc/xen"
X=$R/etc/xen
MARKERS=()
plant() { MARKERS+=("$1"); }

# A real RSA key as /etc/xen/migrate-key.pem, another under a name that
# says nothing, an OpenSSH key: the lines in the middle are what leaked.
openssl genrsa -out "$X/migrate-key.pem" 2048 2> /dev/null
cp "$X/migrate-key.pem" "$X/relocation"
cp "$X/migrate-key.pem" "$X/auto/migrate-key.pem"
ssh_key_line=$(sed -n 5p "$X/migrate-key.pem")
plant "$ssh_key_line"
plant "$(sed -n 12p "$X/migrate-key.pem")"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAPLANTEDOPENSSHKEYLINE0000\n-----END OPENSSH PRIVATE KEY-----\n' > "$X/id_for_migration"
plant PLANTEDOPENSSHKEYLINE
# A password alone in a file, a binary file holding one.
echo 'hunter2PlantedAlone' > "$X/vnc-secret"
echo 'hunter2PlantedAloneToo' > "$X/vncpass"
plant hunter2PlantedAlone
{ head -c 500 /dev/urandom; printf 'BinaryPlantedSecret9'; head -c 500 /dev/urandom; } > "$X/blob"
plant BinaryPlantedSecret9
# A guest with passwords and a Ceph key in its disk, and one whose bad
# line holds one.
cat > "$X/pwguest" <<'CFG'
name = "pwguest"
memory = 512
vncpasswd = "VncPlantedSecret1"
vfb = [ "type=vnc,vncpasswd=VfbPlantedSecret2" ]
disk = [ "vdev=xvda, backendtype=qdisk, target=rbd:rbd/pwguest:id=admin:key=AQBCephPlantedSecret3==:mon_host=192.0.2.1" ]
vif = [ "mac=00:16:3e:11:22:33,bridge=xenbr0" ]
CFG
printf 'name = "broken"\nmemory = 512\nrootpw RootPlantedSecret4\nvncpasswd = VncBarePlantedSecret5\n' > "$X/broken"
plant VncPlantedSecret1
plant VfbPlantedSecret2
plant CephPlantedSecret3
plant RootPlantedSecret4
plant VncBarePlantedSecret5
# xend's own record of a managed domain.
mkdir -p "$R/var/lib/xend/domains/1e2d3c4b-5a69-7887-96a5-b4c3d2e1f001"
cat > "$R/var/lib/xend/domains/1e2d3c4b-5a69-7887-96a5-b4c3d2e1f001/config.sxp" <<'SXP'
(domain (name managed1) (uuid 1e2d3c4b-5a69-7887-96a5-b4c3d2e1f001) (memory 256) (vcpus 1)
  (device (vfb (type vnc) (vncpasswd SxpPlantedSecret6)))
  (device (vbd (uname tap:aio:/var/lib/xen/images/vm_rhel5_i386) (dev xvda:disk) (mode w))))
SXP
plant SxpPlantedSecret6
# libvirt XML: a password attribute, a Ceph disk (its key is in libvirt's
# secret store, never read), a broken file, a key
# named .xml.
mkdir -p "$R/etc/libvirt/qemu" "$R/etc/libvirt/libxl"
cat > "$R/etc/libvirt/qemu/pw.xml" <<'XML'
<domain type='kvm'>
  <name>pwxml</name>
  <memory unit='KiB'>524288</memory>
  <devices>
    <disk type='network' device='disk'>
      <source protocol='rbd' name='rbd/pwxml'><host name='192.0.2.1'/></source>
      <auth username='admin'><secret type='ceph' uuid='2ec115d7-3a88-4e4a-9c4b-8a7f33f1b0c1'/></auth>
    </disk>
    <graphics type='vnc' passwd='XmlPlantedSecret8'/>
  </devices>
</domain>
XML
printf "<domain><name>brokenxml</name><graphics passwd='XmlBrokenPlantedSecret9'" > "$R/etc/libvirt/qemu/broken.xml"
cp "$X/migrate-key.pem" "$R/etc/libvirt/libxl/key.xml"
plant XmlPlantedSecret8
plant XmlBrokenPlantedSecret9
# The kernel command line and grub.conf.
sed -i 's/$/ rd.iscsi.password=CmdlinePlantedSecret10/' "$R/proc/cmdline"
sed -i 's/^timeout=5/timeout=5\npassword --md5 $1$GrubPlantedSecret11$abcdefghijklmnopqrstu/' "$R/boot/grub/grub.conf"
plant CmdlinePlantedSecret10
plant GrubPlantedSecret11

# grep -F for each marker in one file; fail naming the first found.
search() {
	local where=$1 f=$2 m
	for m in "${MARKERS[@]}"; do
		grep -aqF -- "$m" "$f" && fail "$where holds a planted secret: ${m:0:12}..."
	done
	return 0
}

n=0
for profile in rhel5-xen xen kvm; do
	for fmt in text json junit prometheus html; do
		run_hv check --root "$R" --profile "$profile" --format "$fmt" > "$TMP/out" 2> "$TMP/err"
		[ "$RC" -lt 3 ] || fail "check --profile $profile --format $fmt could not run: $(cat "$TMP/err")"
		search "check --profile $profile --format $fmt" "$TMP/out"
		search "check's stderr" "$TMP/err"
		[ "$fmt" != json ] || cp "$TMP/out" "$TMP/report-$profile.json"
		n=$((n + 1))
	done
done
# The fleet's page of those reports.
run_hv fleet -o "$TMP/fleet.html" "$TMP"/report-*.json 2> "$TMP/err"
[ "$RC" = 0 ] || fail "fleet exited $RC: $(cat "$TMP/err")"
search "hvscope fleet" "$TMP/fleet.html"
# every fact each profile reads, as sos's extras.d file records them
run_hv check --root "$R" --facts --format json > "$TMP/out" 2> "$TMP/err"
[ "$RC" = 0 ] || fail "check --facts --format json could not run: $(cat "$TMP/err")"
search "check --facts --format json" "$TMP/out"
search "check --facts's stderr" "$TMP/err"
n=$((n + 1))
# The guests are still read: the key files are skipped, the bad line named.
run_hv check --root "$R" --profile rhel5-xen --format json > "$TMP/out.json"
field "$TMP/out.json" guest-configs-parse seen | grep -q "/etc/xen/broken:3:8: expected '=' after 'rootpw'" ||
	fail "the bad line is not named: $(field "$TMP/out.json" guest-configs-parse seen)"
[ "$(verdict "$TMP/out.json" 'guest-disks-present[managed1]')" = pass ] || fail "the xend-managed guest is not read"

run_hv bundle --root "$R" --no-hypervisor -o "$TMP/b.tar.xz" > /dev/null 2> "$TMP/err"
[ "$RC" = 0 ] || fail "bundle failed: $(cat "$TMP/err")"
xz -dc "$TMP/b.tar.xz" > "$TMP/b.tar"
search "the bundle's raw tar stream" "$TMP/b.tar"
mkdir "$TMP/x"
tar -xf "$TMP/b.tar" -C "$TMP/x"
while IFS= read -r -d '' f; do search "bundle member ${f#"$TMP/x/"}" "$f"; done < <(find "$TMP/x" -type f -print0)
note "${#MARKERS[@]} planted secrets, $n check outputs and $(find "$TMP/x" -type f | wc -l) bundle files searched"
