"""Photo processing benchmark: libvips (pyvips + the pyvips-binary wheel) against Pillow
(+ pillow-heif, what gateway.media uses), on a 12-megapixel phone JPEG made here.

Prints, per library: ms per photo for all three sizes (thumbnail, display, download; upright,
sRGB, stripped), the peak extra memory of one process doing it, whether it reads HEIC; then
the p99 of `{ __typename }` over HTTP to a running gateway while 10 photos are processed in
that gateway's process — off the event loop (the gateway's way) and, as the baseline in the
same run, on it.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/photos.py [--photos 10]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

EDGES = {"thumbnail": 400, "display": 1600}


def make_photo() -> bytes:
    """4000 x 3000, gradients and sensor-like noise, sideways with Orientation 6, like a phone."""
    from PIL import ExifTags, Image

    size = (4000, 3000)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.effect_noise(size, 40)
    photo = Image.merge("RGB", (red, green, blue))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def pillow_pipeline() -> Callable[[bytes], list[int]]:
    from gateway.media import process_image

    def run(data: bytes) -> list[int]:
        processed = process_image(data)
        return [len(v.data) for v in processed.variants.values()]

    return run


def vips_pipeline() -> Callable[[bytes], list[int]]:
    import pyvips

    pyvips.cache_set_max(0)  # every photo is new: no cache to flatter the repeat runs

    def run(data: bytes) -> list[int]:
        header = pyvips.Image.new_from_buffer(data, "")
        if header.width * header.height > 100_000_000:
            raise ValueError("too many pixels")
        # Decoded once, like the Pillow pipeline (faster here than decoding three times with
        # shrink-on-load per size, which was tried too): upright, sRGB, every size from it.
        full = header.autorot()
        if full.interpretation != "srgb":
            full = full.colourspace("srgb")
        full = full.copy_memory()
        sizes = [len(full.jpegsave_buffer(Q=92, keep="none"))]
        current = full
        for edge in EDGES.values():
            current = current.thumbnail_image(edge, height=edge)
            sizes.append(len(current.jpegsave_buffer(Q=85, keep="none")))
        return sizes

    return run


PIPELINES = {"pillow": pillow_pipeline, "vips": vips_pipeline}


def reads_heic(library: str) -> bool:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()  # Pillow writes the sample either way
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "HEIF")
    try:
        if library == "vips":
            import pyvips

            pyvips.Image.new_from_buffer(buffer.getvalue(), "").avg()
        else:
            Image.open(io.BytesIO(buffer.getvalue())).load()
    except Exception:
        return False
    return True


def measure(library: str, photo: Path, runs: int) -> None:
    """In a process of its own, so peak memory is this library's alone."""
    data = photo.read_bytes()
    run = PIPELINES[library]()
    run(make_small())  # import and initialise lazily loaded parts
    before = _status_kb("VmRSS")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run(data)
        times.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # high-water mark, in KiB
    print(
        json.dumps(
            {
                "ms": statistics.median(times),
                "peak_mb": (peak - before) / 1024,
                "heic": reads_heic(library),
            }
        )
    )


def _status_kb(field: str) -> int:
    # The resident size now: the high-water mark so far may include memory freed since
    # (imports), which the photo work could reuse unseen.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def make_small() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "JPEG")
    return buffer.getvalue()


def run_measure(library: str, photo: Path, runs: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", library, "--photo", str(photo)]
    out = subprocess.run([*command, "--runs", str(runs)], capture_output=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


CLIENT = """
import json, sys, time, httpx
url, stop = sys.argv[1], sys.argv[2]
times = []
with httpx.Client(timeout=60) as http:
    import os
    while not os.path.exists(stop):
        started = time.perf_counter()
        http.post(url, json={"query": "{ __typename }"}).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def small_queries_during(
    url: str, work: Callable[[], Any], folder: Path
) -> tuple[float, list[float]]:
    """Seconds `work` took in the gateway's process, and the latencies of the small queries
    another process sent meanwhile."""
    stop = folder / f"stop-{time.monotonic_ns()}"
    client = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLIENT, url, str(stop), stdout=subprocess.PIPE
    )
    await asyncio.sleep(0.5)  # let the client warm up its connection
    started = time.perf_counter()
    await work()
    took = time.perf_counter() - started
    stop.touch()
    out, _ = await client.communicate()
    times: list[float] = json.loads(out)
    return took, times


Phases = dict[str, tuple[float, list[float]]]


async def concurrent(photo: bytes, photos: int, workers: int) -> Phases:
    import uvicorn

    from gateway.app import create_app
    from gateway.migrate import migrate
    from gateway.settings import Settings

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        await migrate(database)
        settings = Settings(
            environment="test",
            database_url=database,
            storage_url=f"file://{folder / 'media'}",
            mail_url=f"outbox://{folder / 'outbox'}",
            _env_file=None,  # type: ignore[call-arg]
        )
        app = create_app(settings, background_tasks=False)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110  (uvicorn offers no event to wait on)
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}/graphql"
        pool = ThreadPoolExecutor(max_workers=workers)
        loop = asyncio.get_running_loop()
        results: Phases = {}

        async def idle() -> None:
            await asyncio.sleep(3)

        def off_loop(run: Callable[[bytes], list[int]]) -> Callable[[], Any]:
            async def work() -> None:
                await asyncio.gather(
                    *(loop.run_in_executor(pool, run, photo) for _ in range(photos))
                )

            return work

        def on_loop(run: Callable[[bytes], list[int]]) -> Callable[[], Any]:
            async def work() -> None:
                for _ in range(photos):
                    run(photo)
                    await asyncio.sleep(0)

            return work

        pillow, vips = pillow_pipeline(), vips_pipeline()
        results["no photos"] = await small_queries_during(url, idle, folder)
        results["pillow, off the loop"] = await small_queries_during(url, off_loop(pillow), folder)
        results["vips, off the loop"] = await small_queries_during(url, off_loop(vips), folder)
        results["pillow, on the loop"] = await small_queries_during(url, on_loop(pillow), folder)
        server.should_exit = True
        await serving
        pool.shutdown()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10, help="photos processed concurrently")
    parser.add_argument("--runs", type=int, default=3, help="sequential runs per library")
    parser.add_argument("--workers", type=int, default=2, help="threads (MEDIA_IMAGE_WORKERS)")
    parser.add_argument("--measure", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    parser.add_argument("--photo", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.photo, args.runs)
        return
    photo = make_photo()
    with tempfile.NamedTemporaryFile(suffix=".jpg") as file:
        file.write(photo)
        file.flush()
        print(f"12-megapixel JPEG: 4000x3000, {len(photo) / 1e6:.1f} MB, Orientation 6")
        print(f"{'library':<8} {'ms/photo (3 sizes)':>19} {'peak extra MB':>14} {'HEIC':>5}")
        measured = {name: run_measure(name, Path(file.name), args.runs) for name in PIPELINES}
    for name, figures in measured.items():
        heic = "yes" if figures["heic"] else "no"
        print(f"{name:<8} {figures['ms']:>19.0f} {figures['peak_mb']:>14.0f} {heic:>5}")
    ratio = measured["pillow"]["ms"] / measured["vips"]["ms"]
    print(f"pillow/vips time ratio: {ratio:.2f}")
    latencies = asyncio.run(concurrent(photo, args.photos, args.workers))
    print(
        f"\n`{{ __typename }}` over HTTP while {args.photos} photos process in the gateway"
        f" ({args.workers} image threads):"
    )
    print(f"{'while':<22} {'took s':>7} {'queries':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, (took, times) in latencies.items():
        print(
            f"{label:<22} {took:>7.1f} {len(times):>8} {p(times, 0.5):>8.1f}"
            f" {p(times, 0.99):>8.1f} {max(times):>8.1f}"
        )


if __name__ == "__main__":
    main()
