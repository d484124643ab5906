"""Render a template into subject, plain text and HTML (domain.md §3 e-mail details).

One Jinja2 source per template (`templates/mails/<key>.jinja`) is rendered twice: once in
an autoescaping environment with the HTML layout and macros, once in a plain-text one.
Strings are translated with gettext catalogs (`i18n.py`, Babel); dates and times are
formatted with `babel.dates` in the recipient's locale and zone; the HTML's CSS is inlined
with `css-inline` (mail clients drop `<style>` blocks).

A mail for an end customer (`Audience.CUSTOMER_ADMIN`) is rendered without the partner
portal's address and refused (`PartnerPortalLeak`) if that address appears anyway, e.g.
inside a context value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from pydantic import BaseModel, ValidationError

from services.notifications.domain.contact_fields import checked_language
from services.notifications.domain.recipients import Audience
from services.notifications.mail import i18n
from services.notifications.mail.registry import TEMPLATES, TemplateSpec

TEMPLATE_DIR = Path(__file__).parent / "templates"
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")


class MailError(Exception):
    """Base of rendering refusals; `code` is machine-readable."""

    code = "mail_error"

    def __init__(self, message: str, reasons: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons or [{"code": self.code, "message": message}]


class UnknownTemplate(MailError):
    code = "unknown_template"


class ContextInvalid(MailError):
    """The context does not fit the template's model; `reasons` list each field."""

    code = "context_invalid"


class AudienceNotAllowed(MailError):
    """The template is not written for that audience (e.g. a partner-only mail to a customer)."""

    code = "audience_not_allowed"


class PartnerPortalLeak(MailError):
    """An end customer's mail would carry the partner portal's address (§1.3)."""

    code = "partner_portal_leak"


@dataclass(frozen=True)
class MailSettings:
    """Addresses the mails point to (configuration)."""

    partner_portal_url: str = "https://partners.partnerops.example.com"
    customer_portal_url: str = "https://portal.partnerops.example.com"
    product_name: str = "partnerops"


@dataclass(frozen=True)
class RenderedMail:
    """One rendered mail: headers hold `Content-Language`, `Auto-Submitted` and ours."""

    template_key: str
    language: str
    audience: Audience
    subject: str
    text: str
    html: str
    headers: Mapping[str, str] = field(default_factory=dict)


class MailRenderer:
    """Renders registry templates; environments are built once per format and language."""

    def __init__(self, settings: MailSettings | None = None) -> None:
        self.settings = settings or MailSettings()

    def render(
        self,
        template_key: str,
        context: BaseModel | Mapping[str, Any],
        language: str,
        tz: str | tzinfo,
        audience: Audience = Audience.PARTNER,
    ) -> RenderedMail:
        """Render ``template_key`` for one recipient.

        ``language``: en, de or nl, optionally with a region (`de_AT`) used for date
        formats; ``tz``: the recipient's IANA zone. Raises `UnknownTemplate`,
        `ContextInvalid` (with one reason per field), `AudienceNotAllowed`,
        `UnsupportedLanguage` (domain) or `PartnerPortalLeak`.
        """
        spec = TEMPLATES.get(template_key)
        if spec is None:
            raise UnknownTemplate(f"no template {template_key!r}")
        audience = Audience(audience)
        if audience not in spec.audiences:
            raise AudienceNotAllowed(f"{template_key} is not written for {audience.value}")
        values = self._values(spec, context, language, tz, audience)
        lang = str(checked_language(language))
        subject_template = self._env("text", lang).get_template(f"mails/{template_key}.jinja")
        subject_context = subject_template.new_context(values)
        subject = "".join(subject_template.blocks["subject"](subject_context))
        subject = _SPACES.sub(" ", subject).strip()  # one line: no header injection
        text = self._env("text", lang).get_template(f"mails/{template_key}.jinja").render(values)
        html = self._env("html", lang).get_template(f"mails/{template_key}.jinja").render(values)
        headers = {
            "Content-Language": lang,
            "Auto-Submitted": "auto-generated",
            "X-Partnerops-Template": template_key,
            "X-Partnerops-Audience": audience.value,
        }
        if spec.urgent:
            headers["Importance"] = "high"
        mail = RenderedMail(
            template_key=template_key,
            language=lang,
            audience=audience,
            subject=subject,
            text=_tidy_text(text),
            html=css_inline.inline(html),
            headers=headers,
        )
        if audience is Audience.CUSTOMER_ADMIN:
            self._refuse_partner_portal(mail)
        return mail

    def _values(
        self,
        spec: TemplateSpec,
        context: BaseModel | Mapping[str, Any],
        language: str,
        tz: str | tzinfo,
        audience: Audience,
    ) -> dict[str, Any]:
        raw = context.model_dump() if isinstance(context, BaseModel) else dict(context)
        try:
            model = spec.context.model_validate(raw)
        except ValidationError as exc:
            reasons = [
                {
                    "code": str(error["type"]),
                    "field": ".".join(str(p) for p in error["loc"]),
                    "message": str(error["msg"]),
                }
                for error in exc.errors()
            ]
            raise ContextInvalid(f"context of {spec.key} is invalid", reasons) from None
        values: dict[str, Any] = dict(model)
        values.update(
            _locale=language,
            _tz=i18n.zone(tz),
            audience=audience.value,
            category=spec.category.value,
            product_name=self.settings.product_name,
            customer_portal_url=self.settings.customer_portal_url,
        )
        if audience is Audience.PARTNER:
            values["partner_portal_url"] = self.settings.partner_portal_url
        return values

    def _refuse_partner_portal(self, mail: RenderedMail) -> None:
        parts = urlsplit(self.settings.partner_portal_url)
        needle = (parts.netloc + parts.path).rstrip("/").lower()
        haystacks = (mail.subject, mail.text, mail.html, *mail.headers.values())
        if needle and any(needle in h.lower() for h in haystacks):
            raise PartnerPortalLeak(
                f"{mail.template_key} for an end customer would carry the partner portal address"
            )

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one renderer per process; few entries
    def _env(self, fmt: str, language: str) -> Environment:
        env = Environment(
            loader=FileSystemLoader(TEMPLATE_DIR),
            autoescape=fmt == "html",
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
        )
        env.policies["ext.i18n.trimmed"] = True
        # Added by the i18n extension at run time, hence unknown to the type checker.
        env.install_gettext_translations(  # type: ignore[attr-defined]
            i18n.translations(language), newstyle=True
        )
        env.globals.update(layout=f"{fmt}/layout.jinja", macros=f"{fmt}/macros.jinja", fmt=fmt)
        # Translated value names, built once per language; a global so that blocks rendered
        # on their own (the subject) see them too.
        env.globals["labels"] = env.get_template("labels.jinja").module
        env.filters.update(
            instant=_instant, day=_day, clock=_clock, phone=i18n.format_phone, refusal=_refusal
        )
        return env


@pass_context
def _instant(ctx: Context, value: datetime | None, tz: str | None = None) -> str:
    """Date, time and zone name; in the recipient's zone unless ``tz`` names another."""
    if value is None:
        return ""
    return i18n.format_instant(value, ctx["_locale"], tz or ctx["_tz"])


@pass_context
def _day(ctx: Context, value: date | datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    return i18n.format_day(value, ctx["_locale"], tz or ctx["_tz"])


@pass_context
def _clock(ctx: Context, value: datetime, tz: str | None = None) -> str:
    return i18n.format_clock(value, ctx["_locale"], tz or ctx["_tz"])


@pass_context
def _refusal(ctx: Context, reason: Any) -> str:
    """A refusal reason in the recipient's language (its own message when the code is new)."""
    labels: Any = ctx.environment.globals["labels"]
    return str(labels.REFUSAL.get(reason.code, reason.message))


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"
