"""`reviewer-app check APPLICATION.json`: findings as JSON, clear messages for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_checks_support import (
    NOW,
    application_document,
    blurred,
    encode,
    make_application,
    make_profile,
    photo_ref,
    portrait,
)

from reviewer_app.checks_cli import main_check
from reviewer_app.core.checks.demand import demand_from_figures

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def check(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object] | None, str]:
    status = main_check(argv)
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else None), err


def findings_by_check(result: dict[str, object] | None) -> dict[str, dict[str, object]]:
    assert result is not None
    findings = result["findings"]
    assert isinstance(findings, list)
    return {f["check"]: f for f in findings}


def test_an_application_with_media_and_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = encode(blurred(portrait(), 4))
    ref = photo_ref(data)
    media = tmp_path / "media"
    media.mkdir()
    (media / ref.sha256).write_bytes(data)
    profile = make_profile(
        photo=ref, skills=("Data Entry", "Copy Typing", "React"), overview="I have experiance."
    )
    app = write(tmp_path / "app.json", application_document(make_application(profile)))
    demand = write(
        tmp_path / "demand.json",
        demand_from_figures(
            {
                "Data Entry": (10, 1000, 0.01),
                "Copy Typing": (5, 500, 0.01),
                "React": (900, 1000, 0.9),
            },
            profile.skills,
            0.25,
        ).model_dump(mode="json"),
    )
    status, result, err = check(
        [str(app), "--media", str(media), "--demand", str(demand), "--now", NOW.isoformat()],
        capsys,
    )
    assert (status, err) == (0, "")
    assert result is not None
    assert result["application_id"] == "APP-000001"
    by_check = findings_by_check(result)
    assert list(by_check) == ["age", "completeness", "text", "photo", "video", "demand"]
    for finding in by_check.values():
        assert {"check", "reason", "suggested", "severity", "evidence", "summary"} <= set(finding)
    assert by_check["photo"]["suggested"] is True
    assert by_check["photo"]["evidence"][0]["kind"] == "blurred"  # type: ignore[index]
    assert by_check["text"]["evidence"][0]["text"] == "experiance"  # type: ignore[index]
    assert by_check["demand"]["suggested"] is True
    assert by_check["video"]["suggested"] is True  # no video uploaded
    assert result["suggested_reasons"] == [
        "incomplete_profile",
        "text_errors",
        "photo_quality",
        "video_quality",
        "low_demand",
    ]


def test_without_media_or_demand_those_checks_say_they_did_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = encode(portrait())
    profile = make_profile(photo=photo_ref(data))
    app = write(tmp_path / "app.json", application_document(make_application(profile)))
    status, result, _ = check([str(app), "--now", NOW.isoformat()], capsys)
    assert status == 0
    by_check = findings_by_check(result)
    assert by_check["photo"]["status"] == "not_run"
    assert by_check["demand"]["status"] == "not_run"
    assert by_check["demand"]["suggested"] is False


def test_media_missing_from_the_folder_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = make_profile(photo=photo_ref(b"never written"))
    app = write(tmp_path / "app.json", application_document(make_application(profile)))
    status, result, _ = check([str(app), "--media", str(tmp_path), "--no-video"], capsys)
    assert status == 0
    photo = findings_by_check(result)["photo"]
    assert photo["status"] == "not_run"
    assert photo["evidence"][0]["kind"] == "media_missing"  # type: ignore[index]


def test_corrupt_media_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = encode(portrait())[:3000]
    ref = photo_ref(data)
    (tmp_path / ref.sha256).write_bytes(data)
    app = write(
        tmp_path / "app.json", application_document(make_application(make_profile(photo=ref)))
    )
    status, result, _ = check([str(app), "--media", str(tmp_path), "--no-video"], capsys)
    assert status == 0
    assert findings_by_check(result)["photo"]["evidence"][0]["kind"] == "truncated"  # type: ignore[index]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not an application"),
        ('{"application_id": "A"}', "revisions: Field required"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_malformed_documents_give_a_message_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "app.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    status, result, err = check([str(path)], capsys)
    assert (status, result) == (2, None)
    assert message in err
    assert "Traceback" not in err


def test_no_revisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = application_document(make_application())
    document["revisions"] = []
    status, _, err = check([str(write(tmp_path / "a.json", document))], capsys)
    assert status == 2
    assert "no revisions" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--media", "/nonexistent-folder"], "not a folder"),
        (["--demand", "/nonexistent.json"], "no such file"),
        (["--now", "yesterday"], "not an ISO 8601 time"),
        (["--now", "2026-11-28T10:00:00"], "time zone"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    app = write(tmp_path / "app.json", application_document(make_application()))
    status, _, err = check([str(app), *extra], capsys)
    assert status == 2
    assert message in err


def test_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = check(["/nonexistent/app.json"], capsys)
    assert status == 2
    assert "no such file" in err


def test_bad_demand_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = write(tmp_path / "app.json", application_document(make_application()))
    demand = write(tmp_path / "d.json", {"skills": [{"skill": "React"}]})
    status, _, err = check([str(app), "--demand", str(demand)], capsys)
    assert status == 2
    assert "skills.0.known" in err


def test_as_a_separate_process(tmp_path: Path) -> None:
    app = write(tmp_path / "app.json", application_document(make_application()))
    done = subprocess.run(
        [sys.executable, "-m", "reviewer_app.checks_cli", str(app), "--indent", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    assert json.loads(done.stdout)["revision"] == 1
