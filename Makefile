# gatewaygen — run `make` or `make help` for the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO       ?= go
FUZZTIME ?= 30s
# The smoke run counts executions rather than seconds: with a duration, Go
# 1.26's fuzz coordinator can report "context deadline exceeded" as a failure
# when the deadline races a worker (go.dev/issue/75804, fixed in Go 1.27).
SMOKETIME ?= 3000x
# Minimizing a new interesting input can hold a smoke run near a minute at 0
# execs/s; the smoke run bounds it (a count, for the same reason).
FUZZMINTIME  ?= 60s
SMOKEMINTIME ?= 2000x
SPECS    := $(wildcard specs/*.yaml)
# The validation benchmarks' fixtures (see docs/validation.md) are generated
# into gen/ as well, so their committed packages stay checked.
BENCH_SPECS := $(wildcard testdata/bench/*.yaml)
BIN      := bin/gatewaygen

.PHONY: help build generate checkgenerate test bench benchcmp oracle loadtest fuzz lint demo clean anomaly-score

help: ## show this help
	@echo "usage: make TARGET"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## (.*)$$/  \1\t\2/' | expand -t 18

build: ## build the CLI into bin/gatewaygen
	$(GO) build -o $(BIN) ./cmd/gatewaygen

generate: build ## regenerate every generated output: gen/<name>/ for specs/ and testdata/bench/, the goldens (whole-API and per-construct), the IDNA tables
	@for spec in $(SPECS) $(BENCH_SPECS); do \
		name=$$(basename "$$spec" .yaml); \
		echo "$(BIN) generate $$spec -o gen/$$name"; \
		$(BIN) generate "$$spec" -o "gen/$$name"; \
	done
	$(GO) test -count=1 -run '^(TestGolden|TestConstructs)$$' ./generator/ -update >/dev/null
	$(GO) generate ./runtime/format/

# GENERATED lists every output that generate writes and git tracks.
GENERATED := gen/ testdata/golden/ testdata/constructs/ runtime/format/idna_tables.go

checkgenerate: generate ## fail when a committed generated output differs from what generate writes
	@git diff --exit-code -- $(GENERATED) || { echo "generated outputs are stale: run make generate and commit the result" >&2; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- $(GENERATED)); \
	if [[ -n "$$untracked" ]]; then \
		echo "untracked generated files (run make generate and commit them):" >&2; \
		echo "$$untracked" >&2; \
		exit 1; \
	fi

test: ## run all tests (-race where it helps), then a short smoke run of every fuzz target
	$(GO) test -race -count=1 -timeout 30m -short ./...
	@# The long tests -short skips (the corpus compile, the JSON Schema Test
	@# Suite, the differential oracle, end to end) build generated gateways
	@# and run them in child processes: -race would only slow the generator.
	@# Each oracle records whether it ran (GATEWAYGEN_ORACLES); the summary
	@# says which did not and why, and fails under CI when one did not.
	@report=$$(mktemp); trap 'rm -f "$$report"' EXIT; status=0; \
	echo "$(GO) test -count=1 -timeout 60m ./cmd/... ./generator/... ./runtime/format/..."; \
	GATEWAYGEN_ORACLES=$$report $(GO) test -count=1 -timeout 60m ./cmd/... ./generator/... ./runtime/format/... || status=$$?; \
	scripts/oracles.sh "$$report" || status=1; \
	exit $$status
	@$(MAKE) fuzz FUZZTIME=$(SMOKETIME) FUZZMINTIME=$(SMOKEMINTIME)

# fuzz finds the targets with `go test -list`, which prints each package's
# matching names followed by an "ok <package>" line.
fuzz: ## fuzz every Fuzz target for FUZZTIME each (default 30s; make test runs 3000 executions each)
	@$(GO) test -list '^Fuzz' ./... \
	| awk '/^Fuzz/ { names[n++] = $$1; next } /^ok / { for (i = 0; i < n; i++) print $$2, names[i]; n = 0 }' \
	| { status=0; while read -r pkg name; do \
		echo "$(GO) test -run '^\$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) $$pkg"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) "$$pkg" </dev/null || status=1; \
	done; exit $$status; }

bench: ## run every benchmark three times, so none rots
	$(GO) test -run '^$$' -bench . -benchtime 3x ./...

# BENCHCMP_TIME=1s BENCHCMP_COUNT=5 for the measurement docs/validation.md
# records; the defaults are a quick look.
BENCHCMP_TIME  ?= 200ms
BENCHCMP_COUNT ?= 1
benchcmp: ## generated validators vs kin-openapi's openapi3filter, side by side in one run, as a ratio table
	$(GO) test -run '^$$' -bench '^Benchmark(Generated|GeneratedValidate|OpenAPI3Filter)$$' -benchmem \
		-benchtime $(BENCHCMP_TIME) -count $(BENCHCMP_COUNT) ./generator/oracle/ \
	| $(GO) run ./scripts/benchcmp

oracle: ## the differential oracle vs openapi3filter, with its agreement tables (about 30 s warm, 2 min cold)
	$(GO) test -count=1 -run '^TestDifferential$$' -v ./generator/oracle/

# LOADTEST_FLAGS=--write-docs also appends the results to docs/performance.md
# and redraws docs/loadtest.svg; --throughput or --idle runs one half only.
# LOADTEST_ROUNDS and friends are described in the script's header.
loadtest: ## the benchmark of record: gatewaygen vs nginx, HAProxy, Caddy, naive fasthttp under wrk, and idle-connection memory, ~5 min (needs wrk, nginx; see docs/performance.md)
	scripts/loadtest/loadtest.sh $(LOADTEST_FLAGS)

lint: ## gofmt (must list nothing), go vet, and no large or binary file tracked
	@scripts/checktracked.sh
	@unformatted=$$(gofmt -l .); \
	if [[ -n "$$unformatted" ]]; then echo "not gofmt'd:" >&2; echo "$$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

demo: build ## serve the petstore gateway in --mock mode on 127.0.0.1:8080, with its portal at /docs/
	@echo "petstore gateway (mock mode) on http://127.0.0.1:8080/v1"
	@echo "developer portal beside it: http://127.0.0.1:8080/docs/   (search, try it, code samples; gatewaygen docs SPEC -o DIR writes it as files)"
	@echo "try, from another terminal:"
	@echo "  curl -s http://127.0.0.1:8080/v1/pets/1"
	@echo "  curl -s 'http://127.0.0.1:8080/v1/pets?limit=500'   # invalid: a 400 problem naming query.limit"
	@echo "security (the DEMO key of specs/petstore-demo-keys.txt, a DEMO token from scripts/demotoken):"
	@echo "  curl -si -X DELETE http://127.0.0.1:8080/v1/pets/1   # 401 with a Bearer challenge"
	@echo "  curl -si -X PUT http://127.0.0.1:8080/v1/pets/1 -H 'X-API-Key: demo-key-petstore-0001' -H 'If-Match: \"v7\"' -H 'Content-Type: application/json' -d '{\"name\":\"Rex\",\"status\":\"sold\"}'"
	@token=$$($(GO) run ./scripts/demotoken); \
	echo "  curl -si -X DELETE http://127.0.0.1:8080/v1/pets/1 -H 'Authorization: Bearer $$token'"; \
	token=$$($(GO) run ./scripts/demotoken -scope pets:write); \
	echo "  curl -si -X DELETE http://127.0.0.1:8080/v1/pets/1 -H 'Authorization: Bearer $$token'   # 403: lacks pets:admin"
	@echo "stop with ^C"
	$(BIN) serve specs/petstore.yaml --mock --listen 127.0.0.1:8080

# generation at scale: GENBENCH_BUILD, GENBENCH_TOP and GENBENCH_GATEWAYGEN
# are described in the script's header.
.PHONY: genbench
genbench: ## time generate and build of every ../shared/specs-corpus document, slowest first (see docs/performance.md)
	scripts/genbench.sh $(GENBENCH_DOCS)

# ANOMALY_SEEDS and ANOMALY_DAYS size the run; docs/anomaly.md records the defaults' table.
ANOMALY_SEEDS ?= 5
ANOMALY_DAYS  ?= 3
anomaly-score: ## replay seeded labeled traces through runtime/anomaly: recall, delay, false alerts, forecast MAPE (worst over seeds)
	$(GO) run ./cmd/anomalyscore -seeds $(ANOMALY_SEEDS) -days $(ANOMALY_DAYS)

clean: ## remove build output
	rm -rf bin/
