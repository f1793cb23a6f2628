// irplan: the command-line entry point. Every subcommand calls the same domain
// functions as the GUI panels; errors end in one readable line and exit code 1
// (2 for a malformed command line).
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Log.h"
#include "core/Memory.h"

#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
    using namespace irplan;
    keepFreedImageMemory();
    log::addSink([](log::Level level, const std::string& message) {
        if (level >= log::Level::Warning)
            std::fprintf(stderr, "irplan: %s: %s\n", log::levelName(level), message.c_str());
        else
            std::fprintf(stderr, "irplan: %s\n", message.c_str());
    });

    CLI::App app{"IRPlan: PET/CT/MR fusion, liver lesion segmentation and ablation planning"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "irplan 0.1.0");
    cli::addAllCommands(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    } catch (const Cancelled& e) {
        std::fprintf(stderr, "irplan: cancelled\n");
        return 130;
    } catch (const Error& e) {
        std::fprintf(stderr, "irplan: error: %s\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "irplan: error: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "irplan: error: unexpected failure: %s\n", e.what());
        return 1;
    }
    return 0;
}
