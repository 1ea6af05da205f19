#!/usr/bin/env bash
# Builds the distribution (tests skipped) when it is missing or older than any source, and prints
# the path of its tarball. Shared by run.sh and the benchmarks. Samples count as sources because the
# benchmarks hot-install the sample plugin from the local Maven repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tarball() { ls assembly/target/edamame-assembly-*.tar.gz 2>/dev/null | head -n 1; }

if [ -z "$(tarball)" ] || [ -n "$(find pom.xml bundles features assembly samples -newer "$(tarball)" -type f \
      -not -path '*/target/*' 2>/dev/null | head -n 1)" ]; then
  echo "Building Edamame (tests skipped; run 'mvn -B install' for them)..." >&2
  mvn -B -q -DskipTests install >&2
fi
echo "$root/$(tarball)"
