#!/usr/bin/env bash
# Prints which oracles ran during make test and which were skipped and why,
# from the report the tests appended to (GATEWAYGEN_ORACLES, one line per
# test: oracle, status, test name). An oracle that wrote nothing did not run
# at all. With CI set, any oracle that did not run is a failure: a green CI
# run must mean that every oracle ran.
set -euo pipefail

report=${1:?usage: scripts/oracles.sh REPORT}
oracles=(
	"json-schema-test-suite|generator/schemasuite: every keyword against the official suite, draft4 and 2020-12"
	"format-suite|runtime/format: the suite's optional/format strings"
	"differential|generator/oracle: generated validators against openapi3filter on synthesized requests"
	"differential-corpus|generator/oracle: the same on a sample of ../shared/specs-corpus"
	"corpus-compile|generator: every corpus document generates and compiles"
	"corpus-lint|generator/lint: every corpus document loads without a panic or an unlocated error"
	# generation speed: the load step's JSON shortcuts
	"corpus-jsonparse|generator/load: on the corpus' JSON documents, the fast JSON parse builds go-yaml's tree and kin-openapi's origins after a document start marker are the file's"
)

echo
echo "oracles:"
bad=0
for entry in "${oracles[@]}"; do
	name=${entry%%|*}
	what=${entry#*|}
	lines=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$report" 2>/dev/null | sort -u)
	if [[ -z "$lines" ]]; then
		status="not run"
	elif grep -q '^FAILED' <<<"$lines"; then
		status="FAILED"
	elif grep -qv '^ran$' <<<"$lines"; then
		status=$(grep -v '^ran$' <<<"$lines" | head -1)
	else
		status="ran"
	fi
	printf '  %-24s %-8s %s\n' "$name" "${status%%:*}" "$what"
	if [[ "$status" == *:* ]]; then
		printf '  %-24s          why: %s\n' "" "${status#*: }"
	fi
	if [[ "$status" != ran ]]; then
		bad=1
	fi
done
if ((bad)) && [[ -n "${CI:-}" ]]; then
	echo "under CI every oracle must run: see the lines above" >&2
	exit 1
fi
