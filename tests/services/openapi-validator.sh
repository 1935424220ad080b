# Sourced by tests/run: an independent OpenAPI validator for the API-document tests (the npm package
# @seriousme/openapi-schema-validator: checks a document against the OpenAPI 3.0/3.1 JSON Schemas and that every
# $ref resolves). Installed once into a cache folder outside the repository; Node.js and npm come from Debian's
# packages when missing. Exports RUNHUB_TEST_OPENAPI_VALIDATOR (the validate-api program). Nothing to stop.
OPENAPI_VALIDATOR_VERSION=2.11.0
OPENAPI_VALIDATOR_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/runhub-test/openapi-schema-validator-$OPENAPI_VALIDATOR_VERSION"

source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"
runhub_need_node tests/services/openapi-validator.sh || echo "tests/services/openapi-validator.sh: could not install Node.js and npm; install them (apt-get install nodejs npm) and run again" >&2
if [ ! -x "$OPENAPI_VALIDATOR_HOME/node_modules/.bin/validate-api" ]; then
  mkdir -p "$OPENAPI_VALIDATOR_HOME"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$OPENAPI_VALIDATOR_HOME" \
    "@seriousme/openapi-schema-validator@$OPENAPI_VALIDATOR_VERSION" >/dev/null
fi
export RUNHUB_TEST_OPENAPI_VALIDATOR="$OPENAPI_VALIDATOR_HOME/node_modules/.bin/validate-api"
