#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries exist for the tests (aether-testkit's PostgresServer
# starts a private server from /usr/lib/postgresql/<version>/bin on a free port and a temp dir).
# Does nothing when /usr/lib/postgresql/*/bin/postgres exists or $aether_postgres_bin is set;
# otherwise installs Debian's postgresql package with apt-get (needs root), without creating or
# starting the package's default cluster. Idempotent.
#
#   scripts/install-postgresql.sh              # prints the bin directory on stdout
set -euo pipefail

log() { printf 'install-postgresql: %s\n' "$*" >&2; }

find_bin() {
  if [ -n "${aether_postgres_bin:-}" ] && [ -x "$aether_postgres_bin/postgres" ]; then
    printf '%s\n' "$aether_postgres_bin"
    return 0
  fi
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r d; do
    [ -x "$d/postgres" ] && printf '%s\n' "$d"; done | tail -n1)"
  [ -n "$found" ] && printf '%s\n' "$found"
}

if bin="$(find_bin)"; then
  log "found PostgreSQL in $bin"
  printf '%s\n' "$bin"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "no PostgreSQL server binaries found and not root: install Debian's postgresql package" \
    "(apt-get install postgresql) or set aether_postgres_bin to a directory holding postgres," \
    "initdb and pg_ctl"
  exit 1
fi

log "installing Debian's postgresql package"
export DEBIAN_FRONTEND=noninteractive
# Keep the package from creating and starting its default cluster: the tests start their own.
mkdir -p /etc/postgresql-common/createcluster.d
printf 'create_main_cluster = false\n' > /etc/postgresql-common/createcluster.d/aether-tests.conf
apt-get update -q >&2
apt-get install -y -q --no-install-recommends postgresql >&2

bin="$(find_bin)" || { log "postgresql was installed but no postgres binary was found"; exit 1; }
printf '%s\n' "$bin"
