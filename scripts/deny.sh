#!/usr/bin/env bash
# The dependency policy (deny.toml): licenses, banned and duplicate crates, and where crates may
# come from. Installs the pinned cargo-deny from crates.io when this machine lacks it.
# Advisories are not checked here: they need the advisory database, which CI cannot fetch.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.20.2
if ! cargo deny --version 2>/dev/null | grep -q " $version\$"; then
  # Default features only; --locked keeps the build reproducible.
  cargo install cargo-deny --version "$version" --locked --quiet
fi
cargo deny --workspace check licenses bans sources
