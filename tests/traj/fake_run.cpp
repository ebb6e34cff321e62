#include "fake_run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "xmas/model/model.h"
#include "xmas/model/weights.h"
#include "xmas/text/tokenizer.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/run_setup.h"
#include "xmas/train/trainer_state.h"

namespace xmas::traj::testing {
namespace fs = std::filesystem;

namespace {

void WriteBmp(const std::string& path, int size, uint32_t seed) {
  std::mt19937 rng(seed);
  const int row = size * 3;  // multiple of 4 for size 32
  const uint32_t bytes = 54 + row * size;
  std::string b(54, '\0');
  auto put32 = [&](size_t at, uint32_t v) { for (int i = 0; i < 4; ++i) b[at + i] = char(v >> (8 * i)); };
  b[0] = 'B', b[1] = 'M';
  put32(2, bytes), put32(10, 54), put32(14, 40), put32(18, size), put32(22, size);
  b[26] = 1, b[28] = 24;
  put32(34, row * size);
  for (int i = 0; i < row * size; ++i) b.push_back(char(rng() & 0xff));
  std::ofstream(path, std::ios::binary) << b;
}

std::string Record(int i, bool image, const std::string& q, const std::string& a,
                   const std::string& q2 = "", const std::string& a2 = "") {
  std::ostringstream o;
  o << "{\"id\": \"ex" << i << "\", ";
  if (image) o << "\"image\": \"img" << i << ".bmp\", ";
  o << "\"conversations\": [{\"from\": \"human\", \"value\": \"" << (image ? "<image>\\n" : "") << q
    << "\"}, {\"from\": \"gpt\", \"value\": \"" << a << "\"}";
  if (!q2.empty()) {
    o << ", {\"from\": \"human\", \"value\": \"" << q2 << "\"}, {\"from\": \"gpt\", \"value\": \"" << a2 << "\"}";
  }
  o << "]}";
  return o.str();
}

void SaveCheckpoint(const model::Model& m, const FakeRun& r, int64_t step) {
  const std::string dir = r.run + "/" + train::CheckpointName(step);
  fs::create_directories(dir);
  ASSERT_TRUE(model::SaveModel(m, dir).ok());
  train::TrainerState state;
  state.global_step = step;
  state.stage = "finetune";
  ASSERT_TRUE(train::WriteTrainerState(dir + "/trainer_state.json", state).ok());
  fs::copy_file(r.tokenizer, dir + "/tokenizer.model");
}

FakeRun Build() {
  FakeRun r;
  r.root = (fs::temp_directory_path() / ("xmas_traj_test_" + std::to_string(getpid()))).string();
  fs::remove_all(r.root);
  r.run = r.root + "/run";
  r.images = r.root + "/images";
  r.data = r.root + "/data.json";
  r.tokenizer = std::string(XMAS_TEST_DATA_DIR) + "/text/tiny.model";
  fs::create_directories(r.run);
  fs::create_directories(r.images);
  const std::vector<std::string> records = {
      Record(0, true, "What is shown in the picture?", "A small red square on a blue field."),
      Record(1, true, "Describe it.", "Noise."),
      Record(2, false, "Tell me a story about a cat.", "Once there was a cat who liked to sleep all day."),
      Record(3, true, "How many colours are there?", "Many colours.", "Which one is brightest?", "The white one."),
      Record(4, true, "Is this a photo?", "No, it is random noise generated for a test of the attention code."),
      Record(5, false, "What is two plus two?", "Four."),
      Record(6, true, "Name the object.", "A pattern."),
      Record(7, true, "Where was this taken? Give a long and careful answer please.", "Nowhere."),
      Record(8, true, "What?", "Pixels of many kinds."),
  };
  std::string json = "[\n";
  for (size_t i = 0; i < records.size(); ++i) json += (i ? ",\n" : "") + records[i];
  std::ofstream(r.data) << json << "\n]\n";
  r.rows = records.size();
  for (size_t i = 0; i < records.size(); ++i) {
    const bool img = records[i].find("\"image\"") != std::string::npos;
    r.has_image.push_back(img);
    if (img) {
      ++r.image_rows;
      WriteBmp(r.images + "/img" + std::to_string(i) + ".bmp", 32, 100 + i);
    }
  }
  auto tokenizer = text::Tokenizer::Load(r.tokenizer);
  EXPECT_TRUE(tokenizer.ok());
  auto config = model::PresetConfig("tiny");
  EXPECT_TRUE(config.ok());
  EXPECT_TRUE(train::FitConfigToTokenizer(*tokenizer, true, "tiny", &*config).ok());
  auto m10 = model::Model::Create(*config, torch::kCPU, torch::kFloat32, 1);
  auto m20 = model::Model::Create(*config, torch::kCPU, torch::kFloat32, 2);
  auto m30 = model::Model::Create(*config, torch::kCPU, torch::kFloat32, 3);
  EXPECT_TRUE(m10.ok() && m20.ok() && m30.ok());
  SaveCheckpoint(**m10, r, 10);
  // Step 20: a "fine-tuned" LLM and connector, the same frozen vision tower.
  model::LoadOptions vision_only;
  vision_only.prefixes = {"vision_tower."};
  EXPECT_TRUE(model::LoadWeights(**m20, r.run + "/checkpoint-10", vision_only).ok());
  SaveCheckpoint(**m20, r, 20);
  SaveCheckpoint(**m30, r, 30);  // a run that trained the tower too
  r.steps = {10, 20, 30};
  return r;
}

}  // namespace

const FakeRun& GetFakeRun() {
  static const FakeRun run = Build();
  static const bool cleanup = [] {
    std::atexit([] { std::filesystem::remove_all(GetFakeRun().root); });
    return true;
  }();
  (void)cleanup;
  return run;
}

ExtractOptions BaseOptions(const std::string& name) {
  const FakeRun& r = GetFakeRun();
  ExtractOptions o;
  o.run = r.run;
  o.data = r.data;
  o.image_folder = r.images;
  o.checkpoints = "10,20";
  o.batch_size = 4;
  o.out = r.root + "/" + name;
  fs::remove_all(o.out);
  return o;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace xmas::traj::testing

