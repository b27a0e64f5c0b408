// Go client for scripts/capture-profiles.sh: net/http's default client, one GET per URL.
// The test CA comes from SSL_CERT_FILE. Standard library only.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	for _, url := range os.Args[1:] {
		res, err := http.Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		http.DefaultClient.CloseIdleConnections()
	}
}
