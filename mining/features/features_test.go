package features

import (
	"slices"
	"testing"
)

// Every churn feature has words in both languages, every cluster feature a high and a low name in
// both, and names are unique.
func TestRegistryComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All {
		if seen[f.Name] {
			t.Errorf("%s is declared twice", f.Name)
		}
		seen[f.Name] = true
		if f.Churn && (f.En == "" || f.Zh == "") {
			t.Errorf("churn feature %s lacks words: %q %q", f.Name, f.En, f.Zh)
		}
		if f.Cluster && (f.High[0] == "" || f.High[1] == "" || f.Low[0] == "" || f.Low[1] == "") {
			t.Errorf("cluster feature %s lacks high/low names: %v %v", f.Name, f.High, f.Low)
		}
	}
	for _, lang := range []string{"en", "zh"} {
		w := Words(lang, 180)
		for _, name := range Churn() {
			if w[name] == "" {
				t.Errorf("%s: no words for %s", lang, name)
			}
		}
	}
	if got := Words("en", 90)["orders_recent"]; got != "purchases in 90 days" {
		t.Errorf("orders_recent in words: %q", got)
	}
	if h, l, ok := HighLow("satisfaction", "zh"); !ok || h != "满意" || l != "不满意" {
		t.Errorf("satisfaction high/low in Chinese: %q %q %v", h, l, ok)
	}
	if !slices.Contains(Cluster(), "complaint_rate") || slices.Contains(Churn(), "complaint_rate") {
		t.Errorf("cluster %v, churn %v", Cluster(), Churn())
	}
}
