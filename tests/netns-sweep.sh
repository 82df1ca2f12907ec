#!/usr/bin/env bash
# Multi-host test on real network namespaces: a coordinator on one "host", workers on two others,
# CURVE on. One worker's link is cut mid-job and later restored; an unauthorised worker knocks.
# Asserts: the sweep completes, every job exactly once, the cut worker's job finished elsewhere,
# the restored worker took new work, the intruder never got a job.
# Needs root and iproute2. Usage: tests/netns-sweep.sh BIN_DIR
set -uo pipefail
bin=${1:?usage: netns-sweep.sh BIN_DIR}; bin=$(cd "$bin" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); echo "  ok   $1"; else failed=$((failed+1)); echo "  FAIL $1"; fi; }

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then echo "netns: skipped (needs root and iproute2)"; echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }

work=$(mktemp -d /tmp/ebm-netns.XXXXXX)
ns_c=ebmt-coord; ns_1=ebmt-w1; ns_2=ebmt-w2; ns_b=ebmt-bridge
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  for n in $ns_c $ns_1 $ns_2 $ns_b; do ip netns del $n 2>/dev/null; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
for n in $ns_c $ns_1 $ns_2 $ns_b; do ip netns del $n 2>/dev/null; ip netns add $n; ip -n $n link set lo up; done
ip -n $ns_b link add br0 type bridge; ip -n $ns_b link set br0 up
i=1
for n in $ns_c $ns_1 $ns_2; do
  ip link add eth0 netns $n type veth peer name port$i netns $ns_b
  ip -n $ns_b link set port$i master br0; ip -n $ns_b link set port$i up
  ip -n $n addr add 10.203.0.$i/24 dev eth0; ip -n $n link set eth0 up
  i=$((i+1))
done
echo "netns: three hosts on a bridge (10.203.0.1 coordinator, .2 and .3 workers)"

"$bin/ebm-sweep" keygen "$work/keys" --name w1 --name w2 >/dev/null
"$bin/ebm-sweep" keygen "$work/intruder" >/dev/null   # a valid pair the coordinator never admitted
cp "$work/keys/coordinator.public" "$work/intruder/coordinator.public"

cat > "$work/net.yaml" <<SPEC
name: net
method: ml
dataset: swiss_roll
fixed: {data_size: 1024, hidden_layers: 1, neurons: 32, batch_size: 128, iterations: 1200}
grid:
  langevin_step_size: [5.0e-4, 1.0e-3, 2.0e-3]
  lr: [1.0e-3, 2.0e-3]
seeds: [0, 1]
evaluation: {samples: 300, sampler: {init: normal, step_size: 5.0e-4, steps: 100}}
keep_best: 1
SPEC
out="$work/out"
ip netns exec $ns_c "$bin/ebm-sweep" run "$work/net.yaml" --out "$out" --bind tcp://10.203.0.1:5555 \
  --local-workers 0 --curve "$work/keys" > "$work/coordinator.log" 2>&1 & pids+=($!); coord=$!
ip netns exec $ns_1 "$bin/ebm-worker" --connect tcp://10.203.0.1:5555 --curve "$work/keys/w1" --name w1 > "$work/w1.log" 2>&1 & pids+=($!)
ip netns exec $ns_2 "$bin/ebm-worker" --connect tcp://10.203.0.1:5555 --curve "$work/keys/w2" --name w2 > "$work/w2.log" 2>&1 & pids+=($!)
ip netns exec $ns_2 "$bin/ebm-worker" --connect tcp://10.203.0.1:5555 --curve "$work/intruder" --name intruder > "$work/intruder.log" 2>&1 & pids+=($!)
ip netns exec $ns_2 "$bin/ebm-worker" --connect tcp://10.203.0.1:5555 --name nokey > "$work/nokey.log" 2>&1 & pids+=($!)

db="$out/sweep.sqlite"
q() { sqlite3 -cmd ".timeout 5000" "$db" "$1" 2>/dev/null; }
wait_for() { # seconds, condition
  local end=$((SECONDS + $1)); while [ $SECONDS -lt $end ]; do eval "$2" && return 0; sleep 0.2; done; return 1; }

wait_for 60 '[ "$(q "select count(*) from jobs where status='"'"'running'"'"' and worker='"'"'w1'"'"'")" = 1 ]'
cut_job=$(q "select job_id from jobs where status='running' and worker='w1'")
check "w1 leased a job over CURVE" '[ -n "$cut_job" ]'
# An admitted key (w2's) registering under a live worker's name (w1) is refused: w1 keeps its lease.
ip netns exec $ns_2 "$bin/ebm-worker" --connect tcp://10.203.0.1:5555 --curve "$work/keys/w2" --name w1 > "$work/impostor.log" 2>&1 & impostor=$!; pids+=($impostor)
wait_for 20 'grep -q "refused READY #1 as '"'"'w1'"'"'" "$work/coordinator.log"'
check "w2's key could not register as w1" 'grep -q "refused READY #1 as '"'"'w1'"'"'" "$work/coordinator.log"'
check "w1 kept its lease ($cut_job, attempt 1)" '[ "$(q "select worker || '"'"' '"'"' || attempts from jobs where job_id='"'"'$cut_job'"'"'")" = "w1 1" ]'
kill $impostor 2>/dev/null; wait $impostor 2>/dev/null
check "the impostor never got a job" '! grep -q " job " "$work/impostor.log"'
ip -n $ns_1 link set eth0 down; echo "netns: cut w1's link during $cut_job"
wait_for 90 '[ "$(q "select worker from jobs where job_id='"'"'$cut_job'"'"' and status in ('"'"'running'"'"','"'"'ok'"'"')")" = w2 ]'
check "the cut job was requeued to w2" '[ "$(q "select worker from jobs where job_id='"'"'$cut_job'"'"'")" = w2 ]'
restored_at=$(q "select strftime('%Y-%m-%dT%H:%M:%f','now')")
ip -n $ns_1 link set eth0 up; echo "netns: restored w1's link"
wait_for 90 '[ "$(q "select count(*) from jobs where worker='"'"'w1'"'"' and started_at > '"'"'$restored_at'"'"'")" -ge 1 ] || ! kill -0 $coord 2>/dev/null'
check "w1 rejoined and took new work" '[ "$(q "select count(*) from jobs where worker='"'"'w1'"'"' and started_at > '"'"'$restored_at'"'"'")" -ge 1 ]'
wait_for 240 '! kill -0 $coord 2>/dev/null'
wait $coord; status=$?
check "coordinator finished the sweep (exit 0)" '[ $status = 0 ]'
jobs=$(q "select count(*) from jobs"); done_jobs=$(q "select count(*) from jobs where status='ok'")
results=$(q "select count(*) from results"); distinct=$(q "select count(distinct job_id) from results")
check "every job done ($done_jobs/$jobs)" '[ "$jobs" = 12 ] && [ "$done_jobs" = "$jobs" ]'
check "no job lost or duplicated ($results results, $distinct distinct)" '[ "$results" = "$jobs" ] && [ "$distinct" = "$jobs" ]'
check "the worker with an unlisted key never got a job" '[ "$(q "select count(*) from jobs where worker='"'"'intruder'"'"'")" = 0 ] && ! grep -q " job " "$work/intruder.log"'
check "the worker without keys never got a job" '[ "$(q "select count(*) from jobs where worker='"'"'nokey'"'"'")" = 0 ] && ! grep -q " job " "$work/nokey.log"'
check "the coordinator logged the unlisted key it turned away" 'grep -q "rejected a worker from 10.203.0.3" "$work/coordinator.log"'
# libzmq reports a keyless worker's refused handshake as a protocol failure when the coordinator
# reads its greeting first, and without detail when the worker hangs up first (about one attempt
# in six on loopback; a CI run once saw only the latter): either line is the refusal. Nothing
# else here fails a handshake: w1's cut link drops an established session, not a handshake.
check "the coordinator logged the keyless connection it turned away" 'grep -Eq "rejected a connection on tcp://10.203.0.1:5555: its handshake failed|a connection on tcp://10.203.0.1:5555 closed or timed out during its handshake" "$work/coordinator.log"'
check "results.csv written" '[ -s "$out/results.csv" ]'
if [ $failed -gt 0 ]; then for f in "$work"/*.log; do echo "--- $f"; tail -30 "$f"; done; fi
echo "netns: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
