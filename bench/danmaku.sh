#!/usr/bin/env bash
# Danmaku fan-out (issue 3): [viewers] WebSocket viewers in one PUBLIC live room of a fresh distribution,
# [rate] danmaku a second from $DANMAKU_PUBLISHERS publishers (users of the tenant, default 10), measured
# by the load tool bench/danmaku-load on the same machine. After connecting the viewers and a warm-up of
# $DANMAKU_WARMUP seconds (default 60: the JIT needs load to compile, see BENCHMARKS.md), [runs] measured
# runs of [seconds] each, back to back. Each run: deliveries per second (each danmaku to each viewer
# once), p50/p99 latency from each message's intended send time, missing deliveries, and deliveries per
# server CPU-second (the server JVM's utime+stime from /proc). Then live heap per idle connection:
# class histograms (full GCs) of the server with no viewer and with [viewers] idle ones, [runs] times.
# Prints each run and the medians.
# Usage: bench/danmaku.sh [viewers, default 10000] [rate, default 100] [seconds, default 30] [runs, default 3]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl curl
need jcmd openjdk-17-jdk-headless
need mvn maven
viewers=${1:-10000}
rate=${2:-100}
seconds=${3:-30}
runs=${4:-3}
publishers=${DANMAKU_PUBLISHERS:-10}
warmup=${DANMAKU_WARMUP:-60}
tenant=bench-danmaku

# One socket per viewer in the server and another in the tool, each process under its own limit; Karaf's
# bin/inc raises the server's to the hard limit as well.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fds=$(ulimit -n)
if [ "$fds" != unlimited ] && [ "$fds" -lt $(( viewers + publishers + 1000 )) ]; then
  echo "bench: 'ulimit -n' is $fds (hard limit $(ulimit -Hn)); $viewers viewers need $(( viewers + publishers + 1000 ))" >&2
  exit 2
fi
read -r port_low port_high < /proc/sys/net/ipv4/ip_local_port_range
if [ $(( port_high - port_low )) -lt $(( viewers + publishers + 1000 )) ]; then
  echo "bench: only $(( port_high - port_low )) local ports (net.ipv4.ip_local_port_range) for $viewers viewers" >&2
  exit 2
fi

# The load tool: a shaded jar, rebuilt when its sources are newer.
tool_dir=$BENCH_ROOT/bench/danmaku-load
tool_jar=$tool_dir/target/danmaku-load.jar
support_dir=$BENCH_ROOT/bench/load-support
if [ ! -f "$tool_jar" ] || [ -n "$(find "$tool_dir/pom.xml" "$tool_dir/src/main" "$support_dir/pom.xml" \
    "$support_dir/src/main" -newer "$tool_jar" -type f | head -n 1)" ]; then
  echo "Building the load tool..." >&2
  # With the module it shares with the media load tool (-am), so that a fresh clone builds it too.
  (cd "$BENCH_ROOT" && mvn -B -q -DskipTests package -pl bench/danmaku-load -am) >&2
fi

ensure_tarball
install_fresh
start_server
tool_pid=
cleanup() {
  # The tool closes its connections properly on TERM; a background job does not get the terminal's INT.
  if [ -n "$tool_pid" ]; then kill "$tool_pid" 2>/dev/null || true; wait "$tool_pid" 2>/dev/null || true; fi
  stop_server
}
trap cleanup EXIT
# Ctrl-C or kill: exit, so that cleanup runs, even while a pipeline or 'wait' holds the script.
trap 'exit 130' INT TERM
wait_healthy
# bin/karaf forks the JVM: find it in the process group that start_server made.
server_pid=$(pgrep -g "$BENCH_PID" -f 'org.apache.karaf.main.Main' | head -n 1)
[ -n "$server_pid" ] || { echo "bench: cannot find the server's JVM" >&2; exit 1; }

token=$(tenant_with_token "$tenant")
[ -n "$token" ] || { echo "bench: could not log in to tenant '$tenant'" >&2; exit 1; }
api() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }

# The plugin on, with limits above what each publisher sends (rate / publishers a second).
if ! api "$BENCH_BASE/tenants/$tenant/plugins" | grep -q '"id" *: *"danmaku"'; then
  echo "bench: the plugin 'danmaku' is not installed in this distribution" >&2
  exit 1
fi
api -o /dev/null -X PUT "$BENCH_BASE/tenants/$tenant/plugins/danmaku" \
  -d "{\"enabled\":true,\"settings\":{\"ratePerSecond\":$rate,\"burst\":$(( rate > 5 ? rate : 5 )),\"duplicateWindowSeconds\":0}}"

tokens=$BENCH_WORK/danmaku-tokens
: > "$tokens"
for i in $(seq 1 "$publishers"); do
  api -o /dev/null -X POST "$BENCH_BASE/tenants/$tenant/users" \
    -d "{\"username\":\"pub$i\",\"password\":\"bench-publisher-$i\",\"displayName\":\"Publisher $i\",\"role\":\"MEMBER\"}"
  # The answer has no final newline, and each token needs a line of its own.
  printf '%s\n' "$(curl -sf -H 'Content-Type: application/json' -X POST "$BENCH_BASE/auth/login" \
    -d "{\"tenant\":\"$tenant\",\"username\":\"pub$i\",\"password\":\"bench-publisher-$i\"}" \
    | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')" >> "$tokens"
done
[ "$(grep -c . "$tokens")" = "$publishers" ] || { echo "bench: could not log in the publishers" >&2; exit 1; }

create_room "$tenant" "$token" "Danmaku fan-out"
room=$(api "$BENCH_BASE/tenants/$tenant/rooms?q=Danmaku" | grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
api -o /dev/null -X POST "$BENCH_BASE/tenants/$tenant/rooms/$room/start"
url="ws://127.0.0.1:$BENCH_PORT/ws/danmaku/$tenant/$room"

# The tool's heap holds one bit per viewer and message; 1 GiB is plenty. The parallel collector has no
# concurrent card refinement: about 15% less tool CPU per frame than G1 (BENCHMARKS.md). It runs in the
# background so that cleanup can stop it.
tool() {
  java -Xms1g -Xmx1g -XX:+UseParallelGC -jar "$tool_jar" --url "$url" --server-pid "$server_pid" --clk-tck "$(getconf CLK_TCK)" "$@" &
  tool_pid=$!
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
log=$BENCH_DIST/data/log/karaf.log
log_lines_before=$(wc -l < "$log" 2>/dev/null || echo 0)

echo "== load: $viewers viewers, $rate danmaku/s from $publishers publishers, warm-up ${warmup}s, $runs runs of ${seconds}s =="
tool --viewers "$viewers" --tokens "$tokens" --rate "$rate" --warmup "$warmup" --seconds "$seconds" --runs "$runs" \
  > "$BENCH_WORK/danmaku-load.out"
# Progress as it comes; in the background, so that a signal to this script is handled at once.
tail -f --pid="$tool_pid" "$BENCH_WORK/danmaku-load.out" 2>/dev/null | grep --line-buffered -v '^RESULT' &
wait "$tool_pid" || true
wait $! || true
tool_pid=
grep -q '^RESULT run=' "$BENCH_WORK/danmaku-load.out" || { echo "bench: the load tool reported no run" >&2; exit 1; }

# Live heap per idle connection: the class histogram's total (it runs a full GC first) with no viewer,
# then with $viewers idle ones; the difference over $viewers.
live_heap() {
  jcmd "$server_pid" GC.run > /dev/null
  jcmd "$server_pid" GC.class_histogram > "$BENCH_WORK/histogram-$1.txt"
  awk '$1 == "Total" { print $3 }' "$BENCH_WORK/histogram-$1.txt"
}
echo "== live heap: $viewers idle viewers, $runs times =="
sleep 5 # the load's connections close
per_connection=()
for i in $(seq 1 "$runs"); do
  before=$(live_heap "$i-empty")
  tool --viewers "$viewers" --idle --hold 300 > "$BENCH_WORK/danmaku-idle.out"
  until grep -q '^READY' "$BENCH_WORK/danmaku-idle.out"; do
    kill -0 "$tool_pid" 2>/dev/null || { cat "$BENCH_WORK/danmaku-idle.out" >&2; echo "bench: the idle viewers did not connect" >&2; exit 1; }
    sleep 0.5
  done
  ready=$(grep '^READY' "$BENCH_WORK/danmaku-idle.out")
  after=$(live_heap "$i-idle")
  kill "$tool_pid"; wait "$tool_pid" || true; tool_pid=
  open=$(echo " $ready" | field open)
  per_connection+=("$(awk -v a="$after" -v b="$before" -v n="$open" 'BEGIN { printf "%.2f", (a - b) / n / 1024 }')")
  echo "idle $i: $ready; live heap $(( before / 1048576 )) MiB with no viewer, $(( after / 1048576 )) MiB with $open: ${per_connection[-1]} KiB per connection"
  sleep 5
done
# Where an idle connection's heap goes: the classes that grew most, per connection, in the last run.
echo "largest per-connection growth in idle run $runs (bytes per connection, class):"
awk -v n="$open" 'FNR == 1 { f++ } $1 ~ /^[0-9]+:$/ { b[f, $4] = $3; k[$4] = 1 }
  END { for (c in k) { d = (b[2, c] - b[1, c]) / n; if (d >= 50) printf "%10.0f  %s\n", d, c } }' \
  "$BENCH_WORK/histogram-$runs-empty.txt" "$BENCH_WORK/histogram-$runs-idle.txt" | sort -rn | head -n 12

# Server log: errors and warnings during the benchmark.
warnings=$(tail -n +"$(( log_lines_before + 1 ))" "$log" 2>/dev/null | grep -c ' WARN \| ERROR ' || true)
echo "server log during the benchmark: $warnings WARN/ERROR lines (in $log)"
tail -n +"$(( log_lines_before + 1 ))" "$log" 2>/dev/null | grep ' WARN \| ERROR ' | cut -c1-220 | sort | uniq -c | sort -rn | head -n 5 || true

echo
echo "machine: $(machine)"
echo "server heap: $(jcmd "$server_pid" VM.flags 2>/dev/null | grep -o 'MaxHeapSize=[0-9]*' | head -n 1 | awk -F= '{ printf "max %d MiB (JVM default: Karaf sets no -Xmx)", $2 / 1048576 }')"
grep '^RESULT summary' "$BENCH_WORK/danmaku-load.out" | sed 's/^RESULT summary/viewers and publishers:/'
results=$(grep '^RESULT run=' "$BENCH_WORK/danmaku-load.out")
while read -r line; do
  echo "run $(echo "$line" | field run): $(echo "$line" | field deliveries_per_s) deliveries/s in $(echo "$line" | field frames_per_s) frames/s, p50 $(echo "$line" | field p50_ms) ms, p99 $(echo "$line" | field p99_ms) ms, max $(echo "$line" | field max_ms) ms, missing $(echo "$line" | field missing) of $(echo "$line" | field expected), server $(echo "$line" | field server_cpu_s) CPU-s: $(echo "$line" | field deliveries_per_server_cpu_s) deliveries per server CPU-s (tool $(echo "$line" | field tool_cpu_s) CPU-s, rest of machine $(echo "$line" | field other_cpu_s))"
done <<< "$results"
med() { echo "$results" | field "$1" | median; }
echo "danmaku fan-out, $viewers viewers, $rate danmaku/s ($(( viewers * rate )) deliveries/s offered), median of $runs x ${seconds}s:" \
  "$(med deliveries_per_s) deliveries/s, p50 $(med p50_ms) ms, p99 $(med p99_ms) ms, $(med deliveries_per_server_cpu_s) deliveries per server CPU-s," \
  "missing $(echo "$results" | field missing | awk '{ s += $1 } END { print s }') in all runs"
echo "live heap per idle connection, median of $runs: $(printf '%s\n' "${per_connection[@]}" | median) KiB"
