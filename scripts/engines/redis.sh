#!/usr/bin/env bash
# Local Redis for development and tests: Debian's redis-server, noeviction (BullMQ needs it), AOF on.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/.local/redis"
url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${url#redis://}"; hostport="${hostport%%/*}"; hostport="${hostport##*@}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=6379

answers() { redis-cli -h "$host" -p "$port" ping 2>/dev/null | grep -q PONG; }

case "${1:-}" in
  start)
    if answers; then echo "redis: already answering at $url"; exit 0; fi
    command -v redis-server >/dev/null || { echo "redis-server is not installed: run scripts/engines/install.sh (apt-get install -y redis-server)" >&2; exit 1; }
    mkdir -p "$dir"
    redis-server --bind "$host" --port "$port" --daemonize yes --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      --maxmemory-policy noeviction --appendonly yes --appendfsync everysec --save ""
    for _ in $(seq 1 50); do answers && { echo "redis: started at $url"; exit 0; }; sleep 0.1; done
    echo "redis: did not answer after 5 s; log:" >&2; tail -20 "$dir/redis.log" >&2; exit 1 ;;
  stop)
    if [ -f "$dir/redis.pid" ]; then
      redis-cli -h "$host" -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
      rm -f "$dir/redis.pid"; echo "redis: stopped"
    else echo "redis: not started by this project"; fi ;;
  status) answers && echo "redis: running at $url" || { echo "redis: not running"; exit 1; } ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
