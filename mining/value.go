package mining

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/crmwh/crmwh/configs"
)

// RFMResult is what RFM found; its Model is built from these fields.
type RFMResult struct {
	Customers           int64
	Segments            map[string]int64 // customers per segment key
	MeanR, MeanF, MeanM float64
	Bins                int
}

// Model is the result's record for scores.model_runs.
func (r *RFMResult) Model() *Model {
	return &Model{Method: "rfm", Customers: r.Customers,
		Parameters: map[string]any{"bins": r.Bins},
		Metrics: map[string]any{"segments": r.Segments,
			"mean_r_score": r.MeanR, "mean_f_score": r.MeanF, "mean_m_score": r.MeanM},
	}
}

// RFM scores recency, frequency and monetary value into rfm_result.
func RFM(ctx context.Context, conn *sql.Conn, cfg configs.RFM, asOf time.Time) (*RFMResult, error) {
	if err := script(ctx, conn, "mining/rfm.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Bins": cfg.Bins,
	}); err != nil {
		return nil, err
	}
	segments, n, err := countBy(ctx, conn, Result("rfm"), "rfm_segment")
	if err != nil {
		return nil, err
	}
	var meanR, meanF, meanM sql.NullFloat64
	if err := conn.QueryRowContext(ctx, "SELECT avg(r_score), avg(f_score), avg(m_score) FROM "+Result("rfm")).Scan(&meanR, &meanF, &meanM); err != nil {
		return nil, fmt.Errorf("mean RFM scores: %w", err)
	}
	return &RFMResult{Customers: n, Segments: segments, MeanR: meanR.Float64, MeanF: meanF.Float64,
		MeanM: meanM.Float64, Bins: cfg.Bins}, nil
}

// ABCResult is what ABC found; its Model is built from these fields.
type ABCResult struct {
	Customers      int64
	A, B, C        int64
	AShare, BShare float64
}

// Model is the result's record for scores.model_runs.
func (r *ABCResult) Model() *Model {
	return &Model{Method: "abc", Customers: r.Customers,
		Parameters: map[string]any{"a_share": r.AShare, "b_share": r.BShare},
		Metrics:    map[string]any{"classes": map[string]int64{"A": r.A, "B": r.B, "C": r.C}},
	}
}

// ABC sorts customers into Pareto classes into abc_result.
func ABC(ctx context.Context, conn *sql.Conn, cfg configs.ABC) (*ABCResult, error) {
	if err := script(ctx, conn, "mining/abc.sql", map[string]any{
		"AShare": cfg.AShare, "BShare": cfg.BShare,
	}); err != nil {
		return nil, err
	}
	classes, n, err := countBy(ctx, conn, Result("abc"), "abc_class")
	if err != nil {
		return nil, err
	}
	return &ABCResult{Customers: n, A: classes["A"], B: classes["B"], C: classes["C"],
		AShare: cfg.AShare, BShare: cfg.BShare}, nil
}

// LifecycleResult is what Lifecycle found; its Model is built from these fields.
type LifecycleResult struct {
	Customers       int64
	Stages          map[string]int64
	DeclineWarnings int64
	Config          configs.Lifecycle
}

// Model is the result's record for scores.model_runs.
func (r *LifecycleResult) Model() *Model {
	c := r.Config
	return &Model{Method: "lifecycle", Customers: r.Customers,
		Parameters: map[string]any{"recent_days": c.RecentDays, "baseline_days": c.BaselineDays,
			"acquisition_days": c.AcquisitionDays, "maturity_days": c.MaturityDays,
			"termination_days": c.TerminationDays, "growth_rise": c.GrowthRise, "decline_drop": c.DeclineDrop,
			"warning_drop": c.WarningDrop, "warning_min_orders": c.WarningMinOrders},
		Metrics: map[string]any{"stages": r.Stages, "decline_warnings": r.DeclineWarnings},
	}
}

// Lifecycle assigns lifecycle stages and decline warnings into lifecycle_result.
func Lifecycle(ctx context.Context, conn *sql.Conn, cfg configs.Lifecycle, asOf time.Time) (*LifecycleResult, error) {
	if err := script(ctx, conn, "mining/lifecycle.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "RecentDays": cfg.RecentDays, "BaselineDays": cfg.BaselineDays,
		"AcquisitionDays": cfg.AcquisitionDays, "MaturityDays": cfg.MaturityDays, "TerminationDays": cfg.TerminationDays,
		"GrowthRise": cfg.GrowthRise, "DeclineDrop": cfg.DeclineDrop, "WarningDrop": cfg.WarningDrop,
		"WarningMinOrders": cfg.WarningMinOrders,
	}); err != nil {
		return nil, err
	}
	stages, n, err := countBy(ctx, conn, Result("lifecycle"), "lifecycle_stage")
	if err != nil {
		return nil, err
	}
	warnings, _, err := countBy(ctx, conn, Result("lifecycle"), "decline_warning")
	if err != nil {
		return nil, err
	}
	return &LifecycleResult{Customers: n, Stages: stages, DeclineWarnings: warnings["true"], Config: cfg}, nil
}
