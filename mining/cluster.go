package mining

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/crmwh/crmwh/mining/features"
	"github.com/crmwh/crmwh/mining/kmeans"
	"github.com/crmwh/crmwh/mining/matrix"
	"github.com/crmwh/crmwh/warehouse"
)

// ClusterSpec says what to cluster and how.
type ClusterSpec struct {
	Input       string   // a temp table on the connection; its row order (rowid) is the row order
	Features    []string // numeric columns of Input
	LogFeatures []string // log(1 + x) first (negative values count as 0)
	Standardize bool     // z-score each feature
	// K > 0 fixes k; otherwise it is chosen in [KMin, KMax] by the silhouette score on
	// SilhouetteSample rows (kmeans.ChooseK with SilhouetteTolerance), the candidates fitted on
	// CandidateSample rows (0: all) and the chosen k then on all rows, from the sample's centres.
	K, KMin, KMax, SilhouetteSample, CandidateSample int
	SilhouetteTolerance                              float64
	NInit, MaxIter                                   int
	Tol                                              float64
	Seed                                             uint64
	LabelThreshold                                   float64 // in standard deviations
	Language                                         string  // of the labels: en or zh
	Revenue                                          string  // column whose share per cluster is reported; "" for none
}

// ClusterFit is the outcome of Cluster.
type ClusterFit struct {
	Result     *kmeans.Result // clusters renumbered by size: 0 is the largest
	Used       []string       // features clustered on
	Excluded   map[string]string
	Imputed    map[string]int
	Silhouette map[int]float64 // per candidate k, when k was chosen
	Labels     []string        // per cluster
	FitSeconds float64
	Model      *Model
}

// Cluster runs k-means on spec.Input and leaves, on the connection, cluster_assigned (the input
// rows with cluster_id 1..k and cluster_label), cluster_profiles_result and
// cluster_features_result. Treatment of awkward data, recorded in the model:
//   - a NULL becomes the feature's mean (after any log), so it pulls towards no cluster;
//   - a feature that is entirely NULL or constant is left out (it cannot separate anything);
//   - k above the number of distinct rows is lowered to it.
func Cluster(ctx context.Context, conn *sql.Conn, spec ClusterSpec) (*ClusterFit, error) {
	x, fit, mean, std, err := readFeatures(ctx, conn, spec)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	opt := kmeans.Options{K: spec.K, NInit: spec.NInit, MaxIter: spec.MaxIter, Tol: spec.Tol, Seed: spec.Seed}
	var res *kmeans.Result
	if spec.K > 0 {
		if res, err = kmeans.Fit(ctx, x, opt); err != nil {
			return nil, err
		}
	} else if res, fit.Silhouette, err = chooseK(ctx, x, spec, opt); err != nil {
		return nil, err
	}
	fit.FitSeconds = time.Since(t0).Seconds()
	fit.Result = bySize(res, x.Cols)
	fit.Labels = labelClusters(fit.Result, fit.Used, mean, std, spec)
	if err := writeClusters(ctx, conn, fit, mean, std, spec); err != nil {
		return nil, err
	}
	sizes := map[string]int{}
	for c, n := range fit.Result.Sizes {
		sizes[fmt.Sprint(c+1)] = n
	}
	sil := map[string]float64{}
	for k, v := range fit.Silhouette {
		sil[fmt.Sprint(k)] = v
	}
	fit.Model = &Model{Method: "cluster", Customers: int64(x.Rows),
		Parameters: map[string]any{"features": spec.Features, "log_features": spec.LogFeatures,
			"standardize": spec.Standardize, "k": spec.K, "k_min": spec.KMin, "k_max": spec.KMax, "silhouette_tolerance": spec.SilhouetteTolerance,
			"silhouette_sample": spec.SilhouetteSample, "candidate_sample": spec.CandidateSample, "n_init": spec.NInit, "max_iter": spec.MaxIter,
			"tol": spec.Tol, "seed": spec.Seed, "label_threshold": spec.LabelThreshold,
			"null_treatment": "replaced by the feature's mean", "constant_treatment": "feature left out"},
		Metrics: map[string]any{"k": fit.Result.K, "inertia": fit.Result.Inertia, "iterations": fit.Result.Iterations,
			"converged": fit.Result.Converged, "reseeded_empty_clusters": fit.Result.Reseeded, "sizes": sizes,
			"labels": fit.Labels, "features_used": fit.Used, "features_excluded": fit.Excluded,
			"nulls_imputed": fit.Imputed, "silhouette": sil, "fit_seconds": fit.FitSeconds},
	}
	return fit, nil
}

// readFeatures reads the features in row order and prepares them: log, impute, drop constant
// features, standardize. mean and std are per used feature, after any log.
func readFeatures(ctx context.Context, conn *sql.Conn, spec ClusterSpec) (*matrix.Dense, *ClusterFit, []float64, []float64, error) {
	if len(spec.Features) == 0 {
		return nil, nil, nil, nil, fmt.Errorf("k-means: no features")
	}
	cols := make([]string, len(spec.Features))
	for i, f := range spec.Features {
		cols[i] = "CAST(" + warehouse.Ident(f) + " AS DOUBLE)"
	}
	rows, err := conn.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+spec.Input+" ORDER BY rowid")
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("k-means: read features: %w", err)
	}
	defer rows.Close()
	d := len(spec.Features)
	vals := make([][]float64, d)
	nulls := make([][]bool, d)
	scan := make([]sql.NullFloat64, d)
	ptrs := make([]any, d)
	for j := range scan {
		ptrs[j] = &scan[j]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("k-means: read features: %w", err)
		}
		for j, v := range scan {
			f := v.Float64
			if slices.Contains(spec.LogFeatures, spec.Features[j]) {
				f = math.Log1p(math.Max(f, 0))
			}
			null := !v.Valid || math.IsNaN(f) || math.IsInf(f, 0)
			vals[j] = append(vals[j], f)
			nulls[j] = append(nulls[j], null)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, nil, fmt.Errorf("k-means: read features: %w", err)
	}
	n := 0
	if d > 0 {
		n = len(vals[0])
	}
	if n == 0 {
		return nil, nil, nil, nil, fmt.Errorf("k-means: no rows to cluster")
	}
	fit := &ClusterFit{Excluded: map[string]string{}, Imputed: map[string]int{}}
	var mean, std []float64
	var keep []int
	for j, f := range spec.Features {
		var s, ss, cnt float64
		for i, v := range vals[j] {
			if !nulls[j][i] {
				s, ss, cnt = s+v, ss+v*v, cnt+1
			}
		}
		if cnt == 0 {
			fit.Excluded[f] = "entirely NULL"
			continue
		}
		m := s / cnt
		sd := math.Sqrt(math.Max(0, ss/cnt-m*m))
		if sd <= 1e-12*math.Max(1, math.Abs(m)) {
			fit.Excluded[f] = "constant"
			continue
		}
		if int(cnt) < n {
			fit.Imputed[f] = n - int(cnt)
		}
		keep = append(keep, j)
		fit.Used = append(fit.Used, f)
		mean, std = append(mean, m), append(std, sd)
	}
	if len(keep) == 0 {
		return nil, nil, nil, nil, fmt.Errorf("k-means: no feature varies (%v), so there is nothing to cluster on", fit.Excluded)
	}
	x := &matrix.Dense{Data: make([]float64, n*len(keep)), Rows: n, Cols: len(keep)}
	for c, j := range keep {
		for i, v := range vals[j] {
			if nulls[j][i] {
				v = mean[c]
			}
			if spec.Standardize {
				v = (v - mean[c]) / std[c]
			}
			x.Data[i*x.Cols+c] = v
		}
	}
	return x, fit, mean, std, nil
}

// chooseK fits every k in [KMin, KMax] and keeps the one kmeans.ChooseK picks by the silhouette
// on a seeded sample.
func chooseK(ctx context.Context, all *matrix.Dense, spec ClusterSpec, opt kmeans.Options) (*kmeans.Result, map[int]float64, error) {
	x := all
	if spec.CandidateSample > 0 && all.Rows > spec.CandidateSample {
		x = sampleRows(all, spec.CandidateSample, spec.Seed)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x73696c))
	sample := rng.Perm(x.Rows)
	if len(sample) > spec.SilhouetteSample {
		sample = sample[:spec.SilhouetteSample]
	}
	sort.Ints(sample)
	var fits []*kmeans.Result
	for k := spec.KMin; k <= spec.KMax && k < x.Rows; k++ {
		opt.K = k
		res, err := kmeans.Fit(ctx, x, opt)
		if err != nil {
			return nil, nil, err
		}
		if res.K < k {
			break // fewer distinct rows than k: larger k are the same fit
		}
		fits = append(fits, res)
	}
	if len(fits) == 0 {
		// Too few rows or distinct rows for two clusters to be compared: one cluster.
		opt.K = min(spec.KMin, x.Rows)
		res, err := kmeans.Fit(ctx, x, opt)
		return res, map[int]float64{}, err
	}
	labels, ks := make([][]int32, len(fits)), make([]int, len(fits))
	for i, f := range fits {
		labels[i], ks[i] = f.Labels, f.K
	}
	scores, err := kmeans.Silhouettes(ctx, x, sample, labels, ks)
	if err != nil {
		return nil, nil, err
	}
	out := map[int]float64{}
	for i, s := range scores {
		out[ks[i]] = s
	}
	chosen := fits[kmeans.ChooseK(ks, scores, spec.SilhouetteTolerance)]
	if x != all {
		// Every customer, from the sample's centres: one Lloyd run, which needs fewer iterations
		// than one restart from seeding, instead of NInit restarts.
		opt.K, opt.Init = chosen.K, chosen.Centers
		if chosen, err = kmeans.Fit(ctx, all, opt); err != nil {
			return nil, nil, err
		}
	}
	return chosen, out, nil
}

// sampleRows is a seeded sample of n rows of x, in their order.
func sampleRows(x *matrix.Dense, n int, seed uint64) *matrix.Dense {
	rows := rand.New(rand.NewPCG(seed, 0x63616e)).Perm(x.Rows)[:n]
	sort.Ints(rows)
	s := &matrix.Dense{Data: make([]float64, 0, n*x.Cols), Rows: n, Cols: x.Cols}
	for _, r := range rows {
		s.Data = append(s.Data, x.Row(r)...)
	}
	return s
}

// bySize renumbers clusters so that 0 is the largest (ties by their first row), making ids
// readable and stable.
func bySize(r *kmeans.Result, d int) *kmeans.Result {
	first := make([]int, r.K)
	for i := range first {
		first[i] = math.MaxInt
	}
	for i, l := range r.Labels {
		first[l] = min(first[l], i)
	}
	order := make([]int, r.K)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		if r.Sizes[order[a]] != r.Sizes[order[b]] {
			return r.Sizes[order[a]] > r.Sizes[order[b]]
		}
		return first[order[a]] < first[order[b]]
	})
	newID := make([]int32, r.K)
	out := *r
	out.Centers = make([]float64, len(r.Centers))
	out.Sizes = make([]int, r.K)
	for n, old := range order {
		newID[old] = int32(n)
		copy(out.Centers[n*d:(n+1)*d], r.Centers[old*d:(old+1)*d])
		out.Sizes[n] = r.Sizes[old]
	}
	out.Labels = make([]int32, len(r.Labels))
	for i, l := range r.Labels {
		out.Labels[i] = newID[l]
	}
	return &out
}

// zScores is each cluster's centre against the overall mean, in standard deviations of the
// features as clustered (after any log).
func zScores(r *kmeans.Result, mean, std []float64, standardized bool) [][]float64 {
	d := len(mean)
	z := make([][]float64, r.K)
	for c := range r.K {
		z[c] = make([]float64, d)
		for j := range d {
			v := r.Centers[c*d+j]
			if !standardized {
				v = (v - mean[j]) / std[j]
			}
			z[c][j] = v
		}
	}
	return z
}

// labelClusters names each cluster after up to three features whose mean stands at least
// LabelThreshold standard deviations from the overall mean, the farthest first; "average" when
// none does. A label another cluster already has takes the cluster's next farthest features
// until it differs (segments marketing cannot tell apart are no use); only when every feature
// is used does it fall back to the cluster number.
func labelClusters(r *kmeans.Result, used []string, mean, std []float64, spec ClusterSpec) []string {
	z := zScores(r, mean, std, spec.Standardize)
	labels := make([]string, r.K)
	seen := map[string]bool{}
	sep, average := ", ", "average"
	if spec.Language == "zh" {
		sep, average = "、", "一般"
	}
	word := func(c, j int) string {
		var w [2]string
		if high, low, ok := features.HighLow(used[j], spec.Language); ok {
			w = [2]string{high, low}
		} else if spec.Language == "zh" {
			w = [2]string{used[j] + "高", used[j] + "低"}
		} else {
			w = [2]string{used[j] + " high", used[j] + " low"}
		}
		if z[c][j] > 0 {
			return w[0]
		}
		return w[1]
	}
	for c := range r.K {
		idx := make([]int, len(used))
		for j := range idx {
			idx[j] = j
		}
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(z[c][idx[a]]) > math.Abs(z[c][idx[b]]) })
		var parts []string
		for _, j := range idx {
			if len(parts) == 3 || math.Abs(z[c][j]) < spec.LabelThreshold {
				break
			}
			parts = append(parts, word(c, j))
		}
		label := average
		if len(parts) > 0 {
			label = strings.Join(parts, sep)
		}
		for n := len(parts); seen[label] && n < len(idx) && z[c][idx[n]] != 0; n++ {
			parts = append(parts, word(c, idx[n]))
			label = strings.Join(parts, sep)
		}
		if seen[label] {
			label = fmt.Sprintf("%s (%d)", label, c+1)
		}
		seen[label] = true
		labels[c] = label
	}
	return labels
}

// writeClusters appends the labels, names and z-scores to temp tables and builds the profiles.
func writeClusters(ctx context.Context, conn *sql.Conn, fit *ClusterFit, mean, std []float64, spec ClusterSpec) error {
	for _, ddl := range []string{
		"CREATE OR REPLACE TEMP TABLE cluster_labels (input_row BIGINT, cluster_id INTEGER)",
		"CREATE OR REPLACE TEMP TABLE cluster_names (cluster_id INTEGER, cluster_label VARCHAR)",
		"CREATE OR REPLACE TEMP TABLE cluster_z (cluster_id INTEGER, feature VARCHAR, z_score DOUBLE)",
	} {
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("k-means: %w", err)
		}
	}
	z := zScores(fit.Result, mean, std, spec.Standardize)
	err := conn.Raw(func(dc any) error {
		app := func(table string, rows func(a *duckdb.Appender) error) error {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", table)
			if err != nil {
				return err
			}
			if err := rows(a); err != nil {
				a.Close()
				return err
			}
			return a.Close()
		}
		if err := app("cluster_labels", func(a *duckdb.Appender) error {
			for i, l := range fit.Result.Labels {
				if err := a.AppendRow(int64(i), int32(l+1)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if err := app("cluster_names", func(a *duckdb.Appender) error {
			for c, l := range fit.Labels {
				if err := a.AppendRow(int32(c+1), l); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		return app("cluster_z", func(a *duckdb.Appender) error {
			for c := range z {
				for j, f := range fit.Used {
					if err := a.AppendRow(int32(c+1), f, z[c][j]); err != nil {
						return err
					}
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("k-means: write labels: %w", err)
	}
	if err := script(ctx, conn, "mining/cluster_profiles.sql", map[string]any{
		"Input": spec.Input, "Features": spec.Features, "Revenue": spec.Revenue,
	}); err != nil {
		return fmt.Errorf("k-means: %w", err)
	}
	return nil
}
