#!/usr/bin/env bash
# The whole suite: lint, type-check, unit, integration and browser tests against real engines.
# Engines that are not answering are started and, at the end, stopped again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
npx eslint .
npx tsc -p tsconfig.json --noEmit
npm run --silent typecheck --workspace console
# The browser tests drive the built console.
npm run --silent console:build
mkdir -p .local
before=$(cat .local/started-engines 2>/dev/null || true)
# A node the suite starts runs the JIT's first tier only: the optimising compiler cost more CPU than it saved
# over a run (a third of the node's CPU), and the suite's two cores are its limit.
SILLAGE_ES_JAVA_OPTS="${SILLAGE_ES_JAVA_OPTS:--XX:TieredStopAtLevel=1}" bash scripts/engines/up.sh
cleanup() {
  # Stop only what this run started.
  if [ -z "$before" ]; then bash scripts/engines/down.sh; fi
}
trap cleanup EXIT
npx tap "$@"
