package mining

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// RFM scores recency, frequency and monetary value into rfm_result.
func RFM(ctx context.Context, conn *sql.Conn, cfg configs.RFM, asOf time.Time) (*Model, error) {
	if _, err := warehouse.RunScript(ctx, conn, "mining/rfm.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Bins": cfg.Bins,
	}); err != nil {
		return nil, fmt.Errorf("rfm: %w", err)
	}
	segments, n, err := countBy(ctx, conn, "rfm_result", "rfm_segment")
	if err != nil {
		return nil, fmt.Errorf("rfm: %w", err)
	}
	var meanR, meanF, meanM sql.NullFloat64
	if err := conn.QueryRowContext(ctx, "SELECT avg(r_score), avg(f_score), avg(m_score) FROM rfm_result").Scan(&meanR, &meanF, &meanM); err != nil {
		return nil, fmt.Errorf("rfm: %w", err)
	}
	return &Model{Method: "rfm", Customers: n,
		Parameters: map[string]any{"bins": cfg.Bins},
		Metrics: map[string]any{"segments": segments,
			"mean_r_score": meanR.Float64, "mean_f_score": meanF.Float64, "mean_m_score": meanM.Float64},
	}, nil
}

// ABC sorts customers into Pareto classes into abc_result.
func ABC(ctx context.Context, conn *sql.Conn, cfg configs.ABC) (*Model, error) {
	if _, err := warehouse.RunScript(ctx, conn, "mining/abc.sql", map[string]any{
		"AShare": cfg.AShare, "BShare": cfg.BShare,
	}); err != nil {
		return nil, fmt.Errorf("abc: %w", err)
	}
	classes, n, err := countBy(ctx, conn, "abc_result", "abc_class")
	if err != nil {
		return nil, fmt.Errorf("abc: %w", err)
	}
	return &Model{Method: "abc", Customers: n,
		Parameters: map[string]any{"a_share": cfg.AShare, "b_share": cfg.BShare},
		Metrics:    map[string]any{"classes": classes},
	}, nil
}

// Lifecycle assigns lifecycle stages and decline warnings into lifecycle_result.
func Lifecycle(ctx context.Context, conn *sql.Conn, cfg configs.Lifecycle, asOf time.Time) (*Model, error) {
	if _, err := warehouse.RunScript(ctx, conn, "mining/lifecycle.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "RecentDays": cfg.RecentDays, "BaselineDays": cfg.BaselineDays,
		"AcquisitionDays": cfg.AcquisitionDays, "MaturityDays": cfg.MaturityDays, "TerminationDays": cfg.TerminationDays,
		"GrowthRise": cfg.GrowthRise, "DeclineDrop": cfg.DeclineDrop, "WarningDrop": cfg.WarningDrop,
		"WarningMinOrders": cfg.WarningMinOrders,
	}); err != nil {
		return nil, fmt.Errorf("lifecycle: %w", err)
	}
	stages, n, err := countBy(ctx, conn, "lifecycle_result", "lifecycle_stage")
	if err != nil {
		return nil, fmt.Errorf("lifecycle: %w", err)
	}
	warnings, _, err := countBy(ctx, conn, "lifecycle_result", "decline_warning")
	if err != nil {
		return nil, fmt.Errorf("lifecycle: %w", err)
	}
	return &Model{Method: "lifecycle", Customers: n,
		Parameters: map[string]any{"recent_days": cfg.RecentDays, "baseline_days": cfg.BaselineDays,
			"acquisition_days": cfg.AcquisitionDays, "maturity_days": cfg.MaturityDays,
			"termination_days": cfg.TerminationDays, "growth_rise": cfg.GrowthRise, "decline_drop": cfg.DeclineDrop,
			"warning_drop": cfg.WarningDrop, "warning_min_orders": cfg.WarningMinOrders},
		Metrics: map[string]any{"stages": stages, "decline_warnings": warnings["true"]},
	}, nil
}
