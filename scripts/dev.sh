#!/usr/bin/env bash
# Brings the whole service up locally: engines (when not answering), then the API and the worker.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/engines/up.sh
npm run --silent console:build
if [ -z "${SILLAGE_API_KEYS:-}" ]; then
  export SILLAGE_API_KEYS="dev-ingest-key-0000001:ingest,dev-read-key-00000001:read,dev-admin-key-0000001:admin"
  echo "SILLAGE_API_KEYS not set; development keys: dev-ingest-key-0000001 (ingest), dev-read-key-00000001 (read), dev-admin-key-0000001 (admin)"
fi
node --max-old-space-size=1024 --import tsx src/worker.ts & worker=$!
node --max-old-space-size=1024 --import tsx src/server.ts & api=$!
trap 'kill -TERM $api $worker 2>/dev/null; wait $api $worker 2>/dev/null' INT TERM
echo "Console on http://${HOST:-127.0.0.1}:${PORT:-3000}/console/ (sign in with a key above); API docs at /docs; Ctrl-C stops the API and the worker; 'npm run engines:down' stops the engines."
wait -n $api $worker
kill -TERM $api $worker 2>/dev/null || true
wait
