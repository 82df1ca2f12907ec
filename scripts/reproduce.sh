#!/usr/bin/env bash
# Reproduces the README's numbers: the four course templates at their defaults, trained with
# `ebm-sweep train`, scored with kde_nll beside the floor and the oracle.
#   scripts/reproduce.sh BIN_DIR [OUT_DIR] [SEEDS]     (make reproduce)
# Writes OUT_DIR/<method>-seed<S>/ run directories, OUT_DIR/summary.md, and PNG renderings of
# the first seed's figures in docs/img/ (rsvg-convert).
set -euo pipefail
bin=${1:?usage: reproduce.sh BIN_DIR [OUT_DIR] [SEEDS]}
out=${2:-runs/reproduce}
seeds=${3:-0 1 2}
mkdir -p "$out" docs/img
summary="$out/summary.md"
{
  echo "| method | dataset | seed | kde_nll | floor_kde_nll | oracle_nll | precision | recall | ms / iteration | status |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
} > "$summary"
for method in ml nce ism dsm; do
  for seed in $seeds; do
    dir="$out/$method-seed$seed"
    if [ ! -f "$dir/metrics.json" ]; then
      "$bin/ebm-sweep" train --method "$method" --seed "$seed" --out "$dir" --quiet --force  # no metrics.json: unfinished
    fi
    python3 - "$dir/metrics.json" "$method" "$seed" >> "$summary" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); x = m["metrics"]; h = m["hyperparameters"]
f = lambda k: f"{x[k]:.3f}" if k in x else "—"
print(f"| {sys.argv[2]} | {h['dataset']} | {sys.argv[3]} | {f('kde_nll')} | {f('floor_kde_nll')} | {f('oracle_nll')} | {f('precision')} | {f('recall')} | {m['seconds_per_iteration']*1000:.1f} | {m['status']} |")
PY
  done
  first="$out/$method-seed${seeds%% *}"
  for fig in energy score samples loss; do
    [ -f "$first/$fig.svg" ] && rsvg-convert -w 560 "$first/$fig.svg" -o "docs/img/$method-$fig.png"
  done
done
cat "$summary"
