#pragma once
// The subcommands of flowc, one file each; main.cpp registers them.
namespace CLI {
class App;
}

namespace flow::flowc {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;  // problems in the input files
inline constexpr int kExitUsage = 2;   // bad usage or an unreadable file

// What main() returns: set by the subcommand that ran.
int& exit_code();

void add_check_command(CLI::App& app);
void add_build_command(CLI::App& app);
void add_disasm_command(CLI::App& app);
void add_graph_command(CLI::App& app);
void add_fmt_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_lsp_command(CLI::App& app);

}  // namespace flow::flowc
