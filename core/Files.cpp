#include "core/Files.h"

#include "core/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <vector>
#include <sstream>
#include <unistd.h>

namespace irplan::files {
namespace {

std::mutex g_mutex;
std::set<fs::path> g_inputs;

fs::path canonicalOrAbsolute(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    if (ec) c = fs::absolute(p);
    return c.lexically_normal();
}

std::string randomSuffix() {
    static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(::getpid()));
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    std::ostringstream s;
    s << std::hex << rng();
    return s.str();
}

bool isInside(const fs::path& child, const fs::path& parent) {
    auto c = child.begin();
    for (auto p = parent.begin(); p != parent.end(); ++p, ++c) {
        if (c == child.end() || *c != *p) return false;
    }
    return true;
}

} // namespace

void registerInput(const fs::path& path) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_inputs.insert(canonicalOrAbsolute(path));
}

void clearInputs() {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_inputs.clear();
}

void checkNotInput(const fs::path& output) {
    const fs::path out = canonicalOrAbsolute(output);
    std::lock_guard<std::mutex> lock(g_mutex);
    for (const auto& in : g_inputs) {
        std::error_code ec;
        const bool isDir = fs::is_directory(in, ec);
        if (out == in || (isDir && isInside(out, in) && fs::exists(out, ec)))
            throw Error("refusing to write " + output.string() +
                        ": it is one of this command's inputs (IRPlan never overwrites an input)");
    }
}

void ensureDirectory(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error("cannot use " + dir.string() + " as an output directory: a file is in the way");
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory " + dir.string() + ": " + ec.message());
}

AtomicFile::AtomicFile(fs::path destination) : destination_(std::move(destination)) {
    checkNotInput(destination_);
    fs::path dir = destination_.parent_path();
    if (dir.empty()) dir = ".";
    ensureDirectory(dir);
    tempDir_ = dir / (".irplan-tmp-" + randomSuffix());
    std::error_code ec;
    fs::create_directory(tempDir_, ec);
    if (ec) throw Error("cannot write in " + dir.string() + ": " + ec.message());
    temp_ = tempDir_ / destination_.filename();
}

AtomicFile::~AtomicFile() {
    std::error_code ec;
    fs::remove_all(tempDir_, ec);
}

void AtomicFile::commit() {
    if (committed_) return;
    std::error_code ec;
    if (!fs::exists(temp_, ec)) throw Error("nothing was written for " + destination_.string());
    const fs::path dir = destination_.parent_path().empty() ? fs::path(".") : destination_.parent_path();
    for (const auto& entry : fs::directory_iterator(tempDir_)) {
        const fs::path target = dir / entry.path().filename();
        checkNotInput(target);
        fs::rename(entry.path(), target, ec);
        if (ec) throw Error("cannot move the result into " + target.string() + ": " + ec.message());
    }
    committed_ = true;
}

void writeTextAtomic(const fs::path& path, const std::string& content) {
    AtomicFile out(path);
    {
        std::ofstream f(out.tempPath(), std::ios::binary);
        f << content;
        f.flush();
        if (!f) throw Error("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    out.commit();
}

std::string readText(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot read " + path.string() + ": " + std::strerror(errno));
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

TempDir::TempDir(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    fs::path root = (base && *base) ? fs::path(base) : fs::temp_directory_path();
    std::string templ = (root / (prefix + "-XXXXXX")).string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data()))
        throw Error("cannot create a temporary directory in " + root.string() + ": " +
                    std::strerror(errno));
    path_ = buf.data();
}

TempDir::~TempDir() {
    if (keep_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string extensionOf(const fs::path& path) {
    std::string name = path.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* ext : {".nii.gz", ".tar.gz"}) {
        const std::string e(ext);
        if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return e;
    }
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? std::string() : name.substr(dot);
}

} // namespace irplan::files
