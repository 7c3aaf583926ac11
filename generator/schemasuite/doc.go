// Package schemasuite measures the generated validators against the
// official JSON Schema Test Suite, which lies beside the repository in
// ../shared/json-schema-test-suite. It has no code of its own: its test puts
// every test schema into an OpenAPI document (draft4 groups into 3.0
// documents, draft2020-12 groups into 3.1 ones) as a request body, runs the
// real generator, builds all the gateways into one test binary and sends
// every test instance through them in mock mode. A 400 means the instance
// was judged invalid.
//
// It never counts a case it could not run as a pass: cases out of OpenAPI's
// scope are listed as skipped with the reason, and cases that fail are
// either fixed or listed in testdata/known-failures.txt with the reason, so
// the test fails on any change in either direction.
package schemasuite
