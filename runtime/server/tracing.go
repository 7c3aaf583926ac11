package server

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/spans"
)

// Environment variables of span export (ParseFlags): the OpenTelemetry
// ones, so that a gateway is configured as every other exporter is.
const (
	EnvOTLPEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"        // base URL; /v1/traces is added
	EnvOTLPTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" // the traces URL as it is
	EnvServiceName        = "OTEL_SERVICE_NAME"
	EnvTraceSample        = "GATEWAY_TRACE_SAMPLE"
)

// DefaultTraceSample is the share of new traces recorded when spans are
// exported: OpenTelemetry's default sampler records every one, and the
// bounded queue keeps an overloaded collector from costing requests.
const DefaultTraceSample = 1.0

// tracingEnv reads the environment of span export into cfg.
func tracingEnv(cfg *Config, getenv func(string) string) error {
	if v := strings.TrimSpace(getenv(EnvOTLPEndpoint)); v != "" {
		cfg.OTLPEndpoint = v
	}
	if v := strings.TrimSpace(getenv(EnvOTLPTracesEndpoint)); v != "" {
		cfg.OTLPEndpoint = v
	}
	if v := strings.TrimSpace(getenv(EnvServiceName)); v != "" {
		cfg.ServiceName = v
	}
	if v := strings.TrimSpace(getenv(EnvTraceSample)); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x > 1 {
			return fmt.Errorf("server: %s=%q: want a number from 0 to 1", EnvTraceSample, v)
		}
		cfg.TraceSample = x
	}
	return nil
}

// tracingFlags registers --otlp-endpoint and --trace-sample.
func tracingFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.OTLPEndpoint, "otlp-endpoint", cfg.OTLPEndpoint,
		"`URL` of an OTLP/HTTP collector to export request spans to, e.g. http://127.0.0.1:4318 (/v1/traces is added to a URL without a path); \"\" for none (env "+EnvOTLPEndpoint+", or "+EnvOTLPTracesEndpoint+" as it is)")
	fs.Float64Var(&cfg.TraceSample, "trace-sample", orDefault(cfg.TraceSample, DefaultTraceSample),
		"share `P` of new traces recorded, 0 to 1; a request with a traceparent follows its sampled flag (env "+EnvTraceSample+")")
}

// checkTracing validates span export once flags are parsed.
func checkTracing(cfg Config) error {
	if cfg.TraceSample < 0 || cfg.TraceSample > 1 {
		return fmt.Errorf("server: --trace-sample %v: want a number from 0 to 1", cfg.TraceSample)
	}
	if cfg.OTLPEndpoint != "" {
		if _, err := spans.TracesURL(cfg.OTLPEndpoint); err != nil {
			return fmt.Errorf("server: --otlp-endpoint %w", err)
		}
	}
	return nil
}

// traced wraps h in span recording when cfg names a collector, and returns
// what flushes the spans still queued at exit; h itself, and a no-op,
// when it does not, so that a gateway without export pays nothing.
func traced(cfg Config, h fasthttp.RequestHandler, prog string, stderr io.Writer) (fasthttp.RequestHandler, func(), error) {
	if cfg.OTLPEndpoint == "" {
		return h, func() {}, nil
	}
	service := cfg.ServiceName
	if service == "" {
		service = prog
	}
	tr, err := spans.New(spans.Config{Endpoint: cfg.OTLPEndpoint, Service: service, Sample: cfg.TraceSample})
	if err != nil {
		return nil, nil, err
	}
	u, _ := spans.TracesURL(cfg.OTLPEndpoint)
	fmt.Fprintf(stderr, "%s: exporting spans to %s (new traces sampled at %v)\n", prog, u, cfg.TraceSample)
	return tr.Handler(h), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tr.Close(ctx); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		}
	}, nil
}
