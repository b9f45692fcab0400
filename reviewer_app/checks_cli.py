"""`reviewer-app check APPLICATION.json [--media DIR] [--demand FILE]`: the automatic checks on one
application, without a service or a display.

The application is a `GET /applications/{id}` document (the `ApplicationOut` model); media files
are looked up in DIR by their SHA-256 (as the workstation's cache keeps them); demand figures,
when given, are a `GET /demand` answer (the `DemandOut` model). The findings are printed as one
JSON document: one object per check, with its reason code, whether it suggests that reason, the
severity and the evidence.

Exit status: 0 when the checks ran (whatever they found), 2 for bad input (a message on stderr
says what is wrong), 3 for an unexpected error. Never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

PROG = "reviewer-app check"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


class BadInput(Exception):
    """Input that cannot be used, with a message for the user."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise BadInput(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Run the automatic checks on one application and print the findings as JSON.",
    )
    parser.add_argument(
        "application",
        type=Path,
        metavar="APPLICATION.json",
        help="the application as the service's GET /applications/{id} returns it",
    )
    parser.add_argument(
        "--media",
        type=Path,
        metavar="DIR",
        help="folder of media files named by their SHA-256 (without it the photo and video "
        "checks say they did not run)",
    )
    parser.add_argument(
        "--demand",
        type=Path,
        metavar="FILE",
        help="demand figures as GET /demand?skills=… returns them (without it the demand "
        "check says it had no figures)",
    )
    parser.add_argument(
        "--now",
        metavar="TIME",
        help="decision time, ISO 8601 with a time zone (default: this machine's clock, in UTC)",
    )
    parser.add_argument("--no-video", action="store_true", help="skip the video probe")
    parser.add_argument(
        "--video-timeout", type=float, default=15.0, metavar="SECONDS", help="probe time limit"
    )
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0: one line)")
    return parser


def _read_json(path: Path, what: str) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise BadInput(f"{path}: {size:,} bytes is too large for {what}")
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise BadInput(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot read it: {error.strerror or error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise BadInput(f"{path}: JSON nested too deeply") from None


def _validate(model: type[M], document: Any, path: Path, what: str) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        problems = []
        for item in error.errors()[:8]:
            where = ".".join(str(part) for part in item["loc"]) or "(document)"
            problems.append(f"  {where}: {item['msg']}")
        more = error.error_count() - len(problems)
        if more > 0:
            problems.append(f"  … and {more} more")
        raise BadInput(f"{path}: not {what}:\n" + "\n".join(problems)) from None


def _now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--now: not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise BadInput(f"--now: give a time zone, e.g. {text}+00:00")
    return moment.astimezone(UTC)


def run(argv: list[str]) -> tuple[dict[str, Any], int]:
    """The findings document for the command line `argv`, and the JSON indentation asked for;
    raises BadInput."""
    from reviewer_app.core.checks import (
        ALL_CHECKS,
        ChecksConfig,
        DirectoryMediaSource,
        VideoProber,
        findings_json,
        run_checks,
        suggested_reasons,
    )
    from reviewer_app.core.wire import ApplicationOut, DemandOut

    args = _parser().parse_args(argv)
    now = _now(args.now)
    application = _validate(
        ApplicationOut,
        _read_json(args.application, "an application"),
        args.application,
        "an application (GET /applications/{id})",
    )
    if not application.revisions:
        raise BadInput(f"{args.application}: the application has no revisions")
    demand = None
    if args.demand is not None:
        demand = _validate(
            DemandOut,
            _read_json(args.demand, "demand figures"),
            args.demand,
            "demand figures (GET /demand)",
        )
    media = None
    if args.media is not None:
        if not args.media.is_dir():
            raise BadInput(f"--media {args.media}: not a folder")
        media = DirectoryMediaSource(args.media)
    if args.video_timeout <= 0:
        raise BadInput("--video-timeout must be positive")
    config = ChecksConfig(
        video_prober=None if args.no_video else VideoProber(timeout_s=args.video_timeout)
    )
    checks = tuple(c for c in ALL_CHECKS if not (args.no_video and c == "video"))
    findings = run_checks(
        application, now=now, media=media, demand=demand, config=config, checks=checks
    )
    current = application.revisions[-1]
    document = {
        "application_id": application.application_id,
        "revision": current.revision,
        "checked_at": now.isoformat(),
        "suggested_reasons": suggested_reasons(findings),
        "findings": findings_json(findings),
    }
    return document, max(0, args.indent)


def main_check(argv: list[str]) -> int:
    """The `reviewer-app check` command; returns the exit status."""
    try:
        result, indent = run(argv)
    except BadInput as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except SystemExit as leaving:  # --help
        return int(leaving.code or 0) if isinstance(leaving.code, int | None) else 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        log.debug("check failed", exc_info=True)
        print(f"{PROG}: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return 3
    text = json.dumps(result, indent=indent or None, ensure_ascii=False)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: not our problem, but not a traceback either
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main_check(sys.argv[1:]))
