#!/usr/bin/env bash
# HTTP hello-world on one loop thread: simul's HttpServer against Netty's, side by side in one run.
# Each server is pinned to CPU 0 and wrk to CPU 1 (taskset). Reports requests/s (wrk) and the server's CPU time
# per request (user+sys from /proc/PID/stat), since at these rates wrk and the kernel's loopback are near their
# limit on 2 cores. Usage: simul-bench/scripts/http-vs-netty.sh [rounds] [seconds] [connections]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
. scripts/jdk25.sh
rounds=${1:-3}; seconds=${2:-10}; conns=${3:-100}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
./build -q -pl simul-bench -am package -DskipTests
jar=simul-bench/target/benchmarks.jar
tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name main port
  local name=$1 main=$2 port=$3
  taskset -c 0 java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xmx1g -cp "$jar" "$main" "$port" \
      > /tmp/http-bench-$name.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do grep -q listening /tmp/http-bench-$name.log 2>/dev/null && break; sleep 0.2; done
  taskset -c 1 wrk -t1 -c"$conns" -d3s "http://127.0.0.1:$port/" > /dev/null   # warm-up (JIT)
  local before; before=$(cpu_ticks $pid)
  local out; out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${seconds}s" "http://127.0.0.1:$port/")
  local after; after=$(cpu_ticks $pid)
  kill $pid; wait $pid 2>/dev/null || true
  local requests; requests=$(echo "$out" | awk '/requests in/ {print $1}')
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local errors; errors=$(echo "$out" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')
  local us; us=$(awk -v t=$((after - before)) -v hz="$tick" -v n="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
  printf "%-6s round %d: %10s req/s  %6s us server CPU per request  %s\n" "$name" "$round" "$rps" "$us" "$errors"
}

echo "date: $(date -u +%FT%TZ); wrk -t1 -c$conns -d${seconds}s; servers on CPU 0, wrk on CPU 1"
for round in $(seq 1 "$rounds"); do
  run simul dev.simul.bench.SimulHello 18181
  run netty dev.simul.bench.NettyHello 18182
done
