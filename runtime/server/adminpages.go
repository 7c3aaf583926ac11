package server

import (
	"sync"

	"github.com/valyala/fasthttp"
)

// PathAnomalies lists a gateway's recent anomaly events (runtime/anomaly/guard).
const PathAnomalies = "/-/anomalies"

// adminPages are pages a generated gateway adds to the admin listener at
// start-up (its anomaly events); the admin listener is the process's, so
// they are the process's too.
var adminPages struct {
	sync.RWMutex
	m map[string]fasthttp.RequestHandler
}

// HandleAdmin serves h at path on the admin listener (GET and HEAD only).
// A later call for the same path replaces the page.
func HandleAdmin(path string, h fasthttp.RequestHandler) {
	adminPages.Lock()
	defer adminPages.Unlock()
	if adminPages.m == nil {
		adminPages.m = map[string]fasthttp.RequestHandler{}
	}
	adminPages.m[path] = h
}

func adminPage(path string) fasthttp.RequestHandler {
	adminPages.RLock()
	defer adminPages.RUnlock()
	return adminPages.m[path]
}
