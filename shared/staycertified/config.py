"""The functions' configuration, read from the environment the template gives them.

Every value here comes from a template parameter (template.yaml `Parameters`,
passed to every function by `Globals.Environment`), never from a constant in
code (R43, STYLE 16). Read once per distinct environment (cached on the values),
so a process reads it once and several sandboxes in one test process each see
their own.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

ADDRESS_SEPARATOR = "|"


SETTINGS_VARIABLES = (
    "TABLE_NAME",
    "BODY_TIME_ZONE",
    "DOCUMENTS_BUCKET",
    "MAIL_BUCKET",
    "SENDER_EMAIL",
)


class Settings(BaseModel):
    """Where a function's data lives and the body's one time zone.

    `body_time_zone` is the template's `TimeZone` parameter (BODY_TIME_ZONE): the
    only source of the zone in which the body's days begin (R1); the policy
    holds none, so no component can read another zone.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    table_name: str = Field(min_length=1)
    body_time_zone: str = Field(min_length=1)
    documents_bucket: str = ""
    mail_bucket: str = ""
    sender_email: str = ""


class OrganisationProfile(BaseModel):
    """Who the notices come from (R43): the certifying body as the operator configured it.

    Template parameters -> environment -> here:
    `OrganisationName` -> ORGANISATION_NAME, `OrganisationPostalAddress` ->
    ORGANISATION_POSTAL_ADDRESS (lines separated by ``|``), `OrganisationEmail`
    -> ORGANISATION_EMAIL, `PortalUrl` -> PORTAL_URL, `PayUrl` -> PAY_URL (the
    invoice id is appended).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str = Field(min_length=1)
    postal_lines: tuple[str, ...] = Field(min_length=1)
    email: str = Field(min_length=3)
    portal_url: str = Field(min_length=8)
    pay_url: str = Field(min_length=8)

    def pay_link(self, invoice_id: str) -> str:
        return f"{self.pay_url}{invoice_id}"

    @property
    def postal_address(self) -> str:
        """The postal address on one line (the name is the first line of `postal_lines`)."""
        return ", ".join(self.postal_lines[1:]) if len(self.postal_lines) > 1 else ""


PROFILE_VARIABLES = (
    "ORGANISATION_NAME",
    "ORGANISATION_POSTAL_ADDRESS",
    "ORGANISATION_EMAIL",
    "PORTAL_URL",
    "PAY_URL",
)


class ConfigurationError(RuntimeError):
    """A variable the template always sets is missing: the function is misconfigured."""


def settings() -> Settings:
    """The settings of this process's environment."""
    return _settings(tuple(os.environ.get(name, "") for name in SETTINGS_VARIABLES))


@functools.cache
def _settings(values: tuple[str, ...]) -> Settings:
    env = dict(zip(SETTINGS_VARIABLES, values, strict=True))
    missing = [name for name in ("TABLE_NAME", "BODY_TIME_ZONE") if not env[name]]
    if missing:
        raise ConfigurationError(f"not set: {', '.join(missing)} (template parameters)")
    return Settings(**{name.lower(): value for name, value in env.items()})


def table() -> Table:
    """The deployed table named by TABLE_NAME."""
    from staycertified import aws

    return aws.table(settings().table_name)


def organisation() -> OrganisationProfile:
    """The organisation profile of this process's environment."""
    return _organisation(tuple(os.environ.get(name, "") for name in PROFILE_VARIABLES))


@functools.cache
def _organisation(values: tuple[str, ...]) -> OrganisationProfile:
    env = dict(zip(PROFILE_VARIABLES, values, strict=True))
    missing = [name for name, value in env.items() if not value]
    if missing:
        raise ConfigurationError(f"not set: {', '.join(missing)} (template parameters)")
    lines = tuple(
        line.strip() for line in env["ORGANISATION_POSTAL_ADDRESS"].split(ADDRESS_SEPARATOR)
    )
    return OrganisationProfile(
        name=env["ORGANISATION_NAME"],
        postal_lines=tuple(line for line in lines if line),
        email=env["ORGANISATION_EMAIL"],
        portal_url=env["PORTAL_URL"],
        pay_url=env["PAY_URL"],
    )
