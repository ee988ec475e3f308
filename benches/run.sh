#!/usr/bin/env bash
# The performance benchmark (README, "Performance"): installs the peer and the
# measuring tools, builds the release binary, and prints the table.
#
#   benches/run.sh [--scenarios 100000] [--seed 8] [--runs 3] [--sample 200] [--peer-runs N] [--no-peer] [--keep DIR]
#
# Not part of CI: it takes several minutes and needs the Cedar CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

# The peer, pinned to the version lexgate's library uses.
if ! cedar --version 2>/dev/null | grep -q '4\.14\.1'; then
  cargo install cedar-policy-cli --version 4.14.1 --locked
fi
export PATH="$HOME/.cargo/bin:$PATH"

# Peak memory comes from GNU time; hyperfine gives a second opinion on the
# bundled suite's time-to-result.
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v hyperfine >/dev/null || missing+=(hyperfine)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null || true
fi

# The binary people run, built as they build it.
cargo build --release --locked
export LEXGATE="$PWD/target/release/lexgate"

if command -v hyperfine >/dev/null; then
  echo "== time-to-result on the bundled suite (hyperfine)"
  hyperfine -N --warmup 3 --runs 20 "$LEXGATE --color never check" 2>&1 | sed -n '1,4p'
fi

echo "== the generated suite"
cargo bench --locked --bench suite -- "$@"
