-- wrk script for scripts/loadtest/loadtest.sh.
--
-- The request is configured from the environment, so that one script serves
-- every run:
--   LOADTEST_METHOD     request method (default GET)
--   LOADTEST_BODY_FILE  file whose bytes are the request body, sent as
--                       application/json (default: no body)
--   LOADTEST_HEADER     one extra request header, "Name: value"
--
-- done() prints one machine-readable line, which the shell script parses
-- instead of wrk's human-readable summary (latencies in microseconds):
--   LOADTEST requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N max_us=N
--            connect=N read=N write=N status=N timeout=N cpu_s=F
-- where status counts responses that are not 2xx or 3xx, and cpu_s is the
-- CPU time wrk itself used, all threads (os.clock is C's clock(), process
-- CPU time on Linux): the load generator's side of the CPU figures.

local method = os.getenv("LOADTEST_METHOD")
if method and method ~= "" then
  wrk.method = method
end

local header = os.getenv("LOADTEST_HEADER")
if header and header ~= "" then
  local name, value = header:match("^([^:]+):%s*(.*)$")
  assert(name, "LOADTEST_HEADER: want Name: value")
  wrk.headers[name] = value
end

local body_file = os.getenv("LOADTEST_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "LOADTEST requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d cpu_s=%.3f\n",
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, os.clock()))
end
