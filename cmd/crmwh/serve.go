package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/crmwh/crmwh/serve"
	"github.com/crmwh/crmwh/warehouse"
)

func newServe(g *globals) *cobra.Command {
	var pgAddr, httpAddr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the published warehouse: PostgreSQL-wire SQL endpoint and the marketing web UI",
		Long: `Serves the last published snapshot (lake/warehouse) to PostgreSQL clients (psql, BI tools;
analysts see personal data masked, admins clear) and to browsers (dashboard, customer lists,
CSV and Excel downloads), and follows each new publish. Users come from ` + "`crmwh user add`" + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("pg-addr") {
				pgAddr = env.Config.Serve.PGAddr
			}
			if !cmd.Flags().Changed("http-addr") {
				httpAddr = env.Config.Serve.HTTPAddr
			}
			pg, err := net.Listen("tcp", pgAddr)
			if err != nil {
				return fmt.Errorf("SQL endpoint: %w", err)
			}
			web, err := net.Listen("tcp", httpAddr)
			if err != nil {
				pg.Close()
				return fmt.Errorf("web UI: %w", err)
			}
			srv, err := serve.New(env.DataDir, env.Config, env.Log)
			if err != nil {
				pg.Close()
				web.Close()
				return err
			}
			scheme, ssl := "http", ""
			if srv.TLS != nil {
				scheme, ssl = "https", " sslmode=require"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "SQL endpoint on %s (psql \"host=%s port=%s user=NAME dbname=crmwh%s\"), web UI on %s://%s/\n",
				pg.Addr(), hostOf(pg.Addr()), portOf(pg.Addr()), ssl, scheme, web.Addr())
			return srv.Serve(cmd.Context(), pg, web)
		},
	}
	cmd.Flags().StringVar(&pgAddr, "pg-addr", "127.0.0.1:5433", "address of the SQL endpoint (default: serve.pg_addr of the config)")
	cmd.Flags().StringVar(&httpAddr, "http-addr", "127.0.0.1:8080", "address of the web UI (default: serve.http_addr of the config)")
	return cmd
}

func hostOf(a net.Addr) string { h, _, _ := net.SplitHostPort(a.String()); return h }
func portOf(a net.Addr) string { _, p, _ := net.SplitHostPort(a.String()); return p }

func newUser(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Add, list and remove the users of the SQL endpoint and the web UI",
	}
	var role string
	var stdin bool
	add := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a user, or change an existing user's role and password",
		Long: `Roles: analyst (SQL endpoint, personal data masked), marketing (web UI and downloads),
admin (both, personal data clear). The password is read from standard input with
--password-stdin, or asked for on a terminal; only its bcrypt hash is stored.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			password, err := readPassword(cmd, stdin)
			if err != nil {
				return err
			}
			if err := serve.NewAccess(env.DataDir).AddUser(cmd.Context(), args[0], role, password); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s (%s) saved\n", args[0], role)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "", "analyst, marketing or admin")
	add.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from standard input (first line)")
	_ = add.MarkFlagRequired("role")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			users, err := serve.NewAccess(env.DataDir).Users(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "name\trole\tcreated\tupdated")
			for _, u := range users {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.CreatedAt.Format("2006-01-02 15:04"), u.UpdatedAt.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		},
	}
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			if err := serve.NewAccess(env.DataDir).RemoveUser(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s removed\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}

func readPassword(cmd *cobra.Command, stdin bool) (string, error) {
	if stdin {
		line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", errors.New("no terminal to ask for the password: pass it on standard input with --password-stdin")
	}
	fmt.Fprint(os.Stderr, "Password: ")
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

func newExport(g *globals) *cobra.Command {
	var filters map[string]string
	var format, out, campaign string
	var control float64
	var seed int64
	cmd := &cobra.Command{
		Use:   "export [LIST]",
		Short: "Write a scored customer list (a named list of the config and/or filters) as csv, xlsx or parquet",
		Long: `Writes the customers of a list from the published snapshot: only those who consent to
marketing, with their contact details and scores, best CLV first; the same list the web UI
downloads. LIST is a name from serve.lists of the config; --filter adds or overrides filters
(rfm_segment, clv_quadrant, cluster, churn_risk, lifecycle_stage, abc_class, region,
recommended_product, contacted_in, responded_to, control_of, decline_warning). Every export is
recorded in ops.exports of data/access.duckdb. For a new campaign, --campaign ID --control 0.1
holds out a tenth of the list at random (the same for the same --seed) as its control group: they
are not in the file, and the campaigns job measures the campaign's uplift against them.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if name == "" && len(filters) == 0 {
				return fmt.Errorf("name a list (%s) or give --filter KEY=VALUE", strings.Join(serve.ListNames(env.Config.Serve.Lists), ", "))
			}
			sel, err := serve.SelectionOf(env.Config.Serve.Lists, name, filters)
			if err != nil {
				return err
			}
			if control != 0 || campaign != "" {
				if sel.Holdout, err = serve.NewHoldout(campaign, control, seed); err != nil {
					return err
				}
			}
			if format == "" && out == "-" {
				format = "csv"
			} else if format == "" {
				format = strings.TrimPrefix(filepath.Ext(out), ".")
			}
			man, dir, err := warehouse.CurrentSnapshot(filepath.Join(env.DataDir, "lake"))
			if err != nil {
				return err
			}
			db, err := warehouse.Open(cmd.Context(), filepath.Join(dir, warehouse.CatalogFile), warehouse.Options{ReadOnly: true})
			if err != nil {
				return err
			}
			defer db.Close()
			opts, err := serve.Options(cmd.Context(), db)
			if err != nil {
				return err
			}
			if err := serve.CheckValues(opts, filters); err != nil {
				return err
			}
			heldOut, err := serve.HeldOut(cmd.Context(), db, sel)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			n, err := exportList(cmd.Context(), db.DB, sel, format, out, cmd.OutOrStdout())
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			who := "unknown"
			if u, err := user.Current(); err == nil {
				who = u.Username
			}
			if err := serve.NewAccess(env.DataDir).RecordExport(cmd.Context(), serve.Export{User: who, Via: "cli", List: sel.List,
				Filters: sel.JSON(), Format: format, Rows: n, RunID: man.RunID, Campaign: campaign, ControlShare: control, HeldOut: heldOut}); err != nil {
				return err
			}
			if out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d customers written to %s (scores as of %s)\n", n, out, man.AsOf)
				if sel.Holdout != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%d customers held out as the control group of %s (ops.export_holdouts): do not contact them\n", len(heldOut), campaign)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringToStringVar(&filters, "filter", nil, "filter KEY=VALUE (repeatable)")
	cmd.Flags().StringVar(&campaign, "campaign", "", "the campaign the list is for (with --control)")
	cmd.Flags().Float64Var(&control, "control", 0, "hold out this share of the list at random as the campaign's control group (0.1: a tenth); they are left out of the file and recorded for the evaluation")
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the control group's draw (the same seed and campaign hold out the same customers)")
	cmd.Flags().StringVar(&format, "format", "", "csv, xlsx or parquet (default: from --out's extension)")
	cmd.Flags().StringVar(&out, "out", "", "output file; - writes csv to standard output")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// exportList writes the list to out: csv and xlsx streamed by serve.WriteList, parquet by
// serve.WriteParquet.
func exportList(ctx context.Context, db *sql.DB, sel serve.Selection, format, out string, stdout io.Writer) (int64, error) {
	switch format {
	case "csv", "xlsx":
		w := stdout
		var f *os.File
		if out != "-" {
			var err error
			if f, err = os.Create(out); err != nil {
				return 0, err
			}
			w = f
		} else if format != "csv" {
			return 0, errors.New("--out - writes csv only")
		}
		n, err := serve.WriteList(ctx, db, sel, format, w)
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(out)
			}
		}
		return n, err
	case "parquet":
		return serve.WriteParquet(ctx, db, sel, out)
	}
	return 0, fmt.Errorf("format %q: csv, xlsx or parquet", format)
}
