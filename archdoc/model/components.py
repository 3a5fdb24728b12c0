"""What each kind of component is: its fields, their types and defaults.

These pydantic models are both the validation schema of a spec's components and the
frozen records the topology holds. They check one component at a time; whether the ids
a component names exist, and are of a fitting kind, is checked in ``archdoc.specfile``.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from archdoc.model.kinds import Kind

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
ComponentId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

Algorithm = Literal[
    "round_robin", "weighted_round_robin", "least_connections", "source", "uri", "random", "first"
]
def _course_words(value: object) -> object:
    """The course says "Primary-Replica (Master-Slave)": master and slave are read as primary and replica."""
    return {"master": "primary", "slave": "replica"}.get(value, value) if isinstance(value, str) else value


Role = Annotated[Literal["primary", "replica"], BeforeValidator(_course_words)]
Replication = Literal["async", "semi_sync", "sync"]
ClusterMode = Literal["active_active", "active_passive"]
Access = Literal["read", "write", "readwrite"]


class SpecModel(BaseModel):
    """Settings shared by every part of a spec: frozen, strict types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class _Component(SpecModel):
    label: str | None = Field(None, description="Display name (default: the id).")
    availability: float | None = Field(
        None, gt=0, le=1, description="The fraction of time it is up, e.g. 0.999 (default: per kind)."
    )
    software: str | None = Field(
        None, description="The software it runs: nginx, apache, haproxy, mysql, postgresql, redis, ..."
    )


class _Hosted(_Component):
    host: ComponentId | None = Field(None, description="The id of the server this component runs on.")


class Client(_Component):
    """Users' browsers, where requests start."""

    kind: Literal[Kind.CLIENT]


class Server(_Component):
    """A machine, physical or virtual; other components name it as their host."""

    kind: Literal[Kind.SERVER]
    ip: str | None = Field(None, description="The server's IP address.")
    public: bool = Field(False, description="Whether the server has a public address.")


class LoadBalancer(_Hosted):
    """Spreads requests over its backends, the targets of its links."""

    kind: Literal[Kind.LOAD_BALANCER]
    algorithm: Algorithm | None = Field(
        None, description="How it picks a backend; not given: the spec does not choose one (the software's "
        "default applies, round robin for HAProxy and Nginx)."
    )


class WebServer(_Hosted):
    """Serves static content and passes dynamic requests on."""

    kind: Literal[Kind.WEB_SERVER]


class AppServer(_Hosted):
    """Runs the application code."""

    kind: Literal[Kind.APP_SERVER]


class AppFiles(_Hosted):
    """The application's code base, deployed on a server."""

    kind: Literal[Kind.APP_FILES]


class Database(_Hosted):
    """Stores the data; a replica copies its primary."""

    kind: Literal[Kind.DATABASE]
    role: Role = "primary"
    replica_of: ComponentId | None = Field(None, description="The database this replica copies.")
    replication: Replication = "async"


class Cache(_Hosted):
    """An in-memory store such as redis or memcached."""

    kind: Literal[Kind.CACHE]


class Firewall(_Hosted):
    """Filters the traffic of what it protects."""

    kind: Literal[Kind.FIREWALL]
    protects: list[ComponentId] = Field(
        default_factory=list,
        description="Server ids, or ids of components with no host. A firewall with a host "
        "and nothing listed here protects its host.",
    )


class Monitoring(_Hosted):
    """An agent that collects metrics and logs and ships them."""

    kind: Literal[Kind.MONITORING]
    to: str | None = Field(None, description="Where it ships the data (a service's name).")
    for_: list[ComponentId] = Field(
        default_factory=list,
        alias="for",
        description="Ids of components with no host that it watches (otherwise it watches its host).",
    )


class Certificate(_Hosted):
    """A TLS certificate, installed on its host or held for a component or cluster."""

    kind: Literal[Kind.CERTIFICATE]
    domain: str | None = None
    issuer: str | None = None
    for_: ComponentId | None = Field(None, alias="for", description="A component or cluster id.")


class Cluster(_Component):
    """Components of one kind that answer as one address."""

    kind: Literal[Kind.CLUSTER]
    members: list[ComponentId] = Field(min_length=2, description="Two or more ids of one kind.")
    mode: ClusterMode = Field(
        description="active_active: every member takes traffic; active_passive: the first "
        "member is active and the others stand by."
    )
    vip: str | None = Field(None, description="The floating (virtual) address.")


COMPONENT_MODELS: tuple[type[SpecModel], ...] = (
    Client, Server, LoadBalancer, WebServer, AppServer, AppFiles, Database, Cache,
    Firewall, Monitoring, Certificate, Cluster,
)
# kind -> its model, e.g. Kind.SERVER -> Server (each model's `kind` is a one-value Literal).
MODEL_BY_KIND: dict[Kind, type[SpecModel]] = {
    get_args(model.model_fields["kind"].annotation)[0]: model for model in COMPONENT_MODELS
}
KINDS: tuple[Kind, ...] = tuple(Kind)

Component = Annotated[
    Client | Server | LoadBalancer | WebServer | AppServer | AppFiles | Database | Cache | Firewall | Monitoring
    | Certificate | Cluster,
    Field(discriminator="kind"),
]
