#!/usr/bin/env bash
# Lists, for every capture of the public corpus, the warnings and errors tcpstate reports, with the corpus's own
# description of the capture, as a Markdown table (the one in docs/conformance.md).
#
#   bench/corpus-anomalies.sh [CORPUS_DIR]     (default: ../shared/corpus beside the repository)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/corpus}
[ -f "$corpus/MANIFEST.tsv" ] || { echo "corpus-anomalies: $corpus/MANIFEST.tsv not found" >&2; exit 2; }
[ -f "$here/cli/target/tcpstate.jar" ] || (cd "$here" && mvn -q -DskipTests package)
echo "| capture | warnings and errors | what the capture shows (corpus manifest) |"
echo "|---|---|---|"
tail -n +2 "$corpus/MANIFEST.tsv" | while IFS=$'\t' read -r file _ _ _ _ _ _ what _; do
    found=$("$here/tcpstate" anomalies --min-severity warning "$corpus/$file" 2>/dev/null </dev/null \
        | { grep -v '^no anomalies' || true; } | awk '{print $3}' | sort | uniq -c | awk '{printf "%s%s x%s", (NR>1?", ":""), $2, $1}' || true)
    echo "| $file | ${found:-none} | ${what//|/\/} |"
done
