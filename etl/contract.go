// Package etl moves operational data into the warehouse: source exports into the landing zone
// (immutable Parquet, one partition per load date), then validation and loading into the star
// schema, with every rejected row kept with its reason.
package etl

import "slices"

// Table is one table of the operational source contract (see DESIGN.md).
type Table struct {
	Name    string
	Columns []string
	// Required tables must be present in every export; the others load as empty when absent.
	Required bool
	// Key identifies a row; a second row with the same key in one export is a duplicate.
	Key []string
	// Target is the star-schema table the rows feed.
	Target string
	// Refs are the columns that must name a row of another table.
	Refs []Ref
	// Optional are the columns (of Columns) an export may lack: they load as NULL, so exports
	// made before a column joined the contract load as they always did.
	Optional []string
}

// IsOptional says whether column c may be absent from an export.
func (t *Table) IsOptional(c string) bool { return slices.Contains(t.Optional, c) }

// Ref says that Column must name a valid row of source table Table: a value of its column
// Key (Column when empty), valid in this export or loaded earlier into Table's dimension or
// into Earlier, the warehouse table holding earlier loads' rows when Table feeds a fact.
type Ref struct {
	Column  string
	Table   string
	Key     string
	Earlier string
}

// TargetColumn is the referenced table's column that Column names.
func (r Ref) TargetColumn() string {
	if r.Key != "" {
		return r.Key
	}
	return r.Column
}

// Contract lists the source tables in load order: every table after the tables it references.
var Contract = []Table{
	{Name: "stores", Columns: []string{"store_id", "name", "city", "region"},
		Key: []string{"store_id"}, Target: "dim_store"},
	{Name: "employees", Columns: []string{"employee_id", "name", "role", "store_id"},
		Key: []string{"employee_id"}, Target: "dim_employee", Refs: []Ref{{Column: "store_id", Table: "stores"}}},
	{Name: "products", Required: true,
		Columns: []string{"product_id", "name", "category", "brand", "model", "list_price", "unit_cost", "updated_at"},
		Key:     []string{"product_id"}, Target: "dim_product"},
	{Name: "customers", Required: true,
		Columns: []string{"customer_id", "name", "gender", "birth_date", "phone", "email", "city", "region",
			"customer_type", "acquisition_channel", "marketing_consent", "created_at", "updated_at", "referred_by"},
		Key: []string{"customer_id"}, Target: "dim_customer",
		Refs: []Ref{{Column: "referred_by", Table: "customers", Key: "customer_id"}}, Optional: []string{"referred_by"}},
	{Name: "campaigns", Columns: []string{"campaign_id", "name", "channel", "start_date", "end_date", "cost"},
		Key: []string{"campaign_id"}, Target: "dim_campaign"},
	{Name: "orders", Required: true,
		Columns: []string{"order_id", "customer_id", "store_id", "employee_id", "channel", "order_ts", "status"},
		Key:     []string{"order_id"}, Target: "fact_sales",
		Refs: []Ref{{Column: "customer_id", Table: "customers"}, {Column: "store_id", Table: "stores"}, {Column: "employee_id", Table: "employees"}}},
	{Name: "order_items", Required: true,
		Columns: []string{"order_id", "line_number", "product_id", "quantity", "unit_price", "discount"},
		Key:     []string{"order_id", "line_number"}, Target: "fact_sales",
		Refs: []Ref{{Column: "order_id", Table: "orders"}, {Column: "product_id", Table: "products"}}},
	{Name: "interactions", Columns: []string{"interaction_id", "customer_id", "type", "interaction_ts", "outcome", "employee_id",
		"category", "resolved_at"},
		Key: []string{"interaction_id"}, Target: "fact_interaction",
		Refs: []Ref{{Column: "customer_id", Table: "customers"}, {Column: "employee_id", Table: "employees"}}, Optional: []string{"category", "resolved_at"}},
	{Name: "surveys", Columns: []string{"survey_id", "customer_id", "survey_ts", "expected_score", "perceived_score",
		"store_id", "employee_id", "order_id"},
		Key: []string{"survey_id"}, Target: "fact_survey",
		Refs: []Ref{{Column: "customer_id", Table: "customers"}, {Column: "store_id", Table: "stores"}, {Column: "employee_id", Table: "employees"},
			{Column: "order_id", Table: "orders", Earlier: "fact_sales"}},
		Optional: []string{"store_id", "employee_id", "order_id"}},
	{Name: "campaign_contacts", Columns: []string{"campaign_id", "customer_id", "contacted_at", "responded", "order_id", "group"},
		Key: []string{"campaign_id", "customer_id"}, Target: "fact_campaign_contact",
		Refs: []Ref{{Column: "campaign_id", Table: "campaigns"}, {Column: "customer_id", Table: "customers"}}, Optional: []string{"group"}},
}

// TableByName returns the contract table called name, or nil.
func TableByName(name string) *Table {
	for i := range Contract {
		if Contract[i].Name == name {
			return &Contract[i]
		}
	}
	return nil
}
