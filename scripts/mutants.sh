#!/usr/bin/env bash
# Mutation testing: cargo-mutants (pinned, installed under target/tools by this script) changes
# the code one small way at a time (an operator, a constant, a function body) and runs the tests;
# a mutant no test notices ("missed") is behaviour no test pins. Too slow for CI on two cores, so
# it is the habit for every change to the SDK's core, not a CI step.
#
#   bash scripts/mutants.sh FILE...             # every mutant of these files
#   bash scripts/mutants.sh --in-diff [BASE]    # mutants of the lines changed since BASE (main)
#   bash scripts/mutants.sh --iterate FILE...   # again, skipping what earlier runs caught or found unviable
#
# Options come before the files; files are paths from where you are. The tests must pass on the
# code as it is (the first step builds and tests it unmutated, in a fresh copy: 2 to 3 min).
#
# Tests run: the mutated file's own package and the workspace tests (tests/), or the packages in
# MUTANTS_TEST_PACKAGES (space separated), with MUTANTS_CARGO_TEST_ARGS added to `cargo test`
# (say `--lib`, for the unit tests only). MUTANTS_JOBS (default 1) builds that many mutants at
# once. Exclusions (mutants no behaviour can tell apart) live in .cargo/mutants.toml, each with
# its reason. Prints caught / missed / timeout / unviable per file; the full output is in
# target/mutants/mutants.out.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
top=$PWD

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}
if (($# == 0)); then
  usage
  exit 2
fi
if [[ $1 == -h || $1 == --help ]]; then
  usage
  exit 0
fi

version=27.0.0
root=target/tools
bin=$root/bin/cargo-mutants
if ! "$bin" mutants --version 2> /dev/null | grep -qF "cargo-mutants $version"; then
  echo "installing cargo-mutants $version into $root"
  cargo install --quiet --locked --root "$root" cargo-mutants --version "$version"
fi

args=()
if [[ $1 == --iterate ]]; then
  args+=(--iterate)
  shift
  (($# > 0)) || {
    echo "--iterate needs files after it, or --in-diff [BASE]" >&2
    exit 2
  }
fi
files=()
if [[ $1 == --in-diff ]]; then
  base=${2:-main}
  if ! git rev-parse --verify --quiet "$base^{commit}" > /dev/null; then
    echo "--in-diff $base: no such branch or commit" >&2
    exit 2
  fi
  mkdir -p target
  git diff "$base" -- '*.rs' > target/mutants.diff
  if [[ ! -s target/mutants.diff ]]; then
    echo "no Rust change since $base: nothing to mutate"
    exit 0
  fi
  args+=(--in-diff target/mutants.diff)
  mapfile -t files < <(git diff --name-only "$base" -- '*.rs')
else
  for file in "$@"; do
    if [[ $file == -* ]]; then
      echo "$file: options come before the files (see --help)" >&2
      exit 2
    fi
    # Paths are taken from where the script was run, as a shell would.
    [[ $file == /* ]] || file=$caller/$file
    [[ -f $file ]] || {
      echo "no such file: $file" >&2
      exit 2
    }
    file=$(realpath --relative-to="$top" "$file")
    files+=("$file")
    args+=(--file "$file")
  done
fi

packages=${MUTANTS_TEST_PACKAGES:-}
if [[ -z $packages ]]; then
  packages="workspace-tests"
  for file in "${files[@]}"; do
    case $file in
      crates/*/*) packages+=" $(echo "$file" | cut -d/ -f2)" ;;
    esac
  done
fi
for package in $(echo "$packages" | tr ' ' '\n' | sort -u); do
  args+=(--test-package "$package")
done

out=target/mutants/mutants.out
# cargo-mutants' --iterate skips what earlier runs caught or found unviable, but
# its caught.txt and unviable.txt hold only its own results (the earlier ones,
# mixed, are in previously_caught.txt): carry them over, so the table below
# covers every run since the last full one.
earlier=target/mutants/earlier
rm -rf "$earlier"
if [[ ${args[0]} == --iterate && -d $out ]]; then
  mkdir -p "$earlier"
  cp "$out/caught.txt" "$out/unviable.txt" "$earlier/" 2> /dev/null || true
fi

status=0
"$bin" mutants --no-shuffle --jobs "${MUTANTS_JOBS:-1}" --timeout-multiplier 3 \
  --output target/mutants "${args[@]}" -- ${MUTANTS_CARGO_TEST_ARGS:-} || status=$?

for kind in caught unviable; do
  if [[ -f $earlier/$kind.txt ]]; then
    sort -u "$earlier/$kind.txt" "$out/$kind.txt" -o "$out/$kind.txt"
  fi
done

# The mutants of the code as it is now: an earlier run's result for a line
# that has since moved is not counted twice.
list_args=()
for arg in "${args[@]}"; do
  [[ $arg == --iterate ]] || list_args+=("$arg")
done
"$bin" mutants --list "${list_args[@]}" > "$out/current.txt" 2> /dev/null || true

# cargo-mutants exits 2 when mutants were missed, 3 on timeouts; the summary says which.
python3 - "$out" << 'EOF'
import collections, os, sys

out = sys.argv[1]
current = {line.strip() for line in open(os.path.join(out, "current.txt")) if line.strip()}
per_file = collections.defaultdict(collections.Counter)
for kind in ("caught", "missed", "timeout", "unviable"):
    path = os.path.join(out, f"{kind}.txt")
    if not os.path.exists(path):
        continue
    for line in set(open(path)):
        if line.strip() in current:
            per_file[line.split(":", 1)[0]][kind] += 1
print(f"{'file':<60} {'caught':>6} {'missed':>6} {'timeout':>7} {'unviable':>8} {'caught %':>8}")
for path in sorted(per_file):
    c = per_file[path]
    viable = c["caught"] + c["missed"] + c["timeout"]
    share = f"{100 * c['caught'] / viable:.0f}%" if viable else "-"
    print(f"{path:<60} {c['caught']:>6} {c['missed']:>6} {c['timeout']:>7} {c['unviable']:>8} {share:>8}")
EOF
case $status in
  0) ;;
  2) echo "missed mutants (no test noticed them): $out/missed.txt" >&2 ;;
  3) echo "mutants that timed out (a loop no test bounds): $out/timeout.txt" >&2 ;;
  4) echo "the tests fail on the code as it is, so no mutant was tried: make \`cargo test\` pass first (log: $out/log/baseline.log)" >&2 ;;
  *) echo "cargo-mutants stopped with status $status: see $out/debug.log" >&2 ;;
esac
exit "$status"
