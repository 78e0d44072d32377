"""The annual CCP audit workflow (R25, R26): draw, notify, summarise.

Run by the `audit-sampling` state machine (statemachines/audit_sampling.asl.json):
`draw` stores the year's draw once and opens the cases, `notify` sends each
selected member the audit notice by email and letter through the notice
ledger, `summary` writes the run report. The rules are in `domain.audit`.
"""
