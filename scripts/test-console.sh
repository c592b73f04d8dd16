#!/usr/bin/env bash
# `npm run test:console`: Logto's real Admin Console, in headless Chromium, creates this connector
# from the packed tarball through its create guide, sends a test mail to the emulator and saves,
# with the form exactly as the Console fills it (STRICT=1), on Logto v1.41.0 and v1.42.0. The
# driver is ../shared/logto/console-e2e.sh; each Logto is built by ../shared/logto/prepare.sh the
# first time (5-10 minutes, and about 5 more for its Console). Needs Debian's chromium, installed
# here when missing.
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
status=0
port=0
for version in 1.41.0 1.42.0; do
  logto=$(LOGTO_VERSION=$version bash "$shared/prepare.sh" | tail -n 1)
  echo "== Logto $version: the Console's create guide, as filled in"
  # Each run on its own loopback ports, so one that is still shutting down cannot collide.
  base=$((58000 + port * 10))
  port=$((port + 1))
  mkdir -p "$work/$version"
  if ! (cd "$work" && STRICT=1 WORK="$work/$version" PG_PORT=$base CORE_PORT=$((base + 1)) ADMIN_PORT=$((base + 2)) EMU_PORT=$((base + 3)) \
    bash "$shared/console-e2e.sh" "$logto" "$tarball"); then
    echo "test:console: Logto $version failed; its logs:" >&2
    tail -n 20 "$work/$version"/*.log >&2 || true
    status=1
  fi
done
exit $status
