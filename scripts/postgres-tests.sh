#!/usr/bin/env bash
# Runs the PostgresStorage package's tests (Backends/PostgresStorage) against a throwaway
# PostgreSQL 15 cluster: installs Debian's postgresql-15 when missing, runs initdb and pg_ctl in a
# temporary folder (a unix socket there, and a free loopback port), points the tests at it with
# SUPPORTKIT_POSTGRES_URL, and stops and removes it on exit — also when a test fails.
# The standby tests start their own two clusters (docs/scaling.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${SUPPORTKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$bin/initdb" ]; then
  echo "installing: postgresql-15" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
fi
# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

folder="$(mktemp -d /tmp/supportkit-pg.XXXXXX)"
mkdir -p "$folder/socket"
[ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$folder"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stop() {
  as_server "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap stop EXIT
as_server "$bin/initdb" -D "$folder/data" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_server "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
  -o "-p $port -k $folder/socket -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on" start >/dev/null
export SUPPORTKIT_POSTGRES_URL="postgresql://postgres@/postgres?host=$folder/socket&port=$port"
echo "PostgreSQL 15 on $folder/socket, port $port"
# The system-of-record property runs 2,000 random acts here (each erasure is a VACUUM FULL of 13
# tables); SUPPORTKIT_PROPERTY_OPERATIONS=10000 runs the full 10^4 (docs/scaling.md has its time).
export SUPPORTKIT_PROPERTY_OPERATIONS="${SUPPORTKIT_PROPERTY_OPERATIONS:-2000}"
swift build --package-path Backends/PostgresStorage --build-tests
swift test --package-path Backends/PostgresStorage "$@"
