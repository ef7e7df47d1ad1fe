// Command ferretdb runs FerretDB (MongoDB wire protocol) on an embedded SQLite store for
// local development and tests. It embeds FerretDB's library package because the module's
// own command refuses to start when built with `go install` (it expects a version file that
// only its release build writes).
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to serve the MongoDB wire protocol on")
	dataDir := flag.String("data-dir", "data", "directory holding the SQLite databases")
	flag.Parse()

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		slog.Error("cannot create data directory", "dir", *dataDir, "error", err)
		os.Exit(1)
	}

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/",
	})
	if err != nil {
		slog.Error("cannot configure FerretDB", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	slog.Info("FerretDB listening", "addr", *listen, "data_dir", *dataDir)
	if err := server.Run(ctx); err != nil {
		slog.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
}
