#pragma once
// One logging facade for every module. The CLI prints to stderr; the GUI adds a
// sink that shows the same lines in its log panel.
#include <functional>
#include <string>

namespace irplan::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3 };

using Sink = std::function<void(Level, const std::string&)>;

// Returns an id that removeSink() accepts.
int addSink(Sink sink);
void removeSink(int id);
// Lines below this level are dropped (default Info).
void setLevel(Level level);
Level level();

void write(Level level, const std::string& message);
inline void debug(const std::string& m) { write(Level::Debug, m); }
inline void info(const std::string& m) { write(Level::Info, m); }
inline void warn(const std::string& m) { write(Level::Warning, m); }
inline void error(const std::string& m) { write(Level::Error, m); }

const char* levelName(Level level);

} // namespace irplan::log
