#!/usr/bin/env bash
# Installs what the local engines and the tests need on a fresh Debian machine: redis-server, a JDK 21+, Maven, Chromium,
# and the fuzzer (schemathesis, in a project-local Python environment).
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v mvn >/dev/null || need+=(maven)
command -v curl >/dev/null || need+=(curl)
# The browser tests drive Debian's Chromium (no browser download is possible or wanted).
command -v chromium >/dev/null || need+=(chromium)
jdk_ok=false
for j in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -x "$j/bin/java" ] || continue
  v=$("$j/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${v:-0}" -ge 21 ] && { jdk_ok=true; break; }
done
$jdk_ok || need+=(openjdk-21-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "missing: ${need[*]}; install them (apt-get install -y ${need[*]}) or run this script as root" >&2; exit 1; fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "engines prerequisites: ok"
# The schema-driven fuzzer of the test suite (Python, into .local/fuzz-venv).
bash "$(dirname "${BASH_SOURCE[0]}")/../fuzz/install.sh"
