# Sourced by tests/run: an S3-compatible server for the storage tests (the npm package s3rver), on a free
# loopback port with a throwaway data folder and bucket. Exports RUNHUB_TEST_S3_URL, _BUCKET, _ACCESS_KEY,
# _SECRET_KEY and registers stop_s3 in STOP_SERVICES. s3rver is installed once into a cache folder outside the
# repository; Node.js and npm come from Debian's packages when missing.
S3RVER_VERSION=3.7.1
S3RVER_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/runhub-test/s3rver-$S3RVER_VERSION"

source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"
runhub_need_node tests/services/s3.sh || echo "tests/services/s3.sh: could not install Node.js and npm; install them (apt-get install nodejs npm) and run again" >&2
if [ ! -x "$S3RVER_HOME/node_modules/.bin/s3rver" ]; then
  mkdir -p "$S3RVER_HOME"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$S3RVER_HOME" "s3rver@$S3RVER_VERSION" >/dev/null
fi

S3_DIR="$(mktemp -d "${TMPDIR:-/tmp}/runhub-s3.XXXXXX")"
mkdir -p "$S3_DIR/data"
# Port 0: s3rver takes a free port and prints it, so no other process can take it between choosing and binding.
"$S3RVER_HOME/node_modules/.bin/s3rver" --directory "$S3_DIR/data" --address 127.0.0.1 --port 0 --silent \
  --configure-bucket runhub-test >"$S3_DIR/out.log" 2>&1 &
S3_PID=$!

# If the test run is killed outright (no EXIT trap runs), the watchdog still stops s3rver and removes its folder.
S3_OWNER=$$
( while kill -0 "$S3_OWNER" 2>/dev/null; do sleep 2; done
  kill "$S3_PID" 2>/dev/null; rm -rf "$S3_DIR" ) </dev/null >/dev/null 2>&1 &
S3_WATCHDOG=$!

stop_s3() {
  kill "$S3_PID" "$S3_WATCHDOG" 2>/dev/null || true
  wait "$S3_PID" "$S3_WATCHDOG" 2>/dev/null || true
  rm -rf "$S3_DIR"
}
STOP_SERVICES+=(stop_s3)

S3_PORT=""
for _ in $(seq 1 200); do
  S3_PORT="$(sed -n 's/^S3rver listening on [^:]*:\([0-9][0-9]*\).*/\1/p' "$S3_DIR/out.log")"
  [ -n "$S3_PORT" ] && break
  kill -0 "$S3_PID" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$S3_PORT" ]; then
  echo "s3.sh: s3rver did not start:" >&2
  cat "$S3_DIR/out.log" >&2
  return 1
fi

# s3rver's built-in account; it checks the access key of signed requests.
export RUNHUB_TEST_S3_URL="http://127.0.0.1:$S3_PORT"
export RUNHUB_TEST_S3_BUCKET=runhub-test
export RUNHUB_TEST_S3_ACCESS_KEY=S3RVER
export RUNHUB_TEST_S3_SECRET_KEY=S3RVER
