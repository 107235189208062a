#!/usr/bin/env bash
# What a new user waits for: the time from a fresh clone to the last line of
# `cargo run --example quickstart` (the README's first command), with a fresh
# target directory and the registry cache as it is (warm on a machine that has
# built the project once). Then the size of the stripped release quickstart.
#
#   scripts/cold-start.sh            # clones this repository's HEAD
#   scripts/cold-start.sh URL-OR-DIR # clones another one
#
# Prints figures; asserts nothing. Takes about a minute on a 2-core machine.
set -euo pipefail

repo=${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
export CARGO_TARGET_DIR="$work/target"
# Clear anything that would let this build reuse earlier work.
unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
echo "clone of $repo at $(git rev-parse --short HEAD); target dir $CARGO_TARGET_DIR ($(nproc) cores)"

start=$(now)
last=""
# The quickstart's output goes by as it comes; the clock stops at its last line.
while IFS= read -r line; do
    last=$line
    stamp=$(now)
done < <(cargo run --quiet --example quickstart 2>&1)
wait $! || { echo "the quickstart failed; its last line: $last" >&2; exit 1; }
echo "quickstart's last line: $last"
echo "cold start: $(seconds "$start" "$stamp") s from a fresh clone to the quickstart's last line"

build_start=$(now)
CARGO_PROFILE_RELEASE_STRIP=symbols cargo build --quiet --release --example quickstart
bytes=$(stat -c %s "$CARGO_TARGET_DIR/release/examples/quickstart")
echo "release quickstart: $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }') stripped ($bytes bytes; built in $(seconds "$build_start" "$(now)") s)"
