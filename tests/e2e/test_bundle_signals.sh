# check --bundle and top --replay unpack an archive into a private
# directory under TMPDIR: SIGINT, SIGTERM and SIGHUP at any point (while
# unpacking, while checking) leave nothing there, and the process ends by
# the signal, as the default would.
. "$(dirname "$0")/lib.sh"
need python3 tar gzip
R=$TMP/root
mkroot "$R" rhel5-xen
hv bundle --root "$R" -q -o "$TMP/b.tar.gz" > /dev/null
# Padded to thousands of members, so that unpacking takes a while.
mkdir -p "$TMP/x"
tar -xzf "$TMP/b.tar.gz" -C "$TMP/x"
top=$(ls "$TMP/x")
for d in $(seq 40); do
	mkdir -p "$TMP/x/$top/files/pad/$d"
	for f in $(seq 100); do echo "$d $f" > "$TMP/x/$top/files/pad/$d/f$f"; done
done
tar -czf "$TMP/big.tar.gz" -C "$TMP/x" "$top"
run_hv check --bundle "$TMP/big.tar.gz" --profile rhel5-xen --format json > /dev/null
[ "$RC" -le 2 ] || fail "the padded bundle does not check (exit $RC)"
mkdir -p "$TMP/timing"
t0=$(date +%s%N)
TMPDIR=$TMP/timing run_hv check --bundle "$TMP/big.tar.gz" --profile rhel5-xen > /dev/null 2>&1
[ "$RC" -le 2 ] || fail "check --bundle of the padded bundle exited $RC"
took=$(( ($(date +%s%N) - t0) / 1000000 ))
note "check --bundle of 4,000 extra members: $took ms"

n=0
for sig in TERM INT HUP; do
	for delay in 0.01 0.05 0.15 0.3 0.6; do
		T=$TMP/tmp-$sig-$delay
		mkdir -p "$T"
		for cmd in "check --bundle $TMP/big.tar.gz --profile rhel5-xen" "top --replay $TMP/big.tar.gz -b"; do
			# A shell starts background jobs with SIGINT ignored: the
			# defaults, as from a terminal.
			# shellcheck disable=SC2086
			TMPDIR=$T env --default-signal=INT,TERM,HUP "$HVSCOPE" $cmd > /dev/null 2>&1 &
			pid=$!
			sleep "$delay"
			kill -s "$sig" "$pid" 2> /dev/null || true
			set +e
			wait "$pid" 2> /dev/null
			rc=$?
			set -e
			left=$(ls -A "$T")
			[ -z "$left" ] || fail "SIG$sig after $delay s of '$cmd' (exit $rc) left: $left"
			case $rc in
			0 | 1 | 2) ;; # it had finished
			$((128 + $(kill -l "$sig")))) n=$((n + 1)) ;;
			*) fail "SIG$sig after $delay s of '$cmd': exit $rc" ;;
			esac
		done
	done
done
[ "$n" -ge 15 ] || fail "only $n of 30 runs were caught by their signal: the bundle unpacks too fast to test this"
note "$n of 30 runs ended by SIGTERM, SIGINT or SIGHUP part-way; nothing left in TMPDIR"

# A signal the process ignores (SIGHUP under nohup) changes nothing.
T=$TMP/tmp-nohup
mkdir -p "$T"
TMPDIR=$T nohup "$HVSCOPE" check --bundle "$TMP/big.tar.gz" --profile rhel5-xen --format json > "$TMP/nohup.json" 2> /dev/null &
pid=$!
sleep 0.05
kill -HUP "$pid" 2> /dev/null || true
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" -le 2 ] || fail "an ignored SIGHUP ended check --bundle (exit $rc)"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/nohup.json" || fail "an ignored SIGHUP spoiled the report"
[ -z "$(ls -A "$T")" ] || fail "left after an ignored SIGHUP: $(ls -A "$T")"
