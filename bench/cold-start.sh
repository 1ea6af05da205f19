#!/usr/bin/env bash
# Cold start: from launching bin/karaf on a freshly unpacked distribution (empty data/, so the first
# start also migrates the database and creates the demo tenant) until /api/v1/health answers 200.
# Also measures a restart of the same distribution (data/ and Karaf's bundle cache kept).
# Usage: bench/cold-start.sh [runs, default 5]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl curl
runs=${1:-5}
ensure_tarball

first=() restart=()
for i in $(seq 1 "$runs"); do
  install_fresh
  t0=$(now_ms); start_server; wait_healthy; first+=($(( $(now_ms) - t0 )))
  stop_server
  t0=$(now_ms); start_server; wait_healthy; restart+=($(( $(now_ms) - t0 )))
  stop_server
  echo "run $i: first start ${first[-1]} ms, restart ${restart[-1]} ms"
done
echo "machine: $(machine)"
echo "first start (fresh data/), median of $runs: $(printf '%s\n' "${first[@]}" | median) ms"
echo "restart (data/ kept),      median of $runs: $(printf '%s\n' "${restart[@]}" | median) ms"
