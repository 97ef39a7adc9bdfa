# The service probe on the live host against real processes: a daemon
# named like Xen's console daemon, running then stopped, and a pid file.
. "$(dirname "$0")/lib.sh"
need python3
mkdir -p "$TMP/bin" "$TMP/rules"
cp "$(command -v sleep)" "$TMP/bin/xenconsoled"
cat > "$TMP/rules/svc.yaml" <<'Y'
profile: svc
title: services on this host
rules:
  - id: xenconsoled
    title: xenconsoled is running
    fact: service.xenconsoled.running
    expect: true
    remedy: xenconsoled
  - id: either
    title: libvirtd or xenconsoled is running
    fact: service.libvirtd-nope|xenconsoled.running
    expect: true
    remedy: start one
Y
"$TMP/bin/xenconsoled" 300 &
pid=$!
PIDS+=("$pid")
run_hv check --rules "$TMP/rules" --profile svc --format json > "$TMP/on.json"
expect_verdict "$TMP/on.json" xenconsoled pass
field "$TMP/on.json" xenconsoled evidence | grep -q "process $pid (xenconsoled)" || fail "evidence lacks pid $pid"
expect_verdict "$TMP/on.json" either pass
kill "$pid"
wait "$pid" 2>/dev/null || true
run_hv check --rules "$TMP/rules" --profile svc --format json > "$TMP/off.json"
expect_verdict "$TMP/off.json" xenconsoled fail
[ "$RC" = 2 ] || fail "exit $RC"
note "a real xenconsoled process (pid $pid): running, then stopped"
