#!/usr/bin/env bash
# Fetches Debian's nats-server package for one suite (default: sid) and unpacks it into a
# project-local cache. Nothing is installed system-wide. Idempotent: a cached binary of the
# required version is reused.
#
#   scripts/install-nats-server.sh [suite]      # prints the path of the binary on stdout
#
# Without a suite it fetches sid's (the server the tests run on) and, best effort, trixie's
# older 2.10 (which the tests use to check that too old a server is refused with a clear error).
#
# The archive address is read from this machine's own apt sources, so the script works on
# any Debian mirror the machine is configured for.
set -euo pipefail

if [ $# -eq 0 ]; then
  "$0" trixie >/dev/null || printf 'install-nats-server: %s\n' \
    "could not fetch trixie's nats-server 2.10; the tests that check the refusal of old servers will be skipped" >&2
  exec "$0" sid
fi
suite="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${AETHER_NATS_CACHE:-$root/.cache/nats-server}"
work="$cache/$suite"
bin="$work/root/usr/sbin/nats-server"
required_major=2
required_minor=12

log() { printf 'install-nats-server: %s\n' "$*" >&2; }

version_of() { { "$1" --version 2>/dev/null || true; } | sed -n 's/.*v\([0-9][0-9.]*\).*/\1/p' | head -n1; }

new_enough() {
  local v="$1" major minor
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -gt "$required_major" ] || { [ "$major" -eq "$required_major" ] && [ "$minor" -ge "$required_minor" ]; }
}

if [ -x "$bin" ]; then
  v="$(version_of "$bin")"
  if [ -n "$v" ]; then
    log "cached nats-server $v ($suite)"
    printf '%s\n' "$bin"
    exit 0
  fi
fi

# The Debian archive this machine already uses (deb822 .sources or one-line .list files).
mirror=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
  [ -f "$f" ] || continue
  case "$f" in
    *.sources) cand="$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' "$f")" ;;
    *) cand="$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' "$f")" ;;
  esac
  for u in $cand; do
    case "$u" in
      *debian-security*|*security.debian*) ;;
      */debian|*/debian/) mirror="${u%/}"; break 2 ;;
    esac
  done
done
if [ -z "$mirror" ]; then
  log "no Debian archive found in /etc/apt/sources.list.d or /etc/apt/sources.list;"
  log "install nats-server >= $required_major.$required_minor yourself and set nats_server_path"
  exit 1
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/deb"
printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" > "$work/apt/sources.list"
: > "$work/apt/status"
apt_opts=(
  -o "Dir::Etc::SourceList=$work/apt/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/apt/lists"
  -o "Dir::State::status=$work/apt/status"
  -o "Dir::Cache=$work/apt"
  -o "Dir::Cache::archives=$work/apt/archives"
  -o "APT::Get::List-Cleanup=false"
  -o "Debug::NoLocking=true"
  -o "APT::Sandbox::User=root"
)
log "reading the $suite package index"
apt-get "${apt_opts[@]}" -qq update >&2
log "downloading nats-server from $suite"
(cd "$work/deb" && rm -f nats-server_*.deb && apt-get "${apt_opts[@]}" -qq download nats-server >&2)
deb="$(ls "$work/deb"/nats-server_*.deb | head -n1)"
rm -rf "$work/root"
dpkg -x "$deb" "$work/root"
[ -x "$bin" ] || bin="$(find "$work/root" -type f -name nats-server -perm -u+x | head -n1)"
v="$(version_of "$bin")"
if [ -z "$v" ]; then
  log "unpacked $deb but $bin does not run"
  exit 1
fi
log "nats-server $v unpacked to $bin"
if [ "$suite" = sid ] && ! new_enough "$v"; then
  log "nats-server $v is older than the required $required_major.$required_minor"
  exit 1
fi
printf '%s\n' "$bin"
