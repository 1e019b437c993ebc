-- The top rules of `crmwh mine rules` by lift.
SELECT rule_id AS rule, antecedent_labels AS "if", consequent_labels AS "then",
    round(support, 4) AS support, round(confidence, 4) AS confidence, round(lift, 3) AS lift,
    basket_count AS baskets
FROM association_rules_result
ORDER BY rule_id
LIMIT {{.Top}};
