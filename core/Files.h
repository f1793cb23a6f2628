#pragma once
// File output that never leaves half-written results and never replaces an input.
//
// Every writer in IRPlan goes through AtomicFile: the data is written into a
// private hidden directory next to the destination and renamed into place only
// when complete, so a crash or a cancel leaves either the old file or the new
// one. Readers register the files they open; a later write to one of them fails.
#include <filesystem>
#include <string>

namespace irplan::files {

namespace fs = std::filesystem;

// Remember `path` (file or directory) as an input of this process.
void registerInput(const fs::path& path);
// Throws irplan::Error if writing `output` would replace a registered input
// (or a file inside a registered input directory).
void checkNotInput(const fs::path& output);
// Forget every registered input (tests, GUI when a case is closed).
void clearInputs();

// Creates `dir` and its parents; throws if a non-directory is in the way.
void ensureDirectory(const fs::path& dir);

class AtomicFile {
public:
    explicit AtomicFile(fs::path destination);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Where to write: same file name as the destination, inside a private
    // temporary directory in the destination's directory. Companion files a
    // format writes beside it (MetaImage .raw) are committed too.
    const fs::path& tempPath() const { return temp_; }
    const fs::path& destination() const { return destination_; }
    // Moves the written file(s) into place. Throws on failure.
    void commit();

private:
    fs::path destination_;
    fs::path tempDir_;
    fs::path temp_;
    bool committed_ = false;
};

void writeTextAtomic(const fs::path& path, const std::string& content);
std::string readText(const fs::path& path);

// A private (0700) temporary directory, removed with everything in it on destruction.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "irplan");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    // Keep the directory (for debugging).
    void release() { keep_ = true; }

private:
    fs::path path_;
    bool keep_ = false;
};

// Lower-case file name with the compound extensions IRPlan knows (".nii.gz").
std::string extensionOf(const fs::path& path);

} // namespace irplan::files
