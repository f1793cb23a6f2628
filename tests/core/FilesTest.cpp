#include "core/Error.h"
#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace irplan;
namespace fs = std::filesystem;

TEST(Files, AtomicWriteLeavesNoTemporaryFiles) {
    const auto dir = test::scratchDir("files_atomic");
    files::writeTextAtomic(dir / "a.txt", "hello");
    EXPECT_EQ(files::readText(dir / "a.txt"), "hello");
    size_t entries = 0;
    for (auto& e : fs::directory_iterator(dir)) {
        (void)e;
        ++entries;
    }
    EXPECT_EQ(entries, 1u);
}

TEST(Files, UncommittedOutputLeavesTheOldFile) {
    const auto dir = test::scratchDir("files_uncommitted");
    files::writeTextAtomic(dir / "a.txt", "old");
    {
        files::AtomicFile out(dir / "a.txt");
        std::ofstream(out.tempPath()) << "half-written";
        // no commit: as if the writer failed or was cancelled
    }
    EXPECT_EQ(files::readText(dir / "a.txt"), "old");
    size_t entries = 0;
    for (auto& e : fs::directory_iterator(dir)) {
        (void)e;
        ++entries;
    }
    EXPECT_EQ(entries, 1u);
}

TEST(Files, RefusesToOverwriteARegisteredInput) {
    const auto dir = test::scratchDir("files_input");
    files::writeTextAtomic(dir / "input.txt", "precious");
    files::registerInput(dir / "input.txt");
    EXPECT_THROW(files::writeTextAtomic(dir / "input.txt", "oops"), Error);
    EXPECT_THROW(files::writeTextAtomic(dir / "." / "input.txt", "oops"), Error);
    EXPECT_EQ(files::readText(dir / "input.txt"), "precious");
    // A new file beside it is fine.
    files::writeTextAtomic(dir / "output.txt", "new");
    // Files inside a registered input directory are protected too.
    files::registerInput(dir);
    EXPECT_THROW(files::writeTextAtomic(dir / "output.txt", "replace"), Error);
    files::clearInputs();
    files::writeTextAtomic(dir / "output.txt", "replace");
}

TEST(Files, ExtensionOfKnowsCompoundExtensions) {
    EXPECT_EQ(files::extensionOf("a/b/CT.NII.GZ"), ".nii.gz");
    EXPECT_EQ(files::extensionOf("x.mha"), ".mha");
    EXPECT_EQ(files::extensionOf("noext"), "");
}
