package serve

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// View is a recorded view of a customer's 360 page.
type View struct {
	At                   time.Time
	User, Role, Customer string
}

// RecordView appends a view of a customer's 360 page to ops.customer_views.
func (a *Access) RecordView(ctx context.Context, user, role, customer string) error {
	return a.with(ctx, false, func(db *sql.DB) error {
		if _, err := db.ExecContext(ctx, "INSERT INTO ops.customer_views VALUES (?, ?, ?, ?)", time.Now().UTC(), user, role, customer); err != nil {
			return fmt.Errorf("record customer view: %w", err)
		}
		return nil
	})
}

// RecentViews returns the last n customer views, newest first.
func (a *Access) RecentViews(ctx context.Context, n int) ([]View, error) {
	var out []View
	err := a.with(ctx, false, func(db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT viewed_at, user_name, role, customer_id FROM ops.customer_views ORDER BY viewed_at DESC LIMIT ?", n)
		if err != nil {
			return fmt.Errorf("customer views: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v View
			if err := rows.Scan(&v.At, &v.User, &v.Role, &v.Customer); err != nil {
				return fmt.Errorf("customer views: %w", err)
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}
