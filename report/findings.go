package report

import (
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
)

// Finding is a rule that holds on the report's data: a sentence with its numbers, the department
// it is for, and the link to the customers (or the page) behind it.
type Finding struct {
	Rule, Department, Text, Link string
}

// Rule is a finding rule: its parameters (thresholds in the config's report.findings.<name>)
// with their defaults, and its evaluation, which returns the sentence and link when it holds.
type Rule struct {
	Name, Department string
	Params           map[string]float64
	eval             func(b *builder, p map[string]float64) (text, link string, err error)
}

// Rules are the finding rules, in the order the report lists what they find.
var Rules = []Rule{
	{"vip_churn_risk", "service", map[string]float64{"min_customers": 10}, (*builder).vipChurnRisk},
	{"lost_top_customers", "sales", map[string]float64{"min_customers": 10}, (*builder).lostTopCustomers},
	{"low_satisfaction_store", "service", map[string]float64{"max_csi": 0.85, "min_surveys": 30}, (*builder).lowSatisfactionStore},
	{"complaint_hotspot", "service", map[string]float64{"factor": 2}, (*builder).complaintHotspot},
	{"unresolved_complaints", "service", map[string]float64{"min_customers": 10}, (*builder).unresolvedComplaints},
	{"declining", "sales", map[string]float64{"min_share": 0.1}, (*builder).declining},
	{"spurious_loyalty", "service", map[string]float64{"min_share": 0.3}, (*builder).spuriousLoyalty},
	{"campaign_without_effect", "marketing", map[string]float64{}, (*builder).campaignWithoutEffect},
	{"concentration", "sales", map[string]float64{"min_share": 0.8}, (*builder).concentrationFinding},
}

func ruleNamed(name string) *Rule {
	for i := range Rules {
		if Rules[i].Name == name {
			return &Rules[i]
		}
	}
	return nil
}

func ruleNames() string {
	var names []string
	for _, r := range Rules {
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

// findings evaluates every rule the config enables (report.findings.<rule>, with its thresholds
// over the defaults); a rule that does not hold says nothing.
func (b *builder) findings() ([]Finding, error) {
	var out []Finding
	for _, r := range Rules {
		set, ok := b.opt.Config.Findings[r.Name]
		if !ok {
			continue
		}
		p := map[string]float64{}
		for k, v := range r.Params {
			p[k] = v
		}
		for k, v := range set {
			p[k] = v
		}
		text, link, err := r.eval(b, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		if text == "" {
			continue
		}
		dept := b.t("dept." + r.Department)
		out = append(out, Finding{Rule: r.Name, Department: dept, Text: text, Link: b.opt.Config.BaseURL + link})
	}
	return out, nil
}

// money writes an amount compactly for a sentence: 1.2M, 35k (万 in Chinese).
func (b *builder) money(v float64) string {
	c := b.r.Currency
	if b.r.Language == "zh" {
		if math.Abs(v) >= 1e4 {
			return fmt.Sprintf("%s%.1f万", c, v/1e4)
		}
		return fmt.Sprintf("%s%.0f", c, v)
	}
	switch {
	case math.Abs(v) >= 1e6:
		return fmt.Sprintf("%s%.1fM", c, v/1e6)
	case math.Abs(v) >= 1e4:
		return fmt.Sprintf("%s%.0fk", c, v/1e3)
	}
	return fmt.Sprintf("%s%.0f", c, v)
}

func (b *builder) say(en, zh string, args ...any) string {
	if b.r.Language == "zh" {
		return fmt.Sprintf(zh, args...)
	}
	return fmt.Sprintf(en, args...)
}

func listLink(filters map[string]string) string {
	v := url.Values{}
	for k, x := range filters {
		v.Set(k, x)
	}
	return "/lists?" + v.Encode()
}

// topReason is the most common condition of the high-risk customers (the churn section's).
func (b *builder) topReason() string {
	if len(b.reasonsTable.Rows) == 0 {
		return ""
	}
	return text(b.reasonsTable.Rows[0][0])
}

func (b *builder) vipChurnRisk(p map[string]float64) (string, string, error) {
	var now int64
	var clv sql.NullFloat64
	if err := queryRow(b.ctx, b.db, `SELECT count(*), sum(clv) FROM scores.customer_scores WHERE clv_quadrant = 'vip' AND churn_risk = 'high'`, nil, &now, &clv); err != nil {
		return "", "", err
	}
	if float64(now) < p["min_customers"] {
		return "", "", nil
	}
	reason := b.topReason()
	link := listLink(map[string]string{"clv_quadrant": "vip", "churn_risk": "high"})
	if b.r.Compare != "" {
		var before int64
		if err := queryRow(b.ctx, b.db, `SELECT count(*) FROM scores_as_of(CAST(? AS DATE)) WHERE clv_quadrant = 'vip' AND churn_risk = 'high'`,
			[]any{b.r.Compare}, &before); err != nil {
			return "", "", err
		}
		if now <= before {
			return "", "", nil
		}
		return b.say("VIP customers at high churn risk rose from %d to %d since %s (CLV at stake %s); the most common reason is %q → service: call them.",
			"高流失风险的 VIP 客户自 %[3]s 起由 %[1]d 人增至 %[2]d 人（涉及 CLV %[4]s），最常见的原因是“%[5]s” → 客服部：逐一回访。",
			before, now, b.r.Compare, b.money(clv.Float64), reason), link, nil
	}
	return b.say("%d VIP customers are at high churn risk (CLV at stake %s); the most common reason is %q → service: call them.",
		"%d 位 VIP 客户流失风险高（涉及 CLV %s），最常见的原因是“%s” → 客服部：逐一回访。", now, b.money(clv.Float64), reason), link, nil
}

func (b *builder) lostTopCustomers(p map[string]float64) (string, string, error) {
	since := "1900-01-01"
	if b.r.Compare != "" {
		since = b.r.Compare
	}
	var n, recent int64
	var margin sql.NullFloat64
	if err := queryRow(b.ctx, b.db, `SELECT count(*), count(*) FILTER (WHERE lost_since > CAST(? AS DATE)), sum(clv_historical)
		FROM scores.customer_scores WHERE abc_class = 'A' AND churn_risk = 'lost'`, []any{since}, &n, &recent, &margin); err != nil {
		return "", "", err
	}
	if float64(n) < p["min_customers"] {
		return "", "", nil
	}
	link := listLink(map[string]string{"abc_class": "A", "churn_risk": "lost"})
	if b.r.Compare != "" {
		return b.say("%d class-A customers are lost, %d of them since %s; they had brought %s of margin → sales: win-back calls.",
			"%d 位 A 类客户已流失，其中 %d 位自 %s 起流失，累计贡献毛利 %s → 销售部：挽回回访。", n, recent, b.r.Compare, b.money(margin.Float64)), link, nil
	}
	return b.say("%d class-A customers are lost; they had brought %s of margin → sales: win-back calls.",
		"%d 位 A 类客户已流失，累计贡献毛利 %s → 销售部：挽回回访。", n, b.money(margin.Float64)), link, nil
}

func (b *builder) lowSatisfactionStore(p map[string]float64) (string, string, error) {
	type store struct {
		id, name string
		surveys  int64
		csi      float64
	}
	var low []store
	var all float64
	if err := queryRow(b.ctx, b.db, `SELECT coalesce(max(csi), 0) FROM scores.satisfaction_summary WHERE dimension = 'total' AND period = 'all'`, nil, &all); err != nil {
		return "", "", err
	}
	rows, err := b.db.QueryContext(b.ctx, `SELECT member, member_name, surveys, csi FROM scores.satisfaction_summary
		WHERE dimension = 'store' AND period = 'all' AND member NOT IN ('(none)', '(unknown)') AND csi < ? AND surveys >= ?
		ORDER BY csi, member LIMIT 3`, p["max_csi"], p["min_surveys"])
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	for rows.Next() {
		var s store
		if err := rows.Scan(&s.id, &s.name, &s.surveys, &s.csi); err != nil {
			return "", "", err
		}
		low = append(low, s)
	}
	if err := rows.Err(); err != nil || len(low) == 0 {
		return "", "", err
	}
	var parts []string
	for _, s := range low {
		parts = append(parts, b.say("%s %s: CSI %.3f on %d surveys", "%s %s：CSI %.3f（%d 份调查）", s.id, s.name, s.csi, s.surveys))
	}
	return b.say("Satisfaction is below %.2f at %s (all customers %.3f) → service: find out why with the store managers.",
		"满意度低于 %.2f 的门店：%s（全体客户 %.3f） → 客服部：与店长一起查明原因。", p["max_csi"], strings.Join(parts, "; "), all), "/service", nil
}

func (b *builder) complaintHotspot(p map[string]float64) (string, string, error) {
	var overall sql.NullFloat64
	if err := queryRow(b.ctx, b.db, `SELECT complaint_rate_orders FROM scores.complaint_summary WHERE dimension = 'total' AND period = 'all'`, nil, &overall); err != nil && err != sql.ErrNoRows {
		return "", "", err
	}
	if !overall.Valid || overall.Float64 <= 0 {
		return "", "", nil
	}
	rows, err := b.db.QueryContext(b.ctx, `SELECT member, member_name, complaint_rate_orders, complaints FROM scores.complaint_summary
		WHERE dimension = 'store' AND period = 'all' AND member NOT IN ('(none)', '(unknown)') AND complaint_rate_orders >= ?
		ORDER BY complaint_rate_orders DESC, member LIMIT 3`, p["factor"]*overall.Float64)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var id, name string
		var rate float64
		var n int64
		if err := rows.Scan(&id, &name, &rate, &n); err != nil {
			return "", "", err
		}
		parts = append(parts, b.say("%s %s draws %.1f complaints per 100 orders (%d), %.1f times the average",
			"%s %s 每百单投诉 %.1f 次（共 %d 次），是平均水平的 %.1f 倍", id, name, rate, n, rate/overall.Float64))
	}
	if err := rows.Err(); err != nil || len(parts) == 0 {
		return "", "", err
	}
	return b.say("%s of %.1f per 100 orders → service: review the store's complaints by topic.",
		"%s（平均每百单 %.1f 次） → 客服部：按主题复盘该门店的投诉。", strings.Join(parts, "; "), overall.Float64), "/service", nil
}

func (b *builder) unresolvedComplaints(p map[string]float64) (string, string, error) {
	var n int64
	var oldest sql.NullInt64
	if err := queryRow(b.ctx, b.db, `SELECT count(DISTINCT customer_id), -min(days) FROM scores.care_lists WHERE list = 'unresolved-complaints'`, nil, &n, &oldest); err != nil {
		return "", "", err
	}
	if float64(n) < p["min_customers"] {
		return "", "", nil
	}
	return b.say("%d customers have a complaint left unresolved (the oldest open for %d days) → service: call them back.",
		"%d 位客户的投诉尚未解决（最早的已 %d 天） → 客服部：回电处理。", n, oldest.Int64), "/lists?list=unresolved-complaints", nil
}

func (b *builder) declining(p map[string]float64) (string, string, error) {
	var n, buyers int64
	if err := queryRow(b.ctx, b.db, `SELECT count(*) FILTER (WHERE decline_warning), count(*) FILTER (WHERE frequency > 0) FROM scores.customer_scores`, nil, &n, &buyers); err != nil {
		return "", "", err
	}
	if buyers == 0 || float64(n)/float64(buyers) < p["min_share"] {
		return "", "", nil
	}
	return b.say("%d customers (%.1f%% of the buyers) spend sharply less than they used to → sales: ask them why, with an offer.",
			"%d 位客户（占有购买客户的 %.1f%%）消费明显下降 → 销售部：了解原因并给予优惠。", n, 100*float64(n)/float64(buyers)),
		listLink(map[string]string{"decline_warning": "true"}), nil
}

func (b *builder) spuriousLoyalty(p map[string]float64) (string, string, error) {
	var spurious, repeat int64
	if err := queryRow(b.ctx, b.db, `SELECT count(*) FILTER (WHERE loyalty_type = 'spurious'), count(*) FILTER (WHERE loyalty_type IN ('loyal', 'spurious'))
		FROM scores.customer_scores`, nil, &spurious, &repeat); err != nil {
		return "", "", err
	}
	if repeat == 0 || float64(spurious)/float64(repeat) < p["min_share"] {
		return "", "", nil
	}
	return b.say("%.1f%% of the repeat buyers are not satisfied (spurious loyalty: %d customers) → service: ask what is wrong before an alternative comes.",
			"%.1f%% 的重复购买客户并不满意（虚假忠诚：%d 人） → 客服部：在竞争者出现前了解问题。", 100*float64(spurious)/float64(repeat), spurious),
		listLink(map[string]string{"loyalty_type": "spurious"}), nil
}

func (b *builder) campaignWithoutEffect(map[string]float64) (string, string, error) {
	rows, err := b.db.QueryContext(b.ctx, `SELECT campaign_id, coalesce(campaign_name, ''), response_uplift, response_uplift_low, response_uplift_high
		FROM scores.campaign_effectiveness WHERE has_control AND response_uplift_low <= 0 AND response_uplift_high >= 0 ORDER BY start_date DESC, campaign_id`)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	var parts []string
	first := ""
	for rows.Next() {
		var id, name string
		var u, lo, hi float64
		if err := rows.Scan(&id, &name, &u, &lo, &hi); err != nil {
			return "", "", err
		}
		if first == "" {
			first = id
		}
		parts = append(parts, b.say("%s %s: response uplift %+.1f points [%+.1f, %+.1f]", "%s %s：响应提升 %+.1f 个百分点 [%+.1f, %+.1f]",
			id, name, 100*u, 100*lo, 100*hi))
	}
	if err := rows.Err(); err != nil || len(parts) == 0 {
		return "", "", err
	}
	sort.Strings(parts[1:])
	return b.say("Against their control groups these campaigns changed nothing measurable: %s → marketing: stop or rework them.",
		"与对照组相比，以下活动没有可测量的效果：%s → 市场部：停止或调整。", strings.Join(parts, "; ")), "/campaigns?campaign=" + url.QueryEscape(first), nil
}

func (b *builder) concentrationFinding(p map[string]float64) (string, string, error) {
	// The concentration section's table: top_pct, customers, revenue, revenue_share, margin_share.
	for _, r := range b.concentrationTable.Rows {
		if float(r[0]) == 20 && float(r[3]) >= p["min_share"] {
			return b.say("The top 20%% of the customers make %.1f%% of the revenue → sales: give them key-account care.",
				"前 20%% 的客户贡献了 %.1f%% 的收入 → 销售部：提供大客户专属服务。", 100*float(r[3])), listLink(map[string]string{"abc_class": "A"}), nil
		}
	}
	return "", "", nil
}
