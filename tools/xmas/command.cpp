#include "command.h"

#include <map>
#include <stdexcept>
#include <string>

namespace xmas::cli {
namespace {
std::multimap<std::string, Registrar>& Registry() {
  static std::multimap<std::string, Registrar> registry;
  return registry;
}
}  // namespace

bool RegisterCommand(const char* sort_key, Registrar registrar) {
  Registry().emplace(sort_key, registrar);
  return true;
}

void AddRegisteredCommands(CLI::App& app) {
  for (const auto& entry : Registry()) entry.second(app);
}

namespace {

struct Group {
  const char* name;
  const char* description;
};
constexpr Group kGroups[] = {
    {"data", "Inspect, check and subset LLaVA-format datasets"},
    {"model", "Create and inspect model directories"},
    {"tokenizer", "Train and inspect tokenizers"},
};

}  // namespace

CLI::App* GetOrAddGroup(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  const Group* entry = nullptr;
  for (const Group& g : kGroups) {
    if (name == g.name) entry = &g;
  }
  if (entry == nullptr) throw std::logic_error("GetOrAddGroup: no group named " + name + " in kGroups");
  CLI::App* group = app.add_subcommand(name, entry->description);
  group->require_subcommand(1);
  return group;
}

void SetAction(CLI::App* command, std::function<Status()> action) {
  command->callback([action] {
    Status status = action();
    if (!status.ok()) throw CommandFailed{status};
  });
}

CLI::Option* AddDatasetArgument(CLI::App* command, std::string* path) {
  return command->add_option("DATA", *path, "Dataset file: JSON array or JSON Lines, LLaVA or messages records")
      ->required();
}

void AddComputeOptions(CLI::App* command, const ComputeOptions& o) {
  command->add_option("--device", *o.device, "cpu, cuda or cuda:N")->capture_default_str();
  command->add_option("--dtype", *o.dtype, "float32, bfloat16 or float16")->capture_default_str();
  command->add_option("--threads", *o.threads, o.threads_help)->capture_default_str();
}

CLI::Option* AddOnErrorOption(CLI::App* command, std::string* policy) {
  *policy = "fail";
  return command
      ->add_option("--on-error", *policy,
                   "What to do with a bad record: fail (stop with an error) or skip (report and leave it out)")
      ->check(CLI::IsMember({"fail", "skip"}))
      ->capture_default_str();
}

}  // namespace xmas::cli
