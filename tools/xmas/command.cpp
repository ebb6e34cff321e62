#include "command.h"

#include <map>
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

CLI::App* GetOrAddGroup(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  CLI::App* group = app.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

void SetAction(CLI::App* command, std::function<Status()> action) {
  command->callback([action] {
    Status status = action();
    if (!status.ok()) throw CommandFailed{status};
  });
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
