#!/usr/bin/env bash
# Builds Edamame if needed and starts it in the foreground with its Karaf console:
# embedded H2 under run/edamame/data, HTTP on http://localhost:8181/api/v1.
# The first start prints the login of the demo tenant's admin.
set -euo pipefail
cd "$(dirname "$0")"

tarball=$(assembly/build-if-needed.sh)

dist=run/edamame
if [ ! -d "$dist" ] || [ "$tarball" -nt "$dist/.installed" ]; then
  echo "Installing the distribution in $dist (data/ and etc/ of an earlier install are kept)..."
  keep=$(mktemp -d)
  [ -d "$dist/data" ] && mv "$dist/data" "$keep/data"
  [ -d "$dist/etc" ] && mv "$dist/etc" "$keep/etc"
  rm -rf "$dist" && mkdir -p "$dist"
  tar xzf "$tarball" -C "$dist" --strip-components=1
  [ -d "$keep/etc" ] && rm -rf "$dist/etc" && mv "$keep/etc" "$dist/etc"
  [ -d "$keep/data" ] && mv "$keep/data" "$dist/data"
  rmdir "$keep" 2>/dev/null || true
  touch "$dist/.installed"
fi

exec "$dist/bin/karaf" "$@"
