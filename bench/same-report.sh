#!/usr/bin/env bash
# Check that the JSON reports of the current build equal the baselines saved in bench/data (createdAt aside).
# Usage: bash bench/same-report.sh   (after npm run build). Prints DIFF lines for any report that changed.
cd "$(dirname "$0")/.." || exit 2
status=0
for f in bench/data/b250.csv bench/data/b250.jsonl fixtures/penguins.csv fixtures/cars.jsonl fixtures/seattle-weather.csv; do
  b=$(basename "$f")
  if ! DQ_THREADS=1 node bin/dq.js audit "$f" --format json --as-of 2026-01-01T00:00:00Z | grep -v '"createdAt"' | diff -q - "bench/data/baseline-$b.json" >/dev/null; then
    echo "DIFF $f"; status=1
  else echo "same $f"; fi
done
exit $status
