#!/usr/bin/env bash
# Starts a throw-away PostgreSQL for the tests (initdb into a temporary folder, run as the postgres user)
# and prints the connection string. PostgreSQL is installed on the CI image but not running.
set -euo pipefail
port="${PGPORT_TEST:-55432}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
# The data in memory where /dev/shm has room (as tests/Marketplace.Testing/ScratchFolder.cs puts the SQLite files): the
# cluster is thrown away, and on disk its writes kept a kernel block-I/O worker busy.
scratch=/tmp
if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -ge 2097152 ]; then scratch=/dev/shm; fi
dir="${PGDATA_TEST:-$scratch/marketplace-pg-$port}"
# max_connections: test fixtures run side by side, each with a pool for its own database.
if ! "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; then
  rm -rf "$dir"; mkdir -p "$dir"; chown postgres:postgres "$dir"
  su postgres -s /bin/sh -c "$bin/initdb -D '$dir' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync" >/dev/null
  su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir' -l '$dir/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null
fi
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100"
