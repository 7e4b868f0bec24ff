#!/usr/bin/env bash
# Sets up and runs the whole system locally with the offline defaults:
# installs dependencies, starts Redis if none answers (installing it if needed), builds, and runs
# gateway, ingest, retrieval and chat services. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_node_modules
ensure_poppler
ensure_tesseract
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
if ! node -e 'const R=require("ioredis");const r=new R(process.env.REDIS_URL,{lazyConnect:true,maxRetriesPerRequest:1,retryStrategy:()=>null});r.connect().then(()=>r.ping()).then(()=>process.exit(0),()=>process.exit(1))' 2>/dev/null; then
  ensure_redis_binary
  port=$(node -e 'console.log(new URL(process.env.REDIS_URL).port||6379)')
  echo "starting redis-server on 127.0.0.1:$port (append-only file in ./data, fsync every second)"
  mkdir -p data
  # AOF: accepted uploads and their tasks survive a Redis restart.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly yes --appendfsync everysec \
    --logfile "$PWD/data/redis.log" --dir "$PWD/data" --pidfile "$PWD/data/redis.pid"
  started_redis=1
fi

npm run build --silent
mkdir -p data/logs
export LANCEDB_URI="${LANCEDB_URI:-$PWD/data/lancedb}" UPLOAD_DIR="${UPLOAD_DIR:-$PWD/data/uploads}"
pids=()
cleanup() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${started_redis:-}" ] && [ -f data/redis.pid ]; then
    echo "stopping the redis-server this script started (its data stays in ./data)"
    kill "$(cat data/redis.pid)" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM
for s in retrieval-service ingest-service chat-service gateway; do
  node "dist/apps/$s/apps/$s/src/main.js" >>"data/logs/$s.log" 2>&1 &
  pids+=($!)
done
port="${PORT:-3000}"
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then
    echo "ready: http://127.0.0.1:$port  (logs in data/logs/, Ctrl-C to stop)"
    curl -fsS "http://127.0.0.1:$port/ready"; echo
    wait -n "${pids[@]}"
    echo "a service exited; see data/logs/" >&2
    exit 1
  fi
  sleep 1
done
echo "services did not become ready in 60 s; see data/logs/" >&2
exit 1
