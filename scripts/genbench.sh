#!/usr/bin/env bash
# genbench: how long gatewaygen takes to generate and to build real documents.
#
#   scripts/genbench.sh [DOC...]        (make genbench [GENBENCH_DOCS="DOC..."])
#
# Without arguments it takes every document of ../shared/specs-corpus (the
# shared corpus beside the repository). For each document it times
# `gatewaygen generate DOC -o TMP` (wall clock, and CPU as user+sys), counts
# the lines of the generated Go (the gateway package and its command, not the
# runtime copy nor the portal pages), and for the GENBENCH_BUILD documents
# that took longest to generate (default 6; 0 builds none) times the build
# that `gatewaygen build` runs: `go build -trimpath` of the generated module.
#
# Builds are measured with the dependencies warm, as a user rebuilding after
# editing the document sees them: every document is generated under one
# module path, so the runtime copy and the third-party packages are compiled
# once (an untimed build first), and a variable naming the run is appended to
# the generated package so that the go command's cache can answer neither for
# its compilation nor for the link.
#
# Rows are sorted by generation time, slowest first; GENBENCH_TOP (default
# 20) limits how many are printed. The goals of docs/performance.md ("under
# 5 s to generate, under 60 s to build") are marked in the last column.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

top=${GENBENCH_TOP:-20}
nbuild=${GENBENCH_BUILD:-6}

docs=("$@")
if ((${#docs[@]} == 0)); then
	corpus=../shared/specs-corpus
	if [[ ! -d $corpus ]]; then
		echo "genbench: $corpus not found beside the repository; name the documents as arguments" >&2
		exit 2
	fi
	mapfile -t docs < <(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
fi

# GENBENCH_GATEWAYGEN names another gatewaygen binary to measure (an
# earlier build, for a before/after comparison); by default this tree's.
gg=${GENBENCH_GATEWAYGEN:-}
if [[ -z $gg ]]; then
	go build -o bin/gatewaygen ./cmd/gatewaygen
	gg=$PWD/bin/gatewaygen
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mod=genbench-gateway

# seconds runs "$@" quietly and prints "wall cpu" in seconds; it fails
# when the command does.
seconds() {
	local TIMEFORMAT='%R %U %S' t wall user sys
	t=$({ time "$@" >/dev/null 2>"$tmp/err"; } 2>&1) || return
	read -r wall user sys <<<"$t"
	printf '%s %.2f\n' "$wall" "$(echo "$user + $sys" | bc)"
}

# gen DOC DIR generates DOC into DIR and prints "wall cpu".
gen() {
	rm -rf "$2"
	seconds "$gg" generate "$1" -o "$2" --module "$mod"
}

loc() {
	find "$1" -name '*.go' -not -path "$1/runtime/*" -print0 | xargs -0 cat | wc -l
}

results=$tmp/results
: >"$results"
for doc in "${docs[@]}"; do
	out=$tmp/out
	if t=$(gen "$doc" "$out"); then
		echo "$t $(loc "$out") $doc" >>"$results"
	else
		echo "genbench: $doc does not generate: $(head -n 1 "$tmp/err")" >&2
	fi
done
sort -rn -o "$results" "$results"

declare -A built
if ((nbuild > 0)); then
	warmed=false
	while read -r _ _ _ doc; do
		out=$tmp/build
		gen "$doc" "$out" >/dev/null
		cmdpkg=$(cd "$out" && echo ./cmd/*-gateway)
		if ! $warmed; then
			(cd "$out" && GOWORK=off go build -trimpath -o "$tmp/gw" "$cmdpkg") >/dev/null 2>&1 || true
			warmed=true
		fi
		echo "var genbenchRun = \"$(date +%s%N)\"" >>"$out/gateway.go"
		if t=$(cd "$out" && GOWORK=off seconds go build -trimpath -o "$tmp/gw" "$cmdpkg"); then
			built[$doc]=$t
		else
			built[$doc]="fail fail"
			echo "genbench: $doc does not build: $(head -n 3 "$tmp/err")" >&2
		fi
	done < <(head -n "$nbuild" "$results")
fi

load=""
if [[ -r /proc/loadavg ]]; then
	load=", load average $(cut -d' ' -f1 /proc/loadavg) at the end"
fi
echo "gatewaygen $(git rev-parse --short HEAD), $(nproc) CPUs, $(go env GOVERSION), $(date -u '+%Y-%m-%d %H:%M') UTC$load"
echo
echo "| document | generate s | generate CPU s | build s | build CPU s | generated Go lines | goals |"
echo "|---|---:|---:|---:|---:|---:|---|"
total=$(wc -l <"$results")
while read -r gwall gcpu lines doc; do
	read -r bwall bcpu <<<"${built[$doc]:-- -}"
	marks=()
	if (($(echo "$gwall >= 5" | bc))); then marks+=("generate ≥ 5 s"); fi
	if [[ $bwall == fail ]] || { [[ $bwall != - ]] && (($(echo "$bwall >= 60" | bc))); }; then
		marks+=("build ≥ 60 s")
	fi
	goal=ok
	if ((${#marks[@]} > 0)); then
		goal=${marks[0]}
		if ((${#marks[@]} > 1)); then goal+=", ${marks[1]}"; fi
	fi
	echo "| $doc | $gwall | $gcpu | $bwall | $bcpu | $lines | $goal |"
done < <(head -n "$top" "$results") # not "| head": with pipefail the loop's SIGPIPE failed the run
echo
echo "$total documents generated; $(awk '$1 >= 5' "$results" | wc -l) took 5 s or more."
