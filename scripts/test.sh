#!/usr/bin/env bash
# The whole suite: lint, type-check, unit, integration and browser tests against real engines.
# Engines that are not answering are started and, at the end, stopped again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Runs each command in the background, then prints their outputs in order; fails if any failed.
together() {
  local dir i failed=0
  local cmds=("$@") pids=()
  dir="$(mktemp -d)"
  for i in "${!cmds[@]}"; do
    bash -c "${cmds[$i]}" >"$dir/$i" 2>&1 &
    pids[i]=$!
  done
  for i in "${!cmds[@]}"; do
    if ! wait "${pids[$i]}"; then failed=1; echo "failed: ${cmds[$i]}"; fi
    cat "$dir/$i"
  done
  rm -rf "$dir"
  return "$failed"
}

mkdir -p .local
before=$(cat .local/started-engines 2>/dev/null || true)
# The Elasticsearch nodes this run starts (the shared one and the fault tests') keep their data in memory when
# /dev/shm has room: every template, index and mapping change commits the cluster state to disk, and on a disk
# those commits cost the node about a third of its CPU (docs/testing.md). A node whose home already holds data
# (a developer's) keeps it where it is.
if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((2 * 1024 * 1024)) ]; then
  SILLAGE_ES_DATA_ROOT="$(mktemp -d /dev/shm/sillage-test-es.XXXXXX)"
  export SILLAGE_ES_DATA_ROOT
fi
cleanup() {
  # Stop only what this run started.
  if [ -z "$before" ]; then bash scripts/engines/down.sh; fi
  if [ -n "${SILLAGE_ES_DATA_ROOT:-}" ]; then rm -rf "$SILLAGE_ES_DATA_ROOT"; fi
}
trap cleanup EXIT
# The checks, the console build (the browser tests drive it) and the engines' start do not depend on each other,
# and each uses one core at most: side by side they take the time of the longest.
# A node the suite starts runs the JIT's first tier only: the optimising compiler cost more CPU than it saved
# over a run (a third of the node's CPU), and the suite's two cores are its limit.
# tap builds its test class with the plugins of .taprc, but only in the middle of the run that finds it unbuilt,
# whose test processes all keep the stock plugins' loaders (ts-node as well as tsx: about 9 s more CPU each). Built
# beforehand, the run uses them from its first file; tsc, which reads tap's types, waits for the build.
together \
  'npx eslint .' \
  'npx tap build && npx tsc -p tsconfig.json --noEmit' \
  'npm run --silent typecheck --workspace console && npm run --silent console:build' \
  'SILLAGE_ES_JAVA_OPTS="${SILLAGE_ES_JAVA_OPTS:--XX:TieredStopAtLevel=1}" bash scripts/engines/up.sh'
# CI shows the end of the log: a failure deep in a long run is repeated there, with its diagnostics.
log="$(mktemp)"
status=0
npx tap "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "# the failed points of this run:"
  awk '/^ *not ok / { show = 1; n = 0 } show { print; if (++n >= 40 || /^ *\.\.\.$/) show = 0 }' "$log" | head -n 200
fi
rm -f "$log"
exit "$status"
