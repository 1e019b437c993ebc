-- The as-of date and the highest customer key of the mart's last build (ops.mart_state): where an
-- incremental rebuild starts. No row: never built, or built before crmwh kept the state.
SELECT as_of, max_customer_key FROM ops.mart_state WHERE mart = {{quote .Mart}};
