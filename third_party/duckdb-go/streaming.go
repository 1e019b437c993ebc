package duckdb

// crmwh: the one addition of this fork (see CRMWH.md).

import "context"

type streamingKey struct{}

// WithStreamingResults returns a context under which a query's result is streamed: DuckDB
// produces its chunks as rows.Next asks for them instead of materializing the whole result
// before the first row. The connection stays busy until the rows are closed, as database/sql
// holds it anyway.
func WithStreamingResults(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamingKey{}, true)
}

func streamingResults(ctx context.Context) bool {
	v, _ := ctx.Value(streamingKey{}).(bool)
	return v
}
