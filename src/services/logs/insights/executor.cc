// SPDX-License-Identifier: Apache-2.0
#include "services/logs/insights/executor.h"

#include <re2/re2.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "services/logs/insights/functions.h"

namespace tw::services::logs::insights {
namespace {

// A value seen without copying: text points into the event, the JSON document or a Cell.
struct View {
  Kind kind = Kind::kNull;
  double num = 0;
  std::string_view text;
};

View ViewOf(const Cell& c) { return View{c.kind, c.num, c.text}; }

Cell CellOf(const View& v) {
  Cell c;
  c.kind = v.kind;
  c.num = v.num;
  c.text = std::string(v.text);
  return c;
}

bool IsNumeric(Kind k) { return k == Kind::kNumber || k == Kind::kTime || k == Kind::kBool; }

// Text of a view for string operations; numbers are formatted into `scratch`.
std::string_view TextOf(const View& v, std::string& scratch) {
  if (v.kind == Kind::kString) return v.text;
  if (v.kind == Kind::kNumber && !v.text.empty()) return v.text;
  scratch = CellText(Cell{v.kind, v.num, std::string(v.text)});
  return scratch;
}

std::optional<double> NumberOf(const View& v) {
  if (IsNumeric(v.kind)) return v.num;
  if (v.kind == Kind::kString) return ParseNumber(v.text);
  return std::nullopt;
}

// <0, 0, >0; nullopt when either side is null (comparisons with a missing field are false).
std::optional<int> Compare(const View& a, const View& b) {
  if (a.kind == Kind::kNull || b.kind == Kind::kNull) return std::nullopt;
  // SQL/PPL `true` / `false` against a JSON boolean (seen as the text "true" / "false").
  if ((a.kind == Kind::kBool) != (b.kind == Kind::kBool)) {
    const View& boolean = a.kind == Kind::kBool ? a : b;
    const View& other = a.kind == Kind::kBool ? b : a;
    if (other.kind == Kind::kString && (other.text == "true" || other.text == "false")) {
      const bool x = a.kind == Kind::kBool ? boolean.num != 0 : other.text == "true";
      const bool y = a.kind == Kind::kBool ? other.text == "true" : boolean.num != 0;
      return static_cast<int>(x) - static_cast<int>(y);
    }
  }
  const bool an = IsNumeric(a.kind), bn = IsNumeric(b.kind);
  if (an || bn) {
    auto x = NumberOf(a), y = NumberOf(b);
    if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  std::string s1, s2;
  const std::string_view ta = TextOf(a, s1), tb = TextOf(b, s2);
  const int c = ta.compare(tb);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool Truthy(const View& v) {
  switch (v.kind) {
    case Kind::kNull:
      return false;
    case Kind::kNumber:
    case Kind::kBool:
    case Kind::kTime:
      return v.num != 0;
    case Kind::kString:
      return !v.text.empty() && v.text != "false" && v.text != "0";
  }
  return false;
}

// Sort order between cells: nulls last, numbers numerically, else text.
int OrderCells(const Cell& a, const Cell& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? 1 : -1);
  auto x = ToNumber(a), y = ToNumber(b);
  if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  const std::string ta = CellText(a), tb = CellText(b);
  return ta < tb ? -1 : (ta > tb ? 1 : 0);
}

void AppendKey(std::string& key, const View& v) {
  key += static_cast<char>('0' + static_cast<int>(v.kind));
  if (IsNumeric(v.kind)) {
    key.append(reinterpret_cast<const char*>(&v.num), sizeof v.num);
  } else {
    key.append(v.text);
  }
  key += '\x1f';
}

struct OwnedEvent {
  std::int64_t timestamp = 0, ingestion_time = 0;
  std::string message, stream, log, ptr;
};

struct Row {
  const EventData* event = nullptr;
  std::shared_ptr<const OwnedEvent> owned;  // keeps `view` valid after a barrier
  EventData view;                           // used when owned is set
  std::vector<std::pair<std::string, Cell>> fields;

  const EventData* Event() const { return owned ? &view : event; }
  const Cell* Find(std::string_view name) const {
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }
  void Set(std::string_view name, Cell value) {
    for (auto& [n, c] : fields) {
      if (n == name) {
        c = std::move(value);
        return;
      }
    }
    fields.emplace_back(std::string(name), std::move(value));
  }
  // Makes the row independent of the caller's event buffers.
  void Keep() {
    if (owned || event == nullptr) return;
    auto copy = std::make_shared<OwnedEvent>();
    copy->timestamp = event->timestamp;
    copy->ingestion_time = event->ingestion_time;
    copy->message = std::string(event->message);
    copy->stream = std::string(event->stream);
    copy->log = std::string(event->log);
    copy->ptr = std::string(event->ptr);
    view = EventData{copy->timestamp, copy->ingestion_time, copy->message, copy->stream, copy->log,
                     copy->ptr};
    owned = std::move(copy);
    event = nullptr;
  }
};

View JsonView(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) return View{};
      return View{Kind::kString, 0, s};
    }
    case simdjson::dom::element_type::INT64: {
      std::int64_t v = 0;
      if (e.get(v) != simdjson::SUCCESS) return View{};
      return View{Kind::kNumber, static_cast<double>(v), {}};
    }
    case simdjson::dom::element_type::UINT64: {
      std::uint64_t v = 0;
      if (e.get(v) != simdjson::SUCCESS) return View{};
      return View{Kind::kNumber, static_cast<double>(v), {}};
    }
    case simdjson::dom::element_type::DOUBLE: {
      double v = 0;
      if (e.get(v) != simdjson::SUCCESS) return View{};
      return View{Kind::kNumber, v, {}};
    }
    case simdjson::dom::element_type::BOOL: {
      bool v = false;
      if (e.get(v) != simdjson::SUCCESS) return View{};
      return View{Kind::kString, 0, v ? std::string_view("true") : std::string_view("false")};
    }
    default:
      return View{};
  }
}

// Follows path[i..] from `e`. A segment may itself contain dots (a key "a.b"), so when a key is
// missing the segment is joined with the following ones and tried again.
std::optional<simdjson::dom::element> Walk(simdjson::dom::element e,
                                           const std::vector<std::string>& path, std::size_t i,
                                           std::string& scratch) {
  if (i == path.size()) return e;
  simdjson::dom::object object;
  if (e.get(object) == simdjson::SUCCESS) {
    std::string_view key = path[i];
    for (std::size_t j = i; j < path.size(); ++j) {
      if (j > i) {
        if (j == i + 1) scratch.assign(path[i]);
        scratch += '.';
        scratch += path[j];
        key = scratch;
      }
      simdjson::dom::element child;
      if (object.at_key(key).get(child) == simdjson::SUCCESS) {
        auto found = Walk(child, path, j + 1, scratch);
        if (found) return found;
      }
    }
    return std::nullopt;
  }
  simdjson::dom::array array;
  if (e.get(array) == simdjson::SUCCESS) {
    const std::string& segment = path[i];
    std::size_t index = 0;
    if (segment.empty() || segment.size() > 9) return std::nullopt;
    for (char c : segment) {
      if (c < '0' || c > '9') return std::nullopt;
      index = index * 10 + static_cast<std::size_t>(c - '0');
    }
    simdjson::dom::element child;
    if (array.at(index).get(child) != simdjson::SUCCESS) return std::nullopt;
    return Walk(child, path, i + 1, scratch);
  }
  return std::nullopt;
}

// The parsed JSON of the event being looked at; parsed once per event.
class JsonCache {
 public:
  // Forgets the parsed event: a new event may reuse the previous one's buffer address.
  void Invalidate() {
    parsed_data_ = nullptr;
    parsed_size_ = std::numeric_limits<std::size_t>::max();
  }

  // The root object, or nullopt when the message is not a JSON object.
  std::optional<simdjson::dom::element> Root(std::string_view message) {
    if (message.data() != parsed_data_ || message.size() != parsed_size_) {
      parsed_data_ = message.data();
      parsed_size_ = message.size();
      ok_ = false;
      // Cheap reject: only a message starting with `{` can be a JSON object.
      std::size_t i = 0;
      while (i < message.size() && (message[i] == ' ' || message[i] == '\t' || message[i] == '\n' ||
                                    message[i] == '\r')) {
        ++i;
      }
      if (i < message.size() && message[i] == '{') {
        buffer_.resize(message.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(buffer_.data(), message.data(), message.size());
        simdjson::dom::element root;
        if (parser_.parse(buffer_.data(), message.size(), false).get(root) == simdjson::SUCCESS &&
            root.is_object()) {
          root_ = root;
          ok_ = true;
        }
      }
    }
    if (!ok_) return std::nullopt;
    return root_;
  }

 private:
  simdjson::dom::parser parser_;
  std::vector<char> buffer_;
  simdjson::dom::element root_;
  const char* parsed_data_ = nullptr;
  std::size_t parsed_size_ = std::numeric_limits<std::size_t>::max();
  bool ok_ = false;
};

enum class AggKind {
  kCount,
  kCountStar,
  kCountDistinct,
  kSum,
  kAvg,
  kMin,
  kMax,
  kPct,
  kStddev,
  kEarliest,
  kLatest,
  kSortsFirst,
  kSortsLast
};

AggKind AggKindOf(const Expr& e) {
  const std::string& n = e.name;
  if (n == "count") {
    return e.args.empty() || e.args[0].op == Op::kStar ? AggKind::kCountStar : AggKind::kCount;
  }
  if (n == "count_distinct") return AggKind::kCountDistinct;
  if (n == "sum") return AggKind::kSum;
  if (n == "avg") return AggKind::kAvg;
  if (n == "min") return AggKind::kMin;
  if (n == "max") return AggKind::kMax;
  if (n == "pct") return AggKind::kPct;
  if (n == "stddev") return AggKind::kStddev;
  if (n == "earliest") return AggKind::kEarliest;
  if (n == "latest") return AggKind::kLatest;
  if (n == "sortsFirst") return AggKind::kSortsFirst;
  return AggKind::kSortsLast;
}

struct AggState {
  double count = 0;
  double sum = 0;
  double sum_squares = 0;
  bool time_valued = false;  // min/max over timestamps render as timestamps
  std::optional<double> min, max;
  std::unordered_set<std::string> distinct;
  std::vector<double> values;
  Cell best;
  double best_time = 0;
  bool has_best = false;
};

struct Group {
  std::vector<Cell> keys;
  std::vector<AggState> aggs;
};

struct StatsState {
  std::vector<AggKind> kinds;
  std::vector<double> pct;  // pct's percentile per agg (0 for others)
  std::unordered_map<std::string, std::size_t> index;
  std::vector<Group> groups;
  std::string key;  // scratch
};

struct SortEntry {
  Row row;
  std::vector<Cell> keys;
};

struct Stage {
  const Command* command = nullptr;
  // sort: keep at most this many rows (0 = all); limit/dedup counters.
  std::size_t keep = 0;
  std::int64_t passed = 0;
  std::vector<SortEntry> sorted;
  std::unordered_set<std::string> seen;
  std::unique_ptr<StatsState> stats;
};

bool IsBarrier(CommandKind k) {
  return k == CommandKind::kStats || k == CommandKind::kSort || k == CommandKind::kDedup ||
         k == CommandKind::kLimit;
}

}  // namespace

struct Executor::Impl {
  Language language;
  std::vector<Command> commands;
  std::vector<Stage> stages;
  std::size_t first_barrier = 0;
  std::int64_t matched = 0;
  std::int64_t cap = 0;
  bool flushing = false;
  bool saturated = false;
  // Output projection.
  const Command* display = nullptr;
  bool default_projection = true;
  std::vector<std::string> projection;
  std::vector<ResultRow> out;
  JsonCache json;
  std::string scratch;
  std::string path_scratch;
  std::vector<Cell> args_scratch;

  Impl(const Query& query, const ExecOptions& options) : language(query.language) {
    commands = query.commands;
    const bool has_stats = std::any_of(commands.begin(), commands.end(), [](const Command& c) {
      return c.kind == CommandKind::kStats;
    });
    const bool has_sort = std::any_of(commands.begin(), commands.end(), [](const Command& c) {
      return c.kind == CommandKind::kSort;
    });
    bool has_limit = false;
    for (const Command& c : commands) has_limit |= c.kind == CommandKind::kLimit;
    if (language == Language::kCwli && !has_stats && !has_sort) {
      // AWS's default order: newest first (`sort @timestamp desc`), before limit and dedup.
      Command sort;
      sort.kind = CommandKind::kSort;
      sort.implicit = true;
      Expr ts;
      ts.op = Op::kField;
      ts.name = "@timestamp";
      ts.path = {"@timestamp"};
      sort.keys.push_back(SortKey{std::move(ts), true});
      auto at = std::find_if(commands.begin(), commands.end(), [](const Command& c) {
        return c.kind == CommandKind::kLimit || c.kind == CommandKind::kDedup;
      });
      commands.insert(at, std::move(sort));
    }
    cap = has_limit ? std::numeric_limits<std::int64_t>::max() : options.default_limit;
    stages.resize(commands.size());
    first_barrier = commands.size();
    for (std::size_t i = 0; i < commands.size(); ++i) {
      stages[i].command = &commands[i];
      if (IsBarrier(commands[i].kind) && first_barrier == commands.size()) first_barrier = i;
      if (commands[i].kind == CommandKind::kStats) {
        auto state = std::make_unique<StatsState>();
        for (const NamedExpr& item : commands[i].items) {
          state->kinds.push_back(AggKindOf(item.expr));
          double p = 0;
          if (item.expr.name == "pct" && item.expr.args.size() == 2) {
            p = std::clamp(ToNumber(item.expr.args[1].literal).value_or(50), 0.0, 100.0);
          }
          state->pct.push_back(p);
        }
        stages[i].stats = std::move(state);
      }
    }
    // A sort followed only by commands that keep or drop rows in order can keep its top rows.
    for (std::size_t i = 0; i < commands.size(); ++i) {
      if (commands[i].kind != CommandKind::kSort) continue;
      std::size_t keep = static_cast<std::size_t>(std::min<std::int64_t>(cap, 1'000'000'000));
      for (std::size_t j = i + 1; j < commands.size(); ++j) {
        const CommandKind k = commands[j].kind;
        if (k == CommandKind::kLimit) {
          keep = std::min(keep, static_cast<std::size_t>(commands[j].limit));
          break;
        }
        if (k != CommandKind::kFields && k != CommandKind::kDisplay && k != CommandKind::kUnmask) {
          keep = 0;
          break;
        }
      }
      stages[i].keep = keep;
    }
    // Projection: the last display wins; otherwise what fields / stats produced. A fields
    // command after a stats selects among its columns.
    bool selected_after_stats = false;
    bool after_stats = false;
    for (const Command& c : commands) {
      if (c.kind == CommandKind::kDisplay) display = &c;
      if (c.kind == CommandKind::kStats) {
        default_projection = false;
        after_stats = true;
        selected_after_stats = false;
        projection.clear();
        for (const NamedExpr& by : c.by) projection.push_back(by.name);
        for (const NamedExpr& item : c.items) projection.push_back(item.name);
      } else if (c.kind == CommandKind::kFields) {
        if (c.implicit && default_projection) continue;
        if (default_projection || (after_stats && !selected_after_stats && !c.implicit)) {
          default_projection = false;
          selected_after_stats = after_stats;
          projection.clear();
        }
        for (const NamedExpr& item : c.items) {
          if (std::find(projection.begin(), projection.end(), item.name) == projection.end()) {
            projection.push_back(item.name);
          }
        }
      }
    }
    if (default_projection) projection = {"@timestamp", "@message", "@logStream", "@log"};
  }

  // ---- field access and evaluation ----

  View Lookup(Row& row, const Expr& field) {
    if (const Cell* c = row.Find(field.name)) return ViewOf(*c);
    const EventData* e = row.Event();
    if (e == nullptr) return View{};
    const std::string& name = field.name;
    if (!name.empty() && name[0] == '@') {
      if (name == "@timestamp") return View{Kind::kTime, static_cast<double>(e->timestamp), {}};
      if (name == "@message") return View{Kind::kString, 0, e->message};
      if (name == "@logStream") return View{Kind::kString, 0, e->stream};
      if (name == "@log") return View{Kind::kString, 0, e->log};
      if (name == "@ingestionTime") {
        return View{Kind::kTime, static_cast<double>(e->ingestion_time), {}};
      }
      if (name == "@ptr") return View{Kind::kString, 0, e->ptr};
      if (name.size() < 2 || name[1] != '@') return View{};
    }
    auto root = json.Root(e->message);
    if (!root) return View{};
    std::optional<simdjson::dom::element> found;
    if (!name.empty() && name[0] == '@') {
      // "@@key" reaches the JSON key "@key".
      std::vector<std::string> path = field.path;
      path[0].erase(0, 1);
      found = Walk(*root, path, 0, path_scratch);
    } else {
      found = Walk(*root, field.path, 0, path_scratch);
    }
    if (!found) return View{};
    return JsonView(*found);
  }

  double RowTimestamp(Row& row) {
    if (const EventData* e = row.Event()) return static_cast<double>(e->timestamp);
    if (const Cell* c = row.Find("@timestamp")) return ToNumber(*c).value_or(0);
    return 0;
  }

  // Evaluates into `holder` only when the value is not a plain field or literal.
  View Operand(const Expr& e, Row& row, Cell& holder) {
    if (e.op == Op::kField) return Lookup(row, e);
    if (e.op == Op::kLiteral) return ViewOf(e.literal);
    holder = Eval(e, row);
    return ViewOf(holder);
  }

  bool EvalBool(const Expr& e, Row& row) {
    switch (e.op) {
      case Op::kAnd:
        return EvalBool(e.args[0], row) && EvalBool(e.args[1], row);
      case Op::kOr:
        return EvalBool(e.args[0], row) || EvalBool(e.args[1], row);
      case Op::kNot:
        return !EvalBool(e.args[0], row);
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        Cell h1, h2;
        const View a = Operand(e.args[0], row, h1);
        const View b = Operand(e.args[1], row, h2);
        auto c = Compare(a, b);
        if (!c) return false;
        switch (e.op) {
          case Op::kEq:
            return *c == 0;
          case Op::kNe:
            return *c != 0;
          case Op::kLt:
            return *c < 0;
          case Op::kLe:
            return *c <= 0;
          case Op::kGt:
            return *c > 0;
          default:
            return *c >= 0;
        }
      }
      case Op::kIn: {
        Cell h1;
        const View a = Operand(e.args[0], row, h1);
        if (a.kind == Kind::kNull) return false;
        bool found = false;
        for (const Expr& item : e.args[1].args) {
          Cell h2;
          auto c = Compare(a, Operand(item, row, h2));
          if (c && *c == 0) {
            found = true;
            break;
          }
        }
        return found != e.negate;
      }
      case Op::kLike: {
        Cell h1;
        const View a = Operand(e.args[0], row, h1);
        if (a.kind == Kind::kNull) return false;
        const bool hit = TextOf(a, scratch).find(e.literal.text) != std::string_view::npos;
        return hit != e.negate;
      }
      case Op::kRegex: {
        Cell h1;
        const View a = Operand(e.args[0], row, h1);
        if (a.kind == Kind::kNull) return false;
        const std::string_view text = TextOf(a, scratch);
        const bool hit = RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *e.regex);
        return hit != e.negate;
      }
      case Op::kIsNull: {
        Cell h1;
        const bool null = Operand(e.args[0], row, h1).kind == Kind::kNull;
        return null != e.negate;
      }
      default: {
        Cell h1;
        return Truthy(Operand(e, row, h1));
      }
    }
  }

  Cell Eval(const Expr& e, Row& row) {
    switch (e.op) {
      case Op::kLiteral:
        return e.literal;
      case Op::kField:
        return CellOf(Lookup(row, e));
      case Op::kStar:
      case Op::kList:
      case Op::kAggregate:
        return Cell::Null();
      case Op::kNeg: {
        Cell h;
        auto v = NumberOf(Operand(e.args[0], row, h));
        return v ? Cell::Number(-*v) : Cell::Null();
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
      case Op::kPow: {
        Cell h1, h2;
        auto x = NumberOf(Operand(e.args[0], row, h1));
        auto y = NumberOf(Operand(e.args[1], row, h2));
        if (!x || !y) return Cell::Null();
        double r = 0;
        switch (e.op) {
          case Op::kAdd:
            r = *x + *y;
            break;
          case Op::kSub:
            r = *x - *y;
            break;
          case Op::kMul:
            r = *x * *y;
            break;
          case Op::kDiv:
            if (*y == 0) return Cell::Null();
            r = *x / *y;
            break;
          case Op::kMod:
            if (*y == 0) return Cell::Null();
            r = std::fmod(*x, *y);
            break;
          default:
            r = std::pow(*x, *y);
        }
        if (!std::isfinite(r)) return Cell::Null();
        return Cell::Number(r);
      }
      case Op::kCall: {
        if (e.name == "bin" && e.args[0].op == Op::kLiteral) {
          auto period = ParsePeriod(e.args[0].literal.text);
          if (!period) return Cell::Null();
          return Cell::Time(FloorToPeriod(RowTimestamp(row), *period));
        }
        std::vector<Cell> args;
        args.reserve(e.args.size());
        for (const Expr& a : e.args) args.push_back(Eval(a, row));
        return CallScalar(e.name, args, RowTimestamp(row));
      }
      default:
        return Cell::Bool(EvalBool(e, row));
    }
  }

  // ---- the pipeline ----

  void Push(std::size_t i, Row& row) {
    if (i == first_barrier && !flushing) ++matched;
    if (i == stages.size()) {
      Emit(row);
      return;
    }
    Stage& stage = stages[i];
    const Command& c = *stage.command;
    switch (c.kind) {
      case CommandKind::kFilter:
        if (EvalBool(c.expr, row)) Push(i + 1, row);
        return;
      case CommandKind::kFields:
        for (const NamedExpr& item : c.items) {
          if (item.expr.op == Op::kField && item.expr.name == item.name) continue;
          row.Set(item.name, Eval(item.expr, row));
        }
        Push(i + 1, row);
        return;
      case CommandKind::kDisplay:
      case CommandKind::kUnmask:
        Push(i + 1, row);
        return;
      case CommandKind::kParse: {
        Cell h;
        const View source = Operand(c.expr, row, h);
        const std::size_t n = c.captures.size();
        std::vector<re2::StringPiece> pieces(n);
        std::vector<RE2::Arg> args(n);
        std::vector<RE2::Arg*> arg_ptrs(n);
        for (std::size_t k = 0; k < n; ++k) {
          args[k] = &pieces[k];
          arg_ptrs[k] = &args[k];
        }
        bool hit = false;
        if (source.kind != Kind::kNull) {
          const std::string_view text = TextOf(source, scratch);
          hit = RE2::PartialMatchN(re2::StringPiece(text.data(), text.size()), *c.pattern,
                                   arg_ptrs.data(), static_cast<int>(n));
        }
        for (std::size_t k = 0; k < n; ++k) {
          if (c.captures[k].empty()) continue;
          if (hit && pieces[k].data() != nullptr) {
            row.Set(c.captures[k], Cell::String(std::string(pieces[k].data(), pieces[k].size())));
          } else {
            row.Set(c.captures[k], Cell::Null());
          }
        }
        Push(i + 1, row);
        return;
      }
      case CommandKind::kLimit:
        if (stage.passed >= c.limit) {
          if (i == first_barrier) saturated = true;
          return;
        }
        ++stage.passed;
        Push(i + 1, row);
        if (stage.passed >= c.limit && i == first_barrier) saturated = true;
        return;
      case CommandKind::kDedup: {
        std::string key;
        for (const SortKey& k : c.keys) {
          Cell h;
          const View v = Operand(k.expr, row, h);
          if (v.kind == Kind::kNull) {
            Push(i + 1, row);  // rows with a null dedup field are kept
            return;
          }
          AppendKey(key, v);
        }
        if (stage.seen.insert(key).second) Push(i + 1, row);
        return;
      }
      case CommandKind::kSort: {
        SortEntry entry;
        entry.keys.reserve(c.keys.size());
        for (const SortKey& k : c.keys) entry.keys.push_back(Eval(k.expr, row));
        row.Keep();
        entry.row = std::move(row);
        stage.sorted.push_back(std::move(entry));
        if (stage.keep > 0 && stage.sorted.size() >= 2 * stage.keep + 1024) SortStage(stage);
        return;
      }
      case CommandKind::kStats:
        Accumulate(stage, row);
        return;
    }
  }

  void SortStage(Stage& stage) {
    const Command& c = *stage.command;
    std::stable_sort(stage.sorted.begin(), stage.sorted.end(),
                     [&](const SortEntry& a, const SortEntry& b) {
                       for (std::size_t k = 0; k < c.keys.size(); ++k) {
                         int o = OrderCells(a.keys[k], b.keys[k]);
                         if (o == 0) continue;
                         // Nulls stay last in both directions.
                         if (c.keys[k].descending && !a.keys[k].is_null() && !b.keys[k].is_null()) {
                           o = -o;
                         }
                         return o < 0;
                       }
                       return false;
                     });
    if (stage.keep > 0 && stage.sorted.size() > stage.keep) stage.sorted.resize(stage.keep);
  }

  void Accumulate(Stage& stage, Row& row) {
    const Command& c = *stage.command;
    StatsState& s = *stage.stats;
    s.key.clear();
    Cell holders[8];
    View key_views[8];
    const std::size_t nby = c.by.size();
    std::vector<Cell> extra_holders;
    for (std::size_t k = 0; k < nby; ++k) {
      Cell& h = k < 8 ? holders[k] : extra_holders.emplace_back();
      const View v = Operand(c.by[k].expr, row, h);
      if (k < 8) key_views[k] = v;
      AppendKey(s.key, v);
    }
    auto it = s.index.find(s.key);
    std::size_t gi;
    if (it == s.index.end()) {
      Group g;
      // Re-evaluate keys into owned cells for the new group (rare path).
      for (std::size_t k = 0; k < nby; ++k) {
        g.keys.push_back(k < 8 ? CellOf(key_views[k]) : Eval(c.by[k].expr, row));
      }
      g.aggs.resize(c.items.size());
      gi = s.groups.size();
      s.groups.push_back(std::move(g));
      s.index.emplace(s.key, gi);
    } else {
      gi = it->second;
    }
    Group& g = s.groups[gi];
    for (std::size_t a = 0; a < c.items.size(); ++a) {
      AggState& st = g.aggs[a];
      const AggKind kind = s.kinds[a];
      if (kind == AggKind::kCountStar) {
        st.count += 1;
        continue;
      }
      Cell h;
      const View v = Operand(c.items[a].expr.args[0], row, h);
      if (v.kind == Kind::kNull) continue;
      switch (kind) {
        case AggKind::kCount:
          st.count += 1;
          break;
        case AggKind::kCountDistinct:
          st.distinct.insert(std::string(TextOf(v, scratch)));
          break;
        case AggKind::kSum:
        case AggKind::kAvg:
        case AggKind::kStddev:
        case AggKind::kMin:
        case AggKind::kMax:
        case AggKind::kPct: {
          auto n = NumberOf(v);
          if (!n) break;
          st.count += 1;
          st.sum += *n;
          st.sum_squares += *n * *n;
          if (v.kind == Kind::kTime) st.time_valued = true;
          if (!st.min || *n < *st.min) st.min = *n;
          if (!st.max || *n > *st.max) st.max = *n;
          if (kind == AggKind::kPct) st.values.push_back(*n);
          break;
        }
        case AggKind::kEarliest:
        case AggKind::kLatest: {
          const double t = RowTimestamp(row);
          const bool better =
              !st.has_best || (kind == AggKind::kEarliest ? t < st.best_time : t >= st.best_time);
          if (better) {
            st.best = CellOf(v);
            st.best_time = t;
            st.has_best = true;
          }
          break;
        }
        case AggKind::kSortsFirst:
        case AggKind::kSortsLast: {
          Cell candidate = CellOf(v);
          const bool better =
              !st.has_best || (kind == AggKind::kSortsFirst ? OrderCells(candidate, st.best) < 0
                                                            : OrderCells(candidate, st.best) > 0);
          if (better) {
            st.best = std::move(candidate);
            st.has_best = true;
          }
          break;
        }
        case AggKind::kCountStar:
          break;
      }
    }
  }

  Cell AggResult(AggKind kind, double pct, AggState& st) {
    switch (kind) {
      case AggKind::kCount:
      case AggKind::kCountStar:
        return Cell::Number(st.count);
      case AggKind::kCountDistinct:
        return Cell::Number(static_cast<double>(st.distinct.size()));
      case AggKind::kSum:
        return st.count > 0 ? Cell::Number(st.sum) : Cell::Null();
      case AggKind::kAvg:
        return st.count > 0 ? Cell::Number(st.sum / st.count) : Cell::Null();
      case AggKind::kMin:
      case AggKind::kMax: {
        auto v = kind == AggKind::kMin ? st.min : st.max;
        if (!v) return Cell::Null();
        return st.time_valued ? Cell::Time(*v) : Cell::Number(*v);
      }
      case AggKind::kStddev: {
        if (st.count < 1) return Cell::Null();
        if (st.count < 2) return Cell::Number(0);
        const double mean = st.sum / st.count;
        double var = (st.sum_squares - st.count * mean * mean) / (st.count - 1);
        if (var < 0) var = 0;
        return Cell::Number(std::sqrt(var));
      }
      case AggKind::kPct: {
        if (st.values.empty()) return Cell::Null();
        std::sort(st.values.begin(), st.values.end());
        // Nearest rank.
        double rank = std::ceil(pct / 100.0 * static_cast<double>(st.values.size()));
        std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
        index = std::min(index, st.values.size() - 1);
        return Cell::Number(st.values[index]);
      }
      case AggKind::kEarliest:
      case AggKind::kLatest:
      case AggKind::kSortsFirst:
      case AggKind::kSortsLast:
        return st.has_best ? st.best : Cell::Null();
    }
    return Cell::Null();
  }

  void Flush(std::size_t i) {
    if (i >= stages.size()) return;
    Stage& stage = stages[i];
    const Command& c = *stage.command;
    if (c.kind == CommandKind::kSort) {
      SortStage(stage);
      std::vector<SortEntry> rows = std::move(stage.sorted);
      for (SortEntry& e : rows) Push(i + 1, e.row);
    } else if (c.kind == CommandKind::kStats) {
      StatsState& s = *stage.stats;
      if (s.groups.empty() && c.by.empty() && language != Language::kCwli) {
        // SQL/PPL: an aggregate over no rows is one row (count 0).
        Group g;
        g.aggs.resize(c.items.size());
        s.groups.push_back(std::move(g));
      }
      for (Group& g : s.groups) {
        Row row;
        for (std::size_t k = 0; k < c.by.size(); ++k) row.Set(c.by[k].name, g.keys[k]);
        for (std::size_t a = 0; a < c.items.size(); ++a) {
          row.Set(c.items[a].name, AggResult(s.kinds[a], s.pct[a], g.aggs[a]));
        }
        Push(i + 1, row);
      }
      s.groups.clear();
    }
    Flush(i + 1);
  }

  void Emit(Row& row) {
    if (static_cast<std::int64_t>(out.size()) >= cap) return;
    ResultRow result;
    auto add = [&](const std::string& name, const Cell& cell) {
      if (cell.is_null()) return;
      result.push_back(ResultField{name, CellText(cell)});
    };
    if (display != nullptr) {
      for (const NamedExpr& item : display->items) add(item.name, Eval(item.expr, row));
    } else {
      for (const std::string& name : projection) {
        Expr field;
        field.op = Op::kField;
        field.name = name;
        std::size_t start = 0;
        for (std::size_t k = 0; k <= name.size(); ++k) {
          if (k == name.size() || name[k] == '.') {
            field.path.push_back(name.substr(start, k - start));
            start = k + 1;
          }
        }
        add(name, CellOf(Lookup(row, field)));
      }
    }
    if (const EventData* e = row.Event()) {
      const bool has_ptr = std::any_of(result.begin(), result.end(),
                                       [](const ResultField& f) { return f.field == "@ptr"; });
      if (!has_ptr && !e->ptr.empty()) result.push_back(ResultField{"@ptr", std::string(e->ptr)});
    }
    out.push_back(std::move(result));
  }
};

Executor::Executor(const Query& query, ExecOptions options)
    : impl_(std::make_unique<Impl>(query, options)) {}
Executor::~Executor() = default;

void Executor::Add(const EventData& event) {
  if (impl_->saturated) return;
  impl_->json.Invalidate();
  Row row;
  row.event = &event;
  impl_->Push(0, row);
}

bool Executor::Saturated() const { return impl_->saturated; }

std::vector<ResultRow> Executor::Finish() {
  impl_->json.Invalidate();
  impl_->flushing = true;
  impl_->Flush(0);
  return std::move(impl_->out);
}

std::int64_t Executor::records_matched() const { return impl_->matched; }

namespace {

void Flatten(simdjson::dom::element e, std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out, std::size_t max) {
  if (out.size() >= max) return;
  simdjson::dom::object object;
  if (e.get(object) == simdjson::SUCCESS) {
    for (auto [key, value] : object) {
      const std::size_t size = prefix.size();
      if (!prefix.empty()) prefix += '.';
      if (prefix.empty() && !key.empty() && key[0] == '@') prefix += '@';
      prefix.append(key);
      Flatten(value, prefix, out, max);
      prefix.resize(size);
    }
    return;
  }
  simdjson::dom::array array;
  if (e.get(array) == simdjson::SUCCESS) {
    std::size_t index = 0;
    for (auto value : array) {
      const std::size_t size = prefix.size();
      prefix += '.';
      prefix += std::to_string(index++);
      Flatten(value, prefix, out, max);
      prefix.resize(size);
    }
    return;
  }
  const View v = JsonView(e);
  if (v.kind == Kind::kNull) return;
  out.emplace_back(prefix, CellText(CellOf(v)));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RecordFields(const EventData& event,
                                                              std::size_t max_json_fields) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("@timestamp", std::to_string(event.timestamp));
  out.emplace_back("@ingestionTime", std::to_string(event.ingestion_time));
  out.emplace_back("@message", std::string(event.message));
  out.emplace_back("@logStream", std::string(event.stream));
  out.emplace_back("@log", std::string(event.log));
  JsonCache cache;
  if (auto root = cache.Root(event.message)) {
    std::string prefix;
    std::vector<std::pair<std::string, std::string>> fields;
    Flatten(*root, prefix, fields, max_json_fields);
    for (auto& f : fields) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace tw::services::logs::insights
