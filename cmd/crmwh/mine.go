package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/warehouse"
)

func newMine(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mine METHOD",
		Short: "Run one mining method on any SQL query (rfm, clv, kmeans, tree, rules)",
		Long: `Runs one mining method on the rows of any SQL query, run in the warehouse (or, when there is
no warehouse yet, in an empty DuckDB that can still read files with read_csv or read_parquet).
The key figures end the output as name=value lines; --out TABLE writes the per-row results
into the warehouse.`,
	}
	cmd.AddCommand(newMineRFM(g), newMineCLV(g), newMineKMeans(g), newMineTree(g), newMineRules(g))
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
// database when there is none and no --out) and builds the mining input with prepare.
func (f *mineFlags) open(cmd *cobra.Command, env *jobs.Env, prepare func(ctx context.Context, s *session, query string, asOf time.Time) error) (*session, error) {
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
		if err := mining.CheckOut(f.out); err != nil {
			return nil, err
		}
	}
	path := env.WarehousePath()
	opt := env.WarehouseOptions()
	opt.ReadOnly = f.out == ""
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
	if err := prepare(cmd.Context(), s, query, asOf); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// input prepares a query's rows as a method's input table.
func input(in mining.Input) func(ctx context.Context, s *session, query string, _ time.Time) error {
	return func(ctx context.Context, s *session, query string, _ time.Time) error {
		return mining.PrepareInput(ctx, s.conn, in, query)
	}
}

// baskets prepares a query's (basket_id, item) rows as the association input.
func baskets(ctx context.Context, s *session, query string, _ time.Time) error {
	return mining.PrepareQueryBaskets(ctx, s.conn, query)
}

// transactions prepares the value methods' input: (customer_id, ts, amount) rows.
func transactions(marginRate float64) func(ctx context.Context, s *session, query string, asOf time.Time) error {
	return func(ctx context.Context, s *session, query string, asOf time.Time) error {
		var err error
		s.asOf, err = mining.PrepareQuery(ctx, s.conn, query, asOf, marginRate)
		return err
	}
}

// writeOut saves a method's per-row result as the --out table, if one was asked for, and says so.
func (s *session) writeOut(ctx context.Context, w io.Writer, out string, what mining.Output, noun string) error {
	if out == "" {
		return nil
	}
	n, err := mining.WriteOut(ctx, s.conn, out, what)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Wrote %s %s to %s.\n", num(n), noun, out)
	return nil
}

func newMineRFM(g *globals) *cobra.Command {
	var f mineFlags
	var bins int
	cmd := &cobra.Command{
		Use:     "rfm --query SQL",
		Short:   "RFM scores and segments, and ABC classes, on any (customer_id, ts, amount) query",
		Example: example("mine_rfm"),
		Args:    cobra.NoArgs,
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
			s, err := f.open(cmd, env, transactions(1))
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
			if err := printQuery(ctx, s.conn, w, "mining/rfm_report.sql", map[string]string{"Language": cfg.Language}); err != nil {
				return err
			}
			fmt.Fprintf(w, "\nABC: A %s, B %s, C %s customers (A makes the first %.0f%% of revenue, B the next %.0f%%)\n",
				num(abc.A), num(abc.B), num(abc.C), cfg.ABC.AShare*100, cfg.ABC.BShare*100)
			if err := s.writeOut(ctx, w, f.out, mining.OutRFM, "rows"); err != nil {
				return err
			}
			fmt.Fprintf(w, "\ncustomers=%d\nas_of=%s\nsegments=%d\nabc_a=%d\nabc_b=%d\nabc_c=%d\n", rfm.Customers,
				s.asOf.Format(time.DateOnly), len(rfm.Segments), abc.A, abc.B, abc.C)
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
		Example: example("mine_clv"),
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
			s, err := f.open(cmd, env, transactions(margin))
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
	bg, gg := fit.BGNBD, fit.GammaGamma
	fmt.Fprintf(w, "BG/NBD on %s customers, %s of them with repeat purchases; purchases up to %s, time unit %s\n",
		num(fit.Customers), num(int64(fit.RepeatCustomers)), cal.Format(time.DateOnly), cfg.TimeUnit)
	fmt.Fprintf(w, "  r %.6g  alpha %.6g  a %.6g  b %.6g  log-likelihood %.6f (%d iterations, %s)\n",
		bg.R, bg.Alpha, bg.A, bg.B, fit.BGInfo.LogLik, fit.BGInfo.Iterations, fit.BGInfo.Status)
	se, gse := fit.BGStdErr, fit.GGStdErr
	if fit.StdErrNote == "" {
		fmt.Fprintf(w, "  standard errors: r %.3g  alpha %.3g  a %.3g  b %.3g\n", se.R, se.Alpha, se.A, se.B)
	}
	fmt.Fprintf(w, "Gamma-Gamma on the repeat customers' mean spend per repeat purchase day\n")
	fmt.Fprintf(w, "  p %.6g  q %.6g  gamma %.6g  log-likelihood %.6f (%d iterations, %s)\n",
		gg.P, gg.Q, gg.Gamma, fit.GGInfo.LogLik, fit.GGInfo.Iterations, fit.GGInfo.Status)
	fmt.Fprintf(w, "  fit check, customers by repeat purchase days in the calibration period (observed / expected):\n   ")
	for x := range fit.FitObserved {
		plus := ""
		if x == len(fit.FitObserved)-1 {
			plus = "+"
		}
		fmt.Fprintf(w, " %d%s: %.0f / %.1f", x, plus, fit.FitObserved[x], fit.FitExpected[x])
	}
	fmt.Fprintln(w)
	if fit.StdErrNote == "" {
		fmt.Fprintf(w, "  standard errors: p %.3g  q %.3g  gamma %.3g\n", gse.P, gse.Q, gse.Gamma)
	} else {
		fmt.Fprintf(w, "  no standard errors: %s\n", fit.StdErrNote)
	}
	if n := fit.Excluded; n > 0 {
		fmt.Fprintf(w, "  %s repeat customers without positive spend were left out of Gamma-Gamma\n", num(int64(n)))
	}
	fmt.Fprintf(w, "CLV over %d months, discounted %.2f%% a month, margin %.4g of revenue\n",
		cfg.HorizonMonths, cfg.MonthlyDiscountRate*100, fit.MarginRate)
	quadrants := fit.Quadrants
	fmt.Fprintf(w, "  quadrants: vip %s, grow %s, maintain %s, abandon %s\n",
		num(quadrants["vip"]), num(quadrants["grow"]), num(quadrants["maintain"]), num(quadrants["abandon"]))
	actual := fit.HoldoutActual
	if holdoutDays > 0 {
		fmt.Fprintf(w, "Holdout %s to %s (%d days): %s repeat purchase days happened, %.1f predicted\n",
			cal.AddDate(0, 0, 1).Format(time.DateOnly), s.asOf.Format(time.DateOnly), holdoutDays, num(actual), fit.HoldoutPredicted)
		fmt.Fprintf(w, "  per customer, by repeat purchase days in the calibration period (customers: predicted / actual):\n   ")
		for x, b := range fit.HoldoutByFrequency {
			plus := ""
			if x == len(fit.HoldoutByFrequency)-1 {
				plus = "+"
			}
			if b.Customers > 0 {
				fmt.Fprintf(w, " %d%s (%d): %.2f / %.2f", x, plus, b.Customers, b.Predicted/float64(b.Customers), b.Actual/float64(b.Customers))
			}
		}
		fmt.Fprintln(w)
	}
	if err := s.writeOut(ctx, w, f.out, mining.OutCLV, "rows"); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nr=%.6g\nalpha=%.6g\na=%.6g\nb=%.6g\np=%.6g\nq=%.6g\ngamma=%.6g\nloglik=%.6f\ngamma_gamma_loglik=%.6f\ncustomers=%d\nfit_seconds=%.3f\n",
		bg.R, bg.Alpha, bg.A, bg.B, gg.P, gg.Q, gg.Gamma, fit.BGInfo.LogLik, fit.GGInfo.LogLik, fit.Customers, fit.FitSeconds)
	if fit.StdErrNote == "" {
		fmt.Fprintf(w, "r_se=%.6g\nalpha_se=%.6g\na_se=%.6g\nb_se=%.6g\np_se=%.6g\nq_se=%.6g\ngamma_se=%.6g\n",
			se.R, se.Alpha, se.A, se.B, gse.P, gse.Q, gse.Gamma)
	}
	if holdoutDays > 0 {
		fmt.Fprintf(w, "holdout_actual=%d\nholdout_predicted=%.1f\n", actual, fit.HoldoutPredicted)
	}
	return nil
}

func newMineKMeans(g *globals) *cobra.Command {
	var f mineFlags
	var k int
	var seed uint64
	var features, logFeatures []string
	var standardize bool
	var tolerance float64
	cmd := &cobra.Command{
		Use:   "kmeans --query SQL",
		Short: "k-means clusters of any query's rows, with k chosen by silhouette unless --k is given",
		Long: `Clusters the rows of the query on its numeric columns (or --features) with k-means: k-means++
seeding, Lloyd iterations, the best of n_init restarts (mining.cluster in the config sets n_init,
max_iter, tol and the k range: k is the largest whose silhouette is within --silhouette-tolerance of
the best). Features are used as given unless --standardize z-scores them;
--log takes log(1 + x) of the named ones first. A NULL becomes the feature's mean; a constant or
entirely NULL feature is left out. --out writes the query's rows with cluster_id and
cluster_label, in the query's order.`,
		Example: example("mine_kmeans"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			c := env.Config.Mining.Cluster
			if cmd.Flags().Changed("seed") {
				c.Seed = seed
			}
			if cmd.Flags().Changed("silhouette-tolerance") {
				c.SilhouetteTolerance = tolerance
			}
			if c.SilhouetteTolerance < 0 {
				return fmt.Errorf("--silhouette-tolerance must be 0 or more")
			}
			if k < 0 || k == 1 {
				return fmt.Errorf("--k must be at least 2 (or 0 to choose by silhouette)")
			}
			s, err := f.open(cmd, env, input(mining.KMeansInput))
			if err != nil {
				return err
			}
			defer s.close()
			ctx := cmd.Context()
			if len(features) == 0 {
				if features, err = mining.NumericColumns(ctx, s.conn, mining.Temp.KMeansInput); err != nil {
					return err
				}
				if len(features) == 0 {
					return errors.New("the query returns no numeric column to cluster on (or name them with --features)")
				}
			}
			spec := mining.ClusterSpecFor(c, env.Config.Mining.Language, mining.Temp.KMeansInput)
			spec.Features, spec.LogFeatures, spec.Standardize, spec.K = features, logFeatures, standardize, k
			fit, err := mining.Cluster(ctx, s.conn, spec)
			if err != nil {
				return err
			}
			return printKMeans(ctx, cmd.OutOrStdout(), s, &f, fit, features, standardize, spec.SilhouetteTolerance)
		},
	}
	f.register(cmd, "the rows to cluster")
	cmd.Flags().IntVar(&k, "k", 0, "number of clusters (0: choose in the config's k_min..k_max by silhouette)")
	cmd.Flags().Float64Var(&tolerance, "silhouette-tolerance", 0.02, "with k chosen: the largest k whose silhouette is within this of the best (default from the config; 0: the best)")
	cmd.Flags().Uint64Var(&seed, "seed", 42, "random seed (default from the config)")
	cmd.Flags().StringSliceVar(&features, "features", nil, "columns to cluster on (default: every numeric column)")
	cmd.Flags().StringSliceVar(&logFeatures, "log", nil, "columns to take log(1 + x) of first")
	cmd.Flags().BoolVar(&standardize, "standardize", false, "z-score every feature")
	_ = cmd.Flags().MarkHidden("as-of") // no dates in k-means
	return cmd
}

func printKMeans(ctx context.Context, w io.Writer, s *session, f *mineFlags, fit *mining.ClusterFit, features []string, standardize bool, tolerance float64) error {
	r := fit.Result
	how := "as given"
	if standardize {
		how = "standardized"
	}
	fmt.Fprintf(w, "k-means on %s rows, features %s (%s)\n", num(int64(len(r.Labels))), strings.Join(fit.Used, ", "), how)
	for _, name := range features {
		if why, ok := fit.Excluded[name]; ok {
			fmt.Fprintf(w, "  %s left out: %s\n", name, why)
		}
		if n, ok := fit.Imputed[name]; ok {
			fmt.Fprintf(w, "  %s: %s NULLs replaced by the mean\n", name, num(int64(n)))
		}
	}
	if len(fit.Silhouette) > 0 {
		ks := make([]int, 0, len(fit.Silhouette))
		for k := range fit.Silhouette {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		var parts []string
		for _, k := range ks {
			parts = append(parts, fmt.Sprintf("%d: %.4f", k, fit.Silhouette[k]))
		}
		fmt.Fprintf(w, "  k chosen by silhouette (the largest k within %g of the best): %s\n", tolerance, strings.Join(parts, ", "))
	}
	converged := "converged"
	if !r.Converged {
		converged = "not converged (max_iter reached)"
	}
	fmt.Fprintf(w, "  k %d, %d iterations (%s), inertia %.6g\n\n", r.K, r.Iterations, converged, r.Inertia)
	if err := printQuery(ctx, s.conn, w, "mining/kmeans_report.sql", map[string]any{"Features": features}); err != nil {
		return err
	}
	if err := s.writeOut(ctx, w, f.out, mining.OutKMeans, "rows"); err != nil {
		return err
	}
	sizes := make([]string, len(r.Sizes))
	for i, n := range r.Sizes {
		sizes[i] = fmt.Sprint(n)
	}
	fmt.Fprintf(w, "\nk=%d\niterations=%d\ninertia=%.6f\nsizes=%s\nfit_seconds=%.3f\n", r.K, r.Iterations, r.Inertia, strings.Join(sizes, ","), fit.FitSeconds)
	return nil
}

func newMineTree(g *globals) *cobra.Command {
	var f mineFlags
	var label, criterion, engine string
	var depth, minLeaf int
	var testFraction, threshold float64
	var seed uint64
	var features, exclude []string
	cmd := &cobra.Command{
		Use:   "tree --query SQL --label COLUMN",
		Short: "A decision tree (CART) predicting a label column of any query, evaluated on held-out rows",
		Long: `Grows a classification tree (CART: the split that most reduces Gini impurity or entropy, down to
--max-depth, with at least --min-leaf rows per leaf) on the query's rows, less a stratified
--test-fraction held out (drawn with --seed), and evaluates it there: ROC AUC, accuracy, and
precision, recall and F1 at --threshold, for the label's last value in sort order (Yes, true or
1) against the rest.

Numeric and boolean columns are numbers; NULL becomes the column's median. Text columns become
one 0/1 feature per value (the 32 most frequent; the rest share "(other)"; NULL is "(null)").
Text columns whose values are nearly all distinct (ids) are left out. Rows without a label are
left out. --out writes the query's rows with the predicted probability, class and path.`,
		Example: example("mine_tree"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			if label == "" {
				return errors.New("--label is required")
			}
			if engine != "crmwh" && engine != "golearn" {
				return fmt.Errorf("--engine must be crmwh or golearn, not %q", engine)
			}
			if !(testFraction > 0 && testFraction < 1) {
				return fmt.Errorf("--test-fraction must be between 0 and 1")
			}
			s, err := f.open(cmd, env, input(mining.TreeInput))
			if err != nil {
				return err
			}
			defer s.close()
			ctx := cmd.Context()
			spec := mining.TreeSpec{Table: mining.Temp.TreeInput, Label: label, Include: features, Exclude: exclude, MaxCategories: 32,
				Options: cart.Options{Criterion: criterion, MaxDepth: depth, MinLeaf: minLeaf}, Engine: engine,
				TestFraction: testFraction, Seed: seed, Threshold: threshold}
			fit, err := mining.TrainTree(ctx, s.conn, spec)
			if err != nil {
				return err
			}
			return printTree(ctx, cmd.OutOrStdout(), s, &f, fit, spec)
		},
	}
	f.register(cmd, "the feature columns and the label")
	_ = cmd.Flags().MarkHidden("as-of")
	cmd.Flags().StringVar(&label, "label", "", "the column to predict")
	cmd.Flags().IntVar(&depth, "max-depth", 5, "maximum depth of the tree")
	cmd.Flags().IntVar(&minLeaf, "min-leaf", 1, "fewest training rows in a leaf")
	cmd.Flags().StringVar(&criterion, "criterion", "gini", "split criterion: gini or entropy")
	cmd.Flags().Float64Var(&testFraction, "test-fraction", 0.3, "share of rows held out for evaluation (stratified)")
	cmd.Flags().Uint64Var(&seed, "seed", 42, "seed of the held-out draw")
	cmd.Flags().Float64Var(&threshold, "threshold", 0.5, "probability from which a row counts as predicted positive")
	cmd.Flags().StringSliceVar(&features, "features", nil, "columns to learn from (default: all but the label)")
	cmd.Flags().StringSliceVar(&exclude, "exclude", nil, "columns not to learn from")
	cmd.Flags().StringVar(&engine, "engine", "crmwh", "crmwh, or golearn for comparison (much slower, no minimum leaf size)")
	return cmd
}

func printTree(ctx context.Context, w io.Writer, s *session, f *mineFlags, fit *mining.TreeFit, spec mining.TreeSpec) error {
	m, t := fit.Metrics, fit.Tree
	fmt.Fprintf(w, "Decision tree (%s, %s, max depth %d, min leaf %d) predicting %s = %s\n", spec.Engine, spec.Options.Criterion,
		spec.Options.MaxDepth, spec.Options.MinLeaf, spec.Label, t.Classes[fit.Positive])
	fmt.Fprintf(w, "  %s training rows, %s held out (%.0f%%, stratified, seed %d)", num(int64(fit.Train)), num(int64(fit.Test)), spec.TestFraction*100, spec.Seed)
	if fit.NullLabels > 0 {
		fmt.Fprintf(w, "; %s rows without a label left out", num(int64(fit.NullLabels)))
	}
	fmt.Fprintln(w)
	skipped := slices.Sorted(maps.Keys(fit.Encoding.Skipped))
	for _, col := range skipped {
		fmt.Fprintf(w, "  %s left out: %s\n", col, fit.Encoding.Skipped[col])
	}
	fmt.Fprintf(w, "\n%s\n", fit.Rules())
	fmt.Fprintf(w, "Held out: ROC AUC %.4f, accuracy %.4f; at %.2f: precision %.4f, recall %.4f, F1 %.4f; top-decile lift %.2f\n",
		m.AUC, m.Accuracy, m.Threshold, m.Precision, m.Recall, m.F1, m.LiftTopDecile)
	fmt.Fprintf(w, "Confusion matrix: %d true positives, %d false positives, %d true negatives, %d false negatives\n", m.TP, m.FP, m.TN, m.FN)
	if f.out != "" {
		if _, err := fit.Score(ctx, s.conn, mining.Temp.TreeInput, nil); err != nil {
			return err
		}
		if err := s.writeOut(ctx, w, f.out, mining.OutTree, "rows"); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nauc=%.4f\naccuracy=%.4f\nprecision=%.4f\nrecall=%.4f\nf1=%.4f\nlift_top_decile=%.4f\nnodes=%d\ntrain_rows=%d\ntest_rows=%d\nfit_seconds=%.3f\n",
		m.AUC, m.Accuracy, m.Precision, m.Recall, m.F1, m.LiftTopDecile, len(t.Nodes), fit.Train, fit.Test, fit.FitSeconds)
	return nil
}

func newMineRules(g *globals) *cobra.Command {
	var f mineFlags
	var spec mining.AssocSpec
	var top int
	cmd := &cobra.Command{
		Use:   "rules --query SQL --min-support S --min-confidence C",
		Short: "Association rules (FP-growth) on any query returning (basket_id, item)",
		Long: `Mines the itemsets in at least --min-support of the baskets with FP-growth and derives the rules
that meet --min-confidence and --min-lift: support, confidence, lift, leverage, conviction and
counts. A rule has one item on the right-hand side unless --max-consequent allows more (as the
arules package counts them); --min-len and --max-len bound the items in a rule. Prints the top
rules by lift; --out writes them all.`,
		Example: example("mine_rules"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			if !(spec.MinSupport > 0 && spec.MinSupport <= 1) {
				return errors.New("--min-support must be above 0 and at most 1")
			}
			if spec.MinConfidence < 0 || spec.MinConfidence > 1 {
				return errors.New("--min-confidence must be from 0 to 1")
			}
			s, err := f.open(cmd, env, baskets)
			if err != nil {
				return err
			}
			defer s.close()
			ctx := cmd.Context()
			fit, err := mining.Associate(ctx, s.conn, spec, nil, time.Time{})
			if err != nil {
				return err
			}
			items := fit.Items
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "FP-growth on %s baskets of %s items: %s itemsets in at least %s baskets (support %g), %s rules\n\n",
				num(fit.Baskets), num(int64(items)), num(int64(fit.Sets.Len())), num(fit.MinCount), spec.MinSupport, num(int64(len(fit.Rules))))
			if len(fit.Rules) > 0 {
				if err := printQuery(ctx, s.conn, w, "mining/rules_report.sql", map[string]int{"Top": top}); err != nil {
					return err
				}
			}
			if err := s.writeOut(ctx, w, f.out, mining.OutRules, "rules"); err != nil {
				return err
			}
			fmt.Fprintf(w, "\nbaskets=%d\nitems=%d\nitemsets=%d\nrules=%d\nfit_seconds=%.3f\n", fit.Baskets, items, fit.Sets.Len(), len(fit.Rules), fit.FitSeconds)
			return nil
		},
	}
	f.register(cmd, "basket_id and item")
	_ = cmd.Flags().MarkHidden("as-of")
	cmd.Flags().Float64Var(&spec.MinSupport, "min-support", 0.01, "minimum share of baskets holding an itemset")
	cmd.Flags().Float64Var(&spec.MinConfidence, "min-confidence", 0.5, "minimum confidence of a rule")
	cmd.Flags().Float64Var(&spec.MinLift, "min-lift", 0, "minimum lift of a rule")
	cmd.Flags().IntVar(&spec.MinLen, "min-len", 1, "fewest items in a rule (2 drops rules with an empty left-hand side)")
	cmd.Flags().IntVar(&spec.MaxLen, "max-len", 0, "most items in an itemset (0: no limit)")
	cmd.Flags().IntVar(&spec.MaxConsequent, "max-consequent", 1, "most items on a rule's right-hand side")
	cmd.Flags().IntVar(&top, "top", 20, "rules to print")
	return cmd
}
