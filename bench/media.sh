#!/usr/bin/env bash
# Media signaling (plugin media-kurento): the platform's own overhead against a fake Kurento Media
# Server. A fresh distribution is pointed at the fake (testing/fake-kurento, in a JVM of its own on
# loopback, started by the load tool's jar); one tenant with the plugin on; one PUBLIC live room whose
# host publishes (REST + one signaling connection). Then the load tool bench/media-load, on the same
# machine:
#   - open loop: [viewers] viewers connect, join and subscribe to the host at [rate] a second on a fixed
#     schedule; $MEDIA_WARMUP_RUNS warm-up runs (default 5: the JIT is still improving after two), then [runs] measured ones. Per run: join →
#     subscribe's SDP answer p50/p90/p99/max (and from each viewer's due time), joins/s, failures by
#     code, viewers held, server live heap per participant (class histograms after full GCs);
#   - closed loop: [runs] runs of [viewers] viewers, $MEDIA_CONCURRENCY (default 32) at a time: joins/s
#     into one room as fast as the server answers;
#   - light: [runs] open-loop runs of $MEDIA_LIGHT_VIEWERS viewers (default 100) at $MEDIA_LIGHT_RATE a
#     second (default 20): the platform's time for one join and subscribe when little else happens.
# Also: the media server requests a join and a subscribe make, the fake's own answer time (timed by
# the fake before it serves) and its CPU per request, and WebRtcEndpoints left after the viewers left.
# With $MEDIA_LATENCY_CHECK_US set (µs), one more light run with that artificial latency per media
# server request, which shows how many requests a subscribe waits for one after another.
# Prints each run and the medians.
# Usage: bench/media.sh [viewers, default 1000] [rate, default 500] [runs, default 3]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl curl
need jcmd openjdk-17-jdk-headless
need mvn maven
viewers=${1:-1000}
rate=${2:-500}
runs=${3:-3}
concurrency=${MEDIA_CONCURRENCY:-32}
warmup_runs=${MEDIA_WARMUP_RUNS:-5}
light_viewers=${MEDIA_LIGHT_VIEWERS:-100}
light_rate=${MEDIA_LIGHT_RATE:-20}
room_type=${MEDIA_ROOM_TYPE:-VIDEO_INTERACTIVE}
latency_check_us=${MEDIA_LATENCY_CHECK_US:-0}
kms_port=${MEDIA_FAKE_PORT:-8888}
kms_control_port=${MEDIA_FAKE_CONTROL_PORT:-8889}
tenant=bench-media

# One socket per viewer in the server and another in the tool.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fds=$(ulimit -n)
if [ "$fds" != unlimited ] && [ "$fds" -lt $(( viewers + 1000 )) ]; then
  echo "bench: 'ulimit -n' is $fds (hard limit $(ulimit -Hn)); $viewers viewers need $(( viewers + 1000 ))" >&2
  exit 2
fi
for port in "$kms_port" "$kms_control_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port (the fake media server's) is taken; set MEDIA_FAKE_PORT / MEDIA_FAKE_CONTROL_PORT" >&2
    exit 2
  fi
done

# The load tool: a shaded jar with the fake media server, rebuilt when its sources (or the fake's, or the shared
# load-support's) are newer.
tool_dir=$BENCH_ROOT/bench/media-load
tool_jar=$tool_dir/target/media-load.jar
if [ ! -f "$tool_jar" ] || [ -n "$(find "$tool_dir/pom.xml" "$tool_dir/src/main" "$BENCH_ROOT/testing/fake-kurento/src/main" \
      "$BENCH_ROOT/bench/load-support/src/main" -newer "$tool_jar" -type f | head -n 1)" ]; then
  echo "Building the load tool..." >&2
  (cd "$BENCH_ROOT" && mvn -B -q -DskipTests package -pl bench/media-load -am) >&2
fi

ensure_tarball
install_fresh
cat > "$BENCH_DIST/etc/io.edamame.media.kurento.cfg" <<EOF
# bench/media.sh: the fake media server on loopback.
kms.urls = ws://127.0.0.1:$kms_port/kurento
recordings.uri =
empty.room.grace.seconds = 60
EOF

tool_pid=
fake_pid=
cleanup() {
  if [ -n "$tool_pid" ]; then kill "$tool_pid" 2>/dev/null || true; wait "$tool_pid" 2>/dev/null || true; fi
  stop_server
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The fake first, so that the platform finds it up when the plugin starts. The parallel collector and a
# fixed heap: its call log (cleared every run) is the only thing it keeps.
fake_out=$BENCH_WORK/fake-kms.out
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp "$tool_jar" io.edamame.bench.media.FakeKms \
  --port "$kms_port" --control-port "$kms_control_port" > "$fake_out" 2>&1 &
fake_pid=$!
deadline=$(( $(date +%s) + 60 ))
until grep -q '^FAKE-KMS READY' "$fake_out"; do
  kill -0 "$fake_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ] || { cat "$fake_out" >&2; echo "bench: the fake media server did not start" >&2; exit 1; }
  sleep 0.2
done
calibration=$(grep '^FAKE-KMS CALIBRATION' "$fake_out" || true)
control="http://127.0.0.1:$kms_control_port"

start_server
# start_server sets its own EXIT trap; the fake needs stopping too.
trap cleanup EXIT
wait_healthy
server_pid=$(pgrep -g "$BENCH_PID" -f 'org.apache.karaf.main.Main' | head -n 1)
[ -n "$server_pid" ] || { echo "bench: cannot find the server's JVM" >&2; exit 1; }

token=$(tenant_with_token "$tenant")
[ -n "$token" ] || { echo "bench: could not log in to tenant '$tenant'" >&2; exit 1; }
api() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
if ! api "$BENCH_BASE/tenants/$tenant/plugins" | grep -q '"id" *: *"media-kurento"'; then
  echo "bench: the plugin 'media-kurento' is not installed in this distribution" >&2
  exit 1
fi
api -o /dev/null -X PUT "$BENCH_BASE/tenants/$tenant/plugins/media-kurento" -d '{"enabled":true,"settings":{}}'

# The platform connects to the media server in the background: wait until its health says UP.
deadline=$(( $(date +%s) + 60 ))
until curl -sf "$BENCH_BASE/health" | tr -d ' \n' | grep -q '"media-kurento":{[^}]*"status":"UP"'; do
  [ "$(date +%s)" -lt "$deadline" ] || { curl -s "$BENCH_BASE/health" >&2; echo; echo "bench: the platform did not reach the fake media server" >&2; exit 1; }
  sleep 0.2
done

# The admin who creates the room is its host.
api -o /dev/null -X POST "$BENCH_BASE/tenants/$tenant/rooms" \
  -d "{\"title\":\"Media signaling\",\"type\":\"$room_type\",\"access\":\"PUBLIC\",\"tags\":[\"bench\"],\"scheduledStart\":\"2026-12-01T10:00:00Z\"}"
room=$(api "$BENCH_BASE/tenants/$tenant/rooms?q=Media" | grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
api -o /dev/null -X POST "$BENCH_BASE/tenants/$tenant/rooms/$room/start"
# Going live builds the room's pipeline (and recording) on the media server.
deadline=$(( $(date +%s) + 30 ))
until curl -sf "$control/stats" | grep -q '^live.MediaPipeline=[1-9]'; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the live room's pipeline did not appear on the fake media server" >&2; exit 1; }
  sleep 0.2
done
url="ws://127.0.0.1:$BENCH_PORT/ws/media/$tenant/$room"
# The signaling endpoint must answer the upgrade (101): the plugin's components can fail while the rest is healthy.
upgrade=$(curl -s -o /dev/null -m 2 -w '%{http_code}' -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: ZWRhbWFtZS1iZW5jaC0xMg==' \
  "http://127.0.0.1:$BENCH_PORT/ws/media/$tenant/$room?token=$token" || true)
if [ "$upgrade" != 101 ]; then
  echo "bench: the media signaling endpoint answered $upgrade, not 101; see $BENCH_DIST/data/log/karaf.log" >&2
  grep ' ERROR ' "$BENCH_DIST/data/log/karaf.log" | cut -c1-220 | head -n 5 >&2 || true
  exit 1
fi

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
log=$BENCH_DIST/data/log/karaf.log
log_lines_before=$(wc -l < "$log" 2>/dev/null || echo 0)

# The tool's heap holds a few objects per viewer; the parallel collector keeps its own CPU low (BENCHMARKS.md).
tool() {
  java -Xms1g -Xmx1g -XX:+UseParallelGC -jar "$tool_jar" --url "$url" --host-token "$token" \
    --server-pid "$server_pid" --fake-control "$control" --clk-tck "$(getconf CLK_TCK)" "$@" &
  tool_pid=$!
}
run_tool() {
  local out=$1; shift
  tool "$@" > "$out"
  tail -f --pid="$tool_pid" "$out" 2>/dev/null | grep --line-buffered -v '^RESULT' &
  wait "$tool_pid" || true
  wait $! || true
  tool_pid=
}

echo "== $room_type room, $viewers viewers at $rate/s (open loop; $warmup_runs warm-up + $runs runs), then $runs closed-loop runs of $viewers at concurrency $concurrency =="
echo "fake media server: $calibration"
out=$BENCH_WORK/media-load.out
run_tool "$out" --viewers "$viewers" --rate "$rate" --warmup-runs "$warmup_runs" --runs "$runs" \
  --concurrency "$concurrency" --heap
grep -q '^RESULT open run=' "$out" || { echo "bench: the load tool reported no run" >&2; exit 1; }

echo "== light: $light_viewers viewers at $light_rate/s, $runs runs =="
light_out=$BENCH_WORK/media-load-light.out
run_tool "$light_out" --viewers "$light_viewers" --rate "$light_rate" --warmup-runs 0 --runs "$runs" --mode open --hold 0
if [ "$latency_check_us" != 0 ]; then
  echo "== light, with ${latency_check_us} µs of latency per media server request =="
  run_tool "$BENCH_WORK/media-load-latency.out" --viewers "$light_viewers" --rate "$light_rate" --warmup-runs 0 --runs 1 \
    --mode open --hold 0 --fake-latency-micros "$latency_check_us"
fi

warnings=$(tail -n +"$(( log_lines_before + 1 ))" "$log" 2>/dev/null | grep -c ' WARN \| ERROR ' || true)
echo "server log during the benchmark: $warnings WARN/ERROR lines (in $log)"
tail -n +"$(( log_lines_before + 1 ))" "$log" 2>/dev/null | grep ' WARN \| ERROR ' | cut -c1-220 | sed 's/^[^|]*|//' | sort | uniq -c | sort -rn | head -n 5 || true

echo
echo "machine: $(machine)"
echo "build: $(cd "$BENCH_ROOT" && git rev-parse --short HEAD)$( [ -n "$(cd "$BENCH_ROOT" && git status --porcelain --untracked-files=no)" ] && echo ', uncommitted changes')"
echo "fake media server: $calibration"
grep '^RESULT probe' "$out" | sed 's/^RESULT probe/media server requests (one viewer alone):/'
open=$(grep '^RESULT open run=' "$out")
closed=$(grep '^RESULT closed run=' "$out" || true)
while read -r line; do
  echo "open run $(echo "$line" | field run): $(echo "$line" | field subscribed)/$(echo "$line" | field viewers) subscribed, $(echo "$line" | field held) held," \
    "$(echo "$line" | field joins_per_s) joins/s; join→answer p50 $(echo "$line" | field join_to_answer_p50_ms) ms," \
    "p90 $(echo "$line" | field join_to_answer_p90_ms), p99 $(echo "$line" | field join_to_answer_p99_ms), max $(echo "$line" | field join_to_answer_max_ms);" \
    "due→answer p99 $(echo "$line" | field due_to_answer_p99_ms) ms; failures $(echo "$line" | field failures);" \
    "$(echo "$line" | field heap_per_participant_kib) KiB per participant; CPU-s server $(echo "$line" | field server_cpu_s)," \
    "fake $(echo "$line" | field fake_cpu_s) ($(echo "$line" | field fake_cpu_us_per_request) µs/request), tool $(echo "$line" | field tool_cpu_s)" \
    "($(echo "$line" | field tool_cpu_us_per_frame) µs/frame, $(echo "$line" | field frames) frames); $(echo "$line" | field kms_requests_per_subscribe) media server requests per viewer;" \
    "endpoints left $(echo "$line" | field endpoints_left), all left in $(echo "$line" | field leave_s) s; rest of machine $(echo "$line" | field other_cpu_s) CPU-s"
done <<< "$open"
if [ -n "$closed" ]; then
  while read -r line; do
    echo "closed run $(echo "$line" | field run): $(echo "$line" | field subscribed)/$(echo "$line" | field viewers) subscribed in $(echo "$line" | field seconds) s:" \
      "$(echo "$line" | field joins_per_s) joins/s; join→answer p50 $(echo "$line" | field join_to_answer_p50_ms) ms, p99 $(echo "$line" | field join_to_answer_p99_ms) ms;" \
      "failures $(echo "$line" | field failures); CPU-s server $(echo "$line" | field server_cpu_s), fake $(echo "$line" | field fake_cpu_s), tool $(echo "$line" | field tool_cpu_s)," \
      "rest of machine $(echo "$line" | field other_cpu_s)"
  done <<< "$closed"
fi
med() { echo "$1" | field "$2" | median; }
echo "open loop, $viewers viewers at $rate/s, median of $runs: join→subscribe answer p50 $(med "$open" join_to_answer_p50_ms) ms," \
  "p90 $(med "$open" join_to_answer_p90_ms) ms, p99 $(med "$open" join_to_answer_p99_ms) ms, max $(med "$open" join_to_answer_max_ms) ms;" \
  "$(med "$open" joins_per_s) joins/s achieved; $(med "$open" held) of $viewers held; $(med "$open" heap_per_participant_kib) KiB of server heap per participant;" \
  "failed $(echo "$open" | field failed | awk '{ s += $1 } END { print s }') in all runs"
if [ -n "$closed" ]; then
  echo "closed loop, $viewers viewers at concurrency $concurrency, median of $runs: $(med "$closed" joins_per_s) joins/s into one room," \
    "join→subscribe answer p50 $(med "$closed" join_to_answer_p50_ms) ms, p99 $(med "$closed" join_to_answer_p99_ms) ms"
fi
light=$(grep '^RESULT open run=' "$light_out" || true)
if [ -n "$light" ]; then
  while read -r line; do
    echo "light run $(echo "$line" | field run): join→answer p50 $(echo "$line" | field join_to_answer_p50_ms) ms, p99 $(echo "$line" | field join_to_answer_p99_ms) ms" \
      "(join $(echo "$line" | field join_p50_ms) ms, subscribe $(echo "$line" | field subscribe_p50_ms) ms at p50); failures $(echo "$line" | field failures);" \
      "rest of machine $(echo "$line" | field other_cpu_s) CPU-s"
  done <<< "$light"
  echo "light, $light_viewers viewers at $light_rate/s, median of $runs: join→subscribe answer p50 $(med "$light" join_to_answer_p50_ms) ms," \
    "p90 $(med "$light" join_to_answer_p90_ms) ms, p99 $(med "$light" join_to_answer_p99_ms) ms, max $(med "$light" join_to_answer_max_ms) ms"
fi
if [ "$latency_check_us" != 0 ] && grep -q '^RESULT open' "$BENCH_WORK/media-load-latency.out"; then
  l=$(grep '^RESULT open' "$BENCH_WORK/media-load-latency.out")
  echo "with ${latency_check_us} µs per media server request: join→subscribe answer p50 $(echo "$l" | field join_to_answer_p50_ms) ms," \
    "p99 $(echo "$l" | field join_to_answer_p99_ms) ms; subscribe → answer p50 $(echo "$l" | field subscribe_p50_ms) ms against" \
    "$(med "$light" subscribe_p50_ms) ms without (the fake's own calibration times each delayed request end to end)"
fi
