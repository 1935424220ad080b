# Sourced by tests/run: the media tools the sandbox engine and its tests need. FFmpeg (ffmpeg and ffprobe, from
# Debian's packages) encodes the sandbox's video and audio and is the independent reader the tests check every
# video, audio and image result with; the Khronos glTF validator (the npm package gltf-validator, installed once
# into a cache folder outside the repository) checks every 3D result. Exports RUNHUB_TEST_GLTF_VALIDATOR (the
# package folder). Nothing is started, so nothing is stopped. When an install fails the tests that need the tool
# fail and say what is missing: a missing required tool never passes by being skipped.
GLTF_VALIDATOR_VERSION=2.0.0-dev.3.10
GLTF_VALIDATOR_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/runhub-test/gltf-validator-$GLTF_VALIDATOR_VERSION"

source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"

runhub_install_media_tools() {
  if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    echo "tests/services/media-tools.sh: installing FFmpeg (apt-get install ffmpeg)" >&2
    runhub_apt_install --no-install-recommends ffmpeg || \
      echo "tests/services/media-tools.sh: could not install ffmpeg; the video and audio tests will fail" >&2
  fi
  runhub_need_node tests/services/media-tools.sh || true
  if [ ! -f "$GLTF_VALIDATOR_HOME/node_modules/gltf-validator/package.json" ]; then
    mkdir -p "$GLTF_VALIDATOR_HOME"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$GLTF_VALIDATOR_HOME" \
      "gltf-validator@$GLTF_VALIDATOR_VERSION" >/dev/null || \
      echo "tests/services/media-tools.sh: could not install gltf-validator; the 3D tests will fail" >&2
  fi
  export RUNHUB_TEST_GLTF_VALIDATOR="$GLTF_VALIDATOR_HOME/node_modules/gltf-validator"
}
runhub_install_media_tools
