#include "frontend/source.h"

#include <algorithm>
#include <stdexcept>

namespace saker {

uint32_t SourceManager::add(std::string name, std::string text) {
    File f{std::move(name), std::move(text), {0}};
    for (size_t i = 0; i < f.text.size(); ++i)
        if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
    files_.push_back(std::move(f));
    return static_cast<uint32_t>(files_.size());
}

const std::string& SourceManager::name(uint32_t file) const {
    static const std::string none = "<input>";
    return file >= 1 && file <= files_.size() ? files_[file - 1].name : none;
}

const std::string& SourceManager::text(uint32_t file) const {
    static const std::string none;
    return file >= 1 && file <= files_.size() ? files_[file - 1].text : none;
}

std::string_view SourceManager::line_text(uint32_t file, uint32_t line) const {
    if (file < 1 || file > files_.size()) return {};
    const File& f = files_[file - 1];
    if (line < 1 || line > f.line_starts.size()) return {};
    size_t start = f.line_starts[line - 1];
    size_t end = f.text.find('\n', start);
    if (end == std::string::npos) end = f.text.size();
    std::string_view sv(f.text.data() + start, end - start);
    if (!sv.empty() && sv.back() == '\r') sv.remove_suffix(1);
    return sv;
}

SourceLoc SourceManager::loc_at(uint32_t file, size_t offset) const {
    if (file < 1 || file > files_.size()) return {};
    const File& f = files_[file - 1];
    auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
    size_t line = static_cast<size_t>(it - f.line_starts.begin());
    size_t col = offset - f.line_starts[line - 1] + 1;
    return {file, static_cast<uint32_t>(line), static_cast<uint32_t>(col)};
}

size_t SourceManager::offset_of(SourceLoc loc) const {
    if (loc.file < 1 || loc.file > files_.size() || loc.line == 0) return 0;
    const File& f = files_[loc.file - 1];
    if (loc.line > f.line_starts.size()) return f.text.size();
    return std::min(f.text.size(), f.line_starts[loc.line - 1] + (loc.col ? loc.col - 1 : 0));
}

bool Diagnostics::first_time(Severity s, SourceLoc loc, const std::string& message) {
    return seen_.emplace(static_cast<int>(s), loc.file, loc.line, loc.col, message).second;
}

void Diagnostics::error(SourceLoc loc, std::string message) {
    if (!first_time(Severity::Error, loc, message)) return;
    items_.push_back({Severity::Error, loc, std::move(message)});
    ++errors_;
}

void Diagnostics::warning(SourceLoc loc, std::string message) {
    if (!first_time(Severity::Warning, loc, message)) return;
    items_.push_back({Severity::Warning, loc, std::move(message)});
}

// Control characters in a quoted source line would let a hostile rules file rewrite the
// terminal; they are shown as spaces (tabs keep the caret aligned).
static std::string printable(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = ' ';
    return out;
}

std::string Diagnostics::render(const SourceManager& sources, const Diagnostic& d) {
    std::string out;
    const char* sev = d.severity == Severity::Error ? "error" : "warning";
    if (d.loc.file != 0) {
        out += printable(sources.name(d.loc.file));
        if (d.loc.line) out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col);
        out += ": ";
    }
    out += std::string(sev) + ": " + d.message + "\n";
    std::string_view line = sources.line_text(d.loc.file, d.loc.line);
    if (d.loc.line && d.loc.col) {
        out += "  " + printable(line) + "\n  ";
        for (uint32_t i = 1; i < d.loc.col && i - 1 < line.size(); ++i)
            out += line[i - 1] == '\t' ? '\t' : ' ';
        out += "^\n";
    }
    return out;
}

std::string Diagnostics::render_all(const SourceManager& sources) const {
    std::string out;
    for (const auto& d : items_)
        out += render(sources, d);
    return out;
}

} // namespace saker
