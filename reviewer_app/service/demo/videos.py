"""Intro videos: a small pool of real clips encoded once per process and shared by applicants.

A clip is a webcam-framed talking head (the portrait of `photos`) with a speech-like audio
track. Good clips declare 30–120 s but stay cheap to encode: 2 frames per second, a handful of
distinct frames, single-threaded encoders (so the bytes do not depend on the machine's cores)
and `+bitexact` muxing (no random segment id in WebM). Every clip is a pure function of its
`VideoSpec`, cached in-process, and the whole space of specs is finite (a few dozen clips).
"""

from __future__ import annotations

import array
import contextlib
import functools
import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
from av.audio.stream import AudioStream
from av.packet import Packet
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from reviewer_app.service.demo.photos import PhotoSpec, draw_portrait

MP4 = "video/mp4"
WEBM = "video/webm"

FPS = 2
AUDIO_RATE = 8000
_VOICE_PERIOD_S = 4
_VOICES = 2
MIN_DURATION_S = 30
MAX_DURATION_S = 120
MIN_WIDTH, MIN_HEIGHT = 640, 360

# Good clips: one look per entry, (width, height, declared seconds). 30 and 120 are on the
# boundary of the rule on purpose: they are good.
GOOD_LOOKS: tuple[tuple[int, int, int], ...] = (
    (640, 360, 30),
    (640, 360, 45),
    (640, 360, 60),
    (640, 360, 75),
    (640, 360, 90),
    (1280, 720, 60),
    (640, 360, 105),
    (640, 360, 120),
)
SHORT_DURATIONS: tuple[int, ...] = (3, 8, 15, 29)
# WebM is rarer among uploads; to keep the pool cheap, only these looks are encoded as WebM.
WEBM_LOOKS: tuple[int, ...] = (0, 2, 3, 6)
LOW_RESOLUTIONS: tuple[tuple[int, int], ...] = ((160, 90), (256, 144), (320, 180), (426, 240))
LOW_RESOLUTION_DURATION_S = 45
TRUNCATE_FRACTIONS: tuple[float, ...] = (0.3, 0.6, 0.9)
NOT_A_VIDEO_PAYLOADS: tuple[str, ...] = ("html", "json", "empty")

_NOT_A_VIDEO = {
    "html": b"<!DOCTYPE html>\n<html><head><title>504 Gateway Timeout</title></head><body>"
    b"<h1>Gateway Timeout</h1><p>The upload did not complete.</p></body></html>\n",
    "json": b'{"error": "transcode_failed", "message": "The video could not be processed."}\n',
    "empty": b"",
}

_SKINS = ((232, 190, 160), (198, 145, 104), (141, 94, 63), (88, 57, 39), (214, 163, 122))


@dataclass(frozen=True, slots=True)
class VideoSpec:
    look: int  # which person and room; also picks the good clip's size and duration
    container: str  # "mp4" or "webm"
    defect: str | None = None  # a video defect kind, None for a good clip
    variant: int = 0  # index into the defect's parameter table

    @property
    def content_type(self) -> str:
        return MP4 if self.container == "mp4" else WEBM

    def geometry(self) -> tuple[int, int, int]:
        """(width, height, declared seconds) of the encoded clip."""
        width, height, seconds = GOOD_LOOKS[self.look % len(GOOD_LOOKS)]
        if self.defect == "video_too_short":
            seconds = SHORT_DURATIONS[self.variant]
        elif self.defect == "video_low_resolution":
            width, height = LOW_RESOLUTIONS[self.variant]
            seconds = LOW_RESOLUTION_DURATION_S
        elif self.defect == "video_corrupt_truncated":
            width, height, seconds = 640, 360, 40
        return width, height, seconds


def _first_encoder(*names: str) -> str | None:
    for name in names:
        try:
            av.Codec(name, "w")
        except Exception:  # noqa: S112 - an encoder that this FFmpeg build lacks
            continue
        return name
    return None


@functools.cache
def encoders() -> dict[str, tuple[str | None, str | None]]:
    """container -> (video encoder, audio encoder) that this PyAV build offers."""
    return {
        "mp4": (_first_encoder("libx264", "libopenh264", "mpeg4"), _first_encoder("aac")),
        "webm": (_first_encoder("libvpx-vp9", "libvpx"), _first_encoder("libopus", "libvorbis")),
    }


_VIDEO_OPTIONS = {
    "libx264": {"preset": "ultrafast", "crf": "28"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8", "crf": "40", "b": "0"},
    "libvpx": {"deadline": "realtime", "cpu-used": "8", "crf": "30", "b": "300k"},
}

_AUDIO_OPTIONS = {
    "aac": {"aac_coder": "fast"},
    "libopus": {"compression_level": "0", "application": "voip"},
}


def defect_details(spec: VideoSpec) -> dict[str, object]:
    width, height, seconds = spec.geometry()
    match spec.defect:
        case "video_too_short":
            return {"duration_s": seconds, "min_duration_s": MIN_DURATION_S}
        case "video_low_resolution":
            return {
                "width": width,
                "height": height,
                "min_width": MIN_WIDTH,
                "min_height": MIN_HEIGHT,
            }
        case "video_corrupt_truncated":
            return {"kept_fraction": TRUNCATE_FRACTIONS[spec.variant]}
        case "video_not_a_video":
            return {"payload": NOT_A_VIDEO_PAYLOADS[spec.variant]}
        case _:
            return {}


@functools.lru_cache(maxsize=16)
def _pictures(look: int, width: int, height: int) -> tuple[Image.Image, ...]:
    """A few distinct pictures: the person moves a little between them. Webcam framing: the
    portrait is drawn for the frame's height and the room is widened to the frame's width."""
    rng = random.Random(f"video-look:{look}")  # noqa: S311 - seeded demo data
    side = round(height * 1.25)
    portrait = PhotoSpec(
        f"video-look:{look}", rng.random() < 0.5, rng.choice(_SKINS), side, side, "image/jpeg", 90
    )
    margin = max(2, side // 80)
    full = draw_portrait(portrait, side + 2 * margin, side + 2 * margin, grain=False)
    top = round(side * 0.12)
    pictures = []
    for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0)):
        x = margin + dx * margin // 2
        y = top + margin + dy * margin // 2
        face = full.crop((x, y, x + side, y + height))
        if side >= width:
            offset = (side - width) // 2
            pictures.append(face.crop((offset, 0, offset + width, height)))
            continue
        left = (width - side) // 2
        picture = Image.new("RGB", (width, height))
        edge = Image.Resampling.NEAREST
        picture.paste(face.crop((0, 0, 1, height)).resize((left, height), edge), (0, 0))
        right = width - left - side
        picture.paste(
            face.crop((side - 1, 0, side, height)).resize((right, height), edge), (left + side, 0)
        )
        picture.paste(face, (left, 0))
        pictures.append(picture)
    return tuple(pictures)


def _frames(look: int, width: int, height: int) -> list[VideoFrame]:
    # New frames per clip: an encoder's frame gets its pts set, so frames are not shared.
    return [
        VideoFrame.from_image(picture).reformat(format="yuv420p")  # type: ignore[no-untyped-call]
        for picture in _pictures(look, width, height)
    ]


def _speech(voice: int) -> bytes:
    """`_VOICE_PERIOD_S` seconds of a voice-like sound (s16 mono): a buzzing tone in
    syllables, then a pause."""
    rng = random.Random(f"video-voice:{voice}")  # noqa: S311 - seeded demo data
    pitch = rng.uniform(110, 230)
    syllables = rng.uniform(3.0, 5.0)
    spoken = rng.uniform(0.55, 0.7) * _VOICE_PERIOD_S
    samples = array.array("h", bytes(2 * AUDIO_RATE * _VOICE_PERIOD_S))
    for t in range(int(spoken * AUDIO_RATE)):
        s = t / AUDIO_RATE
        envelope = max(0.0, math.sin(math.pi * syllables * s)) ** 2
        wave = (
            math.sin(2 * math.pi * pitch * s)
            + 0.5 * math.sin(4 * math.pi * pitch * s)
            + 0.25 * math.sin(6 * math.pi * pitch * s)
        )
        samples[t] = int(5000 * envelope * wave)
    return samples.tobytes()


@functools.lru_cache(maxsize=8)
def _voice_track(voice: int, container: str) -> bytes | None:
    """The longest clip's sound, encoded once per voice and container; each clip copies the
    packets of its first seconds (audio encoding would otherwise cost more than the video)."""
    codec = encoders()[container][1]
    if codec is None:
        return None
    speech = _speech(voice)
    chunk = AUDIO_RATE // 10
    time_base = Fraction(1, AUDIO_RATE)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container, options={"fflags": "+bitexact"}) as out:
        audio = out.add_stream(
            codec,
            rate=48000 if codec == "libopus" else AUDIO_RATE,
            options=_AUDIO_OPTIONS.get(codec, {}),
        )
        if not isinstance(audio, AudioStream):
            raise TypeError(f"{codec} is not an audio encoder")
        audio.codec_context.thread_count = 1
        audio.layout = "mono"
        audio.bit_rate = 16000
        for index in range((MAX_DURATION_S + 1) * 10):
            start = (index % (_VOICE_PERIOD_S * 10)) * chunk * 2
            sound = av.AudioFrame(format="s16", layout="mono", samples=chunk)
            sound.planes[0].update(speech[start : start + chunk * 2])
            sound.sample_rate = AUDIO_RATE
            sound.pts = index * chunk
            sound.time_base = time_base
            out.mux(audio.encode(sound))
        out.mux(audio.encode(None))
    return buffer.getvalue()


def _encode(look: int, container: str, width: int, height: int, seconds: int) -> bytes:
    video_codec = encoders()[container][0]
    if video_codec is None:
        raise RuntimeError(f"no video encoder for {container} in this PyAV build")
    sound = _voice_track(look % _VOICES, container)
    out_buffer = io.BytesIO()
    with (
        av.open(out_buffer, "w", format=container, options={"fflags": "+bitexact"}) as out,
        av.open(io.BytesIO(sound), "r") if sound else contextlib.nullcontext() as source,
    ):
        video = out.add_stream(video_codec, rate=FPS, options=_VIDEO_OPTIONS.get(video_codec, {}))
        if not isinstance(video, VideoStream):
            raise TypeError(f"{video_codec} is not a video encoder")
        video.width = width
        video.height = height
        video.pix_fmt = "yuv420p"
        video.codec_context.thread_count = 1
        video.codec_context.gop_size = FPS * 10
        audio_packets: Iterator[Packet[AudioStream]] = iter(())
        audio_out: AudioStream | None = None
        if source is not None:
            audio_in = source.streams.audio[0]
            audio_out = out.add_stream_from_template(audio_in)
            audio_packets = (p for p in source.demux(audio_in) if p.pts is not None)
        pending: Packet[AudioStream] | None = None
        frames = _frames(look, width, height)
        order = random.Random(f"video-order:{look}")  # noqa: S311 - seeded demo data
        time_base = Fraction(1, FPS)
        # Interleave second by second, as a camera would write it.
        frame = frames[0]
        for second in range(seconds):
            for step in range(FPS):
                index = second * FPS + step
                if order.random() < 0.25:  # the speaker shifts a little now and then
                    frame = frames[order.randrange(len(frames))]
                frame.pts = index
                frame.time_base = time_base
                out.mux(video.encode(frame))
            while audio_out is not None:
                packet = pending or next(audio_packets, None)
                pending = None
                if packet is None or packet.pts is None or packet.time_base is None:
                    break
                start = packet.pts * packet.time_base
                if start >= seconds:
                    break
                if start >= second + 1:
                    pending = packet
                    break
                packet.stream = audio_out
                out.mux(packet)
        out.mux(video.encode(None))
    return out_buffer.getvalue()


@functools.lru_cache(maxsize=256)
def render_video(spec: VideoSpec) -> tuple[str, bytes]:
    """(content type, bytes) of the clip; cached, since applicants share clips."""
    if spec.defect == "video_not_a_video":
        return spec.content_type, _NOT_A_VIDEO[NOT_A_VIDEO_PAYLOADS[spec.variant]]
    width, height, seconds = spec.geometry()
    if spec.defect == "video_corrupt_truncated":
        # An interrupted upload: MP4 keeps its index (moov) at the end, so any cut before it
        # leaves a file that no player can open.
        data = _encode(spec.look, "mp4", width, height, seconds)
        moov = data.rfind(b"moov") - 4
        cut = min(int(len(data) * TRUNCATE_FRACTIONS[spec.variant]), moov - 16)
        return MP4, data[: max(64, cut)]
    return spec.content_type, _encode(spec.look, spec.container, width, height, seconds)
