# Shared by scripts/serve and scripts/test: install what is missing (quietly when all is there), build the
# web client. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SERAP_TOOLS_DIR:-$HOME/.cache/serap-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0

say() { printf 'serap: %s\n' "$*" >&2; }

# Runs a command with its output hidden unless it fails.
quietly() {
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    quietly rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    quietly cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  local wbg
  wbg="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    say "installing wasm-bindgen-cli $wbg (a few minutes, once)"
    quietly cargo install wasm-bindgen-cli --version "$wbg" --force
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p "$TOOLS"
    quietly npm install --prefix "$TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  fi
}

# Two bundles: the respondent app (web-client/index.html -> web-client/dist, served at /) and the console
# (web-client/console.html -> web-client/dist/console, served under /console/). Trunk empties its dist
# directory before writing it, so the console is built second, inside the respondent's.
build_client() {
  (cd "$ROOT" \
    && quietly trunk build --release \
    && quietly trunk build web-client/console.html --release --dist web-client/dist/console --public-url /console/)
}

ensure_test_tools() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    quietly as_root apt-get install -y -q chromium chromium-driver \
      || { quietly as_root apt-get update -q && quietly as_root apt-get install -y -q chromium chromium-driver; }
  fi
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd (the SMTP server the tests send to)"
    quietly python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
  fi
  ensure_fault_test_tools
}

# The fault tests (tests/it/faults/) stop and start a redis-server and a PostgreSQL cluster of their own,
# never the shared ones: they need the server binaries, and, as root, the postgres account (initdb refuses
# root).
ensure_fault_test_tools() {
  if ! command -v "${SERAP_TEST_REDIS_SERVER:-redis-server}" >/dev/null; then
    say "redis-server is not installed (apt-get install redis-server): the fault tests start their own"
    return 1
  fi
  local pg_bin="${SERAP_TEST_PG_BIN:-}"
  if [ -z "$pg_bin" ]; then
    pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  fi
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
    say "PostgreSQL server binaries (initdb, pg_ctl) are missing (apt-get install postgresql, or set SERAP_TEST_PG_BIN): the fault tests start their own cluster"
    return 1
  fi
  if [ "$(id -u)" = 0 ] && { ! id postgres >/dev/null 2>&1 || ! command -v runuser >/dev/null; }; then
    say "running as root, the fault tests start PostgreSQL as the postgres account with runuser: one of them is missing"
    return 1
  fi
}

# Reachable on 127.0.0.1:<port>?
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 what=$2
  for _ in $(seq 1 60); do
    listening "$port" && return 0
    sleep 0.5
  done
  say "$what is not reachable on 127.0.0.1:$port"
  return 1
}

ensure_services() {
  if ! listening 5432; then
    say "starting PostgreSQL"
    quietly as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  fi
  if ! listening 6379; then
    say "starting Redis"
    quietly as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  fi
  wait_for_port 5432 PostgreSQL
  wait_for_port 6379 Redis
}
