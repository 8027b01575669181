"""Media files carrying location and other metadata, made with Debian's
ImageMagick, cwebp, ffmpeg and exiftool, for the metadata removal of
API.md 6.4: tests/integration/test_media_privacy.py makes them at test
time, and tests/unit/data/make-strip-data commits a copy for the unit
tests (python3 media_files.py DIR)."""

import os
import subprocess
import sys

GPS = ["-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
       "-GPSLongitude=2.2945", "-GPSLongitudeRef=E"]
XMP = ["-XMP-dc:Description=secret-xmp"]
# ext -> file name
NAMES = {"jpg": "strip.jpg", "png": "strip.png", "webp": "strip.webp",
         "gif": "strip.gif", "mp4": "strip.mp4", "mov": "strip.mov"}
LOCATION = "+48.8584+002.2945/"


def _run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def _exiftool(path, *tags):
    _run("exiftool", "-q", "-overwrite_original", *tags, path)


def _ffmpeg(path, *opts):
    _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
         "testsrc=size=32x32:rate=10", "-t", "0.3", *opts,
         "-metadata", "location=" + LOCATION, path)


def make(ext, path):
    """Write the test file of type ext at path."""
    if ext == "jpg":
        _run("convert", "-size", "16x16", "gradient:red-blue", path)
        _exiftool(path, *GPS, *XMP, "-Orientation#=6",
                  "-IPTC:Keywords=secret-iptc", "-Comment=secret-comment")
    elif ext == "png":
        _run("convert", "-size", "16x8", "gradient:green-white", path)
        _exiftool(path, *GPS, *XMP, "-PNG:Comment=secret-text",
                  "-PNG:ModifyDate=2020:01:02 03:04:05")
    elif ext == "webp":
        png = path + ".png"
        _run("convert", "-size", "16x8", "gradient:yellow-black", png)
        _run("cwebp", "-quiet", "-lossless", png, "-o", path)
        os.unlink(png)
        _exiftool(path, *GPS, *XMP)
    elif ext == "gif":
        _run("convert", "-size", "8x8", "gradient:blue-white", path)
        _exiftool(path, "-Comment=secret-comment")
    elif ext == "mp4":
        # ffmpeg writes the location as loci, exiftool adds a (c)xyz.
        _ffmpeg(path, "-c:v", "libx264", "-pix_fmt", "yuv420p")
        _exiftool(path, "-UserData:GPSCoordinates=48.8584, 2.2945")
    elif ext == "mov":
        _ffmpeg(path, "-c:v", "mpeg4")
    else:
        raise ValueError(ext)
    return path


def make_all(directory):
    """ext -> path of every test file, made in directory."""
    return {ext: make(ext, os.path.join(directory, name))
            for ext, name in NAMES.items()}


if __name__ == "__main__":
    make_all(sys.argv[1])
