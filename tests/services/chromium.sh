# Sourced by tests/run: the browser the console's tests drive (Playwright for .NET cannot download its own here).
# Installs Debian's chromium-headless-shell when it is missing (about a minute, once per machine), and a small CJK
# font (fonts-wqy-microhei, 1.6 MB) so that Chinese text such as the price unit "/次" renders in the screenshots
# instead of empty boxes; exports RUNHUB_TEST_CHROMIUM, the browser's path. Nothing runs between tests: each test
# class launches the browser and closes it. When the browser cannot be installed it says why and exports nothing;
# tests/run sets RUNHUB_TEST_REQUIRE_SERVICES=1, so the browser tests then fail instead of being skipped.
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"

runhub_find_chromium() {
  local candidate
  for candidate in /usr/bin/chromium-headless-shell /usr/bin/chromium; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

runhub_browser_packages=()
runhub_find_chromium >/dev/null || runhub_browser_packages+=(chromium-headless-shell)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || runhub_browser_packages+=(fonts-wqy-microhei)
if [ ${#runhub_browser_packages[@]} -gt 0 ]; then
  echo "tests/services/chromium.sh: installing ${runhub_browser_packages[*]} (apt-get)" >&2
  runhub_apt_install "${runhub_browser_packages[@]}" || \
    echo "tests/services/chromium.sh: could not install ${runhub_browser_packages[*]}; the console's browser tests will fail" >&2
fi
RUNHUB_TEST_CHROMIUM=$(runhub_find_chromium) || RUNHUB_TEST_CHROMIUM=
if [ -n "$RUNHUB_TEST_CHROMIUM" ]; then export RUNHUB_TEST_CHROMIUM; fi
