// flowc disasm FILE.flowb|FILE.flow...: a readable listing of a module.
#include <CLI/CLI.hpp>
#include <iostream>

#include "bytecode/disassembler.hpp"
#include "flowc/commands.hpp"
#include "flowc/program.hpp"

namespace flow::flowc {

void add_disasm_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* disasm = app.add_subcommand("disasm", "List a module's constants, steps and instructions");
  disasm->add_option("files", *files, "a .flowb module, or .flow files to compile in memory")->required();
  disasm->callback([files] {
    if (auto module = load_module(*files)) std::cout << bytecode::disassemble(*module);
  });
}

}  // namespace flow::flowc
