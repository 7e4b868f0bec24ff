#!/usr/bin/env bash
# Runs the benchmarks against the real services (built here) on a private redis-server, and writes
# bench/results/latest.json and bench/RESULTS.md. `npm run bench -- --quick` for a small, fast run;
# `--only=ingest,scale,tables,robustness` for some stages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_node_modules
ensure_redis_binary
port=$(free_port)
redis_dir=$(mktemp -d)
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
trap 'kill "$(cat "$redis_dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export TEST_REDIS_URL="redis://127.0.0.1:$port/0"

npm run build --silent
TS_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/src/run-bench.ts "$@"
