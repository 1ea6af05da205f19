#!/usr/bin/env bash
# Throughput and latency of GET /api/v1/tenants/{tenant}/rooms (a page of 20 of 100 rooms) with
# 64 concurrent connections, measured by wrk on the same machine against a fresh distribution on H2.
# A warm-up of [warm-up] seconds under the same load, then [runs] measured runs of [seconds] each;
# prints each run and the medians. The warm-up is long because on 2 busy cores the JIT compiler
# thread gets little CPU: throughput still rises for about three minutes (see BENCHMARKS.md).
# Usage: bench/rooms-list.sh [runs, default 5] [seconds, default 20] [warm-up, default 180]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl curl
need wrk wrk
runs=${1:-5}
seconds=${2:-20}
warmup=${3:-180}
ensure_tarball
install_fresh
start_server
wait_healthy

token=$(tenant_with_token bench)
[ -n "$token" ] || { echo "bench: could not log in to tenant 'bench'" >&2; exit 1; }
for i in $(seq 1 100); do create_room bench "$token" "Room $i"; done
url="$BENCH_BASE/tenants/bench/rooms?size=20"
[ "$(curl -s -H "Authorization: Bearer $token" "$url" | grep -o '"title"' | wc -l)" = 20 ] \
  || { echo "bench: the rooms list does not answer a page of 20" >&2; exit 1; }

# wrk counts non-2xx answers and errors (a timeout is an answer slower than 2 s); a measured run with
# any of them is not valid. The warm-up only reports them: it runs code the JIT has not compiled yet.
run() {
  wrk -t2 -c64 -d"$1"s --latency -H "Authorization: Bearer $token" "$url" > "$BENCH_WORK/wrk.out"
  if grep -q 'Non-2xx\|Socket errors' "$BENCH_WORK/wrk.out"; then
    grep 'Non-2xx\|Socket errors' "$BENCH_WORK/wrk.out" >&2
    [ "${2:-}" = warm-up ] || { cat "$BENCH_WORK/wrk.out" >&2; exit 1; }
  fi
  rps=$(awk '/^Requests\/sec/ {print $2}' "$BENCH_WORK/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$BENCH_WORK/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$BENCH_WORK/wrk.out")
}
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } printf "%.2f\n", v }'; }

run "$warmup" warm-up
echo "warm-up: $rps req/s, p50 $p50, p99 $p99"
all_rps=() all_p99=() all_p50=()
for i in $(seq 1 "$runs"); do
  run "$seconds"
  echo "run $i: $rps req/s, p50 $p50, p99 $p99"
  all_rps+=("$rps") all_p99+=("$(echo "$p99" | to_ms)") all_p50+=("$(echo "$p50" | to_ms)")
done
echo "machine: $(machine)"
echo "GET rooms (page of 20), 64 connections, median of $runs x ${seconds}s: $(printf '%s\n' "${all_rps[@]}" | median) req/s, p50 $(printf '%s\n' "${all_p50[@]}" | median) ms, p99 $(printf '%s\n' "${all_p99[@]}" | median) ms"
