#!/usr/bin/env bash
# `make neo4j`: a Neo4j Community 5.26 for trying tenantmap's Neo4j store without Docker.
# It runs in the foreground with its data in $NEO4J_HOME (.neo4j/ by default, kept between
# starts), Bolt on 127.0.0.1:$NEO4J_PORT (7687), user neo4j with password $NEO4J_PASSWORD.
# Ctrl-C (or Ctrl-D) stops it cleanly. Needs Java 17 and Maven (the first build fetches
# Neo4j from Maven Central). For a team, use Docker Compose or a managed server: docs/neo4j.md.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${NEO4J_HOME:=.neo4j}"
: "${NEO4J_PORT:=7687}"
: "${NEO4J_HEAP:=1g}"
if [[ -z "${NEO4J_PASSWORD:-}" ]]; then
  echo "set NEO4J_PASSWORD (at least 8 characters): the password of the neo4j user" >&2
  exit 2
fi
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
neo4j-launcher/build.sh
echo "starting Neo4j in $NEO4J_HOME; when it says READY, in another shell:"
echo "  export NEO4J_USERNAME=neo4j NEO4J_PASSWORD=...   # the password you set"
echo "  tenantmap run --store bolt://127.0.0.1:$NEO4J_PORT --inventory inventory.yaml"
exec "$java" "-Xms$NEO4J_HEAP" "-Xmx$NEO4J_HEAP" -jar neo4j-launcher/target/neo4j-launcher.jar \
  --home "$NEO4J_HOME" --port "$NEO4J_PORT" --password "$NEO4J_PASSWORD"
