#!/usr/bin/env bash
# Brings the whole system up with docker-compose (two retrieval and two ingest replicas), then
# through the gateway: the API key is enforced, a book is uploaded and ingested, searched, chatted
# with (SSE sources event), and survives a restart of every container. Removes the project at the end.
#   bash scripts/compose-smoke.sh [path/to/a.pdf]
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
pdf=${1:-../shared/datasets/pubmedqa-books/pubmed-abstracts-vol01.pdf}
[ -f "$pdf" ] || { echo "no such PDF: $pdf" >&2; exit 2; }

key=$(openssl rand -hex 16)
export REDIS_PASSWORD API_KEY_HASHES GATEWAY_PORT COMPOSE_PROJECT_NAME=ragsmoke
REDIS_PASSWORD=$(openssl rand -hex 16)
API_KEY_HASHES=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
GATEWAY_PORT=${GATEWAY_PORT:-3300}
base="http://127.0.0.1:$GATEWAY_PORT"
auth="authorization: Bearer $key"
trap '"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true' EXIT

fail() { echo "compose smoke: FAILED: $*" >&2; "${compose[@]}" ps >&2 || true; exit 1; }
wait_ready() {
  for _ in $(seq 1 90); do
    curl -sf "$base/ready" >/dev/null 2>&1 && return 0
    sleep 2
  done
  fail "gateway /ready not green within 180 s: $(curl -s "$base/ready" || true)"
}
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);console.log($1)})"; }

"${compose[@]}" up -d --build --scale retrieval-service=2 --scale ingest-service=2
wait_ready
echo "ready: $(curl -s "$base/ready")"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/search" -H 'content-type: application/json' -d '{"collectionId":"smoke","query":"x"}')
[ "$code" = 401 ] || fail "search without an API key answered $code, not 401"

task=$(curl -sf -H "$auth" -F "file=@$pdf" "$base/upload/smoke" | json 'r.files[0].taskId')
state=""
for _ in $(seq 1 120); do
  state=$(curl -sf -H "$auth" "$base/tasks/$task?collection_id=smoke" | json 'r.state')
  [ "$state" = SUCCESS ] || [ "$state" = FAILURE ] && break
  sleep 1
done
[ "$state" = SUCCESS ] || fail "ingest task $task ended as '$state'"
echo "ingested: $(curl -sf -H "$auth" "$base/collections")"

hits=$(curl -sf -H "$auth" -X POST "$base/search" -H 'content-type: application/json' \
  -d '{"collectionId":"smoke","query":"randomized controlled trial outcome","topK":3}' | json 'r.results.length')
[ "$hits" -gt 0 ] || fail "search found nothing"
# Read the whole stream first: grep -q would close the pipe early and fail curl under pipefail.
stream=$(curl -sfN --max-time 60 -H "$auth" -X POST "$base/chat/stream" -H 'content-type: application/json' \
  -d '{"collectionId":"smoke","question":"What did the trial find?"}')
grep -q '^event: sources' <<<"$stream" || fail "chat stream sent no sources event"

"${compose[@]}" restart
wait_ready
chunks=$(curl -sf -H "$auth" "$base/collections" | json 'r.collections.find(c=>c.collectionId==="smoke")?.chunks ?? 0')
[ "$chunks" -gt 0 ] || fail "the collection is gone after a restart"
echo "compose smoke: passed ($hits hits, $chunks chunks kept across a restart)"
