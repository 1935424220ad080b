# Sourced by tests/run: real ComfyUI servers (../shared/comfyui: CPU only, no model weights) for the comfyui engine
# and workflow API tests. One server per version the tests need — 0.3.64 (the current release, shared by most
# tests), 0.3.56 and 0.3.44 (the version-compatibility tests) — each on a free loopback port with its own
# throwaway base folder (input/, output/, the test nodes).
#
# Installing ComfyUI (Debian's python3-torch and friends, about 5 minutes on a fresh machine) happens here, before
# the other services' own apt-get runs (two apt-gets at once would fight over dpkg's lock); starting the servers
# (10-20 s each) happens in the background, so the solution builds meanwhile. What this script exports at once:
#   RUNHUB_TEST_COMFYUI_DIR  a folder where each server, once it answers, writes <version>.url (its base URL)
#                            and <version>.base (its base folder), or <version>.failed (why it did not start).
# The tests wait for those files (tests/RunHub.Tests/Support/TestComfyUi.cs). stop_comfyui (in STOP_SERVICES)
# stops every server and removes the folder; a watchdog does the same if the test run is killed outright.
RUNHUB_COMFYUI_SHARED="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/../shared/comfyui"
RUNHUB_COMFYUI_VERSIONS=(0.3.64 0.3.56 0.3.44)

if [ ! -x "$RUNHUB_COMFYUI_SHARED/start.sh" ]; then
  echo "comfyui.sh: $RUNHUB_COMFYUI_SHARED/start.sh not found; the ComfyUI tests will not run" >&2
else
  COMFYUI_DIR="$(mktemp -d "${TMPDIR:-/tmp}/runhub-comfyui.XXXXXX")"
  export RUNHUB_TEST_COMFYUI_DIR="$COMFYUI_DIR"

  # Starts one version: a free port, start.sh in its own process group (so stopping the group stops ComfyUI even
  # while start.sh still waits for it), a few ports tried in case another process takes the chosen one first.
  runhub_start_comfyui() {
    local version=$1 base="$COMFYUI_DIR/$1" port attempt pgid
    mkdir -p "$base"
    for attempt in 1 2 3; do
      [ -e "$COMFYUI_DIR/stopping" ] && return 0
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      setsid "$RUNHUB_COMFYUI_SHARED/start.sh" "$port" "$base" "$version" >"$base/start.out" 2>"$base/start.err" &
      pgid=$!
      echo "$pgid" >>"$COMFYUI_DIR/groups"
      if wait "$pgid"; then
        echo "$base" >"$COMFYUI_DIR/$version.base"
        echo "http://127.0.0.1:$port" >"$COMFYUI_DIR/$version.url.tmp" && mv "$COMFYUI_DIR/$version.url.tmp" "$COMFYUI_DIR/$version.url"
        return 0
      fi
      kill -- "-$pgid" 2>/dev/null || true
    done
    { echo "ComfyUI $version did not start (see $base/comfyui.log):"; tail -n 20 "$base/start.err"; } >"$COMFYUI_DIR/$version.failed"
  }

  COMFYUI_STARTERS=()
  if ! "$RUNHUB_COMFYUI_SHARED/setup.sh" >/dev/null 2>"$COMFYUI_DIR/setup.err"; then
    echo "comfyui.sh: installing ComfyUI failed; the ComfyUI tests will fail:" >&2
    cat "$COMFYUI_DIR/setup.err" >&2
    for version in "${RUNHUB_COMFYUI_VERSIONS[@]}"; do cp "$COMFYUI_DIR/setup.err" "$COMFYUI_DIR/$version.failed"; done
  else
    for version in "${RUNHUB_COMFYUI_VERSIONS[@]}"; do
      ( runhub_start_comfyui "$version" ) </dev/null >/dev/null 2>&1 &
      COMFYUI_STARTERS+=($!)
    done
  fi

  runhub_stop_comfyui_servers() {
    local group
    touch "$COMFYUI_DIR/stopping" 2>/dev/null || true
    [ ${#COMFYUI_STARTERS[@]} -eq 0 ] || kill "${COMFYUI_STARTERS[@]}" 2>/dev/null || true
    for group in $(cat "$COMFYUI_DIR/groups" 2>/dev/null); do kill -- "-$group" 2>/dev/null || true; done
    rm -rf "$COMFYUI_DIR"
  }

  COMFYUI_OWNER=$$
  ( while kill -0 "$COMFYUI_OWNER" 2>/dev/null; do sleep 2; done
    runhub_stop_comfyui_servers ) </dev/null >/dev/null 2>&1 &
  COMFYUI_WATCHDOG=$!

  stop_comfyui() {
    kill "$COMFYUI_WATCHDOG" 2>/dev/null || true
    wait "$COMFYUI_WATCHDOG" 2>/dev/null || true
    runhub_stop_comfyui_servers || true
    [ ${#COMFYUI_STARTERS[@]} -eq 0 ] || wait "${COMFYUI_STARTERS[@]}" 2>/dev/null || true
  }
  STOP_SERVICES+=(stop_comfyui)
fi
