"""Published contracts: every message that crosses a service boundary, as explicit models.

One module per publisher (`orders`, `carrier`, `onboarding`, `porting`, `support`,
`notifications`) plus `common` (the command base, `Reason`, the refusal shape). Nothing
here imports a service or derives a model from a domain class: a schema changes only when
these files change, and CI checks every change for compatibility. Services map between
these models and their domains in their own code; a consumer reads another service's
events only through this package.
"""
