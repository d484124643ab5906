"""The onboarding domain: pure, synchronous rules; no I/O, no clock reads (`now` is passed in).

One sub-package per concept, each with its aggregates, rules and one `events` module:
- `partners` — `Partner` master data, with the reseller programme (`authorisation`, §1.2)
  and the onboarding at the service provider (`provider_onboarding`, §1.3) inside it.
- `orders` — `CustomerAccount`: relationship, subscriptions and licence ledger (§1.1).
- `activation` — `ActivationRequest`, a tenant activation request and its invitation (§1.5).
- `on_behalf` — reseller and customer tenants, the on-behalf access policy and audit (§1.6).
- `devices` — a user's vendor phone or SIP device (§1.6).
- `groups` — customer groups and the partner's number inventory (§1.4, §5 flow 3).
- `provisioning` — a group's integrations: reporting partition, call recording (§1.4).

Every command method returns the domain events it caused and raises an
`errors.OnboardingError` subclass, named for the rule it guards, when it is refused.
"""
