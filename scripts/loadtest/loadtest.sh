#!/usr/bin/env bash
# The benchmark of record: one fasthttp backend and, one after another, each
# proxy in front of it, driven by wrk over loopback, in interleaved rounds;
# then the memory each proxy takes for many idle keep-alive connections.
# docs/performance.md describes the method and how to read the figures;
# `make loadtest` runs this script.
#
# Usage: scripts/loadtest/loadtest.sh [--write-docs] [--throughput | --idle]
#   --throughput  only the requests/s rounds
#   --idle        only the idle-connection memory measurement
#   --write-docs  also append the results, dated, with the machine and the
#                 command, to docs/performance.md, and draw docs/loadtest.svg
#
# Needs, and does not install (Debian, as root):
#   apt-get install -y wrk nginx-light           # required (or nginx)
#   apt-get install -y haproxy caddy             # optional: skipped if absent
# plus go (it builds the backend, the naive proxy, the idle client, the
# report program, gatewaygen and three gateways) and taskset (util-linux) for
# the CPU placement. It names what is missing and stops, or for haproxy and
# caddy says that their rows are skipped.
#
# Targets, each on its own free port of 127.0.0.1, all in front of the same
# backend (scripts/loadtest/backend, 200 and a fixed 66-byte JSON body):
#   direct    the backend itself: the ceiling, no proxy
#   nginx     proxy_pass, upstream keepalive, one worker
#   haproxy   nbthread 1, http-reuse always, keep-alive
#   caddy     reverse_proxy, GOMAXPROCS=1, admin and logs off
#   naive     scripts/loadtest/naive: fasthttp HostClient.Do, nothing else
#   gw-route  gatewaygen, scripts/loadtest/route.yaml: routing and proxying
#   gw-auth   gatewaygen, scripts/loadtest/auth.yaml: route.yaml's
#             operations behind an API key, nothing else (auth on ÷ off
#             is its row's ratio to gw-route)
#   gw-full   gatewaygen, scripts/loadtest/full.yaml: path and query
#             parameters and JSON body validated, API key, rate limit
# Cases: GET /pets/42?fields=name,status&verbose=true, and POST /pets with the
# 389-byte JSON body of scripts/loadtest/pet.json; every request of every
# target carries the same X-API-Key header, which only gw-auth and gw-full
# check.
#
# Method: after one warm-up run per target and case, LOADTEST_ROUNDS rounds;
# in each, for each case, every target in turn (the order rotated by one each
# round). Before each measured run the script waits (at most
# LOADTEST_QUIET_WAIT s) until the machine was at least LOADTEST_QUIET_IDLE %
# idle over one second, and records the idle share it saw. Each run records
# wrk's requests/s, p50 and p99, and the CPU the proxy, the backend and wrk
# used (utime+stime, % of one core). scripts/loadtest/report prints, per case,
# medians and min–max over rounds, and each row's ratio to direct, nginx and
# naive taken within each round.
#
# Idle mode: each proxy is started afresh, answers one GET, then
# scripts/loadtest/idle opens LOADTEST_IDLE_CONNS connections and sends one
# GET on each; the proxy's RSS (VmRSS, master and workers summed) is read
# before and with them held, giving KiB per idle connection.
#
# Placement, with 2 or more CPUs and taskset (LOADTEST_PIN=1, the default):
# backend and proxy on CPU 0, one worker / nbthread 1 / GOMAXPROCS=1; wrk
# (one thread) and the idle client on CPU 1. Otherwise nothing is pinned and
# every program runs with its own defaults.
#
# Environment (defaults in brackets); with the defaults a whole run takes
# about 5½ minutes on a quiet 2-CPU machine (half a minute of it building;
# the quiet wait may add up to LOADTEST_QUIET_WAIT s per run on a busy one):
#   LOADTEST_ROUNDS        rounds, 1..50                               [5]
#   LOADTEST_DURATION      seconds of each measured run, 1..60         [2]
#   LOADTEST_WARMUP        seconds of each warm-up run, 0..10          [1]
#   LOADTEST_CONNECTIONS   wrk connections                             [32]
#   LOADTEST_THREADS       wrk threads                  [1 pinned, 2 otherwise]
#   LOADTEST_PIN           1 to pin as above when possible, 0 never    [1]
#   LOADTEST_QUIET_IDLE    % of the machine idle that counts as quiet  [90]
#   LOADTEST_QUIET_WAIT    seconds waited at most for quiet, per run   [5]
#   LOADTEST_IDLE_CONNS    idle connections held per proxy             [10000]
#   LOADTEST_TARGETS       comma-separated subset of the targets above [all]
#   LOADTEST_OUT           directory to keep the raw results in (results.tsv,
#                          idle.tsv, report.md, loadtest.svg)          [none]
set -euo pipefail
# Decimal points, not commas, in $EPOCHREALTIME and awk's output.
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

DOCS=docs/performance.md
CHART=docs/loadtest.svg
LUA=scripts/loadtest/wrk.lua
BODY=scripts/loadtest/pet.json
GET_PATH='/pets/42?fields=name,status&verbose=true'
POST_PATH=/pets

die() {
	echo "loadtest: $*" >&2
	exit 1
}
say() { echo "loadtest: $*" >&2; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

# The command as run, for the docs: the LOADTEST_ settings given and the
# arguments.
COMMAND=$(
	env | LC_ALL=C sort | grep -E '^LOADTEST_(ROUNDS|DURATION|WARMUP|CONNECTIONS|THREADS|PIN|QUIET_IDLE|QUIET_WAIT|IDLE_CONNS|TARGETS)=' |
		sed -E "s/^([^=]*)=(.*)$/\1='\2'/" | tr '\n' ' ' || true
)
COMMAND+="scripts/loadtest/loadtest.sh${*:+ $*}"

write_docs=0
do_throughput=1
do_idle=1
for arg in "$@"; do
	case $arg in
	--write-docs) write_docs=1 ;;
	--throughput) do_idle=0 ;;
	--idle) do_throughput=0 ;;
	-h | --help)
		usage
		exit 0
		;;
	*) die "unknown argument $arg (see --help)" ;;
	esac
done
((do_throughput || do_idle)) || die "--throughput and --idle exclude each other; give neither for both"

# --- settings --------------------------------------------------------------

int_in() { # VALUE MIN MAX NAME
	[[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)) || die "$4=$1: want a whole number from $2 to $3"
}

ROUNDS=${LOADTEST_ROUNDS:-5}
DURATION=${LOADTEST_DURATION:-2}
WARMUP=${LOADTEST_WARMUP:-1}
CONNS=${LOADTEST_CONNECTIONS:-32}
PIN=${LOADTEST_PIN:-1}
QUIET_IDLE=${LOADTEST_QUIET_IDLE:-90}
QUIET_WAIT=${LOADTEST_QUIET_WAIT:-5}
IDLE_CONNS=${LOADTEST_IDLE_CONNS:-10000}
int_in "$ROUNDS" 1 50 LOADTEST_ROUNDS
int_in "$DURATION" 1 60 LOADTEST_DURATION
int_in "$WARMUP" 0 10 LOADTEST_WARMUP
int_in "$CONNS" 1 1024 LOADTEST_CONNECTIONS
int_in "$QUIET_IDLE" 0 100 LOADTEST_QUIET_IDLE
int_in "$QUIET_WAIT" 0 60 LOADTEST_QUIET_WAIT
int_in "$IDLE_CONNS" 1 100000 LOADTEST_IDLE_CONNS
[[ $PIN == 0 || $PIN == 1 ]] || die "LOADTEST_PIN=$PIN: want 0 or 1"
if [[ -n ${LOADTEST_OUT:-} ]]; then
	mkdir -p "$LOADTEST_OUT" || die "LOADTEST_OUT=$LOADTEST_OUT: cannot create it"
fi

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

# The targets: slot (the table's row order) | id | label.
ALL_TARGETS=(
	"0|direct|backend direct"
	"1|nginx|nginx proxy_pass"
	"2|haproxy|HAProxy"
	"3|caddy|Caddy reverse_proxy"
	"4|naive|naive fasthttp proxy"
	"5|gw-route|gatewaygen, routing only"
	"6|gw-auth|gatewaygen, API key only"
	"7|gw-full|gatewaygen, full policy"
)
wanted=",${LOADTEST_TARGETS:-direct,nginx,haproxy,caddy,naive,gw-route,gw-auth,gw-full},"
given=${LOADTEST_TARGETS:-}
for t in ${given//,/ }; do
	[[ " direct nginx haproxy caddy naive gw-route gw-auth gw-full " == *" $t "* ]] ||
		die "LOADTEST_TARGETS: unknown target $t (want some of direct,nginx,haproxy,caddy,naive,gw-route,gw-auth,gw-full)"
done
TARGETS=()
skipped=()
for t in "${ALL_TARGETS[@]}"; do
	IFS='|' read -r _ id _ <<<"$t"
	[[ $wanted == *",$id,"* ]] || continue
	case $id in
	haproxy | caddy)
		if ! command -v "$id" >/dev/null; then
			skipped+=("$id (not installed: apt-get install -y $id)")
			continue
		fi
		;;
	esac
	TARGETS+=("$t")
done
for s in "${skipped[@]}"; do
	say "skipping $s"
done
((${#TARGETS[@]})) || die "no target left to measure"
has_target() { [[ " ${TARGETS[*]} " == *"|$1|"* ]]; }

CPUS=$(nproc)
SERVER_PIN=() # command prefix placing the servers
LOAD_PIN=()   # command prefix placing wrk and the idle client
SERVER_ENV=() # extra environment of the Go servers (Caddy included)
WORKERS=auto  # nginx worker_processes
HAPROXY_THREADS=""
if ((PIN)) && ((CPUS >= 2)) && command -v taskset >/dev/null; then
	SERVER_PIN=(taskset -c 0)
	LOAD_PIN=(taskset -c 1)
	SERVER_ENV=(GOMAXPROCS=1)
	WORKERS=1
	HAPROXY_THREADS="nbthread 1"
	THREADS=${LOADTEST_THREADS:-1}
	placement="backend and proxy pinned to CPU 0 (nginx worker_processes 1, HAProxy nbthread 1, Go GOMAXPROCS=1); wrk and the idle client pinned to CPU 1"
else
	THREADS=${LOADTEST_THREADS:-2}
	placement="nothing pinned; every program with its own defaults"
fi
int_in "$THREADS" 1 64 LOADTEST_THREADS
((THREADS <= CONNS)) || die "LOADTEST_THREADS=$THREADS exceeds LOADTEST_CONNECTIONS=$CONNS"
WRK_ARGS=(-t"$THREADS" -c"$CONNS" --timeout 2s)
CLK_TCK=$(getconf CLK_TCK)

# The idle client and the proxy each hold one descriptor per connection.
if ((do_idle)); then
	need=$((IDLE_CONNS + 1024))
	hard=$(ulimit -Hn)
	if [[ $hard != unlimited ]] && ((hard < need)); then
		msg="LOADTEST_IDLE_CONNS=$IDLE_CONNS needs $need open files, the hard limit (ulimit -Hn) is $hard"
		((do_throughput)) || die "$msg"
		say "$msg: skipping the idle-connection measurement"
		do_idle=0
	elif [[ $(ulimit -n) != unlimited ]] && (($(ulimit -n) < need)); then
		ulimit -n "$need"
	fi
fi
MAXCONN=$((IDLE_CONNS + 1024)) # every proxy's connection limit, in both modes
# The open files a proxy may ask for: two per connection (client and
# upstream side) where the hard limit allows; HAProxy refuses to start when
# it cannot raise its limit as far as its maxconn implies, and needs less
# here (idle connections have no upstream side).
FD_LIMIT=$((MAXCONN * 2 + 64))
if [[ $(ulimit -Hn) != unlimited ]] && (($(ulimit -Hn) < FD_LIMIT)); then
	FD_LIMIT=$(ulimit -Hn)
fi
# HAProxy reserves two descriptors per connection of its maxconn, whether
# used or not, and will not start unless the limit covers them all; so it
# may hold fewer idle connections than the others (the report shows how
# many each held, and KiB per connection stays comparable).
HAPROXY_MAXCONN=$(((FD_LIMIT - 64) / 2))
((HAPROXY_MAXCONN <= MAXCONN)) || HAPROXY_MAXCONN=$MAXCONN

# --- processes: every PID started is recorded and stopped on exit ---------

TMP=$(mktemp -d -t gatewaygen-loadtest.XXXXXX) # in $TMPDIR, else the system default
PIDS=()
T_START=$SECONDS

# ours PID: PID is still a child of this shell (guards against PID reuse).
ours() {
	local ppid
	ppid=$(ps -o ppid= -p "$1" 2>/dev/null) || return 1
	[[ ${ppid// /} == "$$" ]]
}

alive() { ours "$1" && [[ $(ps -o stat= -p "$1" 2>/dev/null) != Z* ]]; }

forget() { # PID: drop from PIDS once it has been waited for
	local keep=() p
	for p in "${PIDS[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# stop PID: SIGTERM, then SIGKILL after 5 s; reaps it.
stop() {
	local i
	if alive "$1"; then
		kill -TERM "$1" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			alive "$1" || break
			sleep 0.1
		done
		if alive "$1"; then
			say "PID $1 ignored SIGTERM for 5 s; sending SIGKILL"
			kill -KILL "$1" 2>/dev/null || true
		fi
	fi
	wait "$1" 2>/dev/null || true
	forget "$1"
}

cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	exec 7>&- 2>/dev/null || true
	for pid in "${PIDS[@]}"; do
		ours "$pid" && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		stop "$pid"
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
	: >"$TMP/$name.log" # exists at once, for whoever reads it next
	"$@" >"$TMP/$name.log" 2>&1 &
	STARTED=$!
	PIDS+=("$STARTED")
}

# port_open PORT: something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port VAR: a port of 127.0.0.1 that no socket uses, below the
# ephemeral range (a port in it may be taken by an outgoing connection's
# TIME_WAIT at any moment, and bind would then fail), not picked before.
PICKED=" "
EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
pick_port() {
	local p i hex lo=10000 hi=$((EPHEMERAL_LOW - 1))
	((hi > lo + 1000)) || hi=$((lo + 20000))
	for ((i = 0; i < 200; i++)); do
		p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
		[[ $PICKED == *" $p "* ]] && continue
		printf -v hex ':%04X ' "$p"
		grep -qF "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null && continue
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
		alive "$2" || die "$1 exited at start-up:
$(tail -n 20 "$TMP/$1.log")"
		port_open "$3" && return 0
		sleep 0.1
	done
	die "$1 did not listen on 127.0.0.1:$3 within 10 s:
$(tail -n 20 "$TMP/$1.log")"
}

# status_of PORT METHOD PATH [BODYFILE [HEADER]]: the status code of one
# request (000 if none came within 5 s). Plain bash, so that curl is not
# needed.
status_of() {
	local port=$1 method=$2 path=$3 body="" header=${5:-} line
	[[ -z ${4:-} ]] || body=$(<"$4")
	line=$(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
		{
			printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n' "$method" "$path" "$port"
			[[ -z $header ]] || printf '%s\r\n' "$header"
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

# tree PID: PID and its children (an nginx master's workers).
tree() {
	echo "$1"
	ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true
}

# cpu_ticks PID...: utime+stime of the processes, in clock ticks. The fields
# are counted after the ")" that ends the command name, which may hold spaces.
cpu_ticks() {
	local pid sum=0 rest f
	for pid in "$@"; do
		rest=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		rest=${rest##*) }
		read -r -a f <<<"$rest"
		sum=$((sum + f[11] + f[12]))
	done
	echo "$sum"
}

# rss_kib PID...: the VmRSS of the processes, summed, in KiB.
rss_kib() {
	local pid sum=0 v
	for pid in "$@"; do
		v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# machine_idle: the share of the whole machine idle (idle + iowait) over
# the next second, in percent.
machine_idle() {
	local a b
	read -r -a a </proc/stat
	sleep 1
	read -r -a b </proc/stat
	local busy=0 idle=0 i d
	for i in 1 2 3 6 7 8; do # user nice system irq softirq steal
		busy=$((busy + b[i] - a[i]))
	done
	for i in 4 5; do # idle iowait
		idle=$((idle + b[i] - a[i]))
	done
	d=$((busy + idle))
	((d > 0)) || d=1
	echo $((idle * 100 / d))
}

# quiet: wait, at most QUIET_WAIT s beyond the first second's sample, for a
# second in which the machine was QUIET_IDLE % idle. Sets IDLE_SEEN.
quiet() {
	local waited=0
	while :; do
		IDLE_SEEN=$(machine_idle)
		((IDLE_SEEN >= QUIET_IDLE || waited >= QUIET_WAIT)) && return 0
		waited=$((waited + 1))
	done
}

# --- build ------------------------------------------------------------------

say "building the backend, the naive proxy, the idle client, the report program, gatewaygen and three gateways"
for prog in backend naive idle report; do
	go build -o "$TMP/$prog" "./scripts/loadtest/$prog"
done
if has_target gw-route || has_target gw-auth || has_target gw-full; then
	go build -o "$TMP/gatewaygen" ./cmd/gatewaygen
	for spec in route auth full; do
		has_target "gw-$spec" || continue
		"$TMP/gatewaygen" build "scripts/loadtest/$spec.yaml" -o "$TMP/gw-$spec" >"$TMP/build-$spec.log" 2>&1 ||
			die "gatewaygen build scripts/loadtest/$spec.yaml failed:
$(tail -n 30 "$TMP/build-$spec.log")"
	done
fi
say "built in $((SECONDS - T_START)) s"

# --- targets ----------------------------------------------------------------

API_KEY=lt-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
KEY_HEADER="X-API-Key: $API_KEY"

pick_port BACKEND_PORT
start backend env "${SERVER_ENV[@]}" "${SERVER_PIN[@]}" "$TMP/backend" -listen "127.0.0.1:$BACKEND_PORT"
BACKEND_PID=$STARTED
wait_ready backend "$BACKEND_PID" "$BACKEND_PORT"

# start_target ID NAME PORT: start target ID, logging to $TMP/NAME.log, on
# PORT; waits until it listens. Sets STARTED (the direct target is the
# backend itself and starts nothing).
start_target() {
	local id=$1 name=$2 port=$3 dir=$TMP/$2
	case $id in
	nginx)
		# nginx runs as root here when the script does; its worker then runs
		# as nobody, which must reach the temp paths (unused by these small
		# bodies, but created at start-up).
		mkdir -p "$dir"
		chmod 0755 "$TMP" "$dir"
		cat >"$dir/nginx.conf" <<EOF
worker_processes $WORKERS;
worker_rlimit_nofile $FD_LIMIT;
error_log $dir/error.log warn;
events {
    worker_connections $MAXCONN;
}
http {
    access_log off;
    client_body_buffer_size 16k;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    # fasthttp closes neither side after N requests; nor should nginx.
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
EOF
		start "$name" "${SERVER_PIN[@]}" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" \
			-g "daemon off; pid $dir/nginx.pid;"
		;;
	haproxy)
		mkdir -p "$dir"
		cat >"$dir/haproxy.cfg" <<EOF
global
    $HAPROXY_THREADS
    maxconn $HAPROXY_MAXCONN
    ulimit-n $FD_LIMIT
defaults
    mode http
    option http-keep-alive
    option forwardfor
    http-reuse always
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-keep-alive 120s
frontend load
    bind 127.0.0.1:$port
    default_backend backend
backend backend
    server backend 127.0.0.1:$BACKEND_PORT
EOF
		# -db: foreground, one process (no master-worker).
		start "$name" "${SERVER_PIN[@]}" haproxy -db -f "$dir/haproxy.cfg"
		;;
	caddy)
		mkdir -p "$dir"
		cat >"$dir/Caddyfile" <<EOF
{
	admin off
	auto_https off
	log {
		output discard
	}
}
http://127.0.0.1:$port {
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:$BACKEND_PORT {
		transport http {
			keepalive 120s
			keepalive_idle_conns 256
			keepalive_idle_conns_per_host 256
		}
	}
}
EOF
		# Caddy keeps state under HOME/XDG directories: the temporary ones.
		start "$name" env "${SERVER_ENV[@]}" HOME="$dir" XDG_CONFIG_HOME="$dir" XDG_DATA_HOME="$dir" \
			"${SERVER_PIN[@]}" caddy run --config "$dir/Caddyfile" --adapter caddyfile
		;;
	naive)
		start "$name" env "${SERVER_ENV[@]}" "${SERVER_PIN[@]}" "$TMP/naive" \
			-listen "127.0.0.1:$port" -upstream "127.0.0.1:$BACKEND_PORT"
		;;
	gw-route | gw-auth | gw-full)
		start "$name" env "${SERVER_ENV[@]}" LOADTEST_API_KEYS="bench:$API_KEY" "${SERVER_PIN[@]}" "$TMP/$id" \
			--listen "127.0.0.1:$port" --upstream "backend=http://127.0.0.1:$BACKEND_PORT" \
			--admin off --access-log off --max-conns "$MAXCONN"
		;;
	*) die "start_target: unknown target $id" ;;
	esac
	wait_ready "$name" "$STARTED" "$port"
}

# check_target ID PORT: one request of each case answers 200, and the full
# policy is in force (no key: 401; a bad query or body: 400).
check_target() {
	local id=$1 port=$2 got want code method path header body
	got=$(status_of "$port" GET "$GET_PATH" "" "$KEY_HEADER")
	[[ $got == 200 ]] || die "$id: GET $GET_PATH answered $got, want 200 (log: $(tail -n 5 "$TMP/$id.log"))"
	got=$(status_of "$port" POST "$POST_PATH" "$BODY" "$KEY_HEADER")
	[[ $got == 200 ]] || die "$id: POST $POST_PATH answered $got, want 200 (log: $(tail -n 5 "$TMP/$id.log"))"
	local wants=()
	case $id in
	gw-auth) wants=("401 GET $GET_PATH -" "401 POST $POST_PATH -") ;;
	gw-full) wants=("401 GET $GET_PATH -" "400 GET /pets/42?fields=colour $KEY_HEADER" "400 POST $POST_PATH $KEY_HEADER") ;;
	*) return 0 ;;
	esac
	printf '%s' '{"name":"Rex","status":"lost"}' >"$TMP/bad.json"
	for want in "${wants[@]}"; do
		read -r code method path header <<<"$want"
		[[ $header == - ]] && header=""
		body=""
		[[ $method == POST ]] && body=$TMP/bad.json
		got=$(status_of "$port" "$method" "$path" "$body" "$header")
		[[ $got == "$code" ]] || die "$id: $method $path (${header:-no key}) answered $got, want $code: the policy is not in force"
	done
}

# --- throughput ---------------------------------------------------------------

load_start=$(cut -d' ' -f1 /proc/loadavg)

# run_wrk OUT DURATION PORT METHOD PATH BODYFILE: wrk with the shared
# settings, its output in OUT; fails when wrk does.
run_wrk() {
	local out=$1 duration=$2 port=$3 method=$4 path=$5 body=$6 pid
	LOADTEST_METHOD=$method LOADTEST_BODY_FILE=$body LOADTEST_HEADER=$KEY_HEADER \
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

declare -A PORT PID
RESULTS=$TMP/results.tsv
if ((do_throughput)); then
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r _ id _ <<<"$t"
		if [[ $id == direct ]]; then
			PORT[$id]=$BACKEND_PORT
			PID[$id]=""
		else
			pick_port "PORT[$id]"
			start_target "$id" "$id" "${PORT[$id]}"
			PID[$id]=$STARTED
		fi
		check_target "$id" "${PORT[$id]}"
	done
	say "every target answers as expected"

	CASES=("GET|$GET_PATH|" "POST|$POST_PATH|$BODY")
	case_name() { # METHOD PATH BODY
		if [[ -n $3 ]]; then
			echo "$1 $2 ($(wc -c <"$3" | tr -d ' ') B JSON)"
		else
			echo "$1 $2"
		fi
	}
	n=${#TARGETS[@]}
	per_run=$((DURATION + 1))
	say "${#TARGETS[@]} targets × ${#CASES[@]} cases: warm-up, then $ROUNDS rounds of ${DURATION} s runs; about $((n * ${#CASES[@]} * (WARMUP + ROUNDS * per_run) + 5)) s if the machine is quiet"
	if ((WARMUP)); then
		for c in "${CASES[@]}"; do
			IFS='|' read -r method path body <<<"$c"
			for t in "${TARGETS[@]}"; do
				IFS='|' read -r _ id _ <<<"$t"
				run_wrk "$TMP/warmup.out" "$WARMUP" "${PORT[$id]}" "$method" "$path" "$body"
			done
		done
	fi

	printf 'round\tcase\tslot\ttarget\tlabel\trps\tp50_us\tp99_us\tnon2xx\tsockerr\tcpu_proxy\tcpu_backend\tcpu_wrk\tidle_before\n' >"$RESULTS"
	for ((round = 1; round <= ROUNDS; round++)); do
		for c in "${CASES[@]}"; do
			IFS='|' read -r method path body <<<"$c"
			cname=$(case_name "$method" "$path" "$body")
			for ((k = 0; k < n; k++)); do
				# Rotated by one each round, so that no target always runs
				# first (or right after the same neighbour).
				t=${TARGETS[$(((k + round - 1) % n))]}
				IFS='|' read -r slot id label <<<"$t"
				quiet
				proxy_pids=()
				[[ -z ${PID[$id]} ]] || mapfile -t proxy_pids < <(tree "${PID[$id]}")
				p0=$(cpu_ticks "${proxy_pids[@]}")
				b0=$(cpu_ticks "$BACKEND_PID")
				w0=$EPOCHREALTIME
				run_wrk "$TMP/run.out" "$DURATION" "${PORT[$id]}" "$method" "$path" "$body"
				w1=$EPOCHREALTIME
				p1=$(cpu_ticks "${proxy_pids[@]}")
				b1=$(cpu_ticks "$BACKEND_PID")
				line=$(grep '^LOADTEST ' "$TMP/run.out" | tail -n 1) || die "no LOADTEST line in wrk's output:
$(cat "$TMP/run.out")"
				declare -A kv=()
				for pair in ${line#LOADTEST }; do
					kv[${pair%%=*}]=${pair#*=}
				done
				for key in requests rps p50_us p99_us connect read write status timeout cpu_s duration_us; do
					[[ ${kv[$key]:-} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "wrk output lacks $key: $line"
				done
				((kv[requests] > 0)) || die "$label: no request completed on $method $path"
				cpu_proxy=-
				[[ -z ${PID[$id]} ]] || cpu_proxy=$(awk -v t="$((p1 - p0))" -v hz="$CLK_TCK" -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", t / hz / (b - a) * 100 }')
				cpu_backend=$(awk -v t="$((b1 - b0))" -v hz="$CLK_TCK" -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", t / hz / (b - a) * 100 }')
				cpu_wrk=$(awk -v s="${kv[cpu_s]}" -v d="${kv[duration_us]}" 'BEGIN { printf "%.1f", s / (d / 1e6) * 100 }')
				printf '%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n' "$round" "$cname" "$slot" "$id" "$label" \
					"${kv[rps]}" "${kv[p50_us]}" "${kv[p99_us]}" "${kv[status]}" \
					"$((kv[connect] + kv[read] + kv[write] + kv[timeout]))" \
					"$cpu_proxy" "$cpu_backend" "$cpu_wrk" "$IDLE_SEEN" >>"$RESULTS"
				say "round $round/$ROUNDS, $method, $label: $(printf '%.0f' "${kv[rps]}") req/s (machine ${IDLE_SEEN}% idle before)"
				unset kv
			done
		done
	done
	# The measured instances are done with; the idle mode starts its own.
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r _ id _ <<<"$t"
		[[ -z ${PID[$id]} ]] || stop "${PID[$id]}"
	done
fi

# --- idle connections ---------------------------------------------------------

IDLE=$TMP/idle.tsv
idle_notes=()
if ((do_idle)); then
	printf 'slot\ttarget\tlabel\tconns\trss_before_kib\trss_after_kib\n' >"$IDLE"
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r slot id label <<<"$t"
		[[ $id != direct ]] || continue
		want=$IDLE_CONNS
		if [[ $id == haproxy ]] && ((want > HAPROXY_MAXCONN - 16)); then
			want=$((HAPROXY_MAXCONN - 16))
			idle_notes+=("HAProxy held $want idle connections, not $IDLE_CONNS: its maxconn needs two open files per connection, and the hard limit is $FD_LIMIT")
		fi
		pick_port port
		start_target "$id" "$id-idle" "$port"
		pid=$STARTED
		got=$(status_of "$port" GET "$GET_PATH" "" "$KEY_HEADER")
		[[ $got == 200 ]] || die "$label: GET $GET_PATH answered $got, want 200"
		sleep 0.5
		mapfile -t pids < <(tree "$pid")
		before=$(rss_kib "${pids[@]}")
		# The client holds its connections until its standard input, a FIFO
		# this shell keeps open (read-write, so that neither open blocks),
		# reaches its end: the client itself must not inherit that writer.
		rm -f "$TMP/idle.in"
		mkfifo "$TMP/idle.in"
		exec 7<>"$TMP/idle.in"
		start "idle-client-$id" "${LOAD_PIN[@]}" "$TMP/idle" -addr "127.0.0.1:$port" -n "$want" \
			-path "$GET_PATH" -header "$KEY_HEADER" <"$TMP/idle.in" 7>&-
		client=$STARTED
		for ((i = 0; i < 1200; i++)); do
			grep -q '^ready ' "$TMP/idle-client-$id.log" && break
			alive "$client" || break
			sleep 0.1
		done
		held=$(awk '/^ready / { print $2 }' "$TMP/idle-client-$id.log")
		[[ $held == "$want" ]] || die "$label: the idle client held ${held:-no} connections of $want:
$(tail -n 5 "$TMP/idle-client-$id.log")"
		# Idle connections are long-lived: the reading is the steady state.
		# nginx is there at once; a Go proxy once its collector has taken
		# what the burst of requests left (gatewaygen collects 5 s after a
		# burst of connections has parked: runtime/server/parkgc.go; the
		# others at the runtime's next collection).
		sleep 8
		mapfile -t pids < <(tree "$pid")
		after=$(rss_kib "${pids[@]}")
		exec 7>&-
		for ((i = 0; i < 50; i++)); do # it closes its connections and exits
			alive "$client" || break
			sleep 0.1
		done
		stop "$client"
		stop "$pid"
		printf '%d\t%s\t%s\t%d\t%d\t%d\n' "$slot" "$id" "$label" "$held" "$before" "$after" >>"$IDLE"
		say "$label: RSS $((before / 1024)) MiB, $((after / 1024)) MiB with $held idle connections"
	done
fi
load_end=$(cut -d' ' -f1 /proc/loadavg)

# --- report -----------------------------------------------------------------

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain -- cmd generator runtime scripts/loadtest 2>/dev/null) ]]; then
	commit+=" with uncommitted changes"
fi
when=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
versions="$(go env GOVERSION); $(nginx -v 2>&1 | sed 's/^nginx version: //')"
! has_target haproxy || versions+="; HAProxy $(haproxy -v 2>/dev/null | awk 'NR == 1 { print $3 }')"
! has_target caddy || versions+="; Caddy $(caddy version 2>/dev/null | awk '{ print $1 }')"
versions+="; $({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $1, $2 }')" # wrk -v exits 1

report_args=()
((do_idle)) && report_args+=(-idle "$IDLE")
if ((do_throughput)); then
	report_args+=(-svg "$TMP/loadtest.svg" -title "$when, gatewaygen $commit, $ROUNDS rounds of ${DURATION} s, $CPUS CPUs (${cpu_model:-unknown model})" "$RESULTS")
fi
tables=$("$TMP/report" "${report_args[@]}") || die "the report program failed"

out=$(
	echo "- gatewaygen $commit; $versions"
	echo "- $CPUS CPUs (${cpu_model:-unknown model}); load average $load_start before, $load_end after"
	echo "- \`$COMMAND\` ($((SECONDS - T_START)) s)"
	if ((do_throughput)); then
		echo "- wrk ${WRK_ARGS[*]} -d${DURATION}s, $ROUNDS rounds after ${WARMUP} s of warm-up per target and case; quiet wait: ≥ ${QUIET_IDLE}% idle, at most ${QUIET_WAIT} s; $placement"
	fi
	((do_idle == 0)) || echo "- idle connections: $IDLE_CONNS per proxy, one GET each, RSS read 8 s after the last opened (the steady state)"
	if ((${#skipped[@]})); then
		printf -- '- not measured: %s' "${skipped[0]}"
		for s in "${skipped[@]:1}"; do
			printf '; %s' "$s"
		done
		echo
	fi
	for note in "${idle_notes[@]}"; do
		echo "- $note"
	done
	echo
	echo "$tables"
)
echo
echo "loadtest results, $when"
echo
echo "$out"
if [[ -n ${LOADTEST_OUT:-} ]]; then
	for f in "$RESULTS" "$IDLE" "$TMP/loadtest.svg"; do
		[[ ! -f $f ]] || cp "$f" "$LOADTEST_OUT/"
	done
	echo "$out" >"$LOADTEST_OUT/report.md"
	say "raw results kept in $LOADTEST_OUT"
fi
if ((write_docs)); then
	{
		echo
		echo "### $when"
		echo
		echo "$out"
		if [[ -f $TMP/loadtest.svg ]]; then
			echo
			echo "Chart of this run: [loadtest.svg](loadtest.svg), until a later \`--write-docs\` run redraws it (its subtitle names its run)."
		fi
	} >>"$DOCS"
	if [[ -f $TMP/loadtest.svg ]]; then
		cp "$TMP/loadtest.svg" "$CHART"
		say "appended to $DOCS; chart in $CHART"
	else
		say "appended to $DOCS"
	fi
fi
say "done in $((SECONDS - T_START)) s"
