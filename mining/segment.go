package mining

import (
	"context"
	"database/sql"
	"time"

	"github.com/crmwh/crmwh/configs"
)

// ClusterSpecFor is the spec the config gives for clustering input (the nightly job's and the
// defaults of `crmwh mine kmeans`, which overrides what its flags set).
func ClusterSpecFor(c configs.Cluster, language, input string) ClusterSpec {
	return ClusterSpec{Input: input, Features: c.Features, LogFeatures: c.LogFeatures, Standardize: true,
		K: c.K, KMin: c.KMin, KMax: c.KMax, SilhouetteTolerance: c.SilhouetteTolerance, SilhouetteSample: c.SilhouetteSample, CandidateSample: c.CandidateSample, NInit: c.NInit,
		MaxIter: c.MaxIter, Tol: c.Tol, Seed: c.Seed, LabelThreshold: c.LabelThreshold, Language: language}
}

// Segment is the cluster method on the warehouse: the features of the customers with a purchase
// up to asOf (from the mining input), k-means on them as the config says, and the per-customer
// result, the profiles and the features left for Save as cluster, cluster_profiles and
// cluster_features.
func Segment(ctx context.Context, conn *sql.Conn, cfg configs.Mining, asOf time.Time) (*ClusterFit, error) {
	const input = "cluster_input"
	if err := script(ctx, conn, "mining/cluster_input.sql", map[string]any{"AsOf": asOf.Format(time.DateOnly)}); err != nil {
		return nil, err // the script's errors name it
	}
	spec := ClusterSpecFor(cfg.Cluster, cfg.Language, input)
	spec.Revenue = "monetary"
	fit, err := Cluster(ctx, conn, spec)
	if err != nil {
		return nil, err
	}
	if err := script(ctx, conn, "mining/cluster_result.sql", nil); err != nil {
		return nil, err
	}
	return fit, nil
}
