# A bundle's JSON documents come from strangers: each is read through the
# bundle's own root (a link in it stays in it) and refused above its
# ceiling, or when its values are packed so densely that their tree would
# take far more than its size, before it is parsed: fast, with a small
# footprint.  A genuine bundle of a 1,000-domain host, its samples filling
# what top --replay reads back, replays within the stated bound.
. "$(dirname "$0")/lib.sh"
need python3 tar xz
# peak RSS in KiB of a command, its exit code in RC
peak() {
	local out=$1
	shift
	set +e
	/usr/bin/time -f '%M' -o "$TMP/rss" "$HVSCOPE" "$@" > "$out" 2> "$TMP/peak.err"
	RC=$?
	set -e
	RSS=$(tail -n 1 "$TMP/rss")
}
[ -x /usr/bin/time ] || missing "/usr/bin/time is not installed (package time)"
# The bounds, for the plain build; AddressSanitizer's shadow memory and
# quarantine make a sanitized build hold up to four times as much.
scale=1
ldd "$HVSCOPE" 2> /dev/null | grep -q libasan && scale=4

hv bundle --connect test:///default -q -o "$TMP/b.tar.gz" > /dev/null
mkdir -p "$TMP/x"
tar -xzf "$TMP/b.tar.gz" -C "$TMP/x"
B=$(echo "$TMP"/x/*)
cp -a "$B" "$TMP/orig"

expect_refused() { # WHAT REGEX CMD...
	local what=$1 re=$2
	shift 2
	peak "$TMP/out" "$@"
	[ "$RC" -ge 1 ] && [ "$RC" -lt 128 ] || fail "$what: exit $RC"
	grep -Eq -- "$re" "$TMP/peak.err" || fail "$what: $(cat "$TMP/peak.err")"
	[ "$RSS" -lt $((65536 * scale)) ] || fail "$what: peak RSS $RSS KiB"
	note "$what: refused, peak RSS $RSS KiB: $(head -c 160 "$TMP/peak.err")"
}

# facts.json of 100 MiB, valid and malformed
python3 - "$B/check/facts.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("[\n")
    one = '{"name":"x.%d","status":"ok","type":"int","value":1,"evidence":"padding padding padding"},\n'
    n = 0
    while f.tell() < 100 << 20:
        f.write(one % n)
        n += 1
    f.write('{"name":"last","status":"ok","type":"int","value":1,"evidence":""}\n]\n')
PY
expect_refused "a valid 100 MiB facts.json" "check/facts.json: over 8 MiB" check --bundle "$B" --profile kvm
head -c 104857600 /dev/zero | tr '\0' '[' > "$B/check/facts.json"
expect_refused "a malformed 100 MiB facts.json" "check/facts.json: over 8 MiB" check --bundle "$B" --profile kvm
# facts.json a link out of the bundle: it stays in the bundle
rm "$B/check/facts.json"
ln -s /etc/hostname "$B/check/facts.json"
expect_refused "facts.json linked to /etc/hostname" "neither an hvscope bundle|check/facts.json: .*No such file" check --bundle "$B" --profile kvm
rm "$B/check/facts.json"
cp "$TMP/orig/check/facts.json" "$B/check/facts.json"

# samples.json: half a million samples in 14 MiB, and a million in 29
python3 - "$B/hypervisor/samples.json" 500000 <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"interval":1,"samples":[' + ",".join('{"time":%d,"domains":[]}' % i for i in range(int(sys.argv[2]))) + "]}")
PY
expect_refused "half a million samples in 14 MiB" "samples.json: too many values for its size" top --replay "$B" -b
python3 - "$B/hypervisor/samples.json" 1000000 <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"interval":1,"samples":[' + ",".join('{"time":%d,"domains":[]}' % i for i in range(int(sys.argv[2]))) + "]}")
PY
expect_refused "a million samples" "samples.json: over 16 MiB" top --replay "$B" -b
# ten million integers in a sample's place
python3 - "$B/hypervisor/samples.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"interval":1,"samples":[[' + "1," * 5000000 + "1]]}")
PY
expect_refused "five million integers" "samples.json: too many values for its size" top --replay "$B" -b

# An archive of a few KiB holding a 100 MiB facts.json
cp "$TMP/orig/hypervisor/samples.json" "$B/hypervisor/samples.json"
head -c 104857600 /dev/zero | tr '\0' ' ' > "$B/check/facts.json"
tar -C "$TMP/x" -cJf "$TMP/bomb.tar.xz" "$(basename "$B")"
note "the archive: $(stat -c %s "$TMP/bomb.tar.xz") bytes"
expect_refused "a few KiB of tar.xz holding a 100 MiB facts.json" "check/facts.json: over 8 MiB" check --bundle "$TMP/bomb.tar.xz" --profile kvm

# A genuine 1,000-domain host: 25 samples asked, the newest that fit in
# 16 MiB written; top --replay reads them under 320 MiB.
make_node_xml "$TMP/node.xml" 1000
run_hv bundle --connect "test://$TMP/node.xml" --samples 25 --sample-interval 0.1 -q -o "$TMP/big.tar.gz" > /dev/null 2> "$TMP/big.err"
[ "$RC" = 0 ] || fail "bundle of 1,000 domains: $(cat "$TMP/big.err")"
peak "$TMP/replay.csv" top --replay "$TMP/big.tar.gz" -b -f csv
[ "$RC" = 0 ] || fail "replay of 1,000 domains: exit $RC: $(cat "$TMP/peak.err")"
[ "$RSS" -lt $((327680 * scale)) ] || fail "replay of 1,000 domains: peak RSS $RSS KiB"
n=$(python3 -c 'import csv,sys; print(len({r["sample"] for r in csv.DictReader(open(sys.argv[1]))}))' "$TMP/replay.csv")
[ "$n" -ge 2 ] && [ "$n" -le 25 ] || fail "replay of 1,000 domains: $n samples"
note "1,000 domains: $n of 25 samples kept, replayed with peak RSS $RSS KiB"
