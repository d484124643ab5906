"""The onboarding domain: pure, synchronous rules; no I/O, no clock reads (`now` is passed in).

Aggregates (each one MongoDB document) and their modules:
- `partners.Partner` — master data, with the reseller programme (`authorisation`, §1.2)
  and the onboarding at the service provider (`provider_onboarding`, §1.3) inside it.
- `orders.CustomerAccount` — relationship, subscriptions and licence ledger from orders (§1.1).
- `activation.ActivationRequest` — a tenant activation request (§1.5).

Every command method returns the domain events (`events`) it caused and raises an
`errors.OnboardingError` subclass, named for the rule it guards, when it is refused.
"""
