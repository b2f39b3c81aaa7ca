#!/usr/bin/env bash
# Re-resolve requirements/constraints.txt: install every extra into a fresh
# virtualenv without constraints, then freeze what pip chose.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf -- "$tmp"' EXIT
"${PYTHON:-python3}" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --disable-pip-version-check -q "$root[web,dev,text]"
{
    echo "# Pinned versions of every dependency (all extras), made by scripts/lock.sh."
    echo "# Installs use it as a constraints file: make run / make test."
    "$tmp/venv/bin/python" -m pip freeze --exclude-editable --all | grep -v '^coproduce' \
        | grep -vE '^(pip|setuptools|wheel)=='
} >"$root/requirements/constraints.txt"
echo "lock: wrote requirements/constraints.txt"
