# Shared by the bench/ scripts: a private copy of the distribution under bench/target, started and
# stopped on loopback (HTTP on $BENCH_PORT, Karaf's SSH console on 8101), with a platform operator
# who logs in to the REST API with a password and to the console with a generated key.
# Sourced, not run.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_WORK=${BENCH_WORK:-$BENCH_ROOT/bench/target}
BENCH_PORT=${BENCH_PORT:-8181}
BENCH_BASE="http://127.0.0.1:$BENCH_PORT/api/v1"
BENCH_OPERATOR=bench-operator
BENCH_OPERATOR_PASSWORD=bench-operator-secret

need() {
  command -v "$1" >/dev/null || { echo "bench: '$1' is missing; on Debian: apt-get install $2" >&2; exit 2; }
}

now_ms() { date +%s%3N; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The distribution to benchmark: $BENCH_TARBALL if set (for example one built in another work tree),
# else this tree's, built if needed.
ensure_tarball() {
  if [ -n "${BENCH_TARBALL:-}" ]; then
    [ -f "$BENCH_TARBALL" ] || { echo "bench: BENCH_TARBALL=$BENCH_TARBALL is not a file" >&2; exit 2; }
    return
  fi
  BENCH_TARBALL=$("$BENCH_ROOT/assembly/build-if-needed.sh")
}

# A fresh distribution (empty data/) in $BENCH_WORK/edamame.
install_fresh() {
  need ssh-keygen openssh-client
  BENCH_DIST=$BENCH_WORK/edamame
  rm -rf "$BENCH_DIST" && mkdir -p "$BENCH_DIST"
  tar xzf "$BENCH_TARBALL" -C "$BENCH_DIST" --strip-components=1
  printf '%s = %s,_g_:admingroup\n' "$BENCH_OPERATOR" "$BENCH_OPERATOR_PASSWORD" >> "$BENCH_DIST/etc/users.properties"
  # The operator's key for shell commands over SSH (Karaf's console on 127.0.0.1:8101).
  rm -f "$BENCH_WORK/operator-key" "$BENCH_WORK/operator-key.pub"
  ssh-keygen -q -t ecdsa -b 256 -N '' -f "$BENCH_WORK/operator-key"
  printf '%s=%s,_g_:admingroup\n' "$BENCH_OPERATOR" "$(cut -d' ' -f2 "$BENCH_WORK/operator-key.pub")" \
    >> "$BENCH_DIST/etc/keys.properties"
  sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $BENCH_PORT/" "$BENCH_DIST/etc/org.ops4j.pax.web.cfg"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$BENCH_PORT") 2>/dev/null; }

# Starts the distribution in the background, without a console; its output goes to karaf.out.
start_server() {
  port_free || { echo "bench: port $BENCH_PORT is taken; stop what listens there or set BENCH_PORT" >&2; exit 2; }
  # Its own process group, so that stopping reaches the JVM that bin/karaf forks.
  setsid "$BENCH_DIST/bin/karaf" server > "$BENCH_DIST/karaf.out" 2>&1 &
  BENCH_PID=$!
  trap stop_server EXIT
}

# Waits until /health answers 200; prints nothing, fails after $1 seconds (default 120).
wait_healthy() {
  local deadline=$(( $(date +%s) + ${1:-120} ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BENCH_BASE/health")" = 200 ]; do
    if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "$BENCH_PID" 2>/dev/null; then
      echo "bench: the server did not become healthy; see $BENCH_DIST/karaf.out and $BENCH_DIST/data/log" >&2
      return 1
    fi
    sleep 0.02
  done
}

stop_server() {
  [ -n "${BENCH_PID:-}" ] || return 0
  ssh -q -O exit -o ControlPath="$BENCH_WORK/ssh-$BENCH_PID" "$BENCH_OPERATOR@127.0.0.1" -p 8101 2>/dev/null || true
  kill -- "-$BENCH_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 -- "-$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 -- "-$BENCH_PID" 2>/dev/null || true
  wait "$BENCH_PID" 2>/dev/null || true
  BENCH_PID=
}

# Runs a Karaf shell command as the operator. The first call opens an SSH connection that later calls
# reuse, so that a timed command does not include a key exchange.
karaf() {
  ssh -q -p 8101 -i "$BENCH_WORK/operator-key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ControlMaster=auto -o ControlPath="$BENCH_WORK/ssh-$BENCH_PID" -o ControlPersist=120 \
    "$BENCH_OPERATOR@127.0.0.1" "$@"
}

# Waits until Karaf's SSH console accepts the operator: it may open after the REST API is healthy.
wait_shell() {
  local deadline=$(( $(date +%s) + 60 ))
  until karaf "shell:echo ready" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the SSH console did not open" >&2; return 1; }
    sleep 0.2
  done
}

# Schedules a public audio room titled $3 in tenant $1, as the holder of token $2.
create_room() {
  curl -sf -o /dev/null -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -X POST "$BENCH_BASE/tenants/$1/rooms" \
    -d "{\"title\":\"$3\",\"type\":\"AUDIO_SLIDES\",\"access\":\"PUBLIC\",\"tags\":[\"bench\"],\"scheduledStart\":\"2026-12-01T10:00:00Z\"}"
}

operator_curl() { curl -sf -u "$BENCH_OPERATOR:$BENCH_OPERATOR_PASSWORD" -H 'Content-Type: application/json' "$@"; }

# Creates tenant $1 with admin 'admin' and prints a bearer token for that admin.
tenant_with_token() {
  local slug=$1 password="bench-$1-password"
  operator_curl -o /dev/null -X POST "$BENCH_BASE/platform/tenants" \
    -d "{\"slug\":\"$slug\",\"name\":\"Bench $slug\",\"adminUsername\":\"admin\",\"adminPassword\":\"$password\"}"
  curl -sf -H 'Content-Type: application/json' -X POST "$BENCH_BASE/auth/login" \
    -d "{\"tenant\":\"$slug\",\"username\":\"admin\",\"password\":\"$password\"}" \
    | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p'
}

machine() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n 1)"
}
