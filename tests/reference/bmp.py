"""A 24-bit uncompressed BMP writer for test images (stb reads it; no PIL here)."""
import struct


def write_bmp(path, rgb):
    """Writes rgb [H, W, 3] uint8 (top row first) as a bottom-up BGR BMP."""
    h, w, _ = rgb.shape
    row = (w * 3 + 3) // 4 * 4
    pixels = bytearray()
    for y in range(h - 1, -1, -1):
        line = rgb[y, :, ::-1].tobytes()
        pixels += line + b"\0" * (row - len(line))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    with open(path, "wb") as f:
        f.write(header + info + pixels)
