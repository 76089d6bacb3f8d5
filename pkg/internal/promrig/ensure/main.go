// Command ensure prints the path of the pinned Prometheus 3 binary, building it from the Go
// module proxy into the cache first if needed; `ensure victoriametrics` does the same for the
// pinned VictoriaMetrics single-node. The mage `ci` target uses it so the slow build
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
	kind := promrig.KindPrometheus
	if len(os.Args) > 1 {
		kind = os.Args[1]
	}
	bin, err := promrig.EnsureStoreBinary(ctx, kind)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ensure %s: %v\n", kind, err)
		os.Exit(1)
	}
	fmt.Println(bin)
}
