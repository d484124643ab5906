"""The pure rules of the notifications service (domain.md §3).

Nothing here does I/O, reads a clock or awaits: every instant is passed in as `now` and
must be timezone-aware. Aggregates return the domain events of a change and the durable
timers still pending; the application stores both.
"""
