package demodata

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// The planted customer-relations findings, for the service measures to recover: a store and a
// sales consultant (at another store) whose customers rate them lower; a store whose orders draw
// complaints more often; complaint topics that take known times to resolve; dissatisfied
// customers who stop buying after a survey more often the lower they rated; and referral
// chains, with a few ambassadors who referred many. They draw on their own random stream (by
// customer), so the other planted structure stays as it was.
const (
	lowSatisfactionStore      = "S03" // Tianjin Central, the only store of its city
	lowSatisfactionConsultant = "E0069"
	storePenalty              = 1.5 // perceived points off every survey about the store
	consultantPenalty         = 3.0 // perceived points off every survey about the consultant
	highComplaintStore        = "S11"
	complaintFactor           = 4.0 // on the chance that an order at that store draws a complaint
	resolutionSpread          = 0.3 // sigma of log(resolution days) around the topic's median
	referredShare             = 0.85
	ambassadorChance          = 0.3
	// A missed appointment (a no-show) is followed up: the service visit it was for takes
	// place rescheduled, this many days later or more (up to twice as many).
	rescheduleDays = 14
	// Delighted customers (satisfaction at least delightedFrom) come back sooner: the time to
	// their next purchase is shortened by this factor.
	delightedFrom   = 1.05
	delightedFactor = 0.75
)

// complaintTopics are the topics with their shares and median days to resolution.
var complaintTopics = []struct {
	topic       string
	share, days float64
}{
	{"product", 0.30, 4}, {"service", 0.20, 2}, {"price", 0.15, 1}, {"delivery", 0.15, 6}, {"staff", 0.10, 8}, {"other", 0.10, 3},
}

// defectAfterSurvey is the chance of dropping out after a survey, by satisfaction (perceived /
// expected) below each bound, lowest first; above the last bound, none.
var defectAfterSurvey = []SurveyDefection{{Below: 0.8, Chance: 0.15}, {Below: 0.95, Chance: 0.04}, {Below: 1.05, Chance: 0.01}}

// ambassadors is how many customers (the earliest acquired of the first ambassadorPool) a
// referred customer names with ambassadorChance (one of those acquired before them), so that a
// few customers referred many.
const (
	ambassadors    = 3
	ambassadorPool = 50
)

// chooseAmbassadors picks the planted ambassadors: the earliest acquired of the first customers.
func (g *generator) chooseAmbassadors() []int {
	ids := make([]int, 0, ambassadorPool)
	for id := 1; id <= min(ambassadorPool, g.opt.Customers); id++ {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int) int { return g.acquiredAt(a).Compare(g.acquiredAt(b)) })
	return ids[:min(ambassadors, len(ids))]
}

// SurveyDefection is the chance of dropping out after a survey rated below Below.
type SurveyDefection struct {
	Below  float64 `json:"below"`
	Chance float64 `json:"chance"`
}

// ServicePlant records the planted customer-relations findings.
type ServicePlant struct {
	LowSatisfactionStore      string             `json:"low_satisfaction_store"`
	StorePenalty              float64            `json:"store_penalty_points"`
	LowSatisfactionConsultant string             `json:"low_satisfaction_consultant"`
	ConsultantPenalty         float64            `json:"consultant_penalty_points"`
	HighComplaintStore        string             `json:"high_complaint_store"`
	ComplaintFactor           float64            `json:"complaint_factor"`
	ResolutionDays            map[string]float64 `json:"median_resolution_days"`
	DefectAfterSurvey         []SurveyDefection  `json:"defect_after_survey"`
	Referred                  int64              `json:"referred_customers"`
	Ambassadors               []string           `json:"ambassadors"`
}

func (g *generator) servicePlant() ServicePlant {
	p := ServicePlant{LowSatisfactionStore: lowSatisfactionStore, StorePenalty: storePenalty,
		LowSatisfactionConsultant: lowSatisfactionConsultant, ConsultantPenalty: consultantPenalty,
		HighComplaintStore: highComplaintStore, ComplaintFactor: complaintFactor,
		ResolutionDays: map[string]float64{}, DefectAfterSurvey: defectAfterSurvey, Referred: g.referred}
	for _, t := range complaintTopics {
		p.ResolutionDays[t.topic] = t.days
	}
	for _, a := range g.ambassadors {
		p.Ambassadors = append(p.Ambassadors, strconv.Itoa(a))
	}
	return p
}

// serviceRNG is the customer's stream for the service plants.
func (g *generator) serviceRNG(id int) *rand.Rand {
	return rand.New(rand.NewPCG(g.opt.Seed^0x5e41ce, uint64(id)))
}

// surveyPenalty is the planted drop in perceived points for a survey about this store and seller.
func surveyPenalty(storeID, employee string) float64 {
	p := 0.0
	if storeID == lowSatisfactionStore {
		p += storePenalty
	}
	if employee == lowSatisfactionConsultant {
		p += consultantPenalty
	}
	return p
}

// complaintTopic draws a complaint's topic and, for a resolved one, when it was resolved.
func complaintTopic(rng *rand.Rand, at time.Time) (string, time.Time) {
	u := rng.Float64()
	t := complaintTopics[len(complaintTopics)-1]
	for _, c := range complaintTopics {
		if u < c.share {
			t = c
			break
		}
		u -= c.share
	}
	d := t.days * math.Exp(resolutionSpread*rng.NormFloat64())
	return t.topic, at.Add(days(d)).Truncate(time.Second)
}

// defects says whether a survey rated at sat makes the customer stop buying.
func defects(rng *rand.Rand, sat float64) bool {
	u := rng.Float64()
	for _, d := range defectAfterSurvey {
		if sat < d.Below {
			return u < d.Chance
		}
	}
	return false
}

// referrer picks who referred customer id (acquired at acq), "" when unknown: an ambassador
// acquired earlier with ambassadorChance, else a customer acquired earlier drawn at random.
func (g *generator) referrer(rng *rand.Rand, id int, acq time.Time) string {
	if rng.Float64() >= referredShare || id == 1 {
		return ""
	}
	if rng.Float64() < ambassadorChance {
		var earlier []int
		for _, a := range g.ambassadors {
			if a != id && g.acquiredAt(a).Before(acq) {
				earlier = append(earlier, a)
			}
		}
		if len(earlier) > 0 {
			return strconv.Itoa(earlier[rng.IntN(len(earlier))])
		}
	}
	for try := 0; try < 20; try++ {
		cand := 1 + rng.IntN(id-1)
		if g.acquiredAt(cand).Before(acq) {
			return strconv.Itoa(cand)
		}
	}
	return ""
}

// acquiredAt is when customer id was acquired: the first draws of their stream (see customer).
func (g *generator) acquiredAt(id int) time.Time {
	return g.acquisition(rand.New(rand.NewPCG(g.opt.Seed, uint64(id))))
}

// acquisition draws a customer's acquisition time; it must stay the first draws of the stream.
func (g *generator) acquisition(rng *rand.Rand) time.Time {
	return g.start.Add(days(rng.Float64() * acquisitionSpan.Hours() / 24)).Truncate(day).Add(days((9 + 12*rng.Float64()) / 24)).Truncate(time.Second)
}

// rescheduled is when the service visit missed on an appointment takes place instead.
func rescheduled(rng *rand.Rand, visit time.Time) time.Time {
	return visit.Add(days(rescheduleDays * (1 + rng.Float64()))).Truncate(time.Second)
}

// nextInterval shortens the time to a delighted customer's next purchase.
func nextInterval(lastSat, d float64) float64 {
	if lastSat >= delightedFrom {
		return d * delightedFactor
	}
	return d
}
