"""The support domain (spec/domain.md §4): pure, synchronous, no I/O; `now` is passed in.

Modules: `severity` (impact × urgency), `values` (channel, triage, contacts, statuses),
`calendar` (the customer's business calendar), `policy` (configurable objectives, hours,
escalation levels), `clocks` (due instants), `validation` (opening a ticket), `numbering`
(`NA` + 8 digits), `ticket` (the ticket aggregate), `timers` (pending durable timers),
`access` (roles, who may act, ticket visibility), `incidents`, `requests` (capacity
changes, COP uploads), `report` (response-objective report) and `tenants` (the tenant read
model kept from onboarding).
"""
