"""Errors the service answers with: an HTTP status and a message for a person."""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def not_found(detail: str) -> ServiceError:
    return ServiceError(404, detail)


def conflict(detail: str) -> ServiceError:
    return ServiceError(409, detail)


def unauthorized(detail: str) -> ServiceError:
    return ServiceError(401, detail, {"WWW-Authenticate": "Bearer"})


def forbidden(detail: str) -> ServiceError:
    return ServiceError(403, detail)


def bad_request(detail: str) -> ServiceError:
    return ServiceError(400, detail)
