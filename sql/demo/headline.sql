-- The demo summary's closing figures: customers, order lines, VIP customers and decline warnings.
SELECT (SELECT count(DISTINCT customer_id) FROM dim_customer WHERE customer_id <> ''),
    (SELECT count(*) FROM fact_sales),
    (SELECT count(*) FILTER (WHERE clv_quadrant = 'vip') FROM scores.customer_scores),
    (SELECT count(*) FILTER (WHERE decline_warning) FROM scores.customer_scores);
