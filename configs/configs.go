// Package configs holds crmwh's configuration: the built-in default (default.yaml, embedded) and
// the loading of a user's file on top of it.
package configs

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/crmwh/crmwh/mining/features"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultPath is where crmwh looks for a config file when --config is not given.
const DefaultPath = "configs/crmwh.yaml"

// Config is the whole configuration.
type Config struct {
	Source    Source     `yaml:"source"`
	Warehouse Warehouse  `yaml:"warehouse"`
	Marts     Marts      `yaml:"marts"`
	Mining    Mining     `yaml:"mining"`
	Jobs      Jobs       `yaml:"jobs"`
	Alerts    Alerts     `yaml:"alerts"`
	Checks    Checks     `yaml:"checks"`
	Schedules []Schedule `yaml:"schedules"`
	Generate  Generate   `yaml:"generate"`
	Serve     Serve      `yaml:"serve"`
	Report    Report     `yaml:"report"`
}

// Report configures the customer value report.
type Report struct {
	// Currency is written before amounts (¥, $, CNY ).
	Currency string `yaml:"currency"`
	// BaseURL is the web UI's address, for the links of a report written to a file.
	BaseURL string `yaml:"base_url"`
	// Findings are the finding rules to evaluate, each with its thresholds (the rule's defaults
	// apply to the thresholds not given); a rule not listed is off.
	Findings map[string]map[string]float64 `yaml:"findings"`
}

// Checks configures the data checks run after the load and before mining.
type Checks struct {
	// Builtin runs the built-in checks of the star schema and the marts.
	Builtin bool `yaml:"builtin"`
	// Custom are the user's own checks.
	Custom []Check `yaml:"custom"`
}

// Check is one assertion on a table of the warehouse.
type Check struct {
	Name     string `yaml:"name"`
	Kind     string `yaml:"kind"` // unique, not_null, relationships, accepted_values, range, expression, freshness, volume
	Table    string `yaml:"table"`
	Severity string `yaml:"severity"` // error (default: fails the run before mining) or warn (alerts)
	// Where restricts the rows checked (SQL); Key is what the sample of failing rows lists
	// (SQL; default the checked columns).
	Where string `yaml:"where"`
	Key   string `yaml:"key"`
	// unique, not_null: Columns; relationships, accepted_values, range, freshness: Column.
	Columns []string `yaml:"columns"`
	Column  string   `yaml:"column"`
	To      string   `yaml:"to"`     // relationships: table.column every value must name
	Values  []string `yaml:"values"` // accepted_values
	Min     *float64 `yaml:"min"`    // range
	Max     *float64 `yaml:"max"`
	// expression: a SQL predicate every row must satisfy.
	Expression string `yaml:"expression"`
	MaxAgeDays int    `yaml:"max_age_days"` // freshness: the latest value at most this many days before the as-of date
	// volume: rows read from this source table, against the previous load, may differ by at most
	// Tolerance (a share).
	Source    string  `yaml:"source"`
	Tolerance float64 `yaml:"tolerance"`
}

// Serve configures `crmwh serve` and `crmwh export`.
type Serve struct {
	PGAddr           string   `yaml:"pg_addr"`
	HTTPAddr         string   `yaml:"http_addr"`
	StatementTimeout Duration `yaml:"statement_timeout"`
	MemoryLimit      string   `yaml:"memory_limit"`
	Threads          int      `yaml:"threads"`
	Refresh          Duration `yaml:"refresh"`
	SessionTTL       Duration `yaml:"session_ttl"`
	// SQLAuth is how SQL clients sign in: scram-sha-256 (the password never crosses the wire)
	// or password (in clear text: for old clients, and users added before crmwh kept SCRAM
	// verifiers).
	SQLAuth string `yaml:"sql_auth"`
	// TLSCert and TLSKey (PEM files), when both are set, turn on TLS for the SQL endpoint
	// (clients ask with sslmode=require) and HTTPS for the web UI.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	Lists   []List `yaml:"lists"`
}

// List is a named customer list: filters over the published scores.
type List struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Filters     map[string]string `yaml:"filters"`
}

// Jobs configures how jobs run.
type Jobs struct {
	// Nightly lists the jobs of `crmwh run` without job names (default: all, in DAG order).
	Nightly []string `yaml:"nightly"`
	// Retries, Backoff and Timeout apply to every job unless Overrides names it.
	Retries   int                    `yaml:"retries"`
	Backoff   Duration               `yaml:"backoff"` // before the first retry; doubled for each next one
	Timeout   Duration               `yaml:"timeout"` // 0: none
	Overrides map[string]JobSettings `yaml:"overrides"`
}

// JobSettings overrides retries, backoff or timeout for one job.
type JobSettings struct {
	Retries *int      `yaml:"retries"`
	Backoff *Duration `yaml:"backoff"`
	Timeout *Duration `yaml:"timeout"`
}

// Settings are the retries, backoff and timeout of job.
func (j Jobs) Settings(job string) (retries int, backoff, timeout time.Duration) {
	retries, backoff, timeout = j.Retries, time.Duration(j.Backoff), time.Duration(j.Timeout)
	if o, ok := j.Overrides[job]; ok {
		if o.Retries != nil {
			retries = *o.Retries
		}
		if o.Backoff != nil {
			backoff = time.Duration(*o.Backoff)
		}
		if o.Timeout != nil {
			timeout = time.Duration(*o.Timeout)
		}
	}
	return retries, backoff, timeout
}

// Alerts says whom to tell when a job fails (after its retries).
type Alerts struct {
	// Command runs with sh -c and CRMWH_RUN_ID, CRMWH_JOB, CRMWH_AS_OF and CRMWH_ERROR set.
	Command string `yaml:"command"`
	// Webhook receives a JSON POST {"run_id", "job", "as_of", "error"}.
	Webhook string   `yaml:"webhook"`
	Timeout Duration `yaml:"timeout"`
	// ModelHealth are the thresholds past which a publish alerts (it fails nothing).
	ModelHealth ModelHealth `yaml:"model_health"`
}

// ModelHealth are the model-quality thresholds that call the alert command and webhook.
type ModelHealth struct {
	MinBacktestAUC      float64 `yaml:"min_backtest_auc"`      // churn back-test ROC AUC below this
	MaxPSI              float64 `yaml:"max_psi"`               // a feature's or the score's PSI above this
	MaxCalibrationError float64 `yaml:"max_calibration_error"` // mean |observed − predicted| over the deciles above this
}

// Schedule is a cron schedule of `crmwh scheduler`.
type Schedule struct {
	Name     string   `yaml:"name"`
	Cron     string   `yaml:"cron"`     // five fields, or @every 1h, @daily ...
	TimeZone string   `yaml:"timezone"` // IANA name; default UTC
	Jobs     []string `yaml:"jobs"`     // default: the nightly jobs
	// AsOf is the date a firing runs for: yesterday (default; the day whose data is complete)
	// or today, in the schedule's time zone.
	AsOf string `yaml:"as_of"`
}

// Duration is a time.Duration written as "30s", "2h".
type Duration time.Duration

// UnmarshalYAML reads "90s" or "1h30m".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 30s or 2h: %w", n.Line, n.Value, err)
	}
	*d = Duration(v)
	return nil
}

// Mining configures the mining methods.
type Mining struct {
	// PurchaseStatuses are the order statuses that count as purchases.
	PurchaseStatuses []string  `yaml:"purchase_statuses"`
	Language         string    `yaml:"language"` // of display labels: en or zh
	RFM              RFM       `yaml:"rfm"`
	ABC              ABC       `yaml:"abc"`
	CLV              CLV       `yaml:"clv"`
	Lifecycle        Lifecycle `yaml:"lifecycle"`
	Cluster          Cluster   `yaml:"cluster"`
	Churn            Churn     `yaml:"churn"`
	Assoc            Assoc     `yaml:"assoc"`
	Campaigns        Campaigns `yaml:"campaigns"`
	Service          Service   `yaml:"service"`
	Loyalty          Loyalty   `yaml:"loyalty"`
	Tiers            Tiers     `yaml:"tiers"`
	Care             Care      `yaml:"care"`
}

// Service configures the satisfaction and complaint measures.
type Service struct {
	// SatisfactionBands are the upper bounds of the satisfaction (perceived / expected) bands
	// of the satisfaction → loyalty link, lowest first; the last band is everything above.
	SatisfactionBands []float64 `yaml:"satisfaction_bands"`
	// RepurchaseDays: a survey is followed by a repurchase when the customer completes an order
	// within this many days after it.
	RepurchaseDays int `yaml:"repurchase_days"`
}

// Loyalty configures the loyalty index and types.
type Loyalty struct {
	// Weights of the index's parts: repeat, tenure, referrals, recency and price.
	Weights map[string]float64 `yaml:"weights"`
	// Each part scores 0..1: orders in the trailing 12 months up to RepeatOrders, days since
	// the customer was created up to TenureDays, referrals made up to Referrals, recency
	// falling to 0 at RecencyDays, and the share of spend bought at full price.
	RepeatOrders int `yaml:"repeat_orders"`
	TenureDays   int `yaml:"tenure_days"`
	Referrals    int `yaml:"referrals"`
	RecencyDays  int `yaml:"recency_days"`
	// The loyalty type: behaviour is repeat purchase (at least RepeatMinOrders orders in the
	// trailing 12 months), attitude is satisfaction (mean of the customer's surveys at least
	// AttitudeSatisfaction; without a survey, having referred someone).
	RepeatMinOrders      int     `yaml:"repeat_min_orders"`
	AttitudeSatisfaction float64 `yaml:"attitude_satisfaction"`
}

// LoyaltyParts are the parts of the loyalty index, in the order they are reported.
var LoyaltyParts = []string{"repeat", "tenure", "referrals", "recency", "price"}

// Tiers configures the membership tiers.
type Tiers struct {
	// Basis: spend (trailing-12-month net spend at least min_spend) or share (the top
	// top_share of the customers with spend in the trailing 12 months, cumulative).
	Basis string `yaml:"basis"`
	// Levels, highest first; the last takes everyone else and has no threshold.
	Levels []Tier `yaml:"levels"`
}

// Tier is one membership tier.
type Tier struct {
	Name     string  `yaml:"name"`
	LabelEN  string  `yaml:"label_en"`
	LabelZH  string  `yaml:"label_zh"`
	MinSpend float64 `yaml:"min_spend"`
	TopShare float64 `yaml:"top_share"`
}

// Names are the tiers' names, highest first.
func (t Tiers) Names() []string {
	out := make([]string, len(t.Levels))
	for i, l := range t.Levels {
		out[i] = l.Name
	}
	return out
}

// CareLists are the care lists (scores.care_lists.list), in the order they are shown.
var CareLists = []string{"birthdays", "anniversaries", "service-due", "missed-appointments", "unresolved-complaints"}

// Care configures the care lists.
type Care struct {
	BirthdayDays          int `yaml:"birthday_days"`           // birthdays in the next this many days
	AnniversaryDays       int `yaml:"anniversary_days"`        // first-purchase anniversaries in the next this many days
	ServiceIntervalDays   int `yaml:"service_interval_days"`   // service due this long after the last service visit
	MissedAppointmentDays int `yaml:"missed_appointment_days"` // no-shows of the last this many days, not seen since
	ComplaintOpenDays     int `yaml:"complaint_open_days"`     // complaints unresolved for more than this many days
}

// Campaigns configures the campaign evaluation.
type Campaigns struct {
	// WindowDays: orders in this many days after a contact are attributed to it (unless the
	// contact names its own order).
	WindowDays int `yaml:"window_days"`
}

// Assoc configures association rules and recommendations.
type Assoc struct {
	Basket        string  `yaml:"basket"`      // order, or customer (a customer's purchases over window_days)
	WindowDays    int     `yaml:"window_days"` // for basket: customer
	Level         string  `yaml:"level"`       // product or category
	MinSupport    float64 `yaml:"min_support"`
	MinConfidence float64 `yaml:"min_confidence"`
	MinLift       float64 `yaml:"min_lift"`
	MaxLen        int     `yaml:"max_len"` // items in an itemset; 0: no limit
	MaxConsequent int     `yaml:"max_consequent"`
	TopN          int     `yaml:"top_n"` // recommendations per customer
	Score         string  `yaml:"score"` // confidence, lift or confidence_x_lift
	// ExcludeBoughtDays: a product bought in this many days up to the as-of date is not
	// recommended; 0 means ever bought. A returned product is never recommended.
	ExcludeBoughtDays int `yaml:"exclude_bought_days"`
}

// Churn configures the churn model.
type Churn struct {
	// HorizonDays: a customer without a purchase or service visit for this long is lost; the
	// model learns from the customers active at as-of − horizon whether they were lost by as-of.
	HorizonDays  int      `yaml:"horizon_days"`
	Features     []string `yaml:"features"`
	Criterion    string   `yaml:"criterion"` // gini or entropy
	MaxDepth     int      `yaml:"max_depth"`
	MinLeaf      int      `yaml:"min_leaf"`
	TestFraction float64  `yaml:"test_fraction"`
	Seed         uint64   `yaml:"seed"`
	Threshold    float64  `yaml:"threshold"`   // probability from which a customer counts as predicted to churn
	HighRisk     float64  `yaml:"high_risk"`   // churn_risk high from this probability
	MediumRisk   float64  `yaml:"medium_risk"` // medium from this one
	// Model picks the model that scores the customers: tree, logistic, or auto (the one with
	// the higher hold-out ROC AUC); both are trained and recorded either way.
	Model string `yaml:"model"`
	// LogisticC is the challenger's inverse regularisation strength (scikit-learn's C).
	LogisticC float64 `yaml:"logistic_c"`
	// TrainSample caps the rows both models learn from (a seeded sample; 0: all).
	TrainSample int `yaml:"train_sample"`
}

// Cluster configures the k-means segmentation.
type Cluster struct {
	Features    []string `yaml:"features"`
	LogFeatures []string `yaml:"log_features"` // log(1 + x) before standardizing
	K           int      `yaml:"k"`            // 0: chosen by silhouette in [k_min, k_max]
	KMin        int      `yaml:"k_min"`
	KMax        int      `yaml:"k_max"`
	// SilhouetteTolerance: the largest k whose silhouette is within this of the best is chosen.
	SilhouetteTolerance float64 `yaml:"silhouette_tolerance"`
	// SilhouetteSample is how many customers the silhouette score is computed on.
	SilhouetteSample int `yaml:"silhouette_sample"`
	// CandidateSample is how many customers the candidate k are fitted on (a seeded sample; 0:
	// all); the chosen k is then fitted on every customer.
	CandidateSample int     `yaml:"candidate_sample"`
	NInit           int     `yaml:"n_init"`
	MaxIter         int     `yaml:"max_iter"`
	Tol             float64 `yaml:"tol"`
	Seed            uint64  `yaml:"seed"`
	// LabelThreshold: a feature names a cluster when its mean is this many standard deviations
	// above or below the overall mean.
	LabelThreshold float64 `yaml:"label_threshold"`
}

// RFM configures the RFM scores.
type RFM struct {
	Bins int `yaml:"bins"`
}

// ABC configures the Pareto classes.
type ABC struct {
	AShare float64 `yaml:"a_share"`
	BShare float64 `yaml:"b_share"`
}

// CLV configures the customer-lifetime-value models.
type CLV struct {
	TimeUnit            string  `yaml:"time_unit"` // day or week
	HorizonMonths       int     `yaml:"horizon_months"`
	MonthlyDiscountRate float64 `yaml:"monthly_discount_rate"`
	// MarginRate is the share of revenue that is margin; nil means the share measured in the data.
	MarginRate      *float64 `yaml:"margin_rate"`
	CurrentQuantile float64  `yaml:"current_quantile"`
	FutureQuantile  float64  `yaml:"future_quantile"`
}

// Lifecycle configures the lifecycle stages and the decline warning.
type Lifecycle struct {
	RecentDays       int     `yaml:"recent_days"`
	BaselineDays     int     `yaml:"baseline_days"`
	AcquisitionDays  int     `yaml:"acquisition_days"`
	MaturityDays     int     `yaml:"maturity_days"`
	TerminationDays  int     `yaml:"termination_days"`
	GrowthRise       float64 `yaml:"growth_rise"`
	DeclineDrop      float64 `yaml:"decline_drop"`
	WarningDrop      float64 `yaml:"warning_drop"`
	WarningMinOrders int     `yaml:"warning_min_orders"`
}

// Marts tunes the derived tables.
type Marts struct {
	// ChunkCustomers is how many customers fact_customer_month is built for at a time.
	ChunkCustomers int `yaml:"chunk_customers"`
	// Incremental rebuilds only the rows that can have changed since the last build (see
	// marts.CustomerMonth); false rebuilds every row every run.
	Incremental bool `yaml:"incremental"`
}

// Source says where the operational data comes from.
type Source struct {
	Type string `yaml:"type"` // csv or postgres
	Dir  string `yaml:"dir"`  // csv: the folder of <table>.csv files
	// postgres: the database (a DSN; write ${CRMWH_PG_DSN} to keep it out of the file), the schema
	// of the contract's tables, and per table the watermark column of incremental extraction
	// (updated_at when not named; "" extracts the table whole every time).
	DSN       string            `yaml:"dsn"`
	Schema    string            `yaml:"schema"`
	Watermark map[string]string `yaml:"watermark"`
	// files: any export mapped onto the contract, per contract table (files in dir).
	Tables map[string]FileTable `yaml:"tables"`
	// csv: what one row of an export may hold; a row beyond it is rejected, the rest loads.
	Limits SourceLimits `yaml:"limits"`
}

// SourceLimits bound one row of a CSV export.
type SourceLimits struct {
	MaxFieldBytes int `yaml:"max_field_bytes"`
	MaxLineBytes  int `yaml:"max_line_bytes"`
	// How many physical lines a quoted field may span before its quote counts as unterminated.
	MaxRowLines int `yaml:"max_row_lines"`
}

// FileTable maps foreign files onto one table of the source contract. Expressions are DuckDB
// SQL over the file's columns (read as text); to_ts(x) and to_date(x) parse with the table's
// formats, clean_id(x) drops the ".0" a spreadsheet export adds to numeric ids.
type FileTable struct {
	Files           string            `yaml:"files"` // glob, relative to source.dir
	Delimiter       string            `yaml:"delimiter"`
	Encoding        string            `yaml:"encoding"` // utf-8 (default), latin-1 or utf-16
	Header          *bool             `yaml:"header"`   // default true
	TimestampFormat string            `yaml:"timestamp_format"`
	DateFormat      string            `yaml:"date_format"`
	Filter          string            `yaml:"filter"`   // rows to keep
	GroupBy         []string          `yaml:"group_by"` // one output row per group (then columns aggregate)
	Columns         map[string]string `yaml:"columns"`  // contract column: expression or constant
}

// Warehouse tunes the DuckDB warehouse.
type Warehouse struct {
	MemoryLimit string `yaml:"memory_limit"`
	Threads     int    `yaml:"threads"`
	// TempDirectory receives what DuckDB spills past MemoryLimit (relative paths are under the
	// data directory); MaxTempDirectorySize caps it, so that a huge run fails with DuckDB's
	// out-of-temp-space error instead of filling the disk.
	TempDirectory        string `yaml:"temp_directory"`
	MaxTempDirectorySize string `yaml:"max_temp_directory_size"`
	ParquetCopy          bool   `yaml:"parquet_copy"`
}

// Generate holds the defaults of the demo data generator.
type Generate struct {
	Customers int     `yaml:"customers"`
	Seed      uint64  `yaml:"seed"`
	DirtyRate float64 `yaml:"dirty_rate"`
}

// Default returns the built-in configuration.
func Default() (*Config, error) {
	c := &Config{}
	if err := decode(defaultYAML, c); err != nil {
		return nil, fmt.Errorf("config: built-in default: %w", err)
	}
	return c, nil
}

// Load reads path over the built-in default. A missing file at DefaultPath means the default
// applies; a missing file named explicitly is an error.
func Load(path string, explicit bool) (*Config, error) {
	c, err := Default()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if b, err = expandEnv(b); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := decode(b, c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, c.Validate()
}

// expandEnv replaces ${NAME} with the environment variable NAME, so that secrets stay out of
// config files; a variable that is not set is an error, not an empty string.
func expandEnv(b []byte) ([]byte, error) {
	var missing []string
	out := os.Expand(string(b), func(name string) string {
		v, ok := os.LookupEnv(name)
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("environment variable %s is not set", strings.Join(missing, ", "))
	}
	return []byte(out), nil
}

func decode(b []byte, c *Config) error {
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true) // a misspelt key is an error, not a silent default
	if err := d.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Validate checks values that the types alone do not.
func (c *Config) Validate() error {
	switch c.Source.Type {
	case "csv":
		if c.Source.Dir == "" {
			return fmt.Errorf("config: source.dir is empty")
		}
	case "postgres":
		if c.Source.DSN == "" {
			return fmt.Errorf("config: source.dsn is empty (for example dsn: ${CRMWH_PG_DSN})")
		}
	case "files":
		if c.Source.Dir == "" || len(c.Source.Tables) == 0 {
			return fmt.Errorf("config: source type files needs source.dir and source.tables")
		}
		for name, t := range c.Source.Tables {
			if t.Files == "" || len(t.Columns) == 0 {
				return fmt.Errorf("config: source.tables.%s needs files and columns", name)
			}
		}
	default:
		return fmt.Errorf("config: source.type %q is not supported (csv, postgres or files)", c.Source.Type)
	}
	if l := c.Source.Limits; l.MaxFieldBytes < 1 || l.MaxLineBytes < l.MaxFieldBytes || l.MaxRowLines < 1 {
		return fmt.Errorf("config: source.limits needs max_field_bytes ≥ 1, max_line_bytes ≥ max_field_bytes and max_row_lines ≥ 1")
	}
	if c.Warehouse.Threads < 0 {
		return fmt.Errorf("config: warehouse.threads must be 0 or more")
	}
	if c.Serve.SQLAuth != "scram-sha-256" && c.Serve.SQLAuth != "password" {
		return fmt.Errorf("config: serve.sql_auth %q: scram-sha-256 or password", c.Serve.SQLAuth)
	}
	if c.Marts.ChunkCustomers < 1 {
		return fmt.Errorf("config: marts.chunk_customers must be at least 1")
	}
	if err := c.Mining.Validate(); err != nil {
		return err
	}
	if err := c.Checks.Validate(); err != nil {
		return err
	}
	for _, sc := range c.Schedules {
		if sc.Cron == "" {
			return fmt.Errorf("config: schedule %q has no cron", sc.Name)
		}
		if sc.TimeZone != "" {
			if _, err := time.LoadLocation(sc.TimeZone); err != nil {
				return fmt.Errorf("config: schedule %q: time zone: %w", sc.Name, err)
			}
		}
		if sc.AsOf != "" && sc.AsOf != "yesterday" && sc.AsOf != "today" {
			return fmt.Errorf("config: schedule %q: as_of %q is not yesterday or today", sc.Name, sc.AsOf)
		}
	}
	if c.Jobs.Retries < 0 || c.Jobs.Backoff < 0 || c.Jobs.Timeout < 0 {
		return fmt.Errorf("config: jobs.retries, backoff and timeout must be 0 or more")
	}
	if c.Generate.DirtyRate < 0 || c.Generate.DirtyRate > 0.5 {
		return fmt.Errorf("config: generate.dirty_rate must be from 0 to 0.5")
	}
	return nil
}

// Resolve makes p absolute against the data directory unless it is absolute already.
func Resolve(dataDir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dataDir, p)
}

// Validate checks the mining settings.
func (m *Mining) Validate() error {
	share := func(name string, v float64) error {
		if !(v > 0 && v < 1) {
			return fmt.Errorf("config: mining.%s must be between 0 and 1 (exclusive)", name)
		}
		return nil
	}
	positive := func(name string, v int) error {
		if v < 1 {
			return fmt.Errorf("config: mining.%s must be at least 1", name)
		}
		return nil
	}
	l := m.Lifecycle
	var errs []error
	if len(m.PurchaseStatuses) == 0 {
		errs = append(errs, errors.New("config: mining.purchase_statuses is empty"))
	}
	if m.Language != "en" && m.Language != "zh" {
		errs = append(errs, fmt.Errorf("config: mining.language %q is not en or zh", m.Language))
	}
	if m.RFM.Bins < 2 {
		errs = append(errs, errors.New("config: mining.rfm.bins must be at least 2"))
	}
	if m.CLV.TimeUnit != "day" && m.CLV.TimeUnit != "week" {
		errs = append(errs, fmt.Errorf("config: mining.clv.time_unit %q is not day or week", m.CLV.TimeUnit))
	}
	if m.CLV.MonthlyDiscountRate < 0 {
		errs = append(errs, errors.New("config: mining.clv.monthly_discount_rate must be 0 or more"))
	}
	if r := m.CLV.MarginRate; r != nil && !(*r > 0 && *r <= 1) {
		errs = append(errs, errors.New("config: mining.clv.margin_rate must be above 0 and at most 1"))
	}
	if m.ABC.AShare+m.ABC.BShare >= 1 {
		errs = append(errs, errors.New("config: mining.abc.a_share + b_share must be below 1"))
	}
	errs = append(errs,
		share("abc.a_share", m.ABC.AShare), share("abc.b_share", m.ABC.BShare),
		share("clv.current_quantile", m.CLV.CurrentQuantile), share("clv.future_quantile", m.CLV.FutureQuantile),
		share("lifecycle.decline_drop", l.DeclineDrop), share("lifecycle.warning_drop", l.WarningDrop),
		positive("clv.horizon_months", m.CLV.HorizonMonths),
		positive("lifecycle.recent_days", l.RecentDays), positive("lifecycle.baseline_days", l.BaselineDays),
		positive("lifecycle.acquisition_days", l.AcquisitionDays), positive("lifecycle.maturity_days", l.MaturityDays),
		positive("lifecycle.termination_days", l.TerminationDays), positive("lifecycle.warning_min_orders", l.WarningMinOrders),
	)
	cl := m.Cluster
	if len(cl.Features) == 0 {
		errs = append(errs, errors.New("config: mining.cluster.features is empty"))
	}
	for _, f := range append(slices.Clone(cl.Features), cl.LogFeatures...) {
		if known := features.Cluster(); !slices.Contains(known, f) {
			errs = append(errs, fmt.Errorf("config: mining.cluster: unknown feature %q (features: %s)", f, strings.Join(known, ", ")))
		}
	}
	if cl.K < 0 || cl.K == 1 {
		errs = append(errs, errors.New("config: mining.cluster.k must be 0 (choose by silhouette) or at least 2"))
	}
	if cl.KMin < 2 || cl.KMax < cl.KMin {
		errs = append(errs, errors.New("config: mining.cluster needs 2 <= k_min <= k_max"))
	}
	if m.Campaigns.WindowDays < 1 {
		errs = append(errs, errors.New("config: mining.campaigns.window_days must be at least 1"))
	}
	errs = append(errs, m.validateService()...)
	if m.Assoc.ExcludeBoughtDays < 0 {
		errs = append(errs, errors.New("config: mining.assoc.exclude_bought_days must be 0 (ever bought) or more"))
	}
	if cl.SilhouetteTolerance < 0 || cl.SilhouetteTolerance >= 1 {
		errs = append(errs, errors.New("config: mining.cluster.silhouette_tolerance must be in [0, 1)"))
	}
	if cl.CandidateSample < 0 {
		errs = append(errs, errors.New("config: mining.cluster.candidate_sample must be 0 (every customer) or more"))
	}
	if cl.Tol < 0 || cl.LabelThreshold <= 0 {
		errs = append(errs, errors.New("config: mining.cluster.tol must be 0 or more and label_threshold above 0"))
	}
	errs = append(errs, positive("cluster.silhouette_sample", cl.SilhouetteSample), positive("cluster.n_init", cl.NInit),
		positive("cluster.max_iter", cl.MaxIter))
	ch := m.Churn
	for _, f := range ch.Features {
		if known := features.Churn(); !slices.Contains(known, f) {
			errs = append(errs, fmt.Errorf("config: mining.churn: unknown feature %q (features: %s)", f, strings.Join(known, ", ")))
		}
	}
	if len(ch.Features) == 0 {
		errs = append(errs, errors.New("config: mining.churn.features is empty"))
	}
	if ch.Model != "auto" && ch.Model != "tree" && ch.Model != "logistic" {
		errs = append(errs, fmt.Errorf("config: mining.churn.model %q is not auto, tree or logistic", ch.Model))
	}
	if !(ch.LogisticC > 0) {
		errs = append(errs, fmt.Errorf("config: mining.churn.logistic_c must be positive, not %g", ch.LogisticC))
	}
	if ch.TrainSample < 0 {
		errs = append(errs, errors.New("config: mining.churn.train_sample must be 0 (every customer) or more"))
	}
	if ch.Criterion != "gini" && ch.Criterion != "entropy" {
		errs = append(errs, fmt.Errorf("config: mining.churn.criterion %q is not gini or entropy", ch.Criterion))
	}
	if !(ch.MediumRisk > 0 && ch.MediumRisk < ch.HighRisk && ch.HighRisk < 1) {
		errs = append(errs, errors.New("config: mining.churn needs 0 < medium_risk < high_risk < 1"))
	}
	errs = append(errs, positive("churn.horizon_days", ch.HorizonDays), positive("churn.max_depth", ch.MaxDepth),
		positive("churn.min_leaf", ch.MinLeaf), share("churn.test_fraction", ch.TestFraction), share("churn.threshold", ch.Threshold))
	as := m.Assoc
	if as.Basket != "order" && as.Basket != "customer" {
		errs = append(errs, fmt.Errorf("config: mining.assoc.basket %q is not order or customer", as.Basket))
	}
	if as.Level != "product" && as.Level != "category" {
		errs = append(errs, fmt.Errorf("config: mining.assoc.level %q is not product or category", as.Level))
	}
	if as.Score != "confidence" && as.Score != "lift" && as.Score != "confidence_x_lift" {
		errs = append(errs, fmt.Errorf("config: mining.assoc.score %q is not confidence, lift or confidence_x_lift", as.Score))
	}
	if as.MaxLen < 0 || as.MinLift < 0 {
		errs = append(errs, errors.New("config: mining.assoc.max_len and min_lift must be 0 or more"))
	}
	errs = append(errs, share("assoc.min_support", as.MinSupport), positive("assoc.window_days", as.WindowDays),
		positive("assoc.max_consequent", as.MaxConsequent), positive("assoc.top_n", as.TopN))
	if as.MinConfidence < 0 || as.MinConfidence > 1 {
		errs = append(errs, errors.New("config: mining.assoc.min_confidence must be from 0 to 1"))
	}
	if l.GrowthRise <= 0 {
		errs = append(errs, errors.New("config: mining.lifecycle.growth_rise must be above 0"))
	}
	return errors.Join(errs...)
}

// identifier is a column, or a table with an optional schema: checks splice them into SQL.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// Validate says what is wrong with the custom checks, naming the check.
func (c Checks) Validate() error {
	names := map[string]bool{}
	for i, k := range c.Custom {
		where := fmt.Sprintf("config: checks.custom[%d] (%s)", i, k.Name)
		bad := func(what string) error { return fmt.Errorf("%s: %s", where, what) }
		if k.Name == "" || names[k.Name] {
			return bad("needs a name of its own")
		}
		names[k.Name] = true
		if k.Severity != "" && k.Severity != "error" && k.Severity != "warn" {
			return bad(fmt.Sprintf("severity %q is not error or warn", k.Severity))
		}
		if k.Kind != "volume" && !identifier.MatchString(k.Table) {
			return bad(fmt.Sprintf("table %q is not a table name", k.Table))
		}
		cols := k.Columns
		if k.Column != "" {
			cols = append(cols, k.Column)
		}
		for _, col := range cols {
			if !identifier.MatchString(col) || strings.Contains(col, ".") {
				return bad(fmt.Sprintf("column %q is not a column name", col))
			}
		}
		switch k.Kind {
		case "unique", "not_null":
			if len(k.Columns) == 0 {
				return bad(k.Kind + " needs columns")
			}
		case "relationships":
			if k.Column == "" || !identifier.MatchString(k.To) || !strings.Contains(k.To, ".") {
				return bad("relationships needs column and to (table.column)")
			}
		case "accepted_values":
			if k.Column == "" || len(k.Values) == 0 {
				return bad("accepted_values needs column and values")
			}
		case "range":
			if k.Column == "" || (k.Min == nil && k.Max == nil) {
				return bad("range needs column and min and/or max")
			}
		case "expression":
			if strings.TrimSpace(k.Expression) == "" {
				return bad("expression needs an expression (a SQL predicate every row must satisfy)")
			}
		case "freshness":
			if k.Column == "" || k.MaxAgeDays < 0 {
				return bad("freshness needs column and max_age_days ≥ 0")
			}
		case "volume":
			if k.Source == "" || k.Tolerance <= 0 {
				return bad("volume needs source (a source table) and tolerance > 0")
			}
		default:
			return bad(fmt.Sprintf("kind %q is not unique, not_null, relationships, accepted_values, range, expression, freshness or volume", k.Kind))
		}
	}
	return nil
}

// validateService checks the service, loyalty, tier and care settings.
func (m *Mining) validateService() []error {
	var errs []error
	b := m.Service.SatisfactionBands
	if len(b) == 0 || !slices.IsSorted(b) || len(slices.Compact(slices.Clone(b))) != len(b) || b[0] <= 0 {
		errs = append(errs, errors.New("config: mining.service.satisfaction_bands must be positive bounds in increasing order"))
	}
	if m.Service.RepurchaseDays < 1 {
		errs = append(errs, errors.New("config: mining.service.repurchase_days must be at least 1"))
	}
	l := m.Loyalty
	total := 0.0
	for k, w := range l.Weights {
		if !slices.Contains(LoyaltyParts, k) {
			errs = append(errs, fmt.Errorf("config: mining.loyalty.weights: unknown part %q (parts: %s)", k, strings.Join(LoyaltyParts, ", ")))
		}
		if w < 0 {
			errs = append(errs, fmt.Errorf("config: mining.loyalty.weights.%s must be 0 or more", k))
		}
		total += w
	}
	if total <= 0 {
		errs = append(errs, errors.New("config: mining.loyalty.weights must have a positive sum"))
	}
	if l.RepeatOrders < 1 || l.TenureDays < 1 || l.Referrals < 1 || l.RecencyDays < 1 || l.RepeatMinOrders < 1 {
		errs = append(errs, errors.New("config: mining.loyalty.repeat_orders, tenure_days, referrals, recency_days and repeat_min_orders must be at least 1"))
	}
	if l.AttitudeSatisfaction <= 0 {
		errs = append(errs, errors.New("config: mining.loyalty.attitude_satisfaction must be above 0"))
	}
	t := m.Tiers
	if t.Basis != "spend" && t.Basis != "share" {
		errs = append(errs, fmt.Errorf("config: mining.tiers.basis %q is not spend or share", t.Basis))
	}
	if len(t.Levels) < 2 {
		errs = append(errs, errors.New("config: mining.tiers.levels needs at least two tiers (the last takes everyone else)"))
	}
	seen := map[string]bool{}
	for i, lv := range t.Levels {
		if lv.Name == "" || seen[lv.Name] {
			errs = append(errs, fmt.Errorf("config: mining.tiers.levels[%d]: a name, different from the others", i))
		}
		seen[lv.Name] = true
		if i == len(t.Levels)-1 || i == 0 {
			continue
		}
		prev := t.Levels[i-1]
		if t.Basis == "spend" && !(lv.MinSpend < prev.MinSpend) {
			errs = append(errs, fmt.Errorf("config: mining.tiers.levels: %s's min_spend must be below %s's", lv.Name, prev.Name))
		}
		if t.Basis == "share" && !(lv.TopShare > prev.TopShare) {
			errs = append(errs, fmt.Errorf("config: mining.tiers.levels: %s's top_share (cumulative) must be above %s's", lv.Name, prev.Name))
		}
	}
	for _, lv := range t.Levels[:max(len(t.Levels)-1, 0)] {
		if t.Basis == "spend" && lv.MinSpend <= 0 {
			errs = append(errs, fmt.Errorf("config: mining.tiers.levels: %s needs a min_spend above 0", lv.Name))
		}
		if t.Basis == "share" && !(lv.TopShare > 0 && lv.TopShare < 1) {
			errs = append(errs, fmt.Errorf("config: mining.tiers.levels: %s needs a top_share between 0 and 1", lv.Name))
		}
	}
	c := m.Care
	if c.BirthdayDays < 1 || c.AnniversaryDays < 1 || c.ServiceIntervalDays < 1 || c.MissedAppointmentDays < 1 || c.ComplaintOpenDays < 0 {
		errs = append(errs, errors.New("config: mining.care: birthday_days, anniversary_days, service_interval_days and missed_appointment_days must be at least 1, complaint_open_days 0 or more"))
	}
	return errs
}
