#!/usr/bin/env bash
# Load-test the gatewaygen petstore gateway side by side with nginx as a
# baseline, on loopback only, and print a table of requests/s and p50/p99
# latency with the ratio gatewaygen/nginx. docs/performance.md explains the
# method and its caveats; `make loadtest` runs this script.
#
# Usage: scripts/loadtest/loadtest.sh [--write-docs]
#   --write-docs  also append the results, dated, to docs/performance.md
#
# Needs, and does not install (on Debian, as root):
#   apt-get install -y wrk nginx-light     # or nginx instead of nginx-light
# plus go (to build the backend, gatewaygen and the gateway) and, for CPU
# pinning, taskset (util-linux, present on every Debian system). The script
# checks for wrk, nginx and go and stops with a message naming what is absent.
#
# What it does, in about 90 s with the defaults:
#   1. builds, into a temporary directory, the backend in
#      scripts/loadtest/backend (a fasthttp server answering 200 and a small
#      JSON body for any path), gatewaygen itself, and with it the petstore
#      gateway from specs/petstore.yaml;
#   2. starts on 127.0.0.1, each on a free port: the backend, nginx
#      (generated minimal config: proxy_pass to the backend over a keepalive
#      upstream, access_log off) and the gateway
#      (--upstream pets=http://127.0.0.1:BACKEND);
#   3. checks one request of each kind answers the expected status, then
#      runs wrk with the same settings for each case, interleaved so that
#      nginx and gatewaygen are measured back to back:
#        GET  /pets/42        backend direct, nginx   GET  /v1/pets/42  gatewaygen
#        POST /pets  (JSON)   backend direct, nginx   POST /v1/pets     gatewaygen
#        GET  /v1/pets/abc    gatewaygen (rejected with 400: the validation path)
#        GET  /v1/pets?limit=10  gatewaygen, served from its cache, then with
#                             Cache-Control: no-cache (refreshed upstream each time)
#   4. prints the table; stops every process it started, by PID, on exit.
#
# CPU placement on a machine with 2 or more cores and taskset: the backend,
# nginx (worker_processes 1) and the gateway (GOMAXPROCS=1) run on CPU 0,
# wrk (one thread) on CPU 1, so that each proxy gets the same single core
# and never fights wrk for it. Otherwise nothing is pinned, nginx runs
# worker_processes auto, the Go programs use every core and wrk two threads.
#
# Environment (defaults in brackets):
#   LOADTEST_DURATION     seconds each measured run lasts, 1..15   [10]
#   LOADTEST_WARMUP       seconds of unmeasured warm-up per run, 0..5 [1]
#   LOADTEST_CONNECTIONS  wrk connections                          [32]
#   LOADTEST_THREADS      wrk threads                 [1 pinned, 2 otherwise]
#   LOADTEST_PIN          1 to pin as above when possible, 0 never [1]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

DOCS=docs/performance.md
LUA=scripts/loadtest/wrk.lua
BODY=scripts/loadtest/pet.json

die() {
	echo "loadtest: $*" >&2
	exit 1
}
say() { echo "loadtest: $*" >&2; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

write_docs=0
for arg in "$@"; do
	case $arg in
	--write-docs) write_docs=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*) die "unknown argument $arg (see --help)" ;;
	esac
done

# --- settings --------------------------------------------------------------

int_in() { # VALUE MIN MAX NAME
	[[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)) || die "$4=$1: want a whole number from $2 to $3"
}

DURATION=${LOADTEST_DURATION:-10}
WARMUP=${LOADTEST_WARMUP:-1}
CONNS=${LOADTEST_CONNECTIONS:-32}
PIN=${LOADTEST_PIN:-1}
int_in "$DURATION" 1 15 LOADTEST_DURATION
int_in "$WARMUP" 0 5 LOADTEST_WARMUP
int_in "$CONNS" 1 1024 LOADTEST_CONNECTIONS
[[ $PIN == 0 || $PIN == 1 ]] || die "LOADTEST_PIN=$PIN: want 0 or 1"

missing=()
for tool in wrk nginx go; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	die "not found: ${missing[*]}. On Debian install wrk and nginx with:
    apt-get install -y wrk nginx-light     (or nginx)
and Go from https://go.dev/dl/"
fi
((write_docs == 0)) || [[ -f $DOCS ]] || die "$DOCS not found"

CPUS=$(nproc)
SERVER_PIN=() # command prefix placing the servers
LOAD_PIN=()   # command prefix placing wrk
SERVER_ENV=() # extra environment of the Go servers
NGINX_WORKERS=auto
if ((PIN)) && ((CPUS >= 2)) && command -v taskset >/dev/null; then
	SERVER_PIN=(taskset -c 0)
	LOAD_PIN=(taskset -c 1)
	SERVER_ENV=(GOMAXPROCS=1)
	NGINX_WORKERS=1
	THREADS=${LOADTEST_THREADS:-1}
	placement="backend, nginx (worker_processes 1) and gateway (GOMAXPROCS=1) pinned to CPU 0; wrk pinned to CPU 1"
else
	THREADS=${LOADTEST_THREADS:-2}
	placement="nothing pinned; nginx worker_processes auto, Go default GOMAXPROCS"
fi
int_in "$THREADS" 1 64 LOADTEST_THREADS
((THREADS <= CONNS)) || die "LOADTEST_THREADS=$THREADS exceeds LOADTEST_CONNECTIONS=$CONNS"
WRK_ARGS=(-t"$THREADS" -c"$CONNS" --timeout 2s)

# --- processes: every PID started is recorded and stopped on exit ---------

TMP=$(mktemp -d -t gatewaygen-loadtest.XXXXXX) # in $TMPDIR, else the system default
PIDS=()

# ours PID: PID is still a child of this shell (guards against PID reuse).
ours() {
	local ppid
	ppid=$(ps -o ppid= -p "$1" 2>/dev/null) || return 1
	[[ ${ppid// /} == "$$" ]]
}

forget() { # PID: drop from PIDS once it has been waited for
	local keep=() p
	for p in "${PIDS[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

cleanup() {
	local rc=$? pid i
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		ours "$pid" && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		for ((i = 0; i < 50; i++)); do
			ours "$pid" && [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]] || break
			sleep 0.1
		done
		if ours "$pid" && [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]; then
			say "PID $pid ignored SIGTERM for 5 s; sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME CMD...: run CMD in the background, output to $TMP/NAME.log.
# CMD runs as the background child itself (env and taskset exec), so $! is
# its PID. Sets STARTED to that PID.
start() {
	local name=$1
	shift
	"$@" >"$TMP/$name.log" 2>&1 &
	STARTED=$!
	PIDS+=("$STARTED")
}

# port_open PORT: something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port VAR: a port on 127.0.0.1 nothing listens on, not picked before.
PICKED=" "
pick_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 20000))
		[[ $PICKED == *" $p "* ]] && continue
		port_open "$p" && continue
		PICKED+="$p "
		printf -v "$1" %d "$p"
		return 0
	done
	die "found no free port on 127.0.0.1"
}

# wait_ready NAME PID PORT: wait up to 10 s for PID to listen on PORT.
wait_ready() {
	local i
	for ((i = 0; i < 100; i++)); do
		if ! ours "$2" || [[ $(ps -o stat= -p "$2" 2>/dev/null) == Z* ]]; then
			die "$1 exited at start-up:
$(tail -n 20 "$TMP/$1.log")"
		fi
		port_open "$3" && return 0
		sleep 0.1
	done
	die "$1 did not listen on 127.0.0.1:$3 within 10 s:
$(tail -n 20 "$TMP/$1.log")"
}

# status_of PORT METHOD PATH [BODYFILE]: the status code of one request
# (000 if none came within 5 s). Plain bash, so that curl is not needed.
status_of() {
	local port=$1 method=$2 path=$3 body="" line
	[[ -z ${4:-} ]] || body=$(<"$4")
	line=$(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
		{
			printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n' "$method" "$path" "$port"
			if [[ -n $body ]]; then
				printf 'Content-Type: application/json\r\nContent-Length: %d\r\n' "$(printf %s "$body" | wc -c)"
			fi
			printf '\r\n%s' "$body"
		} >&3
		IFS= read -r -t 5 line <&3 || true
		printf %s "$line"
	) 2>/dev/null || true
	line=${line%$'\r'}
	[[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] && echo "${BASH_REMATCH[1]}" || echo 000
}

# --- build ------------------------------------------------------------------

say "building the backend, gatewaygen and the petstore gateway"
go build -o "$TMP/backend" ./scripts/loadtest/backend
go build -o "$TMP/gatewaygen" ./cmd/gatewaygen
"$TMP/gatewaygen" build specs/petstore.yaml -o "$TMP/petstore-gateway" >"$TMP/build.log" 2>&1 ||
	die "gatewaygen build failed:
$(tail -n 30 "$TMP/build.log")"

# --- start the servers ------------------------------------------------------

pick_port BACKEND_PORT
pick_port NGINX_PORT
pick_port GATEWAY_PORT

start backend env "${SERVER_ENV[@]}" "${SERVER_PIN[@]}" "$TMP/backend" -listen "127.0.0.1:$BACKEND_PORT"
wait_ready backend "$STARTED" "$BACKEND_PORT"

# nginx runs as root here when the script does; its worker then runs as
# nobody, which must be able to reach the temp paths (never used for these
# small bodies, but created at start-up).
mkdir -p "$TMP/nginx"
chmod 0755 "$TMP" "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
error_log $TMP/nginx/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    client_body_buffer_size 16k;
    client_body_temp_path $TMP/nginx/client_body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    # fasthttp closes neither side after N requests; nor should nginx.
    keepalive_requests 1000000;
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
EOF
start nginx "${SERVER_PIN[@]}" nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" \
	-g "daemon off; pid $TMP/nginx/nginx.pid;"
wait_ready nginx "$STARTED" "$NGINX_PORT"

start gateway env "${SERVER_ENV[@]}" "${SERVER_PIN[@]}" "$TMP/petstore-gateway" \
	--listen "127.0.0.1:$GATEWAY_PORT" --upstream "pets=http://127.0.0.1:$BACKEND_PORT"
wait_ready gateway "$STARTED" "$GATEWAY_PORT"

# --- cases ------------------------------------------------------------------

# id|via|port|method|path|body file|expected status[|request header]
CASES=(
	"direct_get|backend direct|$BACKEND_PORT|GET|/pets/42||200"
	"nginx_get|nginx|$NGINX_PORT|GET|/pets/42||200"
	"gw_get|gatewaygen|$GATEWAY_PORT|GET|/v1/pets/42||200"
	"direct_post|backend direct|$BACKEND_PORT|POST|/pets|$BODY|200"
	"nginx_post|nginx|$NGINX_PORT|POST|/pets|$BODY|200"
	"gw_post|gatewaygen|$GATEWAY_PORT|POST|/v1/pets|$BODY|200"
	"gw_bad|gatewaygen|$GATEWAY_PORT|GET|/v1/pets/abc||400"
	# listPets is cached (x-gateway cache): served from the cache, then with
	# every request asking for a fresh answer (Cache-Control: no-cache), which
	# goes upstream and is stored again: the cache's best and worst case.
	"gw_list_hit|gatewaygen, cache hit|$GATEWAY_PORT|GET|/v1/pets?limit=10||200"
	"gw_list_miss|gatewaygen, cache refresh|$GATEWAY_PORT|GET|/v1/pets?limit=10||200|Cache-Control: no-cache"
)

for c in "${CASES[@]}"; do
	IFS="|" read -r id via port method path body want _ <<<"$c"
	got=$(status_of "$port" "$method" "$path" "$body")
	[[ $got == "$want" ]] || die "$via: $method $path answered $got, want $want (logs: $(tail -n 5 "$TMP"/*.log))"
done
say "every server answers as expected; $((${#CASES[@]} * (DURATION + WARMUP))) s of load to go"

# run_wrk OUT DURATION PORT METHOD PATH BODYFILE [HEADER]: wrk with the
# shared settings, its output in OUT; fails when wrk does.
run_wrk() {
	local out=$1 duration=$2 port=$3 method=$4 path=$5 body=$6 header=${7:-} pid
	LOADTEST_METHOD=$method LOADTEST_BODY_FILE=$body LOADTEST_HEADER=$header \
		"${LOAD_PIN[@]}" wrk "${WRK_ARGS[@]}" -d"${duration}s" -s "$LUA" "http://127.0.0.1:$port$path" >"$out" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	if ! wait "$pid"; then
		forget "$pid"
		die "wrk failed on $method $path:
$(tail -n 20 "$out")"
	fi
	forget "$pid"
}

declare -A RPS P50 P99 NON2XX SOCKERR
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
for c in "${CASES[@]}"; do
	IFS='|' read -r id via port method path body want header <<<"$c"
	say "$via: $method $path"
	((WARMUP == 0)) || run_wrk "$TMP/warmup.out" "$WARMUP" "$port" "$method" "$path" "$body" "$header"
	run_wrk "$TMP/$id.out" "$DURATION" "$port" "$method" "$path" "$body" "$header"
	line=$(grep '^LOADTEST ' "$TMP/$id.out" | tail -n 1) || die "no LOADTEST line in wrk's output:
$(cat "$TMP/$id.out")"
	declare -A kv=()
	for pair in ${line#LOADTEST }; do
		kv[${pair%%=*}]=${pair#*=}
	done
	for k in requests rps p50_us p99_us connect read write status timeout; do
		[[ ${kv[$k]:-} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "wrk output lacks $k: $line"
	done
	((kv[requests] > 0)) || die "$via: no request completed on $method $path"
	RPS[$id]=${kv[rps]}
	P50[$id]=${kv[p50_us]}
	P99[$id]=${kv[p99_us]}
	NON2XX[$id]=${kv[status]}
	SOCKERR[$id]=$((kv[connect] + kv[read] + kv[write] + kv[timeout]))
	unset kv
done
load_end=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

# --- report -----------------------------------------------------------------

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain -- cmd generator runtime specs 2>/dev/null) ]]; then
	commit+=" with uncommitted changes"
fi
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
report() {
	local c id via port method path body want header request
	echo "- gatewaygen $commit; $(go env GOVERSION);" \
		"$(nginx -v 2>&1 | sed 's/^nginx version: //'); $(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }')"
	echo "- $CPUS CPUs (${cpu_model:-unknown model}), shared; load average ${load_start} before, ${load_end} after"
	echo "- wrk ${WRK_ARGS[*]} -d${DURATION}s after ${WARMUP} s of warm-up per case; $placement"
	echo
	echo "| request | via | req/s | p50 ms | p99 ms | non-2xx | socket errors |"
	echo "|---|---|--:|--:|--:|--:|--:|"
	for c in "${CASES[@]}"; do
		IFS='|' read -r id via port method path body want header <<<"$c"
		request="$method $path"
		[[ -z $header ]] || request+=" ($header)"
		[[ -z $body ]] || request+=" ($(wc -c <"$body" | tr -d ' ') B JSON)"
		[[ $want == 200 ]] || request+=" → $want"
		printf '| %s | %s | %.0f | %s | %s | %s | %s |\n' "$request" "$via" "${RPS[$id]}" \
			"$(ms "${P50[$id]}")" "$(ms "${P99[$id]}")" "${NON2XX[$id]}" "${SOCKERR[$id]}"
	done
	echo
	echo "gatewaygen / nginx (req/s above 1 and latency below 1 favour gatewaygen):"
	echo
	echo "| request | req/s | p50 | p99 |"
	echo "|---|--:|--:|--:|"
	printf '| GET | %s | %s | %s |\n' "$(ratio "${RPS[gw_get]}" "${RPS[nginx_get]}")" \
		"$(ratio "${P50[gw_get]}" "${P50[nginx_get]}")" "$(ratio "${P99[gw_get]}" "${P99[nginx_get]}")"
	printf '| POST | %s | %s | %s |\n' "$(ratio "${RPS[gw_post]}" "${RPS[nginx_post]}")" \
		"$(ratio "${P50[gw_post]}" "${P50[nginx_post]}")" "$(ratio "${P99[gw_post]}" "${P99[nginx_post]}")"
	echo
	echo "gatewaygen's cache, GET /v1/pets?limit=10 served from it / refreshed upstream on every request:"
	echo
	echo "| req/s | p50 | p99 |"
	echo "|--:|--:|--:|"
	printf '| %s | %s | %s |\n' "$(ratio "${RPS[gw_list_hit]}" "${RPS[gw_list_miss]}")" \
		"$(ratio "${P50[gw_list_hit]}" "${P50[gw_list_miss]}")" "$(ratio "${P99[gw_list_hit]}" "${P99[gw_list_miss]}")"
}

warnings=()
for c in "${CASES[@]}"; do
	IFS="|" read -r id via port method path body want _ <<<"$c"
	if [[ $want == 200 && ${NON2XX[$id]} != 0 ]]; then
		warnings+=("$via $method $path: ${NON2XX[$id]} responses were not 2xx; its figures are not comparable")
	fi
	if ((SOCKERR[$id] > 0)); then
		warnings+=("$via $method $path: ${SOCKERR[$id]} socket errors (connect, read, write or timeout)")
	fi
done

out=$(report)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
echo
echo "loadtest results, $when"
echo
echo "$out"
for w in "${warnings[@]}"; do
	echo "WARNING: $w"
done
if ((write_docs)); then
	{
		echo
		echo "### $when"
		echo
		echo "$out"
		for w in "${warnings[@]}"; do
			echo
			echo "Warning: $w."
		done
	} >>"$DOCS"
	say "appended to $DOCS"
fi
