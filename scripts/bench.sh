#!/usr/bin/env bash
# Runs the benchmarks against the real services (built here) on a private redis-server, and writes
# bench/results/latest.json and bench/RESULTS.md. `npm run bench -- --quick` for a small, fast run;
# `--only=ingest,scale,tables,robustness` for some stages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_node_modules
ensure_redis_binary
ensure_poppler
ensure_tesseract
start_private_redis

npm run build --silent
npm run build:bench-tools --silent >/dev/null
TS_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/src/run-bench.ts "$@"
