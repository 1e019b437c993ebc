// Command crmwh is the customer-relationship data warehouse: it generates demo data, extracts
// and loads operational exports into a DuckDB star schema, and answers SQL over it.
package main

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/jobs"
)

type globals struct {
	configPath string
	dataDir    string
	logFormat  string
	logLevel   string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRoot().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crmwh:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "crmwh",
		Short:         "Customer-relationship data warehouse and data-mining batch system",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.configPath, "config", configs.DefaultPath, "config file (the built-in default applies when it is absent)")
	root.PersistentFlags().StringVar(&g.dataDir, "data", "./data", "data directory: warehouse, lake and demo data live here")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "log level: debug, info, warn or error")
	root.AddCommand(newGenerate(g), newRun(g), newDemo(g), newSQL(g), newSchema(g), newMine(g), newRuns(g), newScheduler(g), newSources(g), newServe(g), newUser(g), newExport(g), newReport(g))
	return root
}

// env loads the config and sets up logging for a command.
func (g *globals) env(cmd *cobra.Command) (*jobs.Env, error) {
	cfg, err := configs.Load(g.configPath, cmd.Flags().Changed("config"))
	if err != nil {
		return nil, err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch g.logFormat {
	case "text":
		h = slog.NewTextHandler(os.Stderr, opts)
	case "json":
		h = slog.NewJSONHandler(os.Stderr, opts)
	default:
		return nil, fmt.Errorf("--log-format must be text or json, not %q", g.logFormat)
	}
	data, err := filepath.Abs(g.dataDir)
	if err != nil {
		return nil, err
	}
	log := slog.New(h)
	slog.SetDefault(log)
	return &jobs.Env{Config: cfg, DataDir: data, Log: log}, nil
}

// interactive reports whether stdout is a terminal, where progress bars belong.
func interactive() bool { return term.IsTerminal(int(os.Stdout.Fd())) }

// showJobs puts a spinner on standard error for each running job, on a terminal only.
func showJobs(env *jobs.Env) {
	if !interactive() {
		return
	}
	var bar *progressbar.ProgressBar
	env.OnJob = func(job string, done *jobs.JobResult) {
		if done == nil {
			bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(job),
				progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish())
			return
		}
		_ = bar.Finish()
		fmt.Fprintf(os.Stderr, "%-8s %s in %.1f s\n", job, done.Status, done.Ended.Sub(done.Started).Seconds())
	}
}

// examples are the commands' usage examples, kept as text files: they hold SQL, and SQL does not
// live in Go files.
//
//go:embed examples/*.txt
var examples embed.FS

// example is the usage example of a command (examples/NAME.txt).
func example(name string) string {
	b, err := examples.ReadFile("examples/" + name + ".txt")
	if err != nil {
		return "" // every command's file is embedded; a test checks each one is there
	}
	return strings.TrimRight(string(b), "\n")
}
