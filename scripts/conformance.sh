#!/usr/bin/env bash
# Holds the fake server to the spec with an outside tester: Schemathesis (from PyPI, pinned)
# runs every phase (examples, coverage, fuzzing, stateful) against every operation of
# openapi/imported-numbers.yaml, served by the fake on a free loopback port, with a fixed
# seed and a time budget, and every check (Schemathesis' default). Any failure (an
# undocumented status, a response that breaks its schema, a valid request refused, an invalid
# one accepted, a 5xx) or error makes it exit non-zero. CI runs it (.ci/run).
#
# schemathesis.toml (with scripts/conformance_hooks.py) covers the rules the spec can only
# state in words (page tokens the service issued, a body's projectId equal to the path's, the
# states a call needs); each entry there says which.
#
#   bash scripts/conformance.sh            # the CI run
#   CONFORMANCE_MAX_TIME=30 bash scripts/conformance.sh
#
# Environment: CONFORMANCE_SEED (default 18), CONFORMANCE_MAX_TIME in seconds (default 120,
# at most 180), CONFORMANCE_FAKE (a fake binary to test instead of building one).
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version=4.32.5
seed=${CONFORMANCE_SEED:-18}
max_time=${CONFORMANCE_MAX_TIME:-120}
if ((max_time < 1 || max_time > 180)); then
  echo "CONFORMANCE_MAX_TIME must be 1 to 180 seconds; got $max_time" >&2
  exit 2
fi
venv=target/conformance-venv

if ! "$venv/bin/st" --version 2>/dev/null | grep -qF "version $schemathesis_version"; then
  echo "installing schemathesis $schemathesis_version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

fake=${CONFORMANCE_FAKE:-}
if [[ -z $fake ]]; then
  cargo build --quiet -p sinch-imported-numbers-fake
  fake=target/debug/sinch-imported-numbers-fake
fi

work=$(mktemp -d)
"$fake" --port 0 > "$work/fake.log" 2>&1 &
fake_pid=$!
cleanup() {
  kill "$fake_pid" 2> /dev/null || true
  wait "$fake_pid" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The fake prints its base URL once it listens (port 0: the system picks a free one).
url=
for _ in $(seq 200); do
  url=$(sed -n 's/^ *SINCH_IMPORTED_NUMBERS_URL=//p' "$work/fake.log")
  [[ -n $url ]] && break
  if ! kill -0 "$fake_pid" 2> /dev/null; then
    cat "$work/fake.log" >&2
    echo "the fake exited before listening" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z $url ]]; then
  cat "$work/fake.log" >&2
  echo "the fake did not print its URL within 20 s" >&2
  exit 1
fi
echo "fake at $url; schemathesis $schemathesis_version, seed $seed, budget ${max_time}s"

start=$SECONDS
status=0
# One worker: Schemathesis' workers are threads, and Hypothesis parses the source of lambdas
# (ast.parse) when it describes a strategy, which the CPython 3.11 here does not do safely from
# two threads at once (the parser's recursion counter is shared): two workers failed at random
# with "SystemError: AST constructor recursion depth mismatch". Under the GIL a second thread
# added little: one worker generates as many cases in the same budget.
# Hard stop a minute past the budget, in case a phase overruns it.
timeout --kill-after=10 $((max_time + 60)) \
  "$venv/bin/st" --config-file schemathesis.toml run openapi/imported-numbers.yaml \
  --url "$url" \
  --auth fake-key-id:fake-key-secret \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$seed" \
  --max-time "$max_time" \
  --workers 1 \
  --no-color \
  --suppress-health-check too_slow,filter_too_much \
  || status=$?
echo "conformance: schemathesis exited $status after $((SECONDS - start)) s"
exit "$status"
