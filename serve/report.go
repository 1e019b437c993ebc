package serve

import (
	"fmt"
	"net/http"
	"time"

	"github.com/crmwh/crmwh/report"
	"github.com/crmwh/crmwh/warehouse"
)

// report is the customer value report of the published snapshot: /report[?compare=D0][&lang=zh]
// [&format=xlsx]. It is the page crmwh report writes, with links into this UI.
func (w *Web) report(rw http.ResponseWriter, r *http.Request, s webSession) {
	pairs, err := ParsePairs(r.URL.RawQuery)
	if err == nil {
		err = onlyKeys(pairs, "compare", "lang", "format")
	}
	opt := report.Options{Language: w.Language, Config: w.Report}
	opt.Config.BaseURL = ""
	format := "html"
	for k, v := range pairs {
		if err != nil {
			break
		}
		switch k {
		case "compare":
			if opt.Compare, err = time.Parse(time.DateOnly, v); err != nil {
				err = fmt.Errorf("compare %q: a date YYYY-MM-DD", warehouse.Excerpt(v, shownRunes))
			}
		case "lang":
			if v != "en" && v != "zh" {
				err = fmt.Errorf("lang %q: en or zh", warehouse.Excerpt(v, shownRunes))
			}
			opt.Language = v
		case "format":
			if v != "html" && v != "xlsx" {
				err = fmt.Errorf("format %q: html or xlsx", warehouse.Excerpt(v, shownRunes))
			}
			format = v
		}
	}
	if err != nil {
		w.refuse(rw, s, http.StatusBadRequest, err.Error())
		return
	}
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	rep, err := report.Build(r.Context(), snap.DB(ReaderClear), opt)
	if err != nil {
		w.fail(rw, err)
		return
	}
	if format == "xlsx" {
		rw.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="customer-value-report-%s.xlsx"`, rep.AsOf))
		err = report.WriteXLSX(rw, rep)
	} else {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		err = report.WriteHTML(rw, rep)
	}
	if err != nil {
		w.Log.Warn("report", "error", err) // the response has begun: only the log can say
	}
}
