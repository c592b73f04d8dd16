#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60; CI uses 10) from the committed seeds,
# installing the pinned cargo-fuzz first if needed. Stable Rust: no sanitizer (the core is safe
# Rust; libFuzzer still catches panics, overflows and timeouts). Exits non-zero on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
version=0.13.2
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $version" ]; then
  cargo install --force cargo-fuzz --version "=$version"
fi
for target in config render sign reply send_mail; do
  mkdir -p "fuzz/corpus/$target"
  echo "== fuzz $target for ${seconds}s"
  log="$(mktemp)"
  status=0
  cargo fuzz run --sanitizer none "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(Done|stat::number_of_executed_units)" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz $target failed (exit $status): see fuzz/artifacts/$target" >&2
    exit 1
  fi
  rm -f "$log"
done
echo "fuzz: every target ran ${seconds}s with 0 crashes"
