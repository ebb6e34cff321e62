// The rendered-text source (OCR-like): a word or a number drawn with
// DejaVu Sans; "what does the text say?". Benchmark words come from a list
// never used in training, so reading is tested on unseen words.
#pragma once

#include <vector>

#include "xmas/demodata/record.h"
#include "xmas/demodata/source.h"

namespace xmas::demodata {

class OcrSource : public SourceBase {
 public:
  OcrSource(const SourceContext& ctx, uint64_t seed) : SourceBase(ctx), rng_(seed) {}

  std::vector<DemoRecord> Train(int count, const Redundancy& redundancy);
  // `count` one-turn "read the text" records (task "ocr-read"), of which the
  // fraction `near_duplicates` are paraphrases; no copies, no label noise.
  std::vector<DemoRecord> TrainRead(int count, double near_duplicates);
  std::vector<DemoRecord> Pretrain(int count);
  std::vector<DemoRecord> Bench(int count);
  DemoRecord CaptionBench(int k);

  // The word lists (exposed for tests: they must not overlap).
  static const std::vector<std::string>& TrainWords();
  static const std::vector<std::string>& HeldOutWords();

 private:
  struct Item {
    std::string image;
    std::string text;
    bool number = false;
    std::string color;  // the text colour's name
    bool ask_length = false;
    int variant = 0;
  };
  Item NewItem(const std::string& split, bool held_out);
  DemoRecord Render(const Item& item, const std::string& id, int variant_shift);
  std::string Caption(const Item& item) const;

  Rng rng_;
  int next_image_ = 0;
  std::vector<Item> items_;
};

}  // namespace xmas::demodata
