#!/usr/bin/env bash
# Starts the local engines that are not already answering; records which ones it started.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$root/.local"
started="$root/.local/started-engines"
bash "$here/install.sh"
if ! bash "$here/redis.sh" status >/dev/null 2>&1; then bash "$here/redis.sh" start; echo redis >> "$started"; fi
if ! bash "$here/es.sh" status >/dev/null 2>&1; then bash "$here/es.sh" start; echo elasticsearch >> "$started"; fi
