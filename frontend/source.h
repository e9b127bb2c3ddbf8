// Source text and diagnostics.
//
// Contract: every file the frontend reads is registered once in a SourceManager and named by a
// small integer id; a SourceLoc is (file id, 1-based line, 1-based column). Diagnostics are
// collected, never thrown past the frontend's public entry points, and render as
//   file:line:col: error: message
//     <the source line>
//     <caret under the column>
// which is the format every user-facing error of saker's rule language uses.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace saker {

struct SourceLoc {
    uint32_t file = 0; // 0 = no file (built-in text, command line)
    uint32_t line = 0; // 1-based; 0 = unknown
    uint32_t col = 0;  // 1-based; 0 = unknown

    bool known() const { return file != 0 && line != 0; }
    bool operator==(const SourceLoc&) const = default;
};

class SourceManager {
  public:
    // Registers a file's text and returns its id (>= 1).
    uint32_t add(std::string name, std::string text);
    const std::string& name(uint32_t file) const;
    const std::string& text(uint32_t file) const;
    // The text of one line, without its newline; empty when out of range.
    std::string_view line_text(uint32_t file, uint32_t line) const;
    // Converts a byte offset in a file to a location.
    SourceLoc loc_at(uint32_t file, size_t offset) const;
    // Converts a location back to a byte offset in its file.
    size_t offset_of(SourceLoc loc) const;

  private:
    struct File {
        std::string name;
        std::string text;
        std::vector<size_t> line_starts;
    };
    std::vector<File> files_;
};

enum class Severity : uint8_t { Warning, Error };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourceLoc loc;
    std::string message;
};

class Diagnostics {
  public:
    void error(SourceLoc loc, std::string message);
    void warning(SourceLoc loc, std::string message);

    const std::vector<Diagnostic>& all() const { return items_; }
    size_t error_count() const { return errors_; }
    size_t warning_count() const { return items_.size() - errors_; }
    bool has_errors() const { return errors_ > 0; }

    // Renders one diagnostic in the file:line:col format with source line and caret.
    static std::string render(const SourceManager& sources, const Diagnostic& d);
    std::string render_all(const SourceManager& sources) const;

  private:
    std::vector<Diagnostic> items_;
    size_t errors_ = 0;
    // The same problem reached twice (a bad macro used by several rules) is reported once.
    std::set<std::tuple<int, uint32_t, uint32_t, uint32_t, std::string>> seen_;
    bool first_time(Severity s, SourceLoc loc, const std::string& message);
};

} // namespace saker
