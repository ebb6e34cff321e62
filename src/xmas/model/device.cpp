#include "xmas/model/device.h"

namespace xmas::model {

Result<torch::Device> ParseDevice(const std::string& name) {
  try {
    return torch::Device(name);
  } catch (const std::exception&) {  // c10::Error
    return Status::Usage("--device: expected cpu, cuda or cuda:N, got '" + name + "'");
  }
}

}  // namespace xmas::model
