// Command demotoken prints a JWT for the petstore demo (make demo): signed
// with the DEMO key below, whose public half is specs/petstore-demo-jwks.json.
//
// TEST-ONLY KEY. It is published in this repository on purpose, so that the
// demo works out of the box; anyone can mint tokens with it. Never put its
// JWKS in front of anything real.
//
//	go run ./scripts/demotoken [-scope "pets:admin pets:write"] [-sub demo-admin] [-ttl 1h]
package main

import (
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// demoKey is the TEST-ONLY private key of kid petstore-demo-1.
const demoKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9V9yD+a1eh6ovhyZ
doH8rX6es9dqIBFC/tLhoPzB7p6hRANCAAQYpmDbDGEpNn0niqbn1S/k7LB/uVlZ
dQO/eXdjuS9M/G3OFrOCFpalS+gIhWKRGOnuqjcL9mQJRL5E1J+/LF/m
-----END PRIVATE KEY-----
`

func main() {
	scope := flag.String("scope", "pets:admin pets:write", "space-separated scopes")
	sub := flag.String("sub", "demo-admin", "the consumer (sub)")
	ttl := flag.Duration("ttl", time.Hour, "lifetime")
	flag.Parse()
	block, _ := pem.Decode([]byte(demoKey))
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demotoken:", err)
		os.Exit(1)
	}
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": "https://demo.petstore.invalid", "aud": "petstore", "sub": *sub, "scope": *scope,
		"iat": now.Unix(), "exp": now.Add(*ttl).Unix(),
	})
	tok.Header["kid"] = "petstore-demo-1"
	s, err := tok.SignedString(key)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demotoken:", err)
		os.Exit(1)
	}
	fmt.Println(s)
}
