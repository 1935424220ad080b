# Sourced by tests/run: the browser the console's tests drive (Playwright for .NET cannot download its own here).
# Installs Debian's chromium-headless-shell when it is missing (about a minute, once per machine) and exports
# RUNHUB_TEST_CHROMIUM, its path. Nothing runs between tests: each test class launches the browser and closes it.
# When it cannot be installed it says why and exports nothing; tests/run sets RUNHUB_TEST_REQUIRE_SERVICES=1, so
# the browser tests then fail instead of being skipped.
runhub_find_chromium() {
  local candidate
  for candidate in /usr/bin/chromium-headless-shell /usr/bin/chromium; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

if ! RUNHUB_TEST_CHROMIUM=$(runhub_find_chromium); then
  echo "tests/services/chromium.sh: installing chromium-headless-shell (apt-get)" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium-headless-shell >/dev/null || \
    echo "tests/services/chromium.sh: could not install chromium-headless-shell; the console's browser tests will fail" >&2
  RUNHUB_TEST_CHROMIUM=$(runhub_find_chromium) || RUNHUB_TEST_CHROMIUM=
fi
[ -n "$RUNHUB_TEST_CHROMIUM" ] && export RUNHUB_TEST_CHROMIUM
