-- Records what the mart now holds (ops.mart_state), in the rebuild's transaction.
INSERT OR REPLACE INTO ops.mart_state
SELECT {{quote .Mart}}, getvariable('as_of'), (SELECT coalesce(max(customer_key), 0) FROM dim_customer),
    {{quote .Build.Mode}}, {{.Build.Customers}}, {{.Build.Rows}}, {{quote .RunID}}, now()::TIMESTAMP;
