#!/usr/bin/env bash
# Builds the embedded Neo4j launcher used by the test suite and the benchmarks.
# Idempotent: does nothing when target/neo4j-launcher.jar is newer than the sources.
# Needs Java 17 and Maven; the first build downloads Neo4j 5.26 from Maven Central
# into ~/.m2 (about 200 MB), later builds are offline-fast.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/neo4j-launcher.jar"
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
if [[ -f "$jar" && -d "$here/target/lib" ]] \
   && [[ -z "$(find "$here/pom.xml" "$here/src" -newer "$jar" -print -quit)" ]]; then
  exit 0
fi
mvn -B -q -f "$here/pom.xml" package
test -f "$jar"
