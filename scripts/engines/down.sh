#!/usr/bin/env bash
# Stops the engines this project started (and only those).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started="$here/../../.local/started-engines"
[ -f "$started" ] || { echo "no engines started by this project"; exit 0; }
grep -q elasticsearch "$started" && bash "$here/es.sh" stop || true
grep -q redis "$started" && bash "$here/redis.sh" stop || true
rm -f "$started"
