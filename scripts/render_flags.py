"""Render static/img/flags/ (the sharp flags) from flag-icons' SVGs: see its README.md.

    npm pack flag-icons@7.5.0 && tar xzf flag-icons-7.5.0.tgz
    .venv/bin/python scripts/render_flags.py package/flags/4x3 static/img/flags

One PNG per country django-countries knows, 48 × 33 pixels: three times the 16 × 11 at which
pages show a flag, the size and shape of django-countries' own GIFs, which stay the flag for
screens of ordinary density. Drawn by Chromium (Playwright, /usr/bin/chromium), so that each
flag looks as the SVG does in a browser, then stored with a palette where that keeps every
pixel (most flags have a handful of colours) and is smaller.
"""

import base64
import io
import sys
from pathlib import Path

from django_countries.data import COUNTRIES
from PIL import Image
from playwright.sync_api import sync_playwright

WIDTH, HEIGHT = 48, 33
# Drawn ten times larger with crisp edges, then averaged down: a browser drawing each shape
# smooth on its own leaves faint seams where two stripes meet (Indonesia's, Poland's).
SCALE = 10
# Every country's flag is a rectangle but Nepal's: elsewhere a pixel the drawing left partly
# uncovered (where diagonal shapes meet, as on the Bahamas') is completed on white.
SHAPED = {"np"}
ROOT_ATTRIBUTES = b'<svg preserveAspectRatio="none" shape-rendering="crispEdges" '


def smallest_png(png, code):
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.BOX)
    if code not in SHAPED:
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    candidates = []
    methods = [Image.Quantize.FASTOCTREE]
    if image.mode == "RGB":
        methods.append(Image.Quantize.MEDIANCUT)  # RGB only
    palettes = [image.quantize(colors=256, method=method) for method in methods]
    for candidate in (image, *palettes):
        if candidate.mode == "P" and candidate.convert(image.mode).tobytes() != image.tobytes():
            continue  # the palette would change a pixel: keep the full colours
        out = io.BytesIO()
        candidate.save(out, "PNG", optimize=True)
        candidates.append(out.getvalue())
    return min(candidates, key=len)


def main(source, target):
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        size = {"width": WIDTH * SCALE, "height": HEIGHT * SCALE}
        page = browser.new_page(viewport=size)
        for code in sorted(code.lower() for code in COUNTRIES):
            # Stretched to the GIFs' shape, as they are, so both densities take the same box.
            svg = (source / f"{code}.svg").read_bytes().replace(b"<svg ", ROOT_ATTRIBUTES, 1)
            data = base64.b64encode(svg).decode()
            page.set_content(
                '<style>html,body{margin:0}img{display:block}</style><img src="data:image/svg+xml;'
                f'base64,{data}" width="{size["width"]}" height="{size["height"]}">'
            )
            page.wait_for_load_state("load")
            png = page.screenshot(clip={"x": 0, "y": 0, **size}, omit_background=True)
            (target / f"{code}.png").write_bytes(smallest_png(png, code))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
