#include "core/Log.h"

#include <map>
#include <mutex>

namespace irplan::log {
namespace {
std::mutex g_mutex;
std::map<int, Sink> g_sinks;
int g_nextId = 1;
Level g_level = Level::Info;
} // namespace

int addSink(Sink sink) {
    std::lock_guard<std::mutex> lock(g_mutex);
    const int id = g_nextId++;
    g_sinks.emplace(id, std::move(sink));
    return id;
}

void removeSink(int id) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_sinks.erase(id);
}

void setLevel(Level lvl) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_level = lvl;
}

Level level() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_level;
}

void write(Level lvl, const std::string& message) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (static_cast<int>(lvl) < static_cast<int>(g_level)) return;
    for (auto& [id, sink] : g_sinks) sink(lvl, message);
}

const char* levelName(Level lvl) {
    switch (lvl) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
    }
    return "?";
}

} // namespace irplan::log
