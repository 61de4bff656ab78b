#!/usr/bin/env bash
# Prints, per engine, how many copies of each key (master, KEK, header MAC key, data keys) and of the plaintext a
# real core file (gcore) of `tensorseal open --key-file K` holds, on the Java heap and elsewhere: the table in
# SECURITY.md. Needs JDK 25 (JAVA_HOME), gcc, gdb (gcore). Usage: tools/core-exposure-table.sh [ENGINES] [WORKDIR]
#   ENGINES: comma-separated (jce,bc,ossl,vaes); default every engine this machine runs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gcore >/dev/null || { echo "core-exposure-table: gcore not found (apt-get install gdb)" >&2; exit 2; }
work=${2:-$(mktemp -d)}
./mvnw -B -ntp -q -pl cli -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="cli/target/test-classes:cli/target/classes:core/target/classes:native-bridge/target/classes:test-vectors/target/classes"
cp="$cp:$(cat cli/target/test-classpath.txt)"
args=("$work")
if [ -n "${1:-}" ]; then args+=("$1"); fi
"${JAVA_HOME:-/usr}/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.tensorseal.security.CoreDumpProbe "${args[@]}"
