#!/usr/bin/env bash
# Does a sweep's pick hold on seeds the sweep never used? Trains the pick and the course
# template's defaults on fresh seeds, scores both with the sweep's evaluation, prints the means.
#   scripts/pick_holds.sh "--langevin-step-size 5e-3 --langevin-steps 40 --lr 1e-3 --iterations 1000"
# Environment: SEEDS (default "100 101 102"), EVAL (the evaluation flags; default the shipped ML
# sweep's: 2000 samples from N(0, I), 1000 steps of 5e-4), EBM_SWEEP (the binary).
set -euo pipefail
pick_flags=${1:?usage: scripts/pick_holds.sh "<train flags of the pick>"}
seeds=${SEEDS:-100 101 102}
eval_flags=${EVAL:---eval-samples 2000 --eval-init normal --eval-init-scale 1 --eval-steps 1000 --eval-step-size 5e-4}
bin=${EBM_SWEEP:-$(swift build -c release --show-bin-path)/ebm-sweep}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
score() {  # name, flags...
    local name=$1; shift
    local values=()
    for seed in $seeds; do
        # shellcheck disable=SC2086
        "$bin" train --method ml --seed "$seed" $eval_flags "$@" --out "$out/$name-$seed" --quiet >/dev/null
        values+=("$(python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; print(m.get('kde_nll', float('nan')))" "$out/$name-$seed/metrics.json")")
    done
    python3 - "$name" "${values[@]}" <<'PY'
import statistics, sys
name, values = sys.argv[1], [float(v) for v in sys.argv[2:]]
print(f"{name}: kde_nll {statistics.mean(values):.4f} ± {statistics.stdev(values):.4f} over seeds ({', '.join(f'{v:.4f}' for v in values)})")
PY
}
# shellcheck disable=SC2086
score pick $pick_flags
score template
