#!/usr/bin/env bash
# Vendor the pinned third-party frontend files into the repository.
#
#   scripts/update-frontend.sh
#
# Versions come from frontend/package.json and frontend/package-lock.json. To
# change a version, edit frontend/package.json, then run
#   (cd frontend && npm install --package-lock-only)
# then run this script and commit the results.
#
# The script runs `npm ci` in a temporary copy of frontend/, so no node_modules/
# is left in the repository. It then replaces these directories and files:
#   src/coproduce/web/static/vendor/nhsuk-frontend/   (CSS, JS, assets/, LICENSE, VERSION)
#   src/coproduce/web/static/vendor/README.md
#   tests/browser/vendor/{axe.min.js,LICENSE,LICENSE-3RD-PARTY.txt,VERSION,README.md}
# The same lock file always gives the same files, because npm ci checks every
# tarball against the lock file's integrity hashes.
set -euo pipefail

log() { printf 'update-frontend: %s\n' "$*"; }
die() { printf 'update-frontend: error: %s\n' "$*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frontend_dir="$repo_root/frontend"
static_vendor="$repo_root/src/coproduce/web/static/vendor"
nhsuk_dest="$static_vendor/nhsuk-frontend"
axe_dest="$repo_root/tests/browser/vendor"

command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"
[[ -f "$frontend_dir/package.json" ]] || die "missing $frontend_dir/package.json"
[[ -f "$frontend_dir/package-lock.json" ]] ||
    die "missing $frontend_dir/package-lock.json (run: cd frontend && npm install --package-lock-only)"

workdir="$(mktemp -d "${TMPDIR:-/tmp}/coproduce-frontend.XXXXXX")"
trap 'rm -rf -- "$workdir"' EXIT

cp "$frontend_dir/package.json" "$frontend_dir/package-lock.json" "$frontend_dir/nhsuk-frontend.scss" "$workdir/"
log "npm ci in $workdir (from frontend/package-lock.json)"
# --ignore-scripts: we only copy files out, so no install scripts need to run.
(cd "$workdir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# Returns the version that package-lock.json records for a package, and checks
# that the installed package has that version too.
locked_version() {
    local pkg="$1" locked installed
    locked="$(node -e '
        const lock = require(process.argv[1]);
        const entry = (lock.packages || {})["node_modules/" + process.argv[2]];
        if (!entry || !entry.version) process.exit(1);
        process.stdout.write(entry.version);
    ' "$workdir/package-lock.json" "$pkg")" || die "$pkg is not in package-lock.json"
    installed="$(node -p 'require(process.argv[1]).version' \
        "$workdir/node_modules/$pkg/package.json")"
    [[ "$locked" == "$installed" ]] ||
        die "$pkg: lock says $locked but npm installed $installed"
    printf '%s' "$locked"
}

# Prints the path of a package's licence file: its own LICENSE/LICENCE if it
# ships one, else frontend/licenses/<pkg>.LICENSE.
licence_file() {
    local pkg="$1" found
    found="$(find "$workdir/node_modules/$pkg" -maxdepth 1 -type f \
        \( -iname 'LICENSE' -o -iname 'LICENCE' -o -iname 'LICENSE.*' -o -iname 'LICENCE.*' \
           -o -iname 'LICENSE-MIT*' \) | LC_ALL=C sort | head -n 1)"
    if [[ -n "$found" ]]; then
        printf '%s' "$found"
    elif [[ -f "$frontend_dir/licenses/$pkg.LICENSE" ]]; then
        log "$pkg ships no licence file; using frontend/licenses/$pkg.LICENSE" >&2
        printf '%s' "$frontend_dir/licenses/$pkg.LICENSE"
    else
        die "$pkg ships no LICENSE/LICENCE file and frontend/licenses/$pkg.LICENSE does not exist"
    fi
}

licence_name() {
    node -p 'require(process.argv[1]).license || "UNKNOWN"' \
        "$workdir/node_modules/$1/package.json"
}

# ---------------------------------------------------------------- nhsuk-frontend
nhsuk_version="$(locked_version nhsuk-frontend)"
nhsuk_licence="$(licence_name nhsuk-frontend)"
nhsuk_src="$workdir/node_modules/nhsuk-frontend/dist/nhsuk"
for f in nhsuk-frontend.min.css nhsuk-frontend.min.js assets/manifest.json assets/images; do
    [[ -e "$nhsuk_src/$f" ]] || die "nhsuk-frontend $nhsuk_version: missing dist/nhsuk/$f"
done
nhsuk_licence_src="$(licence_file nhsuk-frontend)"
nhsuk_licence_note=""
if [[ "$nhsuk_licence_src" == "$frontend_dir/licenses/"* ]]; then
    nhsuk_licence_note="
  (the npm package ships no licence file, so this text comes from
  \`frontend/licenses/nhsuk-frontend.LICENSE\`)"
fi

rm -rf -- "$nhsuk_dest"
mkdir -p "$nhsuk_dest"
# The CSS is compiled from the package's Sass with our two settings (see
# frontend/nhsuk-frontend.scss): relative asset URLs and no CDN web fonts.
(cd "$workdir" && npx --no-install sass --no-source-map --style=compressed --quiet-deps \
    --silence-deprecation=import --load-path=node_modules \
    nhsuk-frontend.scss "$nhsuk_dest/nhsuk-frontend.min.css")
if grep -q 'https\?://' "$nhsuk_dest/nhsuk-frontend.min.css"; then
    die "compiled CSS still loads something from another site"
fi
# The JS is copied as built, less its source-map comment (the map is not vendored).
grep -v '^//# sourceMappingURL=' "$nhsuk_src/nhsuk-frontend.min.js" \
    | sed 's#//\# sourceMappingURL=[^ ]*$##' >"$nhsuk_dest/nhsuk-frontend.min.js"
cp -R "$nhsuk_src/assets" "$nhsuk_dest/assets"
cp "$nhsuk_licence_src" "$nhsuk_dest/LICENSE"
printf '%s\n' "$nhsuk_version" >"$nhsuk_dest/VERSION"

cat >"$static_vendor/README.md" <<EOF
# Vendored frontend files

Third-party files served as static files. Do not edit them by hand. Only
\`scripts/update-frontend.sh\` changes them. To change a version, edit
\`frontend/package.json\`, run \`(cd frontend && npm install --package-lock-only)\`,
then run \`scripts/update-frontend.sh\` and commit the results.

## nhsuk-frontend/

- Package: [nhsuk-frontend](https://www.npmjs.com/package/nhsuk-frontend) ${nhsuk_version}
  (https://github.com/nhsuk/nhsuk-frontend)
- Licence: ${nhsuk_licence}, see \`nhsuk-frontend/LICENSE\`${nhsuk_licence_note}
- Contents, from \`dist/nhsuk/\` in the npm package:
  \`nhsuk-frontend.min.css\`, compiled from the package's Sass by
  \`frontend/nhsuk-frontend.scss\` (asset URLs relative to the CSS; no web fonts
  from assets.nhs.uk, so text is set in Arial); \`nhsuk-frontend.min.js\` (an ES
  module: load it with \`<script type="module">\`; source-map comment removed);
  and \`assets/\` (favicons, icons, \`manifest.json\`), copied unchanged.
  \`VERSION\` holds the package version.
EOF
log "nhsuk-frontend $nhsuk_version ($nhsuk_licence) -> ${nhsuk_dest#"$repo_root"/}/"

# ---------------------------------------------------------------------- axe-core
axe_version="$(locked_version axe-core)"
axe_licence="$(licence_name axe-core)"
axe_src="$workdir/node_modules/axe-core"
[[ -f "$axe_src/axe.min.js" ]] || die "axe-core $axe_version: missing axe.min.js"
axe_licence_src="$(licence_file axe-core)"

mkdir -p "$axe_dest"
# Remove only the files this script manages (the directory may hold other files).
rm -f -- "$axe_dest/axe.min.js" "$axe_dest/LICENSE" "$axe_dest/LICENSE-3RD-PARTY.txt" \
    "$axe_dest/VERSION" "$axe_dest/README.md"
cp "$axe_src/axe.min.js" "$axe_dest/axe.min.js"
cp "$axe_licence_src" "$axe_dest/LICENSE"
third_party_note=""
if [[ -f "$axe_src/LICENSE-3RD-PARTY.txt" ]]; then
    cp "$axe_src/LICENSE-3RD-PARTY.txt" "$axe_dest/LICENSE-3RD-PARTY.txt"
    third_party_note="
  Licences of the third-party code bundled into \`axe.min.js\` are in
  \`LICENSE-3RD-PARTY.txt\`."
fi
printf '%s\n' "$axe_version" >"$axe_dest/VERSION"

cat >"$axe_dest/README.md" <<EOF
# Vendored test files

Third-party files used only by the browser tests. They are never served by the
application. Do not edit them by hand. Only \`scripts/update-frontend.sh\`
changes them. To change a version, edit \`frontend/package.json\`, run
\`(cd frontend && npm install --package-lock-only)\`, then run
\`scripts/update-frontend.sh\` and commit the results.

- \`axe.min.js\`: [axe-core](https://www.npmjs.com/package/axe-core) ${axe_version}
  (https://github.com/dequelabs/axe-core), the accessibility testing engine,
  copied unchanged from the npm package.
- Licence: ${axe_licence}, see \`LICENSE\`.${third_party_note}
- \`VERSION\` holds the package version.
EOF
log "axe-core $axe_version ($axe_licence) -> ${axe_dest#"$repo_root"/}/"

# Normalise permissions so the results don't depend on the umask or the tarballs.
chmod -R u=rwX,go=rX "$nhsuk_dest" "$static_vendor/README.md"
chmod u=rw,go=r "$axe_dest"/{axe.min.js,LICENSE,VERSION,README.md}
if [[ -f "$axe_dest/LICENSE-3RD-PARTY.txt" ]]; then
    chmod u=rw,go=r "$axe_dest/LICENSE-3RD-PARTY.txt"
fi

log "files written:"
(
    cd "$repo_root"
    axe_rel="${axe_dest#"$repo_root"/}"
    {
        find "${nhsuk_dest#"$repo_root"/}" -type f
        printf '%s\n' "${static_vendor#"$repo_root"/}/README.md"
        for f in axe.min.js LICENSE LICENSE-3RD-PARTY.txt VERSION README.md; do
            if [[ -f "$axe_rel/$f" ]]; then printf '%s\n' "$axe_rel/$f"; fi
        done
    } | LC_ALL=C sort | while read -r f; do
        printf '  %s  %s\n' "$(sha256sum "$f" | cut -c1-16)" "$f"
    done
)
log "done"
