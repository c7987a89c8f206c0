#!/usr/bin/env bash
# Installs the schema-driven fuzzer (schemathesis, from PyPI, pinned in requirements.txt) into a project-local
# virtual environment, .local/fuzz-venv. Does nothing when the pinned version is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.local/fuzz-venv"
reqs="$root/scripts/fuzz/requirements.txt"
want=$(sed -n 's/^schemathesis==//p' "$reqs")
if [ -x "$venv/bin/st" ] && [ "$("$venv/bin/st" --version 2>/dev/null | sed -n 's/.*version //p')" = "$want" ] && cmp -s "$reqs" "$venv/.requirements"; then
  exit 0
fi
python=${PYTHON:-python3}
command -v "$python" >/dev/null || { echo "the fuzzer needs Python 3.10 or later ($python not found)" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { echo "the fuzzer needs Python 3.10 or later; $python is $("$python" --version)" >&2; exit 1; }
rm -rf "$venv"
if ! "$python" -m venv "$venv" 2>/dev/null; then
  # Debian's Python keeps venv (ensurepip) in a package of its own.
  if [ "$(id -u)" -ne 0 ]; then echo "python3 -m venv fails: install python3-venv (apt-get install -y python3-venv)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
cp "$reqs" "$venv/.requirements"
echo "fuzzer: schemathesis $want in $venv"
