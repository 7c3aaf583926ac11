package oracle

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
	"github.com/gatewaygen/gatewaygen/generator/internal/testfs"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

// corpusSample are the documents of the shared corpus the oracle compares
// on, chosen for variety: 3.0 and 3.1, path/query/header parameters with
// enums, patterns and bounds, nested JSON bodies with allOf and
// additionalProperties, form bodies, discriminators (linode, betfair,
// bitbucket's allOf inheritance), oneOf parameters (discord), Swagger 2.0
// conversions (docker), a property whose function name a named schema also
// has (sendgrid's conditions), parameters with allOf (svix), and large APIs
// capped by corpusMaxCases.
var corpusSample = []string{
	"oai-examples/v3.0-petstore-expanded.yaml",
	"oai-examples/v3.0-uspto.yaml",
	"oai-examples/v3.1-tictactoe.yaml",
	"paypal/checkout_orders_v2.json",
	"xero/xero_assets.yaml",
	"apis-guru/1password.com__events.json",
	"twilio/twilio_verify_v2.yaml",
	"spotify/fixed-spotify-open-api.yml",
	"apis-guru/linode.com.json",
	"discord/openapi.json",
	"apis-guru/bitbucket.org.json",
	"apis-guru/docker.com__engine.json",
	"apis-guru/betfair.com.json",
	"apis-guru/meraki.com.json",
	"apis-guru/sendgrid.com.json",
	"apis-guru/mastodon.local.json",
	"twilio/twilio_messaging_v1.yaml",
	"apis-guru/svix.com.json",
}

// ORACLE_CORPUS names a file listing other corpus documents to compare on
// instead (paths relative to the corpus, one per line), for a sweep.

// corpusMaxCases bounds the requests sent per corpus document, which keeps
// the whole test within a couple of minutes on two shared cores.
const corpusMaxCases = 400

// corpusDir is the shared corpus, which lies beside the repository in CI.
// Without it (and outside CI, where that is a failure) the test goes on with
// the compiled and golden documents, and records the corpus part as skipped.
func corpusDir(t *testing.T) (string, bool) {
	var dir string
	ok := t.Run("corpus", func(t *testing.T) {
		dir = oracledata.Shared(t, "differential-corpus", "specs-corpus")
	})
	return dir, ok && dir != ""
}

// goldenDocs are documents of testdata/golden that exercise what the
// corpus sample seldom does: every parameter style and explode value
// (params31, and parameters typed by anyOf/oneOf/allOf in paramshapes31),
// bodies that are not JSON (bodies31) and form, */* and multipart bodies
// shaped as Stripe's and Jira's (realbodies30). They are generated, built
// and served like the corpus documents, with or without the corpus.
var goldenDocs = []string{"params31", "bodies31", "paramshapes31", "realbodies30"}

// compareCorpus generates a gateway for each golden document and each
// sampled corpus document into one temporary module, builds each with go
// build, serves it in --mock mode on loopback and compares it with
// openapi3filter over real sockets.
func compareCorpus(t *testing.T, knowns []*known) []*docResult {
	if testing.Short() {
		t.Log("-short: golden and corpus documents not compared (they are generated, built and served)")
		return nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Run("corpus", func(t *testing.T) {
			oracledata.Record(t, "differential-corpus")
			oracledata.Missing(t, "no go command on PATH: golden and corpus documents not compared")
		})
		return nil
	}
	type doc struct{ name, spec string }
	var docs []doc
	for _, g := range goldenDocs {
		if os.Getenv("ORACLE_CORPUS") != "" {
			// A sweep is about the documents it lists; the golden ones
			// take a build each and are compared by every plain run.
			break
		}
		docs = append(docs, doc{"golden:" + g, filepath.Join("..", "..", "testdata", "golden", g, "spec.yaml")})
	}
	if dir, ok := corpusDir(t); ok {
		sample := corpusSample
		if list := os.Getenv("ORACLE_CORPUS"); list != "" {
			// A sweep over other documents of the corpus, without editing
			// the committed sample: their paths, one per line, in the file.
			b, err := os.ReadFile(list)
			if err != nil {
				t.Fatalf("ORACLE_CORPUS: %v", err)
			}
			sample = strings.Fields(string(b))
			t.Logf("ORACLE_CORPUS: comparing on the %d documents listed in %s instead of the sample", len(sample), list)
		}
		for _, rel := range sample {
			docs = append(docs, doc{"corpus:" + rel, filepath.Join(dir, filepath.FromSlash(rel))})
		}
	}
	const mod = "oraclegw"
	out := t.TempDir()
	if m, _, ok, _ := module.Locate(out); ok && m == generator.RepoModule {
		t.Run("corpus", func(t *testing.T) {
			oracledata.Missing(t, "the temporary directory is inside "+m+": golden and corpus documents not compared")
		})
		return nil
	}
	files, err := module.Files(mod)
	if err != nil {
		t.Fatal(err)
	}
	testfs.Write(t, out, files)
	bins := t.TempDir()

	var results []*docResult
	for i, d := range docs {
		name, spec := d.name, d.spec
		pkg := "p" + strconv.Itoa(i)
		res, err := generator.Generate(generator.Options{Spec: spec, ImportPath: mod + "/" + pkg, RuntimeImport: mod + "/runtime"})
		if err != nil {
			t.Logf("%s does not generate, not compared: %.200s", name, err)
			continue
		}
		cmdDir := ""
		sub := map[string][]byte{}
		for f, b := range res.Files {
			sub[pkg+"/"+f] = b
			if strings.HasPrefix(f, "cmd/") && strings.HasSuffix(f, "/main.go") {
				cmdDir = pkg + "/" + strings.TrimSuffix(f, "/main.go")
			}
		}
		testfs.Write(t, out, sub)
		bin := filepath.Join(bins, pkg)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./"+cmdDir)
		cmd.Dir = out
		cmd.Env = append(plainGoEnv(), "GOWORK=off", "GOPROXY=off")
		b, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("%s: the generated gateway does not build: %v\n%s", name, err, b)
			continue
		}
		doc, base, err := loadKin(spec)
		if err != nil {
			t.Logf("%s: kin-openapi cannot load it, not compared: %v", name, err)
			continue
		}
		cr := heldAuth(t, doc)
		gw := startGateway(t, bin, base, cr.args...)
		results = append(results, compareDoc(t, name, doc, base, gw, cr, knowns, corpusMaxCases))
		gw.stop()
		// A sweep builds a binary per document, tens of megabytes each,
		// which need not wait for the end of the test.
		_ = os.Remove(bin)
	}
	return results
}

// plainGoEnv is the environment without any -mod flag in GOFLAGS, which a
// standalone module must not need.
func plainGoEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			var keep []string
			for _, f := range strings.Fields(v) {
				if !strings.HasPrefix(f, "-mod=") {
					keep = append(keep, f)
				}
			}
			kv = "GOFLAGS=" + strings.Join(keep, " ")
		}
		env = append(env, kv)
	}
	return env
}

// remote is a gateway binary serving on loopback in mock mode.
type remote struct {
	addr   string
	base   string
	cmd    *exec.Cmd
	exited chan struct{}
	client *fasthttp.Client
}

// startGateway runs bin --mock on a free loopback port and waits until it
// accepts connections; the process is killed by its PID when the test ends
// if stop has not run before.
func startGateway(t *testing.T, bin, base string, args ...string) *remote {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out strings.Builder
	cmd := exec.Command(bin, append([]string{"--mock", "--listen", addr}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g := &remote{addr: addr, base: base, cmd: cmd, exited: make(chan struct{}), client: &fasthttp.Client{}}
	go func() { _ = cmd.Wait(); close(g.exited) }()
	t.Cleanup(g.stop)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return g
		}
		select {
		case <-g.exited:
			t.Fatalf("gateway %s exited before accepting connections:\n%s", bin, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("gateway %s does not accept connections on %s", bin, addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (g *remote) stop() {
	select {
	case <-g.exited:
		return
	default:
	}
	_ = g.cmd.Process.Kill()
	<-g.exited
}

func (g *remote) do(r *req) verdict {
	hreq, hres := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(hreq)
	defer fasthttp.ReleaseResponse(hres)
	r.write(hreq, "http://"+g.addr+r.uri(g.base))
	if err := g.client.DoTimeout(hreq, hres, 10*time.Second); err != nil {
		return verdict{other: true, detail: err.Error()}
	}
	return genVerdict(hres.StatusCode(), hres.Body())
}
