"""The HTTP API (FastAPI). Routes are thin: they authenticate, then call the service's parts."""

# No `from __future__ import annotations` here: FastAPI reads the route annotations at runtime,
# and the dependency aliases below are local names.

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from reviewer_app import __version__
from reviewer_app.core.wire import (
    API_PREFIX,
    ApplicationOut,
    AuditEntriesOut,
    CheckpointOut,
    ClaimIn,
    ClaimsOut,
    ConfigOut,
    DecisionBatchIn,
    DecisionResultsOut,
    DemandOut,
    ErrorOut,
    HealthOut,
    HeartbeatIn,
    LeaseOut,
    LoginIn,
    QueuePageOut,
    ReasonCodeOut,
    RefreshIn,
    SkillDemandOut,
    TokenOut,
)
from reviewer_app.service import db
from reviewer_app.service.auditlog import AuditLog
from reviewer_app.service.auth import Auth, Principal
from reviewer_app.service.decisions import Decisions
from reviewer_app.service.errors import ServiceError, forbidden
from reviewer_app.service.queue import Queue
from reviewer_app.service.settings import ServiceSettings
from reviewer_app.service.store import Store

log = logging.getLogger("reviewer_app.service")

_bearer = HTTPBearer(auto_error=False, description="The access token from /auth/login.")

ApplicationId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="The application's id, e.g. APP-000001.",
    ),
]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorOut} for code in codes}


class QueueService:
    """Everything a running service holds; one per app."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.store = Store(settings)
        self.audit = AuditLog(self.store)
        self.auth = Auth(self.store)
        self.queue = Queue(self.store)
        self.decisions = Decisions(self.store, self.audit)

    def close(self) -> None:
        self.store.dispose()


def create_app(
    settings: ServiceSettings | None = None, service: QueueService | None = None
) -> FastAPI:
    service = service or QueueService(settings or ServiceSettings())
    settings = service.settings
    app = FastAPI(
        title="Reviewer Workstation queue service",
        version=__version__,
        description=(
            "The pending queue of freelancer profile applications, claims with fenced leases, "
            "idempotent decisions, and a signed audit log. All times are UTC."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.service = service

    def user(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        return service.auth.authenticate(credentials.credentials if credentials else None)

    def lead(principal: Annotated[Principal, Depends(user)]) -> Principal:
        if not principal.is_lead:
            raise forbidden("only team leads may read the audit log")
        return principal

    User = Annotated[Principal, Depends(user)]
    Lead = Annotated[Principal, Depends(lead)]
    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", tags=["service"])
    def health() -> HealthOut:
        return HealthOut(
            status="ok",
            version=__version__,
            database=service.store.dialect,
            server_time=settings.clock(),
        )

    @api.post("/auth/login", tags=["auth"], responses=_errors(401, 422))
    def login(body: LoginIn) -> TokenOut:
        return service.auth.login(body.username, body.password)

    @api.post("/auth/refresh", tags=["auth"], responses=_errors(401, 422))
    def refresh(body: RefreshIn) -> TokenOut:
        return service.auth.refresh(body.refresh_token)

    @api.get("/config", tags=["service"], responses=_errors(401))
    def config(_: User) -> ConfigOut:
        catalogue = settings.catalogue
        return ConfigOut(
            server_time=settings.clock(),
            sla_hours=settings.sla.hours,
            sla_warning_hours=settings.sla.warning_hours,
            sla_critical_hours=settings.sla.critical_hours,
            lease_seconds=settings.lease_seconds,
            offline_lease_seconds=settings.offline_lease_seconds,
            undo_grace_seconds=settings.undo_grace_seconds,
            reason_catalogue_version=catalogue.version,
            reason_codes=[
                ReasonCodeOut(
                    code=r.code,
                    label=r.label,
                    key=r.key,
                    applicant_text=r.applicant_text,
                    suggested_by=r.suggested_by,
                    note_required=r.note_required,
                )
                for r in catalogue
            ],
            low_demand_ratio=settings.low_demand_ratio,
            audit_public_key=service.audit.public_key_b64,
            audit_key_id=service.audit.key_id,
        )

    @api.get("/queue", tags=["queue"], responses=_errors(400, 401, 422))
    def queue(
        _: User,
        since: Annotated[
            str | None,
            Query(
                max_length=40, description="A `next_cursor` from an earlier answer; none for all."
            ),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=settings.queue_page_max)] = 500,
    ) -> QueuePageOut:
        return service.queue.page(since, limit)

    @api.post("/claims", tags=["queue"], responses=_errors(401, 422))
    def claim(principal: User, body: ClaimIn) -> ClaimsOut:
        leases = service.queue.claim(principal, body.count, body.offline)
        return ClaimsOut(leases=leases, server_time=settings.clock())

    @api.post(
        "/claims/{application_id}/heartbeat", tags=["queue"], responses=_errors(401, 404, 409, 422)
    )
    def heartbeat(principal: User, application_id: ApplicationId, body: HeartbeatIn) -> LeaseOut:
        return service.queue.heartbeat(principal, application_id, body.version)

    @api.delete(
        "/claims/{application_id}",
        tags=["queue"],
        status_code=204,
        responses=_errors(401, 404, 409, 422),
    )
    def release(
        principal: User,
        application_id: ApplicationId,
        version: Annotated[int, Query(ge=1, description="The lease version being released.")],
    ) -> Response:
        service.queue.release(principal, application_id, version)
        return Response(status_code=204)

    @api.get(
        "/applications/{application_id}", tags=["applications"], responses=_errors(401, 404, 422)
    )
    def application(_: User, application_id: ApplicationId) -> ApplicationOut:
        return service.queue.application(application_id)

    @api.get(
        "/media/{sha256}",
        tags=["applications"],
        response_class=Response,
        responses={
            200: {"content": {"application/octet-stream": {}}, "description": "The bytes."},
            **_errors(401, 404, 422),
        },
    )
    def media(
        _: User,
        sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex.")],
    ) -> Response:
        content_type, data = service.queue.media(sha256)
        return Response(
            content=data,
            media_type=content_type,
            headers={
                "ETag": f'"{sha256}"',
                "Cache-Control": "private, max-age=31536000, immutable",
            },
        )

    @api.get("/demand", tags=["applications"], responses=_errors(401, 422))
    def demand(
        _: User,
        skills: Annotated[
            str, Query(min_length=1, max_length=2000, description="Comma-separated skill names.")
        ],
    ) -> DemandOut:
        names = list(
            dict.fromkeys(s.strip() for s in skills.split(",") if s.strip() and "\x00" not in s)
        )[:50]
        with service.store.read() as session:
            rows = {
                row.skill: row
                for row in session.scalars(
                    select(db.SkillDemand).where(db.SkillDemand.skill.in_(names))
                )
            }
        out = []
        for name in names:
            row = rows.get(name)
            open_jobs = row.open_jobs if row else 0
            active = row.active_freelancers if row else 0
            ratio = open_jobs / active if active else (float(open_jobs) if open_jobs else 0.0)
            out.append(
                SkillDemandOut(
                    skill=name,
                    known=row is not None,
                    open_jobs=open_jobs,
                    active_freelancers=active,
                    ratio=round(ratio, 4),
                    low_demand=row is not None and ratio < settings.low_demand_ratio,
                )
            )
        return DemandOut(skills=out, low_demand_ratio=settings.low_demand_ratio)

    @api.post("/decisions", tags=["decisions"], responses=_errors(401, 422))
    def decisions(principal: User, body: DecisionBatchIn) -> DecisionResultsOut:
        results = service.decisions.record_batch(principal, list(body.decisions))
        return DecisionResultsOut(results=results, server_time=settings.clock())

    @api.get("/audit/entries", tags=["audit"], responses=_errors(401, 403, 422))
    def audit_entries(
        _: Lead,
        after: Annotated[int, Query(ge=0, le=2**62, description="First index to return.")] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> AuditEntriesOut:
        return service.audit.entries(after, limit)

    @api.get("/audit/checkpoint", tags=["audit"], responses=_errors(401, 403))
    def audit_checkpoint(_: Lead) -> CheckpointOut:
        return service.audit.checkpoint()

    app.include_router(api)
    _install_error_handlers(app)
    return app


def _unreadable_body(cause: BaseException) -> str:
    if isinstance(cause, UnicodeDecodeError):
        return f"body: not UTF-8 text (byte {cause.start}); send JSON encoded as UTF-8"
    return "body: cannot be read as JSON"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, error: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, error.status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for item in error.errors()[:5]:
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            problems.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
        return JSONResponse({"detail": "; ".join(problems) or "invalid request"}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400 and error.__cause__ is not None:
            # FastAPI's own answer to a body it could not read at all (bytes that are not
            # UTF-8, say): invalid input like any other, so the documented 422 with ErrorOut.
            return JSONResponse({"detail": _unreadable_body(error.__cause__)}, 422)
        return JSONResponse(
            {"detail": str(error.detail)},
            error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(DataError)
    async def _unstorable(_: Request, error: DataError) -> JSONResponse:
        log.info("refused a value the database cannot store: %s", error.orig)
        return JSONResponse({"detail": "a value in the request cannot be stored"}, 422)

    @app.exception_handler(OperationalError)
    async def _busy(_: Request, error: OperationalError) -> JSONResponse:
        log.warning("database busy or unreachable: %s", error)
        return JSONResponse(
            {"detail": "the service's database is busy; try again shortly"},
            503,
            headers={"Retry-After": "2"},
        )
