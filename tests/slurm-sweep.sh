#!/usr/bin/env bash
# Deployment test on a real single-node Slurm: the coordinator on this host (the "login node"),
# `sbatch deploy/slurm/ebm-workers.sbatch` starting the workers as a batch job; the sweep must
# complete through them, and the batch job must end when the coordinator says the sweep is done.
# Needs root (munge, slurmctld, slurmd). Usage: tests/slurm-sweep.sh BIN_DIR
set -uo pipefail
bin=${1:?usage: slurm-sweep.sh BIN_DIR}; bin=$(cd "$bin" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); echo "  ok   $1"; else failed=$((failed+1)); echo "  FAIL $1"; fi; }
if [ "$(id -u)" != 0 ]; then echo "slurm: skipped (needs root)"; echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }

work=$(mktemp -d /tmp/ebm-slurm.XXXXXX)
cleanup() {
  [ -n "${coord:-}" ] && kill -9 "$coord" 2>/dev/null
  [ -n "${SLURM_CONF:-}" ] && scancel --quiet --user=root 2>/dev/null
  "$root/tests/slurm-cluster.sh" stop "$work/slurm" >/dev/null 2>&1
  wait 2>/dev/null
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
eval "$("$root/tests/slurm-cluster.sh" start "$work/slurm")" || { echo "slurm: could not start a cluster"; echo "0 passed, 1 failed"; exit 1; }
echo "slurm: single-node cluster up ($(sinfo -h -o '%n %c CPUs %t'))"

cat > "$work/slurm.yaml" <<SPEC
name: slurm
method: dsm
dataset: rings
fixed: {data_size: 512, hidden_layers: 1, neurons: 32, batch_size: 128, iterations: 200}
grid:
  sigma: [0.05, 0.1]
  lr: [1.0e-3, 3.0e-3]
seeds: [0]
evaluation: {samples: 300, sampler: {init: uniform, init_scale: 1, step_size: 5.0e-4, steps: 100}}
keep_best: 1
SPEC
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
out="$work/out"
"$bin/ebm-sweep" run "$work/slurm.yaml" --out "$out" --bind "tcp://127.0.0.1:$port" --local-workers 0 > "$work/coordinator.log" 2>&1 &
coord=$!
# The README's command, as a user types it (EBM_WORKER points at the built binary).
job=$(cd "$work" && EBM_WORKER="$bin/ebm-worker" sbatch --parsable --ntasks-per-node=2 \
      "$root/deploy/slurm/ebm-workers.sbatch" "tcp://127.0.0.1:$port")
check "sbatch accepted the worker script (job $job)" '[ -n "$job" ]'
end=$((SECONDS + 300)); while kill -0 $coord 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.5; done
wait $coord; status=$?
check "the sweep completed through Slurm's workers (coordinator exit $status)" '[ $status = 0 ]'
db="$out/sweep.sqlite"
q() { sqlite3 -cmd ".timeout 5000" "$db" "$1" 2>/dev/null; }
check "every job done exactly once ($(q "select count(*) from results")/4 results)" \
  '[ "$(q "select count(*) from jobs where status='"'"'ok'"'"'")" = 4 ] && [ "$(q "select count(distinct job_id) from results")" = 4 ]'
check "the results came from Slurm tasks" '[ "$(q "select count(*) from results where worker like '"'"'slurm-$job-%'"'"'")" = 4 ]'
end=$((SECONDS + 60)); while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ] && [ $SECONDS -lt $end ]; do sleep 0.5; done
check "the batch job ended when the sweep was done" '[ -z "$(squeue -h -j "$job" 2>/dev/null)" ]'
if [ $failed -gt 0 ]; then tail -20 "$work/coordinator.log" "$work"/ebm-workers-*.out "$work/slurm"/*.log 2>/dev/null; fi
echo "slurm: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
