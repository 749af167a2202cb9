"""Pre-encoded frames are valid WebSocket frames, and the raw write is only taken when safe."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from gateway.web.ws_fastpath import encode_text_frame, write_frame


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65_535, 65_536, 200_000])
def test_an_encoded_frame_parses_back_to_the_same_text(length: int) -> None:
    text = ("é" * length)[:length]
    reader = StreamReader()
    reader.feed_data(encode_text_frame(text))
    parser = Frame.parse(reader.read_exact, mask=False, max_size=None)
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
    else:  # pragma: no cover - the frame was incomplete
        raise AssertionError("frame incomplete")

    assert frame.opcode is Opcode.TEXT
    assert frame.fin
    assert frame.data.decode() == text


async def test_a_send_without_a_known_protocol_takes_the_ordinary_path() -> None:
    async def send(message: object) -> None:  # any other ASGI server's send
        raise AssertionError("not to be called")

    assert write_frame(send, encode_text_frame("x")) is False
