"""Notifications: partner e-mail for every partner-facing event, and maintenance alerts.

`domain/` holds the pure rules of domain.md §3 (maintenance windows and notice, reminders,
reschedules, release management, outages, contacts, enrolment and digests); `mail/` turns
them and the other services' events into e-mails (Jinja2 + Babel) and calendar invites
(icalendar). Delivery, consumers and timers are wired on the shared plumbing later.
"""
