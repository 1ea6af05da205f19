#!/usr/bin/env bash
# Plugins on a running node, while another tenant's requests run (wrk, 16 connections, rooms list):
#  - install: from 'feature:install' of the sample greeting plugin until its resource serves tenant A
#    (403 PLUGIN_DISABLED the first time, since a new plugin is off; 200 on reinstall, since A had
#    switched it on and reinstalling restores that); then uninstall; [runs] times;
#  - switch: from sending PUT .../plugins/greeting {enabled} until a request sees it, [switches] times
#    each way; the next request after the PUT must already see the new state.
# Any failed request of the other tenant during all this fails the benchmark.
# Usage: bench/plugins.sh [runs, default 5] [switches, default 50] [load connections, default 16; 0: none]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl curl
need wrk wrk
need ssh openssh-client
runs=${1:-5}
switches=${2:-50}
connections=${3:-16}
ensure_tarball
version=$(basename "$BENCH_TARBALL" .tar.gz | sed 's/^edamame-assembly-//')
install_fresh
start_server
wait_healthy

token_a=$(tenant_with_token plugin-a)
token_b=$(tenant_with_token load-b)
create_room load-b "$token_b" Load
wait_shell
karaf "feature:repo-add mvn:io.edamame/edamame-greeting-plugin/$version/xml/features" > /dev/null

greeting() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token_a" "$BENCH_BASE/tenants/plugin-a/greeting"; }

# Milliseconds from now until the greeting answers $1.
until_greeting() {
  local t0 deadline; t0=$(now_ms); deadline=$(( t0 + 30000 ))
  until [ "$(greeting)" = "$1" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: the greeting never answered $1" >&2; exit 1; }
  done
  echo $(( $(now_ms) - t0 ))
}

if [ "$connections" -gt 0 ]; then
  duration=$(( runs * 15 + switches / 5 + 30 ))
  wrk -t1 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $token_b" \
    "$BENCH_BASE/tenants/load-b/rooms?size=20" > "$BENCH_WORK/wrk-plugins.out" &
  wrk_pid=$!
  sleep 5
fi

first=() again=()
for i in $(seq 1 "$runs"); do
  t0=$(now_ms); karaf "feature:install --no-auto-refresh edamame-greeting-plugin" > /dev/null
  wait_ms=$(until_greeting "$([ "$i" = 1 ] && echo 403 || echo 200)")
  elapsed=$(( $(now_ms) - t0 ))
  if [ "$i" = 1 ]; then
    first+=("$elapsed")
    curl -sf -o /dev/null -H "Authorization: Bearer $token_a" -H 'Content-Type: application/json' -X PUT \
      "$BENCH_BASE/tenants/plugin-a/plugins/greeting" -d '{"enabled":true,"settings":{}}'
  else
    again+=("$elapsed")
  fi
  echo "install $i: serving after $elapsed ms (of which $wait_ms ms after the install command returned)"
  [ "$i" = "$runs" ] || { karaf "feature:uninstall --no-auto-refresh edamame-greeting-plugin" > /dev/null; sleep 2; }
done

# One curl process sends the PUT and then the GET on the same connection; time_total of each is
# measured by curl itself, so process start-up is not counted.
switch_ms=() stale=0
for i in $(seq 1 "$switches"); do
  for enabled in false true; do
    expect=$([ "$enabled" = true ] && echo 200 || echo 403)
    out=$(curl -s -H "Authorization: Bearer $token_a" -H 'Content-Type: application/json' \
      -o /dev/null -w '%{http_code} %{time_total}\n' -X PUT "$BENCH_BASE/tenants/plugin-a/plugins/greeting" \
      -d "{\"enabled\":$enabled,\"settings\":{}}" \
      --next -s -H "Authorization: Bearer $token_a" -o /dev/null -w '%{http_code} %{time_total}\n' \
      "$BENCH_BASE/tenants/plugin-a/greeting")
    put_code=$(echo "$out" | sed -n 1p | cut -d' ' -f1)
    get_code=$(echo "$out" | sed -n 2p | cut -d' ' -f1)
    [ "$put_code" = 200 ] || { echo "bench: PUT answered $put_code" >&2; exit 1; }
    [ "$get_code" = "$expect" ] || stale=$(( stale + 1 ))
    switch_ms+=("$(echo "$out" | awk '{ s += $2 } END { printf "%.1f", s * 1000 }')")
  done
done

if [ "$connections" -gt 0 ]; then
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" || true
  if grep -q 'Non-2xx\|Socket errors' "$BENCH_WORK/wrk-plugins.out"; then
    cat "$BENCH_WORK/wrk-plugins.out" >&2
    echo "bench: the other tenant's requests failed during the plugin changes" >&2
    exit 1
  fi
  other=$(awk '/requests in/ {print $1}' "$BENCH_WORK/wrk-plugins.out")
fi

echo "machine: $(machine)"
echo "first install to serving: ${first[0]} ms"
[ "${#again[@]}" -gt 0 ] && echo "reinstall to serving (switch restored), median of ${#again[@]}: $(printf '%s\n' "${again[@]}" | median) ms, max $(printf '%s\n' "${again[@]}" | sort -n | tail -n 1) ms"
echo "switch (PUT + next request), median of ${#switch_ms[@]}: $(printf '%s\n' "${switch_ms[@]}" | median) ms, max $(printf '%s\n' "${switch_ms[@]}" | sort -n | tail -n 1) ms; next request saw the old state: $stale times"
if [ "$connections" -gt 0 ]; then
  echo "other tenant during all this ($connections connections): $other requests, 0 failed"
else
  echo "no other load"
fi
