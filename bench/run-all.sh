#!/usr/bin/env bash
# Every figure of the README's Benchmarks table in one sitting: three rounds of Stagecoach's four rows
# (memory and PostgreSQL, event bus and REST; each run a fresh JVM), then the peers (bench/peers).
# One JSON line per workload on stdout; progress on stderr. Run nothing else meanwhile.
# Needs target/stagecoach.jar (mvn -q -DskipTests package), PostgreSQL with the databases
# stagecoach_bench and peers_bench, Redis, and Node 20+. PEERS=none skips the peers. Extra arguments
# go to every run (bench/run-all.sh --jobs 2000 --samples 50 --warm-up 1 for a quick check).
set -uo pipefail
cd "$(dirname "$0")/.."
jar=target/stagecoach.jar
pg=(--store postgres --pg-uri "${STAGECOACH_BENCH_PG_URI:-postgresql://postgres@127.0.0.1:5432/stagecoach_bench}")
status=0
extra=("$@")
run() { java -jar "$jar" bench "$@" "${extra[@]}" || { echo "!! bench $* failed" >&2; status=1; }; }
for round in 1 2 3; do
  echo "== Stagecoach, round $round of 3" >&2
  run --workload all
  run --path rest --workload drain
  run --path rest --workload latency
  run "${pg[@]}" --workload all
  run "${pg[@]}" --path rest --workload drain
  run "${pg[@]}" --path rest --workload latency
done
if [[ "${PEERS:-}" != none ]]; then
  (cd bench/peers && npm ci --silent && ./run-all.sh "${extra[@]}") || status=1
  for round in 1 2 3; do
    for peer in graphile pgboss; do
      (cd bench/peers && node "$peer.mjs" --workload latency --until committed "${extra[@]}") || status=1
    done
  done
fi
exit "$status"
