"""Field types shared by notifications' commands and events."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=4_000)]
RegionCode = Literal["AMER", "APJC", "AUS", "EU", "EMEA", "UK"]
Category = Literal[
    "maintenance_and_outages", "porting", "onboarding", "support", "release_management"
]
Language = Literal["en", "de", "nl"]
MaintenanceKindName = Literal[
    "routine", "infrastructure", "planned_disruptive", "certificate_renewal", "upgrade", "emergency"
]
