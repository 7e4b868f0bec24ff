#!/usr/bin/env bash
# Brings the whole system up with docker-compose (two retrieval and two ingest replicas), then
# through the gateway: the API key is enforced, a book is uploaded and ingested, searched, chatted
# with (SSE sources event), and survives a restart of every container. Removes the project at the end.
# With --sentinel, Redis runs with a replica and three Sentinels (docker-compose.sentinel.yml), and the
# master is killed after the first answer: the replica must take over, searches answer, a new upload
# ingests and the first upload's task is still known.
#   bash scripts/compose-smoke.sh [--sentinel] [path/to/a.pdf]
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
sentinel=""
if [ "${1:-}" = --sentinel ]; then
  sentinel=1
  compose+=(-f docker-compose.yml -f docker-compose.sentinel.yml)
  shift
fi
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
    curl -sf -H "$auth" "$base/ready" >/dev/null 2>&1 && return 0
    sleep 2
  done
  fail "gateway /ready not green within 180 s: $(curl -s -H "$auth" "$base/ready" || true)"
}
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);console.log($1)})"; }
# api <what> <curl args...>: the reply body, or a FAILED line naming the step (not a bare set -e exit).
api() {
  local what=$1 out code
  shift
  out=$(curl -s -w '\n%{http_code}' -H "$auth" "$@") || fail "$what: request failed (curl exit $?)"
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  [[ $code == 2* ]] || fail "$what: HTTP $code: ${out:0:300}"
  printf %s "$out"
}

"${compose[@]}" up -d --build --scale retrieval-service=2 --scale ingest-service=2
wait_ready
echo "ready: $(curl -s -H "$auth" "$base/ready")"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/search" -H 'content-type: application/json' -d '{"collectionId":"smoke","query":"x"}')
[ "$code" = 401 ] || fail "search without an API key answered $code, not 401"

# wait_task <task id>: polls the task until it ends (120 s at most); its last state is left in $state.
wait_task() {
  state=""
  for _ in $(seq 1 120); do
    state=$(api "task $1" "$base/tasks/$1")
    state=$(json 'r.state' <<<"$state")
    [ "$state" = SUCCESS ] || [ "$state" = FAILURE ] && break
    sleep 1
  done
}

task=$(api upload -F "file=@$pdf" "$base/upload/smoke")
task=$(json 'r.files[0].taskId' <<<"$task")
wait_task "$task"
[ "$state" = SUCCESS ] || fail "ingest task $task ended as '$state'"
listing=$(api collections "$base/collections")
echo "ingested: $listing"

# search_hits <step>: searches the ingested book; the number of hits is left in $hits, none fails the step.
search_hits() {
  hits=$(api "$1" -X POST "$base/search" -H 'content-type: application/json' \
    -d '{"collectionId":"smoke","query":"randomized controlled trial outcome","topK":3}')
  hits=$(json 'r.results.length' <<<"$hits")
  [ "$hits" -gt 0 ] || fail "$1 found nothing"
}

search_hits search
# The whole stream is read, then searched: the sources event comes first.
stream=$(api chat -N --max-time 60 -X POST "$base/chat/stream" -H 'content-type: application/json' \
  -d '{"collectionId":"smoke","question":"What did the trial find?"}')
grep -q '^event: sources' <<<"$stream" || fail "chat stream sent no sources event"

if [ -n "$sentinel" ]; then
  # The addresses docker-compose.sentinel.yml gives the master and the replica.
  net=${REDIS_SUBNET_PREFIX:-172.30.5}
  master() { "${compose[@]}" exec -T sentinel-1 redis-cli -p 26379 sentinel get-master-addr-by-name ragmaster | head -1; }
  [ "$(master)" = "$net.10" ] || fail "the Sentinels do not name redis ($net.10) as the master: $(master)"
  "${compose[@]}" kill redis
  killed=$(date +%s)
  for _ in $(seq 1 60); do
    [ "$(master)" = "$net.11" ] && break
    sleep 1
  done
  [ "$(master)" = "$net.11" ] || fail "no failover to redis-replica ($net.11) within 60 s of killing the master"
  echo "failover: redis-replica is the master $(($(date +%s) - killed)) s after the master was killed"
  wait_ready
  search_hits "search after the failover"
  state=$(api "task $task after the failover" "$base/tasks/$task")
  [ "$(json 'r.state' <<<"$state")" = SUCCESS ] || fail "the first upload's task is not SUCCESS after the failover"
  task2=$(api "upload after the failover" -F "file=@$pdf;filename=again.pdf" "$base/upload/smoke-after")
  task2=$(json 'r.files[0].taskId' <<<"$task2")
  wait_task "$task2"
  [ "$state" = SUCCESS ] || fail "upload after the failover ended as '$state'"
  echo "after the failover: $hits hits, the first task kept, a new upload ingested"
  # The old master comes back as a replica of the new one.
  "${compose[@]}" start redis
fi

"${compose[@]}" restart
wait_ready
chunks=$(api collections "$base/collections")
chunks=$(json 'r.collections.find(c=>c.collectionId==="smoke")?.chunks ?? 0' <<<"$chunks")
[ "$chunks" -gt 0 ] || fail "the collection is gone after a restart"
echo "compose smoke: passed ($hits hits, $chunks chunks kept across a restart)"
