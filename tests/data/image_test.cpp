#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <zlib.h>

#include <cmath>

#include "test_helpers.h"
#include "xmas/data/image.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

// A w x h RGB image whose pixel (x, y) is (x * 10, y * 10, 7).
std::vector<uint8_t> Gradient(int w, int h) {
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>(x * 10);
      p[1] = static_cast<uint8_t>(y * 10);
      p[2] = 7;
    }
  }
  return rgb;
}

// A 1x1 GIF89a (one black pixel).
const std::string kGif("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
                       ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;", 43);

class ImageFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("images");
    const auto rgb = Gradient(6, 4);
    ASSERT_TRUE(stbi_write_png((dir_ / "a.png").c_str(), 6, 4, 3, rgb.data(), 6 * 3));
    ASSERT_TRUE(stbi_write_jpg((dir_ / "a.jpg").c_str(), 6, 4, 3, rgb.data(), 95));
    ASSERT_TRUE(stbi_write_bmp((dir_ / "a.bmp").c_str(), 6, 4, 3, rgb.data()));
    WriteText(dir_ / "a.gif", kGif);
  }
  fs::path dir_;
};

TEST_F(ImageFiles, DecodesPngJpegBmpGif) {
  for (const char* name : {"a.png", "a.jpg", "a.bmp"}) {
    auto info = ReadImageInfo((dir_ / name).string());
    ASSERT_TRUE(info.ok()) << name << ": " << info.status().message();
    EXPECT_EQ(info->width, 6);
    EXPECT_EQ(info->height, 4);
    auto image = LoadImage((dir_ / name).string());
    ASSERT_TRUE(image.ok()) << image.status().message();
    EXPECT_EQ(image->rgb.size(), 6u * 4 * 3);
  }
  auto png = LoadImage((dir_ / "a.png").string());
  EXPECT_EQ(png->rgb[(2 * 6 + 3) * 3 + 0], 30);  // exact for a lossless format
  EXPECT_EQ(png->rgb[(2 * 6 + 3) * 3 + 1], 20);
  auto gif = LoadImage((dir_ / "a.gif").string());
  ASSERT_TRUE(gif.ok()) << gif.status().message();
  EXPECT_EQ(gif->width, 1);
  EXPECT_EQ(gif->rgb.size(), 3u);
}

TEST_F(ImageFiles, MissingCorruptAndUnsupportedFilesFail) {
  auto missing = LoadImage((dir_ / "nope.png").string());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.png"), std::string::npos);

  std::string png = ReadText(dir_ / "a.png");
  WriteText(dir_ / "truncated.png", png.substr(0, png.size() / 2));
  auto truncated = LoadImage((dir_ / "truncated.png").string());
  EXPECT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("truncated.png"), std::string::npos);

  WriteText(dir_ / "text.jpg", "this is not an image at all");
  auto text = ReadImageInfo((dir_ / "text.jpg").string());
  EXPECT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("not a PNG, JPEG, BMP or GIF"), std::string::npos);

  std::string jpg = ReadText(dir_ / "a.jpg");
  jpg.resize(40);
  WriteText(dir_ / "cut.jpg", jpg);
  EXPECT_FALSE(LoadImage((dir_ / "cut.jpg").string()).ok());
  EXPECT_FALSE(LoadImage(dir_.string()).ok());  // a folder
}

TEST_F(ImageFiles, HugeCanvasIsRefusedFromTheHeader) {
  // Patch the PNG's IHDR to claim 10000 x 10000 pixels: stb_image would
  // allocate 300 MB; the limit check must refuse it first.
  std::string png = ReadText(dir_ / "a.png");
  const char big[4] = {0, 0, 0x27, 0x10};
  png.replace(16, 4, big, 4);
  png.replace(20, 4, big, 4);
  auto decoded = DecodeImage(png, "bomb.png");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("10000x10000 pixels, above the limit"), std::string::npos)
      << decoded.status().message();
  ImageLimits tight;
  tight.max_pixels = 20;
  EXPECT_FALSE(LoadImage((dir_ / "a.png").string(), tight).ok());
  tight.max_pixels = 24;
  EXPECT_TRUE(LoadImage((dir_ / "a.png").string(), tight).ok());
  ImageLimits small_file;
  small_file.max_file_bytes = 10;
  EXPECT_NE(ReadImageInfo((dir_ / "a.png").string(), small_file).status().message().find("bytes"),
            std::string::npos);
}

// A PNG of a w x h 8-bit RGB image whose IDAT holds `raw` deflated.
std::string HandMadePng(uint32_t w, uint32_t h, const std::string& raw) {
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    const std::string body = type + data;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    return be32(static_cast<uint32_t>(data.size())) + body + be32(static_cast<uint32_t>(crc));
  };
  std::string packed(compressBound(raw.size()), '\0');
  uLongf packed_size = packed.size();
  compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
            raw.size(), 9);
  packed.resize(packed_size);
  const std::string ihdr = be32(w) + be32(h) + std::string{8, 2, 0, 0, 0};  // 8-bit RGB
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", packed) + chunk("IEND", "");
}

TEST(PngBomb, ImageDataInflatingPastItsSizeIsRefused) {
  const std::string exact(6 * (1 + 4 * 3), '\0');  // 6 rows: filter byte + 4 RGB pixels
  auto fine = DecodeImage(HandMadePng(4, 6, exact), "fine.png");
  ASSERT_TRUE(fine.ok()) << fine.status().message();
  EXPECT_EQ(fine->width, 4);
  // 30 MB of zeros deflate to ~30 KB; stb_image would inflate all of it.
  const std::string bomb_bytes = HandMadePng(4, 6, std::string(30'000'000, '\0'));
  EXPECT_LT(bomb_bytes.size(), 100'000u);
  auto bomb = DecodeImage(bomb_bytes, "bomb.png");
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.status().message().rfind("bomb.png: corrupt PNG (its image data inflates to more than", 0), 0u)
      << bomb.status().message();
}

TEST(PngBomb, EmptyImageDataChunksAreHarmless) {
  // Legal but rare: an IDAT of length 0 before the data (stb_image would
  // memcpy into a null buffer; fuzz-regressions/image/crash-225c...).
  std::string raw;
  for (int row = 0; row < 6; ++row) raw += std::string(1, '\0') + std::string(4 * 3, static_cast<char>(40 + row));
  const std::string png = HandMadePng(4, 6, raw);
  const std::string empty_idat = std::string("\0\0\0\0IDAT", 8) + "\x35\xaf\x06\x1e";  // CRC of "IDAT"
  const size_t after_ihdr = 8 + 12 + 13;
  const std::string with_empty = png.substr(0, after_ihdr) + empty_idat + png.substr(after_ihdr);
  auto plain = DecodeImage(png, "plain.png"), padded = DecodeImage(with_empty, "empty-idat.png");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  ASSERT_TRUE(padded.ok()) << padded.status().message();
  EXPECT_EQ(plain->rgb, padded->rgb);
}

TEST(ImagePath, StaysInsideTheFolder) {
  auto dir = TempDir("paths");
  fs::create_directories(dir / "imgs" / "coco");
  fs::create_directories(dir / "secret");
  WriteText(dir / "imgs" / "coco" / "1.jpg", "x");
  WriteText(dir / "secret" / "s.jpg", "x");
  const std::string folder = (dir / "imgs").string();
  auto ok = ResolveImagePath(folder, "coco/1.jpg", false);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(*ok, (dir / "imgs" / "coco" / "1.jpg").string());
  EXPECT_TRUE(ResolveImagePath(folder, "coco/not-yet.jpg", false).ok());
  EXPECT_TRUE(ResolveImagePath(folder, "./coco/1.jpg", false).ok());

  for (const char* bad : {"../secret/s.jpg", "coco/../../secret/s.jpg", "/etc/passwd", ""}) {
    auto result = ResolveImagePath(folder, bad, false);
    EXPECT_FALSE(result.ok()) << bad;
  }
  EXPECT_NE(ResolveImagePath(folder, "../secret/s.jpg", false).status().message().find(
                "--allow-outside-image-folder"), std::string::npos);

  fs::create_symlink(dir / "secret", dir / "imgs" / "link_out");
  fs::create_symlink(dir / "imgs" / "coco", dir / "imgs" / "link_in");
  auto out = ResolveImagePath(folder, "link_out/s.jpg", false);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("outside the image folder"), std::string::npos);
  EXPECT_TRUE(ResolveImagePath(folder, "link_in/1.jpg", false).ok());

  EXPECT_TRUE(ResolveImagePath(folder, "link_out/s.jpg", true).ok());
  auto absolute = ResolveImagePath(folder, (dir / "secret" / "s.jpg").string(), true);
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(*absolute, (dir / "secret" / "s.jpg").string());
}

TEST(ImagePreprocess, PadColourAndSquare) {
  EXPECT_EQ(PadColour(PreprocessOptions().mean), (std::array<uint8_t, 3>{122, 116, 104}));
  Image wide{4, 2, std::vector<uint8_t>(4 * 2 * 3, 200)};
  Image padded = PadToSquare(wide, {1, 2, 3});
  ASSERT_EQ(padded.width, 4);
  ASSERT_EQ(padded.height, 4);
  auto px = [&](int x, int y, int c) { return padded.rgb[(static_cast<size_t>(y) * 4 + x) * 3 + c]; };
  EXPECT_EQ(px(0, 0, 0), 1);
  EXPECT_EQ(px(3, 0, 2), 3);
  EXPECT_EQ(px(0, 1, 0), 200);
  EXPECT_EQ(px(3, 2, 1), 200);
  EXPECT_EQ(px(2, 3, 1), 2);
  Image tall{2, 5, std::vector<uint8_t>(2 * 5 * 3, 9)};
  Image padded_tall = PadToSquare(tall, {0, 0, 0});
  ASSERT_EQ(padded_tall.width, 5);
  // (5 - 2) // 2 = 1 column of padding on the left, 2 on the right.
  EXPECT_EQ(padded_tall.rgb[(0 * 5 + 0) * 3], 0);
  EXPECT_EQ(padded_tall.rgb[(0 * 5 + 1) * 3], 9);
  EXPECT_EQ(padded_tall.rgb[(0 * 5 + 2) * 3], 9);
  EXPECT_EQ(padded_tall.rgb[(0 * 5 + 3) * 3], 0);
}

TEST(ImagePreprocess, ChwNormalisedTensor) {
  Image red{4, 2, {}};
  for (int i = 0; i < 8; ++i) red.rgb.insert(red.rgb.end(), {255, 0, 0});
  PreprocessOptions options;
  options.size = 4;
  auto pad = Preprocess(red, options);
  ASSERT_TRUE(pad.ok());
  ASSERT_EQ(pad->size(), 3u * 16);
  const auto& m = options.mean;
  const auto& s = options.std;
  auto at = [&](const std::vector<float>& t, int c, int y, int x) { return t[(c * 4 + y) * 4 + x]; };
  EXPECT_NEAR(at(*pad, 0, 0, 0), (122 / 255.0 - m[0]) / s[0], 1e-5);  // padding row
  EXPECT_NEAR(at(*pad, 0, 1, 2), (1.0 - m[0]) / s[0], 1e-5);          // image row, red plane
  EXPECT_NEAR(at(*pad, 1, 1, 2), (0.0 - m[1]) / s[1], 1e-5);          // green plane
  EXPECT_NEAR(at(*pad, 2, 3, 3), (104 / 255.0 - m[2]) / s[2], 1e-5);

  options.mode = ResizeMode::kSquare;
  auto square = Preprocess(red, options);
  ASSERT_TRUE(square.ok());
  for (int y = 0; y < 4; ++y) EXPECT_NEAR(at(*square, 0, y, 1), (1.0 - m[0]) / s[0], 1e-5);

  options.size = 0;
  EXPECT_FALSE(Preprocess(red, options).ok());
  options.size = 4;
  options.std[1] = 0;
  EXPECT_FALSE(Preprocess(red, options).ok());
}

TEST(ImagePreprocess, ResizeKeepsUniformImagesAndShape) {
  Image grey{40, 30, std::vector<uint8_t>(40 * 30 * 3, 77)};
  Image small = Resize(grey, 7, 5);
  ASSERT_EQ(small.rgb.size(), 7u * 5 * 3);
  for (uint8_t v : small.rgb) EXPECT_EQ(v, 77);
  PreprocessOptions options;
  options.size = 32;
  auto tensor = Preprocess(grey, options);
  ASSERT_TRUE(tensor.ok());
  EXPECT_EQ(tensor->size(), 3u * 32 * 32);
  EXPECT_EQ(ParseResizeMode("pad").value(), ResizeMode::kPad);
  EXPECT_EQ(ParseResizeMode("square").value(), ResizeMode::kSquare);
  EXPECT_FALSE(ParseResizeMode("crop").ok());
}

}  // namespace
}  // namespace xmas::data
