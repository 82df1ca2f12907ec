#!/usr/bin/env bash
# Makes the Secrets from a key directory written by `ebm-sweep keygen DIR`:
# the coordinator's pair, the admitted worker public keys, and one worker pair.
set -euo pipefail
dir=${1:?usage: secrets.sh KEY_DIR}
kubectl create secret generic ebm-coordinator-keys \
  --from-file=coordinator.secret="$dir/coordinator.secret" \
  --from-file=coordinator.public="$dir/coordinator.public"
kubectl create secret generic ebm-authorized-workers --from-file="$dir/authorized/"
kubectl create secret generic ebm-worker-keys \
  --from-file=worker.secret="$dir/worker.secret" \
  --from-file=worker.public="$dir/worker.public" \
  --from-file=coordinator.public="$dir/coordinator.public"
