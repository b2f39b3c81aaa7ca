#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing:
#   chromium    the browser the Playwright tests drive (/usr/bin/chromium)
#   postgresql  the server binaries scripts/with-postgres.sh starts
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: chromium and postgresql are installed"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "system-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi
echo "system-deps: installing ${missing[*]} with apt-get"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
echo "system-deps: installed ${missing[*]}"
