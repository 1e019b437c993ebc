package serve

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/crmwh/crmwh/warehouse"
)

// Metrics are the server's Prometheus metrics: its own counters, and at every scrape the run
// history and table sizes of the snapshot being served.
type Metrics struct {
	reg       *prometheus.Registry
	queries   *prometheus.CounterVec
	queryTime prometheus.Histogram
	signIns   *prometheus.CounterVec
	exports   *prometheus.CounterVec
	exportRow prometheus.Counter
	pages     *prometheus.HistogramVec
}

// NewMetrics registers the metrics; runs come from readers' current snapshot.
func NewMetrics(readers *Readers) (*Metrics, error) {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmwh_sql_queries_total",
			Help: "SQL endpoint statements by role and outcome (ok, error, refused)."}, []string{"role", "outcome"}),
		queryTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "crmwh_sql_query_seconds",
			Help: "Duration of successful SQL endpoint queries.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 9)}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmwh_sign_ins_total",
			Help: "Sign-ins by interface (sql, web) and outcome."}, []string{"via", "outcome"}),
		exports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmwh_exports_total",
			Help: "Customer list downloads by format."}, []string{"format"}),
		exportRow: prometheus.NewCounter(prometheus.CounterOpts{Name: "crmwh_export_rows_total",
			Help: "Customers in downloaded lists."}),
		pages: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crmwh_http_request_seconds",
			Help: "Web UI request durations by page.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 9)}, []string{"page"}),
	}
	// Series start at zero, so rates and alerts work before the first event.
	for _, role := range []string{RoleAnalyst, RoleAdmin} {
		for _, outcome := range []string{"ok", "error", "refused"} {
			m.queries.WithLabelValues(role, outcome)
		}
	}
	for _, via := range []string{"sql", "web"} {
		m.signIns.WithLabelValues(via, "ok")
		m.signIns.WithLabelValues(via, "refused")
	}
	for _, f := range []string{"csv", "xlsx"} {
		m.exports.WithLabelValues(f)
	}
	for _, c := range []prometheus.Collector{m.queries, m.queryTime, m.signIns, m.exports, m.exportRow, m.pages,
		&runCollector{readers: readers}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := m.reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	return m, nil
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

func (m *Metrics) query(role, outcome string) {
	if m != nil {
		m.queries.WithLabelValues(role, outcome).Inc()
	}
}

func (m *Metrics) queryDuration(d time.Duration) {
	if m != nil {
		m.queryTime.Observe(d.Seconds())
	}
}

func (m *Metrics) signIn(via string, ok bool) {
	if m != nil {
		outcome := "refused"
		if ok {
			outcome = "ok"
		}
		m.signIns.WithLabelValues(via, outcome).Inc()
	}
}

func (m *Metrics) export(format string, rows int64) {
	if m != nil {
		m.exports.WithLabelValues(format).Inc()
		m.exportRow.Add(float64(rows))
	}
}

func (m *Metrics) page(name string, d time.Duration) {
	if m != nil {
		m.pages.WithLabelValues(name).Observe(d.Seconds())
	}
}

var (
	descRuns = prometheus.NewDesc("crmwh_job_runs_total", "Job runs in the published run history, by job and status.",
		[]string{"job", "status"}, nil)
	descDuration = prometheus.NewDesc("crmwh_job_last_duration_seconds", "Duration of each job's last finished run.",
		[]string{"job"}, nil)
	descRows = prometheus.NewDesc("crmwh_job_last_rows_written", "Rows written by each job's last finished run.",
		[]string{"job"}, nil)
	descSuccess = prometheus.NewDesc("crmwh_job_last_success_timestamp_seconds", "End of each job's last successful run.",
		[]string{"job"}, nil)
	descPublished = prometheus.NewDesc("crmwh_snapshot_published_timestamp_seconds", "When the snapshot being served was published.",
		nil, nil)
	descTable  = prometheus.NewDesc("crmwh_table_rows", "Rows of each published table.", []string{"table"}, nil)
	descChecks = prometheus.NewDesc("crmwh_data_check_failing_rows", "Failing rows of each data check of the published run, with its status (pass, warn, fail).",
		[]string{"check", "status"}, nil)
)

// runCollector reads the served snapshot's ops.job_runs at scrape time.
type runCollector struct{ readers *Readers }

func (c *runCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRuns, descDuration, descRows, descSuccess, descPublished, descTable, descChecks} {
		ch <- d
	}
}

func (c *runCollector) Collect(ch chan<- prometheus.Metric) {
	snap, release, err := c.readers.Acquire()
	if err != nil {
		return // nothing published: no run metrics
	}
	defer release()
	ch <- prometheus.MustNewConstMetric(descPublished, prometheus.GaugeValue, float64(snap.Manifest.Published.Unix()))
	for t, n := range snap.Manifest.Tables {
		ch <- prometheus.MustNewConstMetric(descTable, prometheus.GaugeValue, float64(n), t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db := snap.DB(ReaderClear)
	err = warehouse.ForEachRow(ctx, db, "serve/job_counts.sql", nil, nil, func(rows *sql.Rows) error {
		var job, status string
		var n int64
		if err := rows.Scan(&job, &status, &n); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(descRuns, prometheus.CounterValue, float64(n), job, status)
		return nil
	})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descRuns, err)
	}
	err = warehouse.ForEachRow(ctx, db, "serve/job_last.sql", nil, nil, func(rows *sql.Rows) error {
		var job string
		var secs float64
		var n int64
		var success *float64
		if err := rows.Scan(&job, &secs, &n, &success); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(descDuration, prometheus.GaugeValue, secs, job)
		ch <- prometheus.MustNewConstMetric(descRows, prometheus.GaugeValue, float64(n), job)
		if success != nil {
			ch <- prometheus.MustNewConstMetric(descSuccess, prometheus.GaugeValue, *success, job)
		}
		return nil
	})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descDuration, err)
	}
	err = warehouse.ForEachRow(ctx, db, "checks/latest.sql", nil, nil, func(rows *sql.Rows) error {
		var name, kind, table, severity, status, sample, detail string
		var failing int64
		if err := rows.Scan(&name, &kind, &table, &severity, &status, &failing, &sample, &detail); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(descChecks, prometheus.GaugeValue, float64(failing), name, status)
		return nil
	})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descChecks, err)
	}
}
