package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/warehouse"
)

func newMine(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mine METHOD",
		Short: "Run one mining method on any SQL query (rfm, clv)",
		Long: `Runs one mining method on the rows of any SQL query, run in the warehouse (or, when there is
no warehouse yet, in an empty DuckDB that can still read files with read_csv or read_parquet).
The key figures end the output as name=value lines; --out TABLE writes the per-row results
into the warehouse.`,
	}
	cmd.AddCommand(newMineRFM(g), newMineCLV(g))
	return cmd
}

// mineFlags are the flags every mining method takes.
type mineFlags struct {
	query, out, asOf string
}

func (f *mineFlags) register(cmd *cobra.Command, columns string) {
	cmd.Flags().StringVar(&f.query, "query", "", "SQL query returning "+columns+" (- reads it from standard input)")
	cmd.Flags().StringVar(&f.out, "out", "", "write the per-customer results to this warehouse table")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "as-of date YYYY-MM-DD (default: the day of the latest ts)")
}

// session is an open warehouse connection for a mining command.
type session struct {
	db   *warehouse.DB
	conn *sql.Conn
	asOf time.Time
}

func (s *session) close() {
	s.conn.Close()
	s.db.Close()
}

// open reads the query, opens the warehouse (read-only unless --out is given; an empty in-memory
// database when there is none and no --out) and builds the mining input.
func (f *mineFlags) open(cmd *cobra.Command, env *jobs.Env, marginRate float64) (*session, error) {
	query := f.query
	if query == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, err
		}
		query = string(b)
	}
	if strings.TrimSpace(query) == "" {
		return nil, errors.New("--query is required")
	}
	var asOf time.Time
	if f.asOf != "" {
		var err error
		if asOf, err = time.Parse(time.DateOnly, f.asOf); err != nil {
			return nil, fmt.Errorf("--as-of: %q is not a date YYYY-MM-DD", f.asOf)
		}
	}
	if f.out != "" {
		if err := checkOut(f.out); err != nil {
			return nil, err
		}
	}
	path := env.WarehousePath()
	opt := warehouse.Options{ReadOnly: f.out == "", MemoryLimit: env.Config.Warehouse.MemoryLimit, Threads: env.Config.Warehouse.Threads}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && f.out == "" {
		path, opt.ReadOnly = "", false // in memory
	}
	db, err := warehouse.Open(cmd.Context(), path, opt)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(cmd.Context())
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &session{db: db, conn: conn}
	if s.asOf, err = mining.PrepareQuery(cmd.Context(), conn, query, asOf, marginRate); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// checkOut refuses output tables that would overwrite the warehouse's own.
func checkOut(name string) error {
	schema, table, ok := strings.Cut(strings.ToLower(name), ".")
	if !ok {
		schema, table = "main", schema
	}
	if table == "" || strings.Contains(table, ".") {
		return fmt.Errorf("--out %q: name a table as TABLE or SCHEMA.TABLE", name)
	}
	if slices.Contains([]string{"ops", "scores", "mining"}, schema) {
		return fmt.Errorf("--out %q: schema %s belongs to crmwh; write to main or a schema of your own", name, schema)
	}
	for _, t := range warehouse.StarTables {
		if schema == "main" && table == t.Name {
			return fmt.Errorf("--out %q: that is a table of the star schema", name)
		}
	}
	return nil
}

// writeOut saves a method's result as the --out table and returns its row count.
func (s *session) writeOut(ctx context.Context, out, sel string) (int64, error) {
	schema, table, ok := strings.Cut(out, ".")
	data := map[string]string{"Table": warehouse.Ident(out), "Select": sel}
	if ok {
		data["Schema"] = warehouse.Ident(schema)
		data["Table"] = warehouse.Ident(schema) + "." + warehouse.Ident(table)
	}
	if _, err := warehouse.RunScript(ctx, s.conn, "mining/out.sql", data); err != nil {
		return 0, fmt.Errorf("--out %s: %w", out, err)
	}
	var n int64
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+data["Table"]).Scan(&n); err != nil {
		return 0, fmt.Errorf("--out %s: %w", out, err)
	}
	return n, nil
}

func newMineRFM(g *globals) *cobra.Command {
	var f mineFlags
	var bins int
	cmd := &cobra.Command{
		Use:   "rfm --query SQL",
		Short: "RFM scores and segments, and ABC classes, on any (customer_id, ts, amount) query",
		Example: `  crmwh mine rfm --query "SELECT customer_id, order_ts AS ts, net_amount AS amount FROM fact_sales f JOIN dim_customer USING (customer_key) WHERE order_status = 'completed'"
  crmwh mine rfm --query "SELECT CustomerID AS customer_id, InvoiceDate AS ts, Quantity * Price AS amount FROM read_csv('invoices.csv')" --out my_rfm`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			cfg := env.Config.Mining
			if cmd.Flags().Changed("bins") {
				cfg.RFM.Bins = bins
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			s, err := f.open(cmd, env, 1)
			if err != nil {
				return err
			}
			defer s.close()
			ctx := cmd.Context()
			rfm, err := mining.RFM(ctx, s.conn, cfg.RFM, s.asOf)
			if err != nil {
				return err
			}
			abc, err := mining.ABC(ctx, s.conn, cfg.ABC)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "RFM as of %s on %s customers (scores 1-%d; equal values share a score)\n",
				s.asOf.Format(time.DateOnly), num(rfm.Customers), cfg.RFM.Bins)
			q, err := warehouse.Render("mining/rfm_report.sql", map[string]string{"Language": cfg.Language})
			if err != nil {
				return err
			}
			if err := runQuery(ctx, s.conn, w, q, "table"); err != nil {
				return err
			}
			classes := abc.Metrics["classes"].(map[string]int64)
			fmt.Fprintf(w, "\nABC: A %s, B %s, C %s customers (A makes the first %.0f%% of revenue, B the next %.0f%%)\n",
				num(classes["A"]), num(classes["B"]), num(classes["C"]), cfg.ABC.AShare*100, cfg.ABC.BShare*100)
			if f.out != "" {
				n, err := s.writeOut(ctx, f.out, "SELECT * FROM rfm_result JOIN abc_result USING (customer_id) ORDER BY customer_id")
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "Wrote %s rows to %s.\n", num(n), f.out)
			}
			fmt.Fprintf(w, "\ncustomers=%d\nas_of=%s\nsegments=%d\nabc_a=%d\nabc_b=%d\nabc_c=%d\n", rfm.Customers,
				s.asOf.Format(time.DateOnly), len(rfm.Metrics["segments"].(map[string]int64)), classes["A"], classes["B"], classes["C"])
			return nil
		},
	}
	f.register(cmd, "customer_id, ts and amount")
	cmd.Flags().IntVar(&bins, "bins", 5, "score range 1..bins (default from the config)")
	return cmd
}

func newMineCLV(g *globals) *cobra.Command {
	var f mineFlags
	var calEnd, unit string
	var horizon int
	var discount, margin float64
	cmd := &cobra.Command{
		Use:   "clv --query SQL",
		Short: "BG/NBD and Gamma-Gamma customer lifetime value on any (customer_id, ts, amount) query",
		Long: `Fits BG/NBD (purchase frequency and dropout) and Gamma-Gamma (spend per purchase) by maximum
likelihood to the purchases up to --calibration-end, and predicts each customer's P(alive),
expected purchases, expected spend and discounted CLV over the horizon. Purchases are counted
per distinct day; the first purchase day starts each customer's clock. When the data goes on
after the calibration end, the predicted repeat purchases over those days are compared with
what happened.`,
		Example: `  crmwh mine clv --query "SELECT customer_id, ts, amount FROM read_csv('transactions.csv')" --calibration-end 2011-06-30 --time-unit week`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			cfg := env.Config.Mining
			flags := cmd.Flags()
			if flags.Changed("time-unit") {
				cfg.CLV.TimeUnit = unit
			}
			if flags.Changed("horizon-months") {
				cfg.CLV.HorizonMonths = horizon
			}
			if flags.Changed("discount") {
				cfg.CLV.MonthlyDiscountRate = discount
			}
			cfg.CLV.MarginRate = &margin
			if err := cfg.Validate(); err != nil {
				return err
			}
			s, err := f.open(cmd, env, margin)
			if err != nil {
				return err
			}
			defer s.close()
			cal := s.asOf
			if calEnd != "" {
				if cal, err = time.Parse(time.DateOnly, calEnd); err != nil {
					return fmt.Errorf("--calibration-end: %q is not a date YYYY-MM-DD", calEnd)
				}
				if cal.After(s.asOf) {
					return fmt.Errorf("--calibration-end %s is after the as-of date %s", calEnd, s.asOf.Format(time.DateOnly))
				}
			}
			holdoutDays := int(s.asOf.Sub(cal).Hours() / 24)
			ctx := cmd.Context()
			fit, err := mining.CLV(ctx, s.conn, cfg.CLV, cal, holdoutDays)
			if err != nil {
				return err
			}
			return printCLV(ctx, cmd.OutOrStdout(), s, &f, cfg.CLV, fit, cal, holdoutDays)
		},
	}
	f.register(cmd, "customer_id, ts and amount")
	cmd.Flags().StringVar(&calEnd, "calibration-end", "", "fit on purchases up to this date YYYY-MM-DD (default: the as-of date)")
	cmd.Flags().StringVar(&unit, "time-unit", "day", "BG/NBD time unit: day or week (default from the config)")
	cmd.Flags().IntVar(&horizon, "horizon-months", 12, "CLV horizon in months (default from the config)")
	cmd.Flags().Float64Var(&discount, "discount", 0.01, "monthly discount rate (default from the config)")
	cmd.Flags().Float64Var(&margin, "margin", 1, "share of amount that is margin, for CLV")
	return cmd
}

func printCLV(ctx context.Context, w io.Writer, s *session, f *mineFlags, cfg configs.CLV, fit *mining.CLVFit, cal time.Time, holdoutDays int) error {
	bg, gg, m := fit.BGNBD, fit.GammaGamma, fit.Model
	fmt.Fprintf(w, "BG/NBD on %s customers, %s of them with repeat purchases; purchases up to %s, time unit %s\n",
		num(m.Customers), num(int64(m.Metrics["repeat_customers"].(int))), cal.Format(time.DateOnly), cfg.TimeUnit)
	fmt.Fprintf(w, "  r %.6g  alpha %.6g  a %.6g  b %.6g  log-likelihood %.6f (%d iterations, %s)\n",
		bg.R, bg.Alpha, bg.A, bg.B, fit.BGInfo.LogLik, fit.BGInfo.Iterations, fit.BGInfo.Status)
	fmt.Fprintf(w, "Gamma-Gamma on the repeat customers' mean spend per repeat purchase day\n")
	fmt.Fprintf(w, "  p %.6g  q %.6g  gamma %.6g  log-likelihood %.6f (%d iterations, %s)\n",
		gg.P, gg.Q, gg.Gamma, fit.GGInfo.LogLik, fit.GGInfo.Iterations, fit.GGInfo.Status)
	if n := m.Metrics["excluded_from_gamma_gamma"].(int); n > 0 {
		fmt.Fprintf(w, "  %s repeat customers without positive spend were left out of Gamma-Gamma\n", num(int64(n)))
	}
	fmt.Fprintf(w, "CLV over %d months, discounted %.2f%% a month, margin %.4g of revenue\n",
		cfg.HorizonMonths, cfg.MonthlyDiscountRate*100, fit.MarginRate)
	quadrants := m.Metrics["quadrants"].(map[string]int64)
	fmt.Fprintf(w, "  quadrants: vip %s, grow %s, maintain %s, abandon %s\n",
		num(quadrants["vip"]), num(quadrants["grow"]), num(quadrants["maintain"]), num(quadrants["abandon"]))
	var actual int64
	if holdoutDays > 0 {
		q, err := warehouse.Render("mining/clv_holdout.sql", map[string]string{"CalibrationEnd": cal.Format(time.DateOnly)})
		if err != nil {
			return err
		}
		if err := s.conn.QueryRowContext(ctx, q).Scan(&actual); err != nil {
			return fmt.Errorf("clv holdout: %w", err)
		}
		fmt.Fprintf(w, "Holdout %s to %s (%d days): %s repeat purchase days happened, %.1f predicted\n",
			cal.AddDate(0, 0, 1).Format(time.DateOnly), s.asOf.Format(time.DateOnly), holdoutDays, num(actual), fit.HoldoutPredicted)
	}
	if f.out != "" {
		n, err := s.writeOut(ctx, f.out, "SELECT * FROM clv_result ORDER BY customer_id")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "Wrote %s rows to %s.\n", num(n), f.out)
	}
	fmt.Fprintf(w, "\nr=%.6g\nalpha=%.6g\na=%.6g\nb=%.6g\np=%.6g\nq=%.6g\ngamma=%.6g\nloglik=%.6f\ngamma_gamma_loglik=%.6f\ncustomers=%d\nfit_seconds=%.3f\n",
		bg.R, bg.Alpha, bg.A, bg.B, gg.P, gg.Q, gg.Gamma, fit.BGInfo.LogLik, fit.GGInfo.LogLik, m.Customers, fit.FitSeconds)
	if holdoutDays > 0 {
		fmt.Fprintf(w, "holdout_actual=%d\nholdout_predicted=%.1f\n", actual, fit.HoldoutPredicted)
	}
	return nil
}
