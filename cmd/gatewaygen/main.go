// Command gatewaygen compiles an OpenAPI 3.0/3.1 document with x-gateway
// extensions into a specialized fasthttp API gateway. Run `gatewaygen help`.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
