#!/usr/bin/env bash
# `npm run test:console`: Logto's real Admin Console, in headless Chromium, on Logto v1.41.0 and
# v1.42.0. First ../shared/logto/console-e2e.sh creates this connector from the packed tarball
# through the create guide, with the form exactly as the Console fills it (STRICT=1), sends a test
# mail to the emulator and saves. Then the same setup runs js-tests/real-logto/console-edit.mjs in
# place of its browser flow: it creates the connector, edits one form item of each kind on the
# details page, saves, and checks that the mail carries every edit. Each Logto is built by
# ../shared/logto/prepare.sh the first time (5-10 minutes, and about 5 more for its Console).
# Needs Debian's chromium, installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(cd ../shared/logto && pwd)
if [ ! -x "$(command -v chromium || true)" ]; then
  [ "$(id -u)" = 0 ] || { echo "test:console: Debian's chromium is needed (apt-get install -y chromium)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
work=$(mktemp -d)
# The driver runs PostgreSQL as the postgres user, which must reach the cluster's folder in here.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" > /dev/null
tarball=$(ls "$work"/*.tgz)
# The shared setup runs the browser flow that sits beside it: beside a copy of it, ours.
mkdir -p "$work/edit-driver"
cp "$shared/console-e2e.sh" "$work/edit-driver/"
cp js-tests/real-logto/console-edit.mjs "$work/edit-driver/console-e2e.mjs"

status=0
run=0
# Each run's fixed loopback ports sit below the kernel's ephemeral range, which the system hands
# out to outgoing connections and to the other tests' free ports: ports inside it were taken
# by such sockets now and then (PostgreSQL or Logto's core then failed with EADDRINUSE).
read -r ephemeral_low ephemeral_high < /proc/sys/net/ipv4/ip_local_port_range || { ephemeral_low=32768; ephemeral_high=60999; }
if [ "$ephemeral_low" -ge 11000 ]; then first_port=$((ephemeral_low - 1000)); else first_port=$((ephemeral_high + 1)); fi
# Runs a driver ($1) on Logto $2 in its own folder, on its own loopback ports.
drive() {
  local driver=$1 logto=$2 name=$3
  local base=$((first_port + run * 10)) dir="$work/$name"
  run=$((run + 1))
  mkdir -p "$dir"
  if ! (cd "$work" && STRICT=1 WORK="$dir" PG_PORT=$base CORE_PORT=$((base + 1)) ADMIN_PORT=$((base + 2)) EMU_PORT=$((base + 3)) \
    bash "$driver" "$logto" "$tarball"); then
    echo "test:console: $name failed; its logs (PostgreSQL's last):" >&2
    tail -n 20 "$dir"/*.log "$dir/pg/postgres.log" >&2 || true
    status=1
  fi
  # A cluster left running by a failed run would hold its port.
  if [ -f "$dir/pg/postmaster.pid" ]; then
    su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $dir/pg -m immediate stop" > /dev/null 2>&1 || true
  fi
}
for version in 1.41.0 1.42.0; do
  logto=$(LOGTO_VERSION=$version bash "$shared/prepare.sh" | tail -n 1)
  echo "== Logto $version: the create guide, as the Console fills it in"
  drive "$shared/console-e2e.sh" "$logto" "$version-create"
  echo "== Logto $version: every kind of form item, edited on the details page"
  drive "$work/edit-driver/console-e2e.sh" "$logto" "$version-edit"
done
exit $status
