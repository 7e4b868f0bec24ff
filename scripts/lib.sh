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

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
