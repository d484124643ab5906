"""Render every mail template in every language with sample data, for a person to look at.

    uv run python -m services.notifications.preview OUTDIR

writes `OUTDIR/<template>.<audience>.<language>.html` and `.txt` for every template,
audience (partner, customer_admin where the template has one) and language (en, de, nl),
the sample maintenance notice's calendar invite (`maintenance_notice.ics`), and
`OUTDIR/index.html` linking them all. Dates are shown in a zone per language
(en: Europe/London, de: Europe/Berlin, nl: Europe/Amsterdam) unless `--tz` names one.
"""

from __future__ import annotations

import argparse
import html
from datetime import timedelta
from pathlib import Path

from services.notifications.domain.contact_fields import SUPPORTED_LANGUAGES
from services.notifications.domain.events import MaintenanceAnnounced
from services.notifications.domain.maintenance import Maintenance
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.domain.schedule import MaintenanceKind, MaintenancePlan
from services.notifications.mail.contexts.maintenance import MaintenanceNotice
from services.notifications.mail.invite import maintenance_invite
from services.notifications.mail.registry import TEMPLATES
from services.notifications.mail.render import MailRenderer
from services.notifications.mail.samples import SAMPLES
from shared.calendars import Region

ZONES = {"en": "Europe/London", "de": "Europe/Berlin", "nl": "Europe/Amsterdam"}


def write_previews(outdir: Path, tz: str | None = None) -> list[Path]:
    """Render everything into ``outdir``; returns the files written."""
    outdir.mkdir(parents=True, exist_ok=True)
    renderer = MailRenderer()
    written: list[Path] = []
    rows = []
    for key, spec in sorted(TEMPLATES.items()):
        for audience in sorted(spec.audiences):
            for language in SUPPORTED_LANGUAGES:
                mail = renderer.render(key, SAMPLES[key], language, tz or ZONES[language], audience)
                stem = f"{key}.{audience.value}.{language}"
                for suffix, body in ((".html", mail.html), (".txt", mail.text)):
                    path = outdir / f"{stem}{suffix}"
                    path.write_text(body, encoding="utf-8")
                    written.append(path)
                rows.append(
                    f"<tr><td>{html.escape(key)}</td><td>{audience.value}</td><td>{language}</td>"
                    f'<td><a href="{stem}.html">HTML</a> · <a href="{stem}.txt">text</a></td>'
                    f"<td>{html.escape(mail.subject)}</td></tr>"
                )
    invite = outdir / "maintenance_notice.ics"
    invite.write_bytes(_sample_invite())
    written.append(invite)
    index = outdir / "index.html"
    index.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><title>Mail previews</title>'
        "<h1>Mail previews</h1><p>Sample data only. "
        '<a href="maintenance_notice.ics">Sample calendar invite</a></p>'
        "<table><tr><th>template</th><th>audience</th><th>language</th><th>files</th>"
        "<th>subject</th></tr>" + "".join(rows) + "</table>",
        encoding="utf-8",
    )
    written.append(index)
    return written


def _sample_invite() -> bytes:
    sample = SAMPLES["maintenance_notice"]
    assert isinstance(sample, MaintenanceNotice)
    plan = MaintenancePlan(
        region=Region(sample.region),
        kind=MaintenanceKind(sample.kind),
        start=sample.start,
        end=sample.end,
        title=sample.title,
    )
    noticed = plan.start - timedelta(days=30)
    _, [event] = Maintenance.announce(sample.maintenance_id, plan, noticed, MaintenancePolicy())
    assert isinstance(event, MaintenanceAnnounced)
    invite = maintenance_invite(
        event, region_timezone=sample.region_timezone, organizer="maintenance@vendor.example.net"
    )
    return invite.data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, help="folder to write the previews into")
    parser.add_argument("--tz", help="IANA zone to show dates in (default: one per language)")
    args = parser.parse_args(argv)
    written = write_previews(args.outdir, args.tz)
    print(f"wrote {len(written)} files; open {args.outdir / 'index.html'}")


if __name__ == "__main__":
    main()
