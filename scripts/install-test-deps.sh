#!/usr/bin/env bash
# What the test suite needs beyond Python packages, installed from the project's own files:
# Debian's Chromium (HTML report tests) and the Neo4j jars behind the test server (Maven Central).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the HTML report tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: chromium could not be installed; the browser tests will fail" >&2
  else
    echo "warning: chromium is missing and this is not root: sudo apt-get install chromium" >&2
  fi
fi

if [ -x neo4j-launcher/build.sh ]; then
  neo4j-launcher/build.sh
fi
