#!/usr/bin/env bash
# Runs all tests: lint, unit, integration (real Redis, real LanceDB in temp dirs) and e2e (all four
# services as processes, called over HTTP). Uses a private redis-server on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_node_modules
ensure_redis_binary
ensure_poppler
ensure_tesseract
ensure_chromium
ensure_iproute2
start_private_redis

echo "== lint"
npx nx run-many -t lint --outputStyle=static
echo "== format (Prettier, 120 columns: npx prettier --write . fixes it)"
npx prettier --check . --log-level warn
echo "== typecheck (tests included; jest compiles them without checking types)"
printf '%s\n' apps/*/tsconfig.json libs/*/tsconfig.json bench/tsconfig.json tests/*/tsconfig.json | xargs -P 2 -n 1 npx tsc --noEmit -p
echo "== build"
npm run build --silent
# The benchmark harness test runs the retrieval tools the benchmark builds for itself.
npm run build:bench-tools --silent >/dev/null
echo "== tests"
mkdir -p tmp
rm -f tmp/jest-results.json tmp/vitest-results.json
status=0
npx jest -c jest.config.js --json --outputFile=tmp/jest-results.json "$@" || status=$?
if [ $# -eq 0 ]; then
  echo "== web component tests (vitest, jsdom)"
  npx vitest run --config apps/web/vite.config.ts --reporter=default --reporter=json --outputFile="$PWD/tmp/vitest-results.json" || status=$?
fi
node -e '
const fs = require("fs");
const line = (name, r) => `${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : "") + (r.numRuntimeErrorTestSuites ? `, ${r.numRuntimeErrorTestSuites} test files could not run` : "");
console.log(line("jest", require("./tmp/jest-results.json")));
if (fs.existsSync("tmp/vitest-results.json") && process.argv[1] === "0") console.log(line("vitest", require("./tmp/vitest-results.json")));
' "$#"
exit $status
