package demodata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// The fixed world the customers live in: products, stores, employees and campaigns. It depends
// only on the seed and the start of history, so exports for later end dates agree with earlier ones.

type product struct {
	id, name, category, brand, model string
	price, cost                      float64
	// changes are price changes (factor on the base price) at absolute times; products.csv
	// shows the price in force at the end date, and orders use the price at their time.
	changes   []priceChange
	partners  []partner // planted affinities: bought together with this product
	bigTicket bool
}

type priceChange struct {
	at     time.Time
	factor float64
}

type partner struct {
	product int // index into catalog.products
	p       float64
}

type store struct {
	id, name, city, region   string
	consultants, technicians []string // employee ids
}

type campaign struct {
	id, name, channel string
	start, end        time.Time
	cost              float64
}

type catalog struct {
	products       []product
	small          []int // cheap add-on products (accessories, audio, smart home)
	byCategory     map[string][]int
	bigCats        []string
	stores         []store
	storesByCity   map[string][]int
	storesByRegion map[string][]int
	employees      [][4]string // id, name, role, store id
	campaigns      []campaign
}

var regions = []struct {
	name   string
	cities []string
}{
	{"North", []string{"Beijing", "Tianjin", "Shijiazhuang"}},
	{"East", []string{"Shanghai", "Hangzhou", "Nanjing", "Suzhou"}},
	{"South", []string{"Guangzhou", "Shenzhen", "Xiamen"}},
	{"West", []string{"Chengdu", "Chongqing", "Xian"}},
	{"Central", []string{"Wuhan", "Changsha", "Zhengzhou"}},
}

var surnames = []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu",
	"Xu", "Sun", "Hu", "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo"}
var givenNames = []string{"Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang",
	"Yong", "Yan", "Jie", "Tao", "Ming", "Chao", "Xiu", "Hua", "Ping", "Gang", "Lan", "Hui", "Bo", "Xin"}

// Accessories that main products plant affinities to, by name.
var addOns = []struct {
	name, category string
	price          float64
}{
	{"Screen Protector", "Phone Accessories", 12},
	{"Wireless Mouse", "Computer Accessories", 25},
	{"Laptop Sleeve", "Computer Accessories", 30},
	{"Stylus Pen", "Tablet Accessories", 45},
	{"Soundbar", "Audio", 199},
	{"TV Wall Mount", "TV Accessories", 49},
	{"Memory Card 128GB", "Camera Accessories", 29},
	{"Camera Bag", "Camera Accessories", 55},
	{"Extra Controller", "Gaming", 59},
	{"Installation Service", "Services", 80},
	{"Extended Warranty", "Services", 99},
	{"USB-C Charger", "Phone Accessories", 19},
	{"HDMI Cable", "TV Accessories", 9},
	{"Power Bank", "Phone Accessories", 35},
}

var mainLines = []struct {
	category string
	brands   []string
	models   []string
	lo, hi   float64
	partners []struct {
		name string
		p    float64
	}
	perModelCase bool // each model gets its own case, bought with it more often than not
}{
	{"Phones", []string{"Lumo", "Vantra", "Kestrel"}, []string{"P10", "P20", "P30", "X1", "X2", "Mini", "Pro", "Lite", "Max", "S5", "S7", "Neo"},
		299, 1199, []struct {
			name string
			p    float64
		}{{"Screen Protector", 0.35}}, true},
	{"Laptops", []string{"Corvid", "Lumo", "Tessel"}, []string{"Air 13", "Air 15", "Book 14", "Book 16", "Work 14", "Work 16", "Play 15", "Ultra 13"},
		499, 1999, []struct {
			name string
			p    float64
		}{{"Wireless Mouse", 0.45}, {"Laptop Sleeve", 0.30}}, false},
	{"Tablets", []string{"Lumo", "Vantra"}, []string{"Tab 8", "Tab 10", "Tab 11", "Tab 12", "Note 10", "Note 12"},
		199, 899, []struct {
			name string
			p    float64
		}{{"Stylus Pen", 0.40}}, false},
	{"TVs", []string{"Brightline", "Kestrel"}, []string{"43 inch", "50 inch", "55 inch", "65 inch", "75 inch", "OLED 55", "OLED 65", "QLED 65"},
		299, 2499, []struct {
			name string
			p    float64
		}{{"TV Wall Mount", 0.40}, {"Soundbar", 0.35}}, false},
	{"Cameras", []string{"Optix", "Halden"}, []string{"C100", "C200", "C300", "M50", "M60", "Z7"},
		399, 1799, []struct {
			name string
			p    float64
		}{{"Memory Card 128GB", 0.60}, {"Camera Bag", 0.30}}, false},
	{"Gaming", []string{"Nexa", "Pulse"}, []string{"Console One", "Console Pro", "Console Go", "Console Neo"},
		299, 549, []struct {
			name string
			p    float64
		}{{"Extra Controller", 0.50}}, false},
	{"Appliances", []string{"Haldor", "Frost", "Cleanwave"}, []string{"Washer W7", "Washer W9", "Fridge F3", "Fridge F5", "Dishwasher D2", "Dryer R4", "Oven O6", "Vacuum V8", "Air Purifier A3", "Microwave M2"},
		99, 1499, []struct {
			name string
			p    float64
		}{{"Installation Service", 0.50}, {"Extended Warranty", 0.25}}, false},
	{"Audio", []string{"Sonara", "Beatline"}, []string{"Buds 2", "Buds Pro", "Over-Ear H7", "Over-Ear H9", "Speaker Mini", "Speaker Go", "Speaker Home", "Studio Monitor", "Earphones E1", "Neckband N3"},
		29, 399, nil, false},
	{"Smart Home", []string{"Homely", "Nexa"}, []string{"Smart Plug", "Smart Bulb", "Door Sensor", "Camera Indoor", "Camera Outdoor", "Thermostat", "Hub", "Doorbell"},
		19, 199, nil, false},
}

func buildCatalog(seed uint64, start time.Time) *catalog {
	rng := rand.New(rand.NewPCG(seed, 0xca7a1095))
	c := &catalog{byCategory: map[string][]int{}, storesByCity: map[string][]int{}, storesByRegion: map[string][]int{}}
	add := func(p product) int {
		p.id = fmt.Sprintf("P%04d", len(c.products)+1)
		p.cost = round2(p.price * (0.55 + 0.2*rng.Float64()))
		// Up to two price changes over the first four years of history.
		for k := rng.IntN(3); k > 0; k-- {
			at := start.Add(time.Duration(rng.IntN(4*365)) * 24 * time.Hour).Add(9 * time.Hour)
			p.changes = append(p.changes, priceChange{at: at, factor: 0.8 + 0.3*rng.Float64()})
		}
		slices.SortFunc(p.changes, func(a, b priceChange) int { return a.at.Compare(b.at) })
		c.products = append(c.products, p)
		i := len(c.products) - 1
		c.byCategory[p.category] = append(c.byCategory[p.category], i)
		return i
	}
	addOnIdx := map[string]int{}
	for _, a := range addOns {
		i := add(product{name: a.name, category: a.category, brand: "Generic", model: a.name, price: a.price})
		addOnIdx[a.name] = i
		if a.category != "Services" {
			c.small = append(c.small, i)
		}
	}
	for _, line := range mainLines {
		big := line.lo >= 99
		if big {
			c.bigCats = append(c.bigCats, line.category)
		}
		for k, model := range line.models {
			brand := line.brands[k%len(line.brands)]
			price := round2(line.lo + (line.hi-line.lo)*float64(k)/float64(max(1, len(line.models)-1)))
			price = float64(int(price)/10*10) - 1
			i := add(product{name: brand + " " + model, category: line.category, brand: brand, model: model, price: price, bigTicket: big})
			for _, pt := range line.partners {
				c.products[i].partners = append(c.products[i].partners, partner{product: addOnIdx[pt.name], p: pt.p})
			}
			if line.perModelCase {
				cs := add(product{name: "Case for " + brand + " " + model, category: "Phone Accessories", brand: brand, model: model + " Case", price: 19 + float64(rng.IntN(3))*10})
				c.small = append(c.small, cs)
				c.products[i].partners = append(c.products[i].partners, partner{product: cs, p: 0.55})
			}
			if !big {
				c.small = append(c.small, i)
			}
		}
	}

	for _, r := range regions {
		for k, city := range r.cities {
			// Two stores in a region's first city, one in the others.
			n := 1
			if k == 0 {
				n = 2
			}
			for j := 0; j < n; j++ {
				s := store{id: fmt.Sprintf("S%02d", len(c.stores)+1), city: city, region: r.name}
				s.name = city + " " + []string{"Central", "Riverside"}[j]
				c.stores = append(c.stores, s)
				c.storesByCity[city] = append(c.storesByCity[city], len(c.stores)-1)
				c.storesByRegion[r.name] = append(c.storesByRegion[r.name], len(c.stores)-1)
			}
		}
	}
	for si := range c.stores {
		s := &c.stores[si]
		for _, role := range []string{"store manager", "sales consultant", "sales consultant", "sales consultant", "service technician", "service technician"} {
			id := fmt.Sprintf("E%04d", len(c.employees)+1)
			name := surnames[rng.IntN(len(surnames))] + " " + givenNames[rng.IntN(len(givenNames))]
			c.employees = append(c.employees, [4]string{id, name, role, s.id})
			switch role {
			case "sales consultant":
				s.consultants = append(s.consultants, id)
			case "service technician":
				s.technicians = append(s.technicians, id)
			}
		}
	}

	themes := []string{"New Year", "Spring", "Mid-Year", "Summer", "Back to School", "Autumn", "Singles Day", "Winter"}
	channels := []string{"email", "sms", "phone", "mail"}
	// A campaign roughly every five weeks, far enough ahead that later exports find them.
	for k := 0; k < 60; k++ {
		st := start.Add(time.Duration(30+k*37) * 24 * time.Hour)
		c.campaigns = append(c.campaigns, campaign{
			id:      campaignID(k),
			name:    fmt.Sprintf("%s Offer %d", themes[k%len(themes)], st.Year()),
			channel: channels[k%len(channels)],
			start:   st,
			end:     st.Add(time.Duration(13+rng.IntN(17)) * 24 * time.Hour),
			cost:    float64(2000 + 500*rng.IntN(37)),
		})
	}
	return c
}

// priceAt is the list price of product i at time t.
func (c *catalog) priceAt(i int, t time.Time) float64 {
	p := &c.products[i]
	f := 1.0
	for _, ch := range p.changes {
		if ch.at.After(t) {
			break
		}
		f = ch.factor
	}
	return round2(p.price * f)
}

// lastChange is the time of the last price change of product i up to t, or the zero time.
func (c *catalog) lastChange(i int, t time.Time) time.Time {
	var last time.Time
	for _, ch := range c.products[i].changes {
		if ch.at.After(t) {
			break
		}
		last = ch.at
	}
	return last
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
