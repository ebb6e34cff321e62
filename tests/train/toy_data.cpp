#include "toy_data.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "xmas/model/config.h"

namespace fs = std::filesystem;

namespace xmas::train::testing {

namespace {

struct Colour {
  const char* name;
  unsigned char r, g, b;
};

const Colour kColours[] = {{"red", 220, 20, 20}, {"green", 20, 200, 40},
                           {"blue", 30, 40, 230}, {"yellow", 240, 230, 30}};

void WritePng(const std::string& path, const Colour& c) {
  const int side = 16;
  std::vector<unsigned char> px(side * side * 3);
  for (int i = 0; i < side * side; ++i) {
    px[3 * i] = c.r;
    px[3 * i + 1] = c.g;
    px[3 * i + 2] = c.b;
  }
  stbi_write_png(path.c_str(), side, side, 3, px.data(), side * 3);
}

std::string Record(const std::string& id, const std::string& image, const std::string& q,
                   const std::string& a) {
  std::string r = "{\"id\": \"" + id + "\", ";
  if (!image.empty()) r += "\"image\": \"" + image + "\", ";
  r += "\"conversations\": [{\"from\": \"human\", \"value\": \"" + q +
       "\"}, {\"from\": \"gpt\", \"value\": \"" + a + "\"}]}";
  return r;
}

}  // namespace

ToyData::ToyData() {
  static std::atomic<int> counter{0};
  dir = (fs::temp_directory_path() /
         ("xmas_train_toy_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
            .string();
  fs::remove_all(dir);
  image_folder = dir + "/images";
  fs::create_directories(image_folder);
  std::vector<std::string> records;
  for (const Colour& c : kColours) {
    WritePng(image_folder + "/" + c.name + ".png", c);
    ids.push_back(c.name);
    answers.push_back(std::string("The square is ") + c.name + ".");
    records.push_back(Record(c.name, std::string(c.name) + ".png",
                             "<image>\\nWhat colour is the square?", answers.back()));
  }
  ids.push_back("math");
  answers.push_back("Two plus two is four.");
  records.push_back(Record("math", "", "What is two plus two?", answers.back()));
  ids.push_back("sky");
  answers.push_back("The sky is blue on a clear day.");
  records.push_back(Record("sky", "", "What colour is the sky?", answers.back()));
  WriteMicroConfig();
  json = dir + "/data.json";
  std::ofstream out(json);
  out << "[\n";
  for (size_t i = 0; i < records.size(); ++i) out << records[i] << (i + 1 < records.size() ? ",\n" : "\n");
  out << "]\n";
}

// A model far smaller than `tiny` (~0.2M parameters, 4 image tokens): the
// reference BLAS on 2 shared cores makes every FLOP count in a unit test.
void ToyData::WriteMicroConfig() {
  model::ModelConfig c = model::PresetConfig("tiny").value();
  c.vision.image_size = 16;
  c.vision.patch_size = 8;
  c.vision.hidden_size = 32;
  c.vision.intermediate_size = 64;
  c.vision.num_hidden_layers = 2;
  c.vision.num_attention_heads = 2;
  c.vision_feature_layer = -1;
  c.text.hidden_size = 64;
  c.text.intermediate_size = 128;
  c.text.num_hidden_layers = 2;
  c.text.num_attention_heads = 2;
  c.text.num_key_value_heads = 1;
  c.text.vocab_size = 401;  // >= the rows of a 400-piece tokenizer
  config = dir + "/config.json";
  if (!model::SaveConfig(c, config).ok()) config.clear();
}

ToyData::~ToyData() {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TrainOptions ToyData::Options(const std::string& run) const {
  TrainOptions o;
  o.data = json;
  o.image_folder = image_folder;
  o.config = config;
  o.out = dir + "/" + run;
  o.stage = "finetune";
  o.trainable = "vision,connector,llm";
  o.learning_rate = 2e-3;
  o.batch_size = 2;
  o.grad_accum = 2;
  o.max_steps = 8;
  o.seed = 5;
  o.threads = 1;  // tiny tensors: a second thread only adds synchronisation
  o.tokenizer_vocab = 400;  // small: the toy text is tiny (byte fallback alone takes 256)
  return o;
}

}  // namespace xmas::train::testing
