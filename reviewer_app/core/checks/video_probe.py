"""Probe one untrusted video file and print what it holds as one JSON object.

    python -m reviewer_app.core.checks.video_probe [--max-memory-mb N] [--max-cpu-s N] FILE
    reviewer-app --video-probe [--max-memory-mb N] [--max-cpu-s N] FILE   (also a frozen build)

Run in a child process by `video.VideoProber`: it limits its own address space and CPU time
before it imports the decoder, so a hostile file can at worst kill this process, never the
workstation. The parent adds a wall-clock timeout.

The answer (stdout, exit code 0) is `{"ok": true, ...figures}` for a file the decoder could
open, or `{"ok": false, "error": "..."}` for one it could not. A crash gives no answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

FRAMES_TO_DECODE = 3


def _limit(max_memory_mb: int, max_cpu_s: int) -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: the parent's timeout still holds
        return
    if max_memory_mb > 0:
        limit = max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if max_cpu_s > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (max_cpu_s, max_cpu_s + 1))


def probe(path: str, frames_to_decode: int = FRAMES_TO_DECODE) -> dict[str, Any]:
    import av

    try:
        container = av.open(path, "r", options={"probesize": "5000000"})
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as error:
        return {"ok": False, "error": f"cannot open: {error}"}
    with container:
        out: dict[str, Any] = {
            "ok": True,
            "format": container.format.name,
            "duration_s": None
            if container.duration is None
            else round(container.duration / 1_000_000, 3),
            "video": None,
            "audio": None,
            "errors": [],
        }
        video = next(iter(container.streams.video), None)
        audio = next(iter(container.streams.audio), None)
        if audio is not None:
            out["audio"] = {
                "codec": audio.codec_context.name,
                "sample_rate": audio.codec_context.sample_rate,
            }
        if video is None:
            return out
        video.thread_type = "SLICE"
        video.codec_context.thread_count = 1
        info: dict[str, Any] = {
            "codec": video.codec_context.name,
            "width": video.codec_context.width,
            "height": video.codec_context.height,
            "fps": None if video.average_rate is None else round(float(video.average_rate), 3),
            "stream_duration_s": None
            if video.duration is None or video.time_base is None
            else round(float(video.duration * video.time_base), 3),
            "packets": 0,
            "frames_decoded": 0,
            "decoded_width": None,
            "decoded_height": None,
            "last_packet_end_s": None,
        }
        out["video"] = info
        last_end = None
        errors: list[str] = out["errors"]
        try:
            for packet in container.demux(video):
                if packet.size == 0 and packet.pts is None:
                    continue  # the flush packet at the end of the stream
                info["packets"] += 1
                if packet.pts is not None and packet.time_base is not None:
                    end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                    last_end = end if last_end is None else max(last_end, end)
                if info["frames_decoded"] < frames_to_decode:
                    try:
                        for frame in packet.decode():
                            info["frames_decoded"] += 1
                            info["decoded_width"] = frame.width
                            info["decoded_height"] = frame.height
                    except av.FFmpegError as error:
                        errors.append(f"decode: {error}")
        except av.FFmpegError as error:
            errors.append(f"demux: {error}")
        if last_end is not None:
            start = (
                video.start_time * video.time_base if video.start_time and video.time_base else 0
            )
            info["last_packet_end_s"] = round(last_end - float(start), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="video_probe", description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--max-memory-mb", type=int, default=1024)
    parser.add_argument("--max-cpu-s", type=int, default=20)
    parser.add_argument("--frames", type=int, default=FRAMES_TO_DECODE)
    args = parser.parse_args(argv)
    _limit(args.max_memory_mb, args.max_cpu_s)
    result = probe(args.file, args.frames)
    line = json.dumps(result) + "\n"
    if sys.stdout is None:  # a windowed frozen build has no sys.stdout: write to the pipe
        import os

        os.write(1, line.encode("utf-8"))
    else:
        sys.stdout.write(line)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
