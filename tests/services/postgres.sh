# Sourced by tests/run: a throwaway PostgreSQL cluster for the tests that need one. Installs Debian's
# postgresql when its binaries are missing, creates a cluster in a temporary folder on a free 127.0.0.1 port
# (as the postgres user when run as root: PostgreSQL refuses to run as root), starts it, creates a database,
# exports RUNHUB_TEST_POSTGRES (a connection string) and registers runhub_stop_postgres in STOP_SERVICES.
# The cluster runs with fsync off: it is thrown away after the run, and the tests measure no speed
# (bench/postgres sets RUNHUB_POSTGRES_DURABLE=1 for a cluster that commits durably, as a deployment does).
# When it cannot be started it says why and exports nothing; tests/run sets RUNHUB_TEST_REQUIRE_SERVICES=1, so
# the PostgreSQL tests then fail (instead of being skipped) with that reason.

source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"

runhub_postgres_bin() {
  local bin
  for bin in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && { echo "$bin"; return 0; }
  done
  return 1
}

runhub_start_postgres() {
  local bin dir port as_user=() attempt durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${RUNHUB_POSTGRES_DURABLE:-}" = 1 ] && durability=""
  if ! bin=$(runhub_postgres_bin); then
    echo "tests/services/postgres.sh: installing PostgreSQL (apt-get install postgresql)" >&2
    runhub_apt_install postgresql || {
      echo "tests/services/postgres.sh: could not install postgresql; PostgreSQL tests will not run" >&2; return 0; }
    bin=$(runhub_postgres_bin) || { echo "tests/services/postgres.sh: no initdb under /usr/lib/postgresql/*/bin" >&2; return 0; }
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/runhub-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$dir"
    as_user=(runuser -u postgres --)
  fi
  if ! "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U runhub --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
    echo "tests/services/postgres.sh: initdb failed:" >&2; cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 0
  fi
  for attempt in 1 2 3 4 5; do
    port=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # taken
    if "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir $durability -c max_connections=300" \
      >/dev/null 2>&1; then
      RUNHUB_POSTGRES_DIR=$dir RUNHUB_POSTGRES_BIN=$bin RUNHUB_POSTGRES_AS=("${as_user[@]}")
      STOP_SERVICES+=(runhub_stop_postgres)
      if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U runhub -d postgres -qAt -c "CREATE DATABASE runhub_test" >/dev/null 2>"$dir/psql.log"; then
        echo "tests/services/postgres.sh: CREATE DATABASE failed:" >&2; cat "$dir/psql.log" >&2; return 0
      fi
      export RUNHUB_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=runhub_test;Username=runhub"
      return 0
    fi
  done
  echo "tests/services/postgres.sh: PostgreSQL did not start:" >&2; tail -n 20 "$dir/server.log" >&2 2>/dev/null; rm -rf "$dir"
}

runhub_stop_postgres() {
  [ -n "${RUNHUB_POSTGRES_DIR:-}" ] || return 0
  "${RUNHUB_POSTGRES_AS[@]}" "$RUNHUB_POSTGRES_BIN/pg_ctl" -D "$RUNHUB_POSTGRES_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$RUNHUB_POSTGRES_DIR"
  RUNHUB_POSTGRES_DIR=
}

runhub_start_postgres
