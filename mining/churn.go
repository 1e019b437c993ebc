package mining

import "fmt"

// ChurnWords are the churn features in words, for the reasons given to each customer; horizon is
// the days the "recent" features count.
func ChurnWords(language string, horizon int) map[string]string {
	if language == "zh" {
		return map[string]string{
			"recency_days": "距上次购买天数", "frequency": "购买次数", "monetary": "累计消费",
			"orders_recent": fmt.Sprintf("近%d天购买次数", horizon), "spend_recent": fmt.Sprintf("近%d天消费", horizon),
			"spend_change": "消费变化", "tenure_days": "注册天数", "complaints": "投诉次数",
			"unresolved_complaints": "未解决投诉", "complaints_recent": fmt.Sprintf("近%d天投诉", horizon),
			"unresolved_complaints_recent": fmt.Sprintf("近%d天未解决投诉", horizon), "satisfaction": "平均满意度",
			"last_satisfaction": "最近满意度", "days_since_service_visit": "距上次服务天数",
			"service_visits_365d": "近一年服务次数", "campaign_contacts_365d": "近一年营销接触",
			"campaign_responses_365d": "近一年营销响应", "channel": "常用渠道", "region": "地区",
			"customer_type": "客户类型", "acquisition_channel": "获客渠道",
		}
	}
	return map[string]string{
		"recency_days": "days since the last purchase", "frequency": "purchases", "monetary": "revenue to date",
		"orders_recent": fmt.Sprintf("purchases in %d days", horizon), "spend_recent": fmt.Sprintf("spend in %d days", horizon),
		"spend_change": fmt.Sprintf("spend change against the %d days before", horizon), "tenure_days": "days as a customer",
		"complaints": "complaints", "unresolved_complaints": "unresolved complaints",
		"complaints_recent":            fmt.Sprintf("complaints in %d days", horizon),
		"unresolved_complaints_recent": fmt.Sprintf("unresolved complaints in %d days", horizon),
		"satisfaction":                 "satisfaction", "last_satisfaction": "last satisfaction",
		"days_since_service_visit": "days since the last service visit", "service_visits_365d": "service visits in a year",
		"campaign_contacts_365d": "campaign contacts in a year", "campaign_responses_365d": "campaign responses in a year",
		"channel": "usual channel", "region": "region", "customer_type": "customer type",
		"acquisition_channel": "acquisition channel",
	}
}
