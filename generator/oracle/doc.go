// Package oracle holds no code of its own: its tests measure and check the
// generated validators against kin-openapi's openapi3filter, the reference
// interpreter of an OpenAPI document (DESIGN.md, "Correctness oracles").
//
//   - bench_test.go: the generated gateways of testdata/bench beside
//     openapi3filter.ValidateRequest on the same requests; make benchcmp
//     prints the ratio table that docs/validation.md records.
//   - oracle_test.go: TestDifferential synthesizes valid requests from each
//     operation's schemas, mutates them, and runs every request through both
//     validators; a disagreement fails the test unless
//     testdata/known-disagreements.txt lists it with its reason.
//   - synth_test.go and styles_test.go: the requests, valid and mutated, with
//     parameters in every style and explode value and bodies of JSON, form,
//     multipart, text/plain and octet-stream; corpus_test.go generates, builds
//     and serves the golden params31/bodies31 documents and the corpus sample.
//   - creds_test.go: verification material for a gateway's security schemes
//     whose credentials the oracle holds, and the signing of each request
//     with those its operation requires, so that protected operations are
//     compared rather than refused with 401.
//   - fuzz_test.go: FuzzDifferential compares both on random createPet bodies
//     and query strings.
package oracle
