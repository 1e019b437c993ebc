// Package features is the one registry of the per-customer features the models learn from: each
// feature's name (its SQL column in sql/mining/churn_features.sql or cluster_input.sql), what it is
// in English and Chinese (for churn reasons), and how a cluster that stands high or low on it is
// called (for cluster labels). The config's validation, the churn reasons and the cluster labels
// all read it, so a feature is added here and in its SQL file, nowhere else.
package features

import (
	"fmt"
	"strings"
)

// Feature is one per-customer feature.
type Feature struct {
	Name string
	// En and Zh say what the feature is; "%d" stands for the churn horizon in days.
	En, Zh string
	// High and Low name a cluster well above or below the mean on the feature, [en, zh]; empty
	// for features that do not label clusters.
	High, Low [2]string
	Churn     bool // the churn job can learn from it
	Cluster   bool // the cluster job can segment on it
}

// All is every feature, churn's first in their default order.
var All = []Feature{
	{Name: "recency_days", En: "days since the last purchase", Zh: "距上次购买天数", High: [2]string{"lapsed", "久未购买"}, Low: [2]string{"recent", "近期购买"}, Churn: true, Cluster: true},
	{Name: "frequency", En: "purchases", Zh: "购买次数", High: [2]string{"frequent", "高频"}, Low: [2]string{"infrequent", "低频"}, Churn: true, Cluster: true},
	{Name: "monetary", En: "revenue to date", Zh: "累计消费", High: [2]string{"high spend", "高消费"}, Low: [2]string{"low spend", "低消费"}, Churn: true, Cluster: true},
	{Name: "orders_recent", En: "purchases in %d days", Zh: "近%d天购买次数", Churn: true},
	{Name: "spend_recent", En: "spend in %d days", Zh: "近%d天消费", Churn: true},
	{Name: "spend_change", En: "spend change against the %d days before", Zh: "消费变化", Churn: true},
	{Name: "tenure_days", En: "days as a customer", Zh: "注册天数", High: [2]string{"long-standing", "老客户"}, Low: [2]string{"new", "新客户"}, Churn: true, Cluster: true},
	{Name: "complaints", En: "complaints", Zh: "投诉次数", Churn: true},
	{Name: "unresolved_complaints", En: "unresolved complaints", Zh: "未解决投诉", Churn: true},
	{Name: "complaints_recent", En: "complaints in %d days", Zh: "近%d天投诉", Churn: true},
	{Name: "unresolved_complaints_recent", En: "unresolved complaints in %d days", Zh: "近%d天未解决投诉", Churn: true},
	{Name: "satisfaction", En: "satisfaction", Zh: "平均满意度", High: [2]string{"satisfied", "满意"}, Low: [2]string{"dissatisfied", "不满意"}, Churn: true, Cluster: true},
	{Name: "last_satisfaction", En: "last satisfaction", Zh: "最近满意度", Churn: true},
	{Name: "days_since_service_visit", En: "days since the last service visit", Zh: "距上次服务天数", Churn: true},
	{Name: "service_visits_365d", En: "service visits in a year", Zh: "近一年服务次数", Churn: true},
	{Name: "campaign_contacts_365d", En: "campaign contacts in a year", Zh: "近一年营销接触", Churn: true},
	{Name: "campaign_responses_365d", En: "campaign responses in a year", Zh: "近一年营销响应", Churn: true},
	{Name: "channel", En: "usual channel", Zh: "常用渠道", Churn: true},
	{Name: "region", En: "region", Zh: "地区", Churn: true},
	{Name: "customer_type", En: "customer type", Zh: "客户类型", Churn: true},
	{Name: "acquisition_channel", En: "acquisition channel", Zh: "获客渠道", Churn: true},
	{Name: "avg_order_value", High: [2]string{"big baskets", "大额订单"}, Low: [2]string{"small baskets", "小额订单"}, Cluster: true},
	{Name: "complaint_rate", High: [2]string{"complaining", "多投诉"}, Low: [2]string{"rarely complaining", "少投诉"}, Cluster: true},
}

// Churn lists the names of the features the churn job can use.
func Churn() []string { return names(func(f Feature) bool { return f.Churn }) }

// Cluster lists the names of the features the cluster job can use.
func Cluster() []string { return names(func(f Feature) bool { return f.Cluster }) }

func names(keep func(Feature) bool) []string {
	var out []string
	for _, f := range All {
		if keep(f) {
			out = append(out, f.Name)
		}
	}
	return out
}

// Words are the features in words in a language (en or zh), for the reasons given to each
// customer; horizon is the days the "recent" features count.
func Words(language string, horizon int) map[string]string {
	out := map[string]string{}
	for _, f := range All {
		w := f.En
		if language == "zh" {
			w = f.Zh
		}
		if w == "" {
			continue
		}
		if strings.Contains(w, "%d") {
			w = fmt.Sprintf(w, horizon)
		}
		out[f.Name] = w
	}
	return out
}

// HighLow names a cluster standing high or low on the feature in a language; ok is false for a
// feature without such words.
func HighLow(name, language string) (high, low string, ok bool) {
	i := 0
	if language == "zh" {
		i = 1
	}
	for _, f := range All {
		if f.Name == name && f.High[i] != "" {
			return f.High[i], f.Low[i], true
		}
	}
	return "", "", false
}
