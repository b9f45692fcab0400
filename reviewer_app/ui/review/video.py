"""The intro video: QMediaPlayer into a QGraphicsVideoItem, muted by default.

Play/pause (Space), a scrub slider and the position and duration. When the video is loaded the
player is paused at its start, which makes the backend decode the first frame: that frame, taken
from the item's `QVideoSink.videoFrameChanged` (a grab of a video widget is blank, TRAPS.md),
is kept as the poster and shown while nothing plays. A missing file, a truncated or unplayable
one (`errorOccurred`, or the media status `InvalidMedia`) gets a placeholder that says why.

Wellness mode blurs the video item (and greys and blurs the poster) with a graphics effect.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame
from PySide6.QtMultimediaWidgets import QGraphicsVideoItem
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsBlurEffect,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.ui import icons
from reviewer_app.ui.review.photos import wellness_image
from reviewer_app.ui.review.widgets import Placeholder, SectionHeader, format_duration, plain_label
from reviewer_app.ui.signals import emit

WELLNESS_BLUR_RADIUS = 48.0


class VideoCanvas(QGraphicsView):
    """A graphics view holding the video item and the poster, both fitted to the view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoCanvas")
        self.setAccessibleName("Intro video")
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(Qt.GlobalColor.black)
        self.video_item = QGraphicsVideoItem()
        self.video_item.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.poster_item = QGraphicsPixmapItem()
        self.poster_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.poster_item.setZValue(1)
        self.poster_item.setVisible(False)
        self.scene().addItem(self.video_item)
        self.scene().addItem(self.poster_item)
        self._poster = QImage()

    def set_poster(self, image: QImage) -> None:
        self._poster = image
        self._layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout()

    def _layout(self) -> None:
        size = self.viewport().size()
        rect = QRectF(0, 0, max(1, size.width()), max(1, size.height()))
        self.scene().setSceneRect(rect)
        self.video_item.setPos(0, 0)
        self.video_item.setSize(QSizeF(rect.size()))
        if self._poster.isNull():
            self.poster_item.setPixmap(QPixmap())
            return
        scaled = QPixmap.fromImage(self._poster).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.poster_item.setPixmap(scaled)
        self.poster_item.setPos(
            (rect.width() - scaled.width()) / 2, (rect.height() - scaled.height()) / 2
        )


class VideoView(QFrame):
    """The intro video with its controls, or a placeholder saying why there is none."""

    poster_ready = Signal()
    duration_known = Signal(int)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoView")
        self._wellness = False
        self._poster = QImage()
        self._wellness_poster = QImage()
        self._source: Path | None = None
        self._priming = False  # paused at the start to get the poster frame
        self._error = ""
        self._scrubbing = False

        self.header = SectionHeader("play", "Intro video", self)
        self.mute_button = QToolButton(self)
        self.mute_button.setAutoRaise(True)
        self.mute_button.setCheckable(True)
        self.mute_button.setChecked(True)
        self.mute_button.setAccessibleName("Mute")
        self.mute_button.toggled.connect(self._on_mute)
        self.header.tools.addWidget(self.mute_button)

        self.canvas = VideoCanvas(self)
        self.placeholder = Placeholder(self, icon_size=40)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.canvas)

        self.play_button = QToolButton(self)
        self.play_button.setAutoRaise(True)
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.setAccessibleName("Play")
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setAccessibleName("Video position")
        self.slider.setRange(0, 0)
        self.slider.setSingleStep(1000)
        self.slider.setPageStep(5000)
        self.slider.sliderPressed.connect(self._on_scrub_start)
        self.slider.sliderReleased.connect(self._on_scrub_end)
        self.slider.sliderMoved.connect(self._on_scrub)
        self.slider.actionTriggered.connect(self._on_slider_action)
        self.time_label = plain_label("0:00 / 0:00", self)
        self.time_label.setObjectName("videoTime")
        self.time_label.setAccessibleName("Position and duration")
        self.caption = plain_label("", self)
        self.caption.setObjectName("videoCaption")
        self.caption.setContentsMargins(8, 0, 8, 4)
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 2, 8, 2)
        controls.setSpacing(6)
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        layout.addLayout(controls)
        layout.addWidget(self.caption)

        self.audio = QAudioOutput(self)
        self.audio.setMuted(True)
        self.player = QMediaPlayer(self)
        # No audio output while muted (the default): see `_on_mute`.
        self.player.setVideoOutput(self.canvas.video_item)
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.durationChanged.connect(self._on_duration)
        self.player.positionChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(self._on_state)
        self.sink = self.canvas.video_item.videoSink()
        self._watching = False
        self._on_mute(True)
        self._on_state(QMediaPlayer.PlaybackState.StoppedState)
        self.set_video(None, "No intro video was uploaded.")

    # -- public --------------------------------------------------------------------------------
    def set_video(self, path: Path | None, missing_text: str = "", caption: str = "") -> None:
        """Load a local video file (not played yet), or show why there is none."""
        self._watch_frames(False)
        self.stop()
        self._poster = QImage()
        self._wellness_poster = QImage()
        self.canvas.set_poster(QImage())
        self.canvas.poster_item.setVisible(False)
        self._error = ""
        self._source = path
        self.slider.setRange(0, 0)
        self._set_time(0, 0)
        self.caption.setText(caption)
        if path is None:
            self.player.setSource(QUrl())
            self._show_placeholder(
                "No intro video", missing_text or "No intro video was uploaded.", "video-missing"
            )
            return
        self.placeholder.show_message("Loading video…", "", "play")
        self.stack.setCurrentWidget(self.canvas)
        self._set_controls(True)
        self._priming = True
        self._watch_frames(True)
        self.player.setSource(QUrl.fromLocalFile(str(path)))

    def clear(self) -> None:
        self.set_video(None, "")

    def toggle(self) -> None:
        if self._source is None or self._error:
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self._priming = False
            if self.player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
                self.player.setPosition(0)
            self.player.play()

    def stop(self) -> None:
        self._priming = False
        self._watch_frames(False)
        if self.player.playbackState() != QMediaPlayer.PlaybackState.StoppedState:
            self.player.stop()

    def set_wellness(self, on: bool) -> None:
        self._wellness = on
        if on:
            effect = QGraphicsBlurEffect()
            effect.setBlurRadius(WELLNESS_BLUR_RADIUS)
            effect.setBlurHints(QGraphicsBlurEffect.BlurHint.PerformanceHint)
            self.canvas.video_item.setGraphicsEffect(effect)
        else:
            self.canvas.video_item.setGraphicsEffect(None)  # type: ignore[arg-type]
        self._update_poster()

    @property
    def wellness(self) -> bool:
        return self._wellness

    @property
    def error(self) -> str:
        return self._error

    @property
    def poster(self) -> QImage:
        """The first frame, from the video sink (null until it has been decoded)."""
        return self._poster

    @property
    def playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    # -- player events -----------------------------------------------------------------------
    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._priming:
            # Paused at the start, the backend decodes one frame: the poster.
            self.player.pause()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia and not self._error:
            self._fail(self.player.errorString() or "The file is not a video that can be played.")
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._update_poster()

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error == QMediaPlayer.Error.NoError or self._source is None:
            return
        self._fail(text or str(error))

    def _fail(self, text: str) -> None:
        self._error = text
        self._priming = False
        self._show_placeholder(
            "Video cannot be played",
            f"{text}. The file may be truncated or in a format that cannot be decoded.",
            "video-missing",
        )
        emit(self.failed, text)

    def _on_duration(self, duration: int) -> None:
        self.slider.setRange(0, max(0, duration))
        self._set_time(self.player.position(), duration)
        if duration > 0:
            emit(self.duration_known, duration)

    def _on_position(self, position: int) -> None:
        if not self._scrubbing:
            self.slider.blockSignals(True)
            self.slider.setValue(position)
            self.slider.blockSignals(False)
        self._set_time(position, self.player.duration())

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setIcon(icons.icon("pause" if playing else "play"))
        self.play_button.setAccessibleName("Pause" if playing else "Play")
        self._update_poster()

    def _watch_frames(self, on: bool) -> None:
        """Listen to the sink only until the poster frame is in. The sink emits on the media
        backend's thread: queued, so no Python runs there, and disconnected before the player
        is stopped or given a new source (once, `stop()` on a primed player hung in a test run
        while frames were still arriving)."""
        if on == self._watching:
            return
        self._watching = on
        if on:
            self.sink.videoFrameChanged.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        else:
            self.sink.videoFrameChanged.disconnect(self._on_frame)

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not self._watching or not self._poster.isNull() or not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self._watch_frames(False)
        self._poster = image.copy()
        self._wellness_poster = wellness_image(self._poster)
        self._update_poster()
        emit(self.poster_ready)

    # -- controls ------------------------------------------------------------------------------
    def _on_scrub_start(self) -> None:
        self._scrubbing = True

    def _on_scrub(self, value: int) -> None:
        self._set_time(value, self.player.duration())
        self.player.setPosition(value)

    def _on_scrub_end(self) -> None:
        self._scrubbing = False
        self.player.setPosition(self.slider.value())

    def _on_slider_action(self, _action: int) -> None:
        if not self._scrubbing:  # keyboard or a click on the groove
            self.player.setPosition(self.slider.sliderPosition())

    def _on_mute(self, muted: bool) -> None:
        # Muted, the player gets no audio output at all, so it runs no audio renderer thread.
        # That thread, torn down by `stop()` or a new source, disconnects from the Python-made
        # QAudioOutput and needs the GIL for it while the UI thread, holding the GIL inside
        # `QMediaPlayer.stop()`, waits for it: a deadlock seen under load with PySide6 6.12
        # (gdb: AudioRenderer in take_gil from ~QObject, main thread in QMetaObject::disconnect).
        self.audio.setMuted(muted)
        self.player.setAudioOutput(None if muted else self.audio)  # type: ignore[arg-type]
        self.mute_button.setIcon(icons.icon("muted" if muted else "unmuted"))
        self.mute_button.setToolTip("Sound is off: click to turn it on" if muted else "Mute")
        self.mute_button.setAccessibleName("Unmute" if muted else "Mute")

    # -- display -------------------------------------------------------------------------------
    def _update_poster(self) -> None:
        poster = self._wellness_poster if self._wellness else self._poster
        self.canvas.set_poster(poster)
        # The poster covers the item while the player is stopped (after loading, before the
        # first frame, at the end), so a stopped video is never a black box. In wellness mode
        # it is grey and blurred; the item itself carries a blur effect.
        stopped = self.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
        self.canvas.poster_item.setVisible(not poster.isNull() and stopped)

    def _show_placeholder(self, title: str, text: str, icon_name: str) -> None:
        self.placeholder.show_message(title, text, icon_name)
        self.stack.setCurrentWidget(self.placeholder)
        self._set_controls(False)

    def _set_controls(self, enabled: bool) -> None:
        self.play_button.setEnabled(enabled)
        self.slider.setEnabled(enabled)
        self.mute_button.setEnabled(enabled)

    def _set_time(self, position: int, duration: int) -> None:
        self.time_label.setText(f"{format_duration(position)} / {format_duration(duration)}")
