// SyntheticEvent: the FieldSource over one generated event (synthetic_events.h), and the
// Generator's mode dispatch. The two generators live in random_events.cpp (differential tests)
// and realistic_events.cpp (the predicates benchmark).
#include "bench/synthetic_detail.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace saker::synth {

using namespace detail;

namespace {

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
}

const Value* SyntheticEvent::hot_values(uint64_t wanted) {
    static const std::array<uint16_t, kHotFieldCount> hot_ids = [] {
        std::array<uint16_t, kHotFieldCount> ids{};
        for (size_t h = 0; h < kHotFieldCount; ++h)
            ids[h] = id_of(kHotFieldNames[h]);
        return ids;
    }();
    for (uint64_t w = wanted & kAllHotFields; w; w &= w - 1) {
        auto h = static_cast<size_t>(std::countr_zero(w));
        FieldRequest r;
        r.field = hot_ids[h];
        extract(r, hot_[h]);
    }
    return hot_.data();
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

} // namespace saker::synth
