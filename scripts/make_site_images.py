"""Draw the site's icons and default share image into static/img/ (committed; rarely rerun).

Needs Pillow, which is no dependency of the site: `pip install pillow` in a scratch venv,
then `python scripts/make_site_images.py`. Text uses DejaVu Sans Bold (Debian's
fonts-dejavu-core).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "static" / "img"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
BLUE = (10, 88, 202)  # the site's link colour (static/css/site.css)
PALE = (238, 244, 255)  # the staff-reply background
WHITE = (255, 255, 255)


def bubble(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fill, radius: int) -> None:
    """A speech bubble: a rounded box with a tail at its lower left."""
    left, _top, right, bottom = box
    draw.rounded_rectangle(box, radius=radius, fill=fill)
    width = right - left
    tail = [
        (left + width * 0.18, bottom - 2),
        (left + width * 0.12, bottom + width * 0.16),
        (left + width * 0.38, bottom - 2),
    ]
    draw.polygon(tail, fill=fill)


def icon(size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size), (*BLUE, 255))
    draw = ImageDraw.Draw(image)
    pad = size * 0.16
    bubble(draw, (pad, pad, size - pad, size * 0.7), WHITE, radius=int(size * 0.12))
    font = ImageFont.truetype(FONT, int(size * 0.42))
    draw.text((size / 2, size * 0.43), "M", font=font, fill=BLUE, anchor="mm")
    return image


def share_image() -> Image.Image:
    width, height = 1200, 630
    image = Image.new("RGB", (width, height), BLUE)
    draw = ImageDraw.Draw(image)
    bubble(draw, (90, 170, 410, 380), PALE, radius=44)
    draw.text((250, 272), "M", font=ImageFont.truetype(FONT, 160), fill=BLUE, anchor="mm")
    draw.text((470, 255), "Moderato", font=ImageFont.truetype(FONT, 104), fill=WHITE, anchor="ls")
    draw.text(
        (474, 330), "Articles and their readers'", font=ImageFont.truetype(FONT, 40), fill=PALE
    )
    draw.text((474, 380), "discussions", font=ImageFont.truetype(FONT, 40), fill=PALE)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(256).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    icon(180).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    icon(32).save(OUT / "icon-32.png", optimize=True)
    share_image().save(OUT / "share-default.png", optimize=True)


if __name__ == "__main__":
    main()
