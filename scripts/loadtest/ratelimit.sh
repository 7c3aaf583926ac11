#!/usr/bin/env bash
# Load-test the cost of a rate limit: the same small API generated twice,
# once without limits and once with a memory-store limit on its operation
# (so high that nothing is refused: every request pays the check and the
# RateLimit headers), both in --mock mode so that the gateway's own work is
# all there is to measure. wrk runs against each in turn, interleaved, and
# the script prints requests/s of each round and the ratio on/off.
#
# Usage: scripts/loadtest/ratelimit.sh
#
# Needs wrk and go. Everything binds 127.0.0.1 on free ports and is stopped
# by PID on exit. With 2 or more cores and taskset, the gateways run on CPU
# 0 (GOMAXPROCS=1) and wrk on CPU 1.
#
# Environment (defaults in brackets):
#   LOADTEST_DURATION     seconds of each measured run  [5]
#   LOADTEST_ROUNDS       off/on pairs                  [3]
#   LOADTEST_CONNECTIONS  wrk connections               [32]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

die() {
	echo "ratelimit loadtest: $*" >&2
	exit 1
}
for tool in wrk go; do
	command -v "$tool" >/dev/null || die "not found: $tool"
done
DURATION=${LOADTEST_DURATION:-5}
ROUNDS=${LOADTEST_ROUNDS:-3}
CONNS=${LOADTEST_CONNECTIONS:-32}

SERVER_PIN=()
LOAD_PIN=()
if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
	SERVER_PIN=(taskset -c 0)
	LOAD_PIN=(taskset -c 1)
fi

TMP=$(mktemp -d -t gatewaygen-rlload.XXXXXX)
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

spec() { # $1: name, $2: the operation's x-gateway
	cat >"$TMP/$1.yaml" <<SPEC
openapi: 3.0.3
info: {title: Load, version: "1"}
x-gateway: {name: $1, mock: true}
paths:
  /pets/{petId}:
    get:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
      x-gateway: $2
      responses:
        "200": {description: ok, content: {application/json: {example: {id: 1, name: Rex}}}}
SPEC
}
spec off '{timeout: 1s}'
spec on '{rate-limit: {rate: 1000000/s, burst: 1000000, key: client-ip}}'

go build -o "$TMP/gatewaygen" ./cmd/gatewaygen
for n in off on; do
	"$TMP/gatewaygen" build "$TMP/$n.yaml" -o "$TMP/$n-gateway" >/dev/null 2>&1 || die "gatewaygen build $n failed"
done

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
declare -A ADDR
for n in off on; do
	port=$(freeport)
	ADDR[$n]=127.0.0.1:$port
	GOMAXPROCS=1 "${SERVER_PIN[@]}" "$TMP/$n-gateway" --listen "${ADDR[$n]}" >"$TMP/$n.log" 2>&1 &
	PIDS+=($!)
done
for n in off on; do
	for _ in $(seq 50); do
		curl -fs "http://${ADDR[$n]}/pets/1" >/dev/null 2>&1 && break
		sleep 0.1
	done
	curl -fs -D - "http://${ADDR[$n]}/pets/1" -o /dev/null | grep -i '^ratelimit' || true
done

rps() { # $1: address
	"${LOAD_PIN[@]}" wrk -t1 -c"$CONNS" -d"${DURATION}s" "http://$1/pets/1" | awk '/Requests\/sec/ {print $2}'
}
sum_off=0
sum_on=0
printf '%-6s %14s %14s %8s\n' round "off req/s" "on req/s" ratio
for r in $(seq "$ROUNDS"); do
	off=$(rps "${ADDR[off]}")
	on=$(rps "${ADDR[on]}")
	sum_off=$(echo "$sum_off + $off" | bc -l)
	sum_on=$(echo "$sum_on + $on" | bc -l)
	printf '%-6s %14.0f %14.0f %8.3f\n' "$r" "$off" "$on" "$(echo "$on / $off" | bc -l)"
done
printf '%-6s %14.0f %14.0f %8.3f\n' all "$(echo "$sum_off / $ROUNDS" | bc -l)" "$(echo "$sum_on / $ROUNDS" | bc -l)" "$(echo "$sum_on / $sum_off" | bc -l)"
