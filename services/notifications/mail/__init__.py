"""Partner e-mail: templates, their contexts, rendering (Jinja2 + Babel) and calendar invites.

`registry.TEMPLATES` names one template per partner-facing event type (and the
maintenance, outage, release and digest mails of this service); `render.MailRenderer`
turns a template and its context into subject, plain text and HTML in the recipient's
language and zone; `invite` builds the iCalendar invite of a maintenance notice.
"""
