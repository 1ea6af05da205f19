#!/usr/bin/env bash
# WeChat mini-program login (plugin wechat, issue 5): the platform's own time against a fake WeChat. A fresh
# distribution is pointed at the fake WeChat API (testing/fake-wechat, in a JVM of its own on loopback, started by the
# load tool's jar) through etc/io.edamame.wechat.cfg; one tenant with the plugin on and a mini-program app. Then the
# load tool bench/wechat-load, on the same machine, posts {"code": ...} to /api/v1/tenants/{t}/wechat/miniapp/login,
# each login with a one-time code registered with the fake just before its pass. Each run is two passes of
# [logins]/2: first logins (each creates its user; every other user has a unionid), then the same users again
# (returning). After a probe (one user alone: the WeChat requests of a first and of a returning login) and
# $WECHAT_WARMUP_RUNS warm-up runs (default 4) in open loop at $WECHAT_WARMUP_RATE a second (default half of [rate];
# 0: closed loop, which on two cores starves the JIT compiler and warms up far more slowly, see BENCHMARKS.md),
# [runs] runs of each, alternating:
#   - open loop: logins sent at [rate] a second on a fixed schedule: latency p50/p90/p99/max from sending, and from
#     the schedule (so that falling behind shows), logins/s achieved;
#   - closed loop: $WECHAT_CONCURRENCY logins in flight (default 32), each answer starting the next: logins/s;
# then one light open-loop run ($WECHAT_LIGHT_LOGINS logins at $WECHAT_LIGHT_RATE a second, default 1000 at 50): a
# login's time when little else happens. Per pass: failures by status and code, CPU of the server, the fake and the
# tool, WeChat requests per login. The fake's own answer time to jscode2session (timed in its JVM before it serves)
# is printed beside the latencies: what is left is the platform's. Access tokens fetched from the fake over the whole
# benchmark must be 1. With WECHAT_JFR=1, two more closed-loop runs (not counted): one while JFR warms up, then one
# while the server records CPU samples and monitor contention with JFR, summarised by library, frame and monitor.
# Prints each run and the medians.
# Usage: bench/wechat.sh [logins, default 20000] [rate, default 1000] [runs, default 3]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl curl
need jcmd openjdk-17-jdk-headless
need mvn maven
logins=${1:-20000}
rate=${2:-1000}
runs=${3:-3}
concurrency=${WECHAT_CONCURRENCY:-32}
warmup_runs=${WECHAT_WARMUP_RUNS:-4}
warmup_rate=${WECHAT_WARMUP_RATE:-$(awk -v r="$rate" 'BEGIN { print r / 2 }')}
light_logins=${WECHAT_LIGHT_LOGINS:-1000}
light_rate=${WECHAT_LIGHT_RATE:-50}
jfr=${WECHAT_JFR:-0}
fake_port=${WECHAT_FAKE_PORT:-8890}
fake_control_port=${WECHAT_FAKE_CONTROL_PORT:-8891}
tenant=bench-wechat
# The platform accepts wx and 16 hex digits only (WeChatSettings).
appid=wx0123456789abcdef
secret=bench-wechat-app-secret-0123456789abcdef

for port in "$fake_port" "$fake_control_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port (the fake WeChat's) is taken; set WECHAT_FAKE_PORT / WECHAT_FAKE_CONTROL_PORT" >&2
    exit 2
  fi
done

# The load tool: a shaded jar with the fake WeChat, rebuilt when its sources (or the shared load-support's) are
# newer. The fake comes from the local Maven repository, as the distribution's build ('mvn install') left it, so that
# building the tool never rebuilds the modules it depends on (-am) while they are being changed.
tool_dir=$BENCH_ROOT/bench/wechat-load
tool_jar=$tool_dir/target/wechat-load.jar
support_dir=$BENCH_ROOT/bench/load-support
if [ ! -f "$tool_jar" ] || [ -n "$(find "$tool_dir/pom.xml" "$tool_dir/src/main" "$support_dir/pom.xml" \
      "$support_dir/src/main" -newer "$tool_jar" -type f | head -n 1)" ]; then
  echo "Building the load tool..." >&2
  (cd "$BENCH_ROOT" && mvn -B -q -DskipTests package -pl bench/load-support,bench/wechat-load) >&2 || {
    echo "bench: building the load tool failed; it needs io.edamame:edamame-fake-wechat in the local Maven repository" \
      "('mvn -B -DskipTests install -pl testing/fake-wechat')" >&2
    exit 1
  }
fi

ensure_tarball
install_fresh
cfg=$BENCH_DIST/etc/io.edamame.wechat.cfg
[ -f "$cfg" ] || { echo "bench: $cfg is missing: the plugin 'wechat' is not in this distribution" >&2; exit 1; }
# WeChat's three hosts: the fake. The rest of the shipped file (timeouts, 64 pooled connections) stays as shipped.
sed -i -e "s#^api.url *=.*#api.url = http://127.0.0.1:$fake_port#" \
  -e "s#^open.url *=.*#open.url = http://127.0.0.1:$fake_port#" \
  -e "s#^mp.url *=.*#mp.url = http://127.0.0.1:$fake_port#" "$cfg"
grep -q "^api.url = http://127.0.0.1:$fake_port" "$cfg" || { echo "bench: could not set api.url in $cfg" >&2; exit 1; }

tool_pid=
fake_pid=
cleanup() {
  if [ -n "$tool_pid" ]; then kill "$tool_pid" 2>/dev/null || true; wait "$tool_pid" 2>/dev/null || true; fi
  stop_server
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The fake first. It keeps what it answered until the tool clears it between passes; the parallel collector keeps
# its own CPU low.
fake_out=$BENCH_WORK/fake-wechat.out
java -Xms256m -Xmx1g -XX:+UseParallelGC -cp "$tool_jar" io.edamame.bench.wechat.FakeWeChat --appid "$appid" \
  --secret "$secret" --port "$fake_port" --control-port "$fake_control_port" > "$fake_out" 2>&1 &
fake_pid=$!
deadline=$(( $(date +%s) + 60 ))
until grep -q '^FAKE-WECHAT READY' "$fake_out"; do
  kill -0 "$fake_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ] || { cat "$fake_out" >&2; echo "bench: the fake WeChat did not start" >&2; exit 1; }
  sleep 0.2
done
calibration=$(grep '^FAKE-WECHAT CALIBRATION' "$fake_out" || true)
control="http://127.0.0.1:$fake_control_port"

start_server
# start_server sets its own EXIT trap; the fake needs stopping too.
trap cleanup EXIT
wait_healthy
server_pid=$(pgrep -g "$BENCH_PID" -f 'org.apache.karaf.main.Main' | head -n 1)
[ -n "$server_pid" ] || { echo "bench: cannot find the server's JVM" >&2; exit 1; }

token=$(tenant_with_token "$tenant")
[ -n "$token" ] || { echo "bench: could not log in to tenant '$tenant'" >&2; exit 1; }
api() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
# The plugin's components start in the background after /health: wait until the tenant's plugin list has it.
deadline=$(( $(date +%s) + 60 ))
until api "$BENCH_BASE/tenants/$tenant/plugins" | grep -q '"id" *: *"wechat"'; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the plugin 'wechat' is not installed in this distribution" >&2; exit 1; }
  sleep 0.5
done
answer=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -X PUT "$BENCH_BASE/tenants/$tenant/plugins/wechat" \
  -d "{\"enabled\":true,\"settings\":{\"miniappAppId\":\"$appid\",\"miniappSecret\":\"$secret\"}}")
if [ "$(tail -n 1 <<< "$answer")" != 200 ]; then
  echo "bench: switching the plugin on failed: $(head -n -1 <<< "$answer")" >&2
  exit 1
fi

url="http://127.0.0.1:$BENCH_PORT/api/v1/tenants/$tenant/wechat/miniapp/login"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
log=$BENCH_DIST/data/log/karaf.log
log_lines_before=$(wc -l < "$log" 2>/dev/null || echo 0)
jfr_file=
if [ "$jfr" = 1 ]; then
  jfr_file=$BENCH_WORK/wechat-server.jfr
  rm -f "$jfr_file"
fi

echo "== $logins logins per run (half first logins, half returning): $warmup_runs warm-up runs" \
  "($( [ "$warmup_rate" = 0 ] && echo "closed loop" || echo "open loop at $warmup_rate/s")), then $runs open-loop runs at" \
  "$rate/s and $runs closed-loop runs at concurrency $concurrency, alternating; then $light_logins at $light_rate/s =="
echo "fake WeChat: $calibration"
# The tool's heap holds a few objects per login; the parallel collector keeps its own CPU low. In the background, so
# that cleanup can stop it.
out=$BENCH_WORK/wechat-load.out
java -Xms512m -Xmx512m -XX:+UseParallelGC -jar "$tool_jar" --url "$url" --fake-control "$control" \
  --server-pid "$server_pid" --clk-tck "$(getconf CLK_TCK)" --logins "$logins" --rate "$rate" --runs "$runs" \
  --warmup-runs "$warmup_runs" --warmup-rate "$warmup_rate" --concurrency "$concurrency" --light-logins "$light_logins" --light-rate "$light_rate" \
  ${jfr_file:+--jfr "$jfr_file"} > "$out" &
tool_pid=$!
tail -f --pid="$tool_pid" "$out" 2>/dev/null | grep --line-buffered -v '^RESULT' &
wait "$tool_pid" || true
wait $! || true
tool_pid=
grep -q '^RESULT mode=' "$out" || { echo "bench: the load tool reported no run" >&2; exit 1; }

warnings=$(tail -n +"$(( log_lines_before + 1 ))" "$log" 2>/dev/null | grep -c ' WARN \| ERROR ' || true)
echo "server log during the benchmark: $warnings WARN/ERROR lines (in $log)"
tail -n +"$(( log_lines_before + 1 ))" "$log" 2>/dev/null | grep ' WARN \| ERROR ' | cut -c1-220 | sed 's/^[^|]*|//' | sort | uniq -c | sort -rn | head -n 5 || true

if [ -n "$jfr_file" ] && [ -f "$jfr_file" ]; then
  echo "== server profile (JFR, the profiled run) =="
  java -cp "$tool_jar" io.edamame.bench.wechat.JfrSummary "$jfr_file" 25 | tee "$BENCH_WORK/wechat-jfr-summary.txt"
fi

echo
echo "machine: $(machine)"
changed=$(cd "$BENCH_ROOT" && git status --porcelain | awk '{ print $2 }' | cut -d/ -f1-2 | sort -u | tr '\n' ' ')
echo "build: $(cd "$BENCH_ROOT" && git rev-parse --short HEAD)${changed:+, uncommitted changes in: $changed}; distribution $BENCH_TARBALL ($(date -r "$BENCH_TARBALL" -u '+%F %T UTC'))"
echo "fake WeChat: $calibration"
fake_p50_ms=$(echo " $calibration" | field jscode2session_p50_us | awk '{ printf "%.2f", $1 / 1000 }')
grep '^RESULT probe' "$out" | sed 's/^RESULT probe/probe (one user alone):/'
results=$(grep '^RESULT mode=' "$out")
while read -r line; do
  echo "$(echo "$line" | field mode) run $(echo "$line" | field run) $(echo "$line" | field pass):" \
    "$(echo "$line" | field ok)/$(echo "$line" | field logins) in $(echo "$line" | field seconds) s, $(echo "$line" | field logins_per_s) logins/s;" \
    "latency p50 $(echo "$line" | field latency_p50_ms) ms, p90 $(echo "$line" | field latency_p90_ms), p99 $(echo "$line" | field latency_p99_ms)," \
    "max $(echo "$line" | field latency_max_ms); due→answer p99 $(echo "$line" | field due_p99_ms) ms; failures $(echo "$line" | field failures);" \
    "server $(echo "$line" | field server_cpu_ms_per_login) CPU-ms/login; CPU-s server $(echo "$line" | field server_cpu_s)," \
    "fake $(echo "$line" | field fake_cpu_s), tool $(echo "$line" | field tool_cpu_s) ($(echo "$line" | field tool_cpu_us_per_login) µs/login)," \
    "rest of machine $(echo "$line" | field other_cpu_s); jscode2session per login $(echo "$line" | field jscode2session_per_login)"
done <<< "$results"
select_lines() { grep " mode=$1 run=[0-9]* pass=$2 " <<< "$results" || true; }
med() { echo "$1" | field "$2" | median; }
for mode in open closed light; do
  for pass in first returning all; do
    lines=$(select_lines "$mode" "$pass")
    [ -n "$lines" ] || continue
    n=$(grep -c . <<< "$lines")
    echo "$mode loop, $pass, median of $n: $(med "$lines" logins_per_s) logins/s; latency p50 $(med "$lines" latency_p50_ms) ms," \
      "p90 $(med "$lines" latency_p90_ms) ms, p99 $(med "$lines" latency_p99_ms) ms, max $(med "$lines" latency_max_ms) ms;" \
      "due→answer p99 $(med "$lines" due_p99_ms) ms; server $(med "$lines" server_cpu_ms_per_login) CPU-ms per login;" \
      "failed $(echo "$lines" | field failed | awk '{ s += $1 } END { print s }')"
  done
done
tokens=$(sed -n 's/^RESULT tokens fetched=//p' "$out")
echo "access tokens fetched: ${tokens:-unknown}$([ "$tokens" = 1 ] && echo ' (once: as required)' || echo ' (NOT once: the requirement is 1)')"
failed=$(echo "$results" | field failed | awk '{ s += $1 } END { print s }')
closed_all=$(select_lines closed all)
open_all=$(select_lines open all)
if [ -n "$closed_all" ] && [ -n "$open_all" ]; then
  throughput=$(med "$closed_all" logins_per_s)
  p99=$(med "$open_all" latency_p99_ms)
  achieved=$(med "$open_all" logins_per_s)
  echo "platform's share of the open loop's p99: $p99 ms less the fake's median jscode2session ($fake_p50_ms ms):" \
    "$(awk -v a="$p99" -v b="$fake_p50_ms" 'BEGIN { printf "%.2f", a - b }') ms"
  verdict=$(awk -v t="$throughput" -v p="$p99" -v a="$achieved" -v r="$rate" -v f="$failed" -v k="${tokens:-0}" 'BEGIN {
    m = "";
    if (t < 1000) m = m sprintf(" closed-loop %.0f logins/s < 1,000;", t);
    if (p >= 20) m = m sprintf(" open-loop p99 %.1f ms >= 20 ms;", p);
    if (a < 0.99 * r) m = m sprintf(" open loop achieved %.0f of %s logins/s;", a, r);
    if (f > 0) m = m sprintf(" %d failed logins;", f);
    if (k != 1) m = m sprintf(" %s access tokens fetched;", k);
    print (m == "" ? "met" : "MISSED:" m) }')
  echo "target (>= 1,000 logins/s, p99 < 20 ms, no failure, access token fetched once): $verdict"
fi
