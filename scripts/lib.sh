# Shared helpers for start.sh and test.sh (sourced).

# Installs Debian's redis-server when the binary is missing (fresh machine).
ensure_redis_binary() {
  if command -v redis-server >/dev/null 2>&1; then return 0; fi
  echo "redis-server not found: installing Debian package redis-server" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
}

# Installs node modules when missing or older than the lock file.
ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # not `npm ci`: it rejects the lock because LanceDB optional packages for other platforms are not served here
    npm install --no-audit --no-fund
  fi
}

# Installs Debian's chromium (the web client's browser test drives it with playwright-core).
ensure_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return 0; fi
  echo "chromium not found: installing Debian package chromium" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

# Installs Debian's poppler-utils: pdftotext is the ingest service's PDF text layer (PDF_TEXT_LAYER=auto) and the
# reference of the text-fidelity test and benchmark.
ensure_poppler() {
  if command -v pdftotext >/dev/null 2>&1; then return 0; fi
  echo "pdftotext not found: installing Debian package poppler-utils" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq poppler-utils >/dev/null
}

# iproute2's `ip`: the several-hosts e2e test makes network namespaces with it (as root; it is skipped otherwise).
ensure_iproute2() {
  if command -v ip >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" -eq 0 ] || return 0
  echo "ip not found: installing Debian package iproute2" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
}

# Installs Debian's tesseract-ocr with English data: the ingest service's OCR engine (OCR_ENGINE=auto), about twice as fast
# as the WASM build it falls back to.
ensure_tesseract() {
  if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng; then return 0; fi
  echo "tesseract not found: installing Debian packages tesseract-ocr tesseract-ocr-eng" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Stops the private redis-server and removes its folder once it has exited (it may still be writing while it
# shuts down); never changes the exit status of the calling script.
stop_private_redis() {
  local pid
  pid=$(cat "$redis_dir/redis.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$redis_dir" 2>/dev/null || true
}

# Starts a throwaway redis-server on a free port (stopped and removed when the calling script exits)
# and exports TEST_REDIS_URL, so tests and benchmarks never touch a shared Redis.
start_private_redis() {
  local port
  port=$(free_port)
  redis_dir=$(mktemp -d)
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
  trap stop_private_redis EXIT
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export TEST_REDIS_URL="redis://127.0.0.1:$port/0"
}
