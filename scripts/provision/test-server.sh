#!/usr/bin/env bash
# Fetches the Java time-skipping test server and its runtime dependencies from
# Maven Central into .tools/testserver/lib, and builds a class-data-sharing
# archive so the JVM answers well inside the SDK's 5-second start-up wait.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/.tools/testserver"
version="1.38.0"
# slf4j-nop binds the server's logging API (slf4j 1.7) to nothing, so it does not warn on every start.
slf4j="1.7.36"
stamp="$dir/.version"
wanted="$version+slf4j-nop-$slf4j"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then exit 0; fi
source "$root/scripts/provision/lib.sh"
mkdir -p "$dir"
cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.provision</groupId><artifactId>temporal-test-server-deps</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>$slf4j</version></dependency>
  </dependencies>
</project>
POM
rm -rf "$dir/lib"
run_step test-server "fetching the Temporal time-skipping test server $version from Maven Central (first time only, under a minute)" \
  mvn -q -B -Dstyle.color=never -f "$dir/pom.xml" -Dmaven.repo.local="$dir/m2" dependency:copy-dependencies \
  -DoutputDirectory="$dir/lib" -DincludeScope=runtime
# Class-data-sharing archive: run the server once, let it load its classes, stop it.
rm -f "$dir/app.jsa"
port=$((20000 + RANDOM % 20000))
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ArchiveClassesAtExit="$dir/app.jsa" \
  -cp "$dir/lib/*" io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
sleep 2
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -f "$dir/app.jsa" ] || echo "provision: note: no CDS archive written; the test server starts without it"

echo "$wanted" > "$stamp"
