#!/usr/bin/env bash
# ./parley bench [--quick] [--only jar,cold,latency,fanout,throughput,sync,features,idle,cost,jmh] [--cold-java PATH]
#
# Builds what the benchmarks run (this module and the modules it needs, in the reactor: the functions
# jar, the local runtime, test-support), then runs every benchmark: one `BENCH <name>
# <value> <unit>` line per figure on standard output, and bench-results.json at the repository
# root. --quick uses the smallest counts the issue allows (under 3 minutes on 2 cores, build
# excluded). `mvn -B verify` compiles this module but never runs a benchmark.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

build_started=$(date +%s)
echo "bench: building (mvn -q -B -DskipTests package -pl benchmarks -am)..." >&2
mvn -q -B -DskipTests package -pl benchmarks -am >&2
echo "bench: built in $(( $(date +%s) - build_started )) s" >&2

# DynamoDB Local (cold starts, and inside the local runtime) loads SQLite's native library from here.
exec java -Xms1g -Xmx4g -XX:+UseParallelGC \
  -Dsqlite4java.library.path="$ROOT/benchmarks/target/native-libs" \
  -cp "benchmarks/target/classes:benchmarks/target/lib/*" \
  dev.parley.bench.BenchMain --root "$ROOT" "$@"
