"""`partnerops`: the operator CLI (typer for the commands, rich for tables and panels).

One entry point (`[project.scripts] partnerops = "cli.app:main"`), one module per verb:
`servers`, `services`, `publish`, `tail`, `show`, `dlq`, `report`. It talks to the system
the way an operator's tools would — Kafka for messages, the services' own Mongo
collections read-only for `show`, `deploy/local/servers.sh` for the local servers — and
nothing in `shared/` or `services/` imports it (checked by `lint-imports`).
"""
