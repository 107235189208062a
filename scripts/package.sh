#!/usr/bin/env bash
# Packages every published crate as `cargo publish` would and builds each from its tarball
# (verification on), so a file left out of a package, a path outside a crate, or a dependency
# without a version breaks here and not at release. Pass --allow-dirty to try uncommitted work.
set -euo pipefail
cd "$(dirname "$0")/.."

published=(
  sinch-imported-numbers-api
  sinch-imported-numbers
  sinch-imported-numbers-fake
  sinch-numbers-cli
)
# Verification resolves the crates from each other's tarballs through a local registry, whose
# unpacked sources cargo keeps under ~/.cargo/registry/src/-<hash>/ and reuses when the version
# is unchanged: stale copies from an earlier run would be built instead of this one's.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/sinch-*
args=()
for crate in "${published[@]}"; do args+=(-p "$crate"); done
log=$(mktemp)
cargo package "${args[@]}" "$@" 2>&1 | tee "$log"
# cargo reports packaging problems (missing metadata, files it leaves out) as warnings.
if grep -q '^warning' "$log"; then
  echo "cargo package warned (see above); the packages must be clean" >&2
  exit 1
fi
