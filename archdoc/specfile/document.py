"""The shape of a spec file above the components: the header, DNS records and links.

``SpecDocument`` is the whole format in one model; ``archdoc schema`` prints its JSON
Schema. Validation itself goes part by part (see ``validate``), so that one bad
component does not hide the problems of the others.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema

from archdoc.model.components import Access, Component, ComponentId, SpecModel


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _none_as_empty(value: Any) -> Any:
    """``links:`` with nothing after it (every entry commented out) means no links."""
    return [] if value is None else value


IdOrIds = Annotated[
    list[ComponentId],
    BeforeValidator(_one_or_many),
    Field(min_length=1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{0,62}$"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ]
        }
    ),
]


class DnsEntry(SpecModel):
    """A DNS record of the site's domain."""

    name: str = Field(description="The record's name: www, @, api, ...")
    type: Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]+$")] = Field(
        description="A, AAAA, CNAME, ..."
    )
    to: str = Field(description="A component id (server, load balancer, cluster), an address or a host name.")


class LinkEntry(SpecModel):
    """Directed flows of requests: one link per (from, to) pair."""

    from_: IdOrIds = Field(alias="from")
    to: IdOrIds
    protocol: Annotated[str, StringConstraints(to_lower=True, pattern=r"^[A-Za-z][A-Za-z0-9+._-]*$")] | None = Field(
        None, description="http, https, tcp, tls, mysql, postgresql, redis, dns, ssh, ... Left out: the target's "
        "own protocol (a database's or a cache's software, tcp when it gives none; http for anything else)."
    )
    port: int | None = Field(None, ge=1, le=65535)
    access: Access | None = Field(None, description="Links into a database: read, write or readwrite (default).")
    backup: bool = Field(False, description="The target takes traffic only when the others are down.")
    tls: bool = Field(False, description="The link runs over TLS (https and tls imply it).")
    label: str | None = None


class AcceptedEntry(SpecModel):
    """A finding the team has accepted, with why: kept in the report, out of the exit status."""

    rule: str = Field(description="The rule's id, as `archdoc rules` lists them.")
    component: ComponentId = Field(description="The component the finding is on.")
    reason: Annotated[str, StringConstraints(min_length=1)] = Field(description="Why the risk is accepted.")
    until: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = Field(
        None, description="YYYY-MM-DD: after this day the finding counts again.")


def _version_is_a_whole_number(value: Any) -> Any:
    """`archdoc: true` and `archdoc: 1.0` equal 1 in Python, and are not the version 1: a
    type other than a whole number is passed on as text, which Literal[1] refuses."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else value


class Header(SpecModel):
    """The top-level fields; components and links are validated one by one afterwards."""

    archdoc: Annotated[Literal[1], BeforeValidator(_version_is_a_whole_number)] = Field(
        description="The format version.")
    title: Annotated[str, StringConstraints(min_length=1)]
    description: str | None = Field(None, description="Plain text, never markup.")
    domain: str | None = Field(None, description="The site's domain name.")
    dns: Annotated[list[DnsEntry], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    components: dict[str, Any]
    links: Annotated[list[Any], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    accepted: Annotated[list[AcceptedEntry], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="Findings the team has accepted: rule, component, reason, until.")


class SpecDocument(Header):
    """An archdoc spec, version 1."""

    components: dict[ComponentId, Component] = Field(description="Component id -> component.")
    links: Annotated[list[LinkEntry], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list
    )


def spec_json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of a spec file."""
    schema = SpecDocument.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "archdoc spec, version 1",
        **{k: v for k, v in schema.items() if k != "title"},
    }
