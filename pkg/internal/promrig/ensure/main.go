// Command ensure prints the path of the pinned Prometheus 3 binary, building it from the Go
// module proxy into the cache first if needed. The mage `ci` target uses it so the slow build
// happens once, before the tests, and every integration test runs against the same binary.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/seed/rscerts/pkg/internal/promrig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bin, err := promrig.EnsureBinary(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ensure prometheus:", err)
		os.Exit(1)
	}
	fmt.Println(bin)
}
