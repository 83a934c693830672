// flowc lsp [--stdio]: the language server (docs/lsp.md), LSP 3.17 over stdin and stdout.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "flowc/commands.hpp"
#include "lsp/server.hpp"

namespace flow::flowc {

void add_lsp_command(CLI::App& app) {
  CLI::App* lsp = app.add_subcommand("lsp", "Run the language server on stdin and stdout (for editors)");
  // Language clients add these; stdio is the only transport, and the server needs no
  // process id because it stops when its input closes.
  lsp->add_flag("--stdio")->description("use stdin and stdout (the default and only transport)");
  lsp->add_option("--clientProcessId")->description("the editor's process id (ignored)");
  lsp->callback([] {
    // An editor that goes away closes the pipe; the server then ends at the end of its
    // input instead of being killed by the next write.
    std::signal(SIGPIPE, SIG_IGN);
    std::ios::sync_with_stdio(false);
    exit_code() = lsp::serve(std::cin, std::cout);
  });
}

}  // namespace flow::flowc
