// SPDX-License-Identifier: Apache-2.0
#include "services/logs/insights/parser.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "services/logs/insights/functions.h"
#include "services/logs/insights/lexer.h"

namespace tw::services::logs::insights {
namespace {

// Errors are state: the first one wins, and every parse step returns false / nullopt after it.
class ParserBase {
 public:
  ParserBase(std::string_view text, Language language, const LexOptions& options)
      : text_(text), language_(language) {
    LexResult lexed = Tokenize(text, options);
    tokens_ = std::move(lexed.tokens);
    if (lexed.error) error_ = std::move(lexed.error);
  }

  std::optional<QueryError> TakeError() { return std::move(error_); }

 protected:
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  bool IsSymbol(std::string_view s, std::size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kSymbol && Peek(ahead).text == s;
  }
  bool IsWord(std::string_view w, std::size_t ahead = 0) const { return IsKeyword(Peek(ahead), w); }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(s)) return false;
    Next();
    return true;
  }
  bool AcceptWord(std::string_view w) {
    if (!IsWord(w)) return false;
    Next();
    return true;
  }
  bool Fail(std::string message, std::size_t begin, std::size_t end) {
    if (!error_) error_ = QueryError{std::move(message), begin, end};
    return false;
  }
  bool Unexpected(const Token& t) {
    if (t.kind == TokenKind::kEnd) return Fail("Unexpected end of query", t.begin, t.end);
    std::string shown = std::string(text_.substr(t.begin, t.end - t.begin));
    return Fail("Unexpected symbol \"" + shown + "\" at position " + std::to_string(t.begin),
                t.begin, t.end);
  }
  bool ExpectSymbol(std::string_view s) {
    if (AcceptSymbol(s)) return true;
    return Unexpected(Peek());
  }
  bool failed() const { return error_.has_value(); }
  std::string Source(std::size_t begin, std::size_t end) const {
    return std::string(text_.substr(begin, end - begin));
  }

  // Words that end an expression in this language (clause keywords), never field names.
  virtual bool IsReserved(const Token& t) const = 0;

  // ---- expressions ----

  std::optional<Expr> ParseExpr() { return ParseOr(); }

  // Nesting (parentheses, calls, `not`, unary minus, `^`) is bounded so a hostile query cannot
  // exhaust the stack of the thread that parses it.
  static constexpr int kMaxNesting = 100;
  class Nest {
   public:
    explicit Nest(ParserBase& p) : p_(p) { ++p_.depth_; }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    bool ok() {
      if (p_.depth_ <= kMaxNesting) return true;
      const Token& t = p_.Peek();
      p_.Fail(
          "The query is nested too deeply (more than " + std::to_string(kMaxNesting) + " levels)",
          t.begin, t.end);
      return false;
    }

   private:
    ParserBase& p_;
  };

  // Expression trees are bounded in height too (long `a + b + c ...` chains), so evaluating and
  // freeing them stays shallow.
  static constexpr int kMaxHeight = 256;

  // Sets e.height from its operands; false (with the error) when it is too high.
  bool Measure(Expr& e) {
    int below = 0;
    for (const Expr& a : e.args) below = std::max(below, a.height);
    e.height = 1 + below;
    if (e.height <= kMaxHeight) return true;
    return Fail(
        "The expression is too long (more than " + std::to_string(kMaxHeight) + " operators deep)",
        e.begin, e.end);
  }

  std::optional<Expr> Measured(std::optional<Expr> e) {
    if (e && !Measure(*e)) return std::nullopt;
    return e;
  }

  std::optional<Expr> Binary(Op op, Expr left, Expr right) {
    Expr e;
    e.height = 1 + std::max(left.height, right.height);
    if (e.height > kMaxHeight) {
      Fail("The expression is too long (more than " + std::to_string(kMaxHeight) +
               " operators deep)",
           left.begin, right.end);
      return std::nullopt;
    }
    e.op = op;
    e.begin = left.begin;
    e.end = right.end;
    e.args.push_back(std::move(left));
    e.args.push_back(std::move(right));
    return e;
  }

  std::optional<Expr> ParseOr() {
    Nest nest(*this);
    if (!nest.ok()) return std::nullopt;
    auto left = ParseAnd();
    while (left && (IsWord("or") || IsSymbol("||"))) {
      Next();
      auto right = ParseAnd();
      if (!right) return std::nullopt;
      left = Binary(Op::kOr, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> ParseAnd() {
    auto left = ParseNot();
    while (left && (IsWord("and") || IsSymbol("&&"))) {
      Next();
      auto right = ParseNot();
      if (!right) return std::nullopt;
      left = Binary(Op::kAnd, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> ParseNot() {
    if (IsWord("not") || IsSymbol("!")) {
      Nest nest(*this);
      if (!nest.ok()) return std::nullopt;
      const std::size_t begin = Next().begin;
      auto inner = ParseNot();
      if (!inner) return std::nullopt;
      Expr e;
      e.op = Op::kNot;
      e.begin = begin;
      e.end = inner->end;
      e.args.push_back(std::move(*inner));
      return Measured(std::move(e));
    }
    return Measured(ParseComparison());
  }

  std::optional<Expr> CompileRegex(std::string pattern, std::size_t begin, std::size_t end,
                                   Expr subject, bool negate) {
    // (?<name>...) is the documented named-group form; RE2 spells it (?P<name>...).
    for (std::size_t at = pattern.find("(?<"); at != std::string::npos;
         at = pattern.find("(?<", at + 4)) {
      if (at + 3 < pattern.size() && pattern[at + 3] != '=' && pattern[at + 3] != '!') {
        pattern.insert(at + 2, "P");
      }
    }
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    auto re = std::make_shared<RE2>(pattern, options);
    if (!re->ok()) {
      Fail("Invalid regular expression: " + re->error(), begin, end);
      return std::nullopt;
    }
    Expr e;
    e.op = Op::kRegex;
    e.negate = negate;
    e.regex = std::move(re);
    e.begin = subject.begin;
    e.end = end;
    e.args.push_back(std::move(subject));
    return e;
  }

  // SQL LIKE: % and _ wildcards, whole-value match.
  std::optional<Expr> SqlLike(const Token& pattern, Expr subject, bool negate) {
    std::string re = "^";
    for (char c : pattern.text) {
      if (c == '%') {
        re += ".*";
      } else if (c == '_') {
        re += '.';
      } else {
        re += RE2::QuoteMeta(std::string(1, c));
      }
    }
    re += '$';
    return CompileRegex(re, pattern.begin, pattern.end, std::move(subject), negate);
  }

  std::optional<Expr> ParseComparison() {
    auto left = ParseAdditive();
    if (!left) return std::nullopt;
    static const std::map<std::string, Op> kOps = {
        {"=", Op::kEq}, {"==", Op::kEq}, {"!=", Op::kNe}, {"<>", Op::kNe},
        {"<", Op::kLt}, {"<=", Op::kLe}, {">", Op::kGt},  {">=", Op::kGe}};
    if (Peek().kind == TokenKind::kSymbol) {
      auto it = kOps.find(Peek().text);
      if (it != kOps.end()) {
        Next();
        auto right = ParseAdditive();
        if (!right) return std::nullopt;
        return Binary(it->second, std::move(*left), std::move(*right));
      }
      if (Peek().text == "=~") {
        const Token& t = Next();
        if (Peek().kind != TokenKind::kRegex && Peek().kind != TokenKind::kString) {
          Unexpected(Peek());
          return std::nullopt;
        }
        const Token& re = Next();
        (void)t;
        return CompileRegex(re.text, re.begin, re.end, std::move(*left), false);
      }
    }
    bool negate = false;
    if (IsWord("not") && (IsWord("like", 1) || IsWord("in", 1) || IsWord("between", 1))) {
      Next();
      negate = true;
    }
    if (AcceptWord("like")) {
      const Token& pattern = Next();
      if (pattern.kind == TokenKind::kRegex) {
        return CompileRegex(pattern.text, pattern.begin, pattern.end, std::move(*left), negate);
      }
      if (pattern.kind != TokenKind::kString) {
        Unexpected(pattern);
        return std::nullopt;
      }
      if (language_ != Language::kCwli) return SqlLike(pattern, std::move(*left), negate);
      Expr e;
      e.op = Op::kLike;
      e.negate = negate;
      e.literal = Cell::String(pattern.text);
      e.begin = left->begin;
      e.end = pattern.end;
      e.args.push_back(std::move(*left));
      return e;
    }
    if (AcceptWord("in")) {
      const bool bracket = IsSymbol("[");
      if (!bracket && !IsSymbol("(")) {
        Unexpected(Peek());
        return std::nullopt;
      }
      const std::size_t list_begin = Next().begin;
      Expr list;
      list.op = Op::kList;
      list.begin = list_begin;
      if (!IsSymbol(bracket ? "]" : ")")) {
        do {
          auto item = ParseAdditive();
          if (!item) return std::nullopt;
          list.args.push_back(std::move(*item));
        } while (AcceptSymbol(","));
      }
      list.end = Peek().end;
      if (!ExpectSymbol(bracket ? "]" : ")")) return std::nullopt;
      Expr e;
      e.op = Op::kIn;
      e.negate = negate;
      e.begin = left->begin;
      e.end = list.end;
      e.args.push_back(std::move(*left));
      e.args.push_back(std::move(list));
      return e;
    }
    if (AcceptWord("between")) {
      auto low = ParseAdditive();
      if (!low) return std::nullopt;
      if (!AcceptWord("and")) {
        Unexpected(Peek());
        return std::nullopt;
      }
      auto high = ParseAdditive();
      if (!high) return std::nullopt;
      Expr copy = *left;
      auto ge = Binary(Op::kGe, std::move(*left), std::move(*low));
      if (!ge) return std::nullopt;
      auto le = Binary(Op::kLe, std::move(copy), std::move(*high));
      if (!le) return std::nullopt;
      auto both = Binary(Op::kAnd, std::move(*ge), std::move(*le));
      if (!both || !negate) return both;
      Expr e;
      e.op = Op::kNot;
      e.begin = both->begin;
      e.end = both->end;
      e.args.push_back(std::move(*both));
      return e;
    }
    if (language_ != Language::kCwli && IsWord("is")) {
      Next();
      const bool is_not = AcceptWord("not");
      const Token& null = Peek();
      if (!AcceptWord("null")) {
        Unexpected(null);
        return std::nullopt;
      }
      Expr e;
      e.op = Op::kIsNull;
      e.negate = is_not;
      e.begin = left->begin;
      e.end = null.end;
      e.args.push_back(std::move(*left));
      return e;
    }
    return left;
  }

  std::optional<Expr> ParseAdditive() {
    auto left = ParseMultiplicative();
    while (left && (IsSymbol("+") || IsSymbol("-"))) {
      const Op op = Next().text == "+" ? Op::kAdd : Op::kSub;
      auto right = ParseMultiplicative();
      if (!right) return std::nullopt;
      left = Binary(op, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> ParseMultiplicative() {
    auto left = ParsePower();
    while (left && (IsSymbol("*") || IsSymbol("/") || IsSymbol("%"))) {
      const std::string& s = Next().text;
      const Op op = s == "*" ? Op::kMul : s == "/" ? Op::kDiv : Op::kMod;
      auto right = ParsePower();
      if (!right) return std::nullopt;
      left = Binary(op, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> ParsePower() {
    auto left = ParseUnary();
    if (left && IsSymbol("^")) {
      Nest nest(*this);
      if (!nest.ok()) return std::nullopt;
      Next();
      auto right = ParsePower();
      if (!right) return std::nullopt;
      return Binary(Op::kPow, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> ParseUnary() {
    if (IsSymbol("-")) {
      Nest nest(*this);
      if (!nest.ok()) return std::nullopt;
      const std::size_t begin = Next().begin;
      auto inner = ParseUnary();
      if (!inner) return std::nullopt;
      if (inner->op == Op::kLiteral && inner->literal.kind == Kind::kNumber) {
        inner->literal.num = -inner->literal.num;
        inner->literal.text.clear();
        inner->begin = begin;
        return inner;
      }
      Expr e;
      e.op = Op::kNeg;
      e.begin = begin;
      e.end = inner->end;
      e.args.push_back(std::move(*inner));
      return Measured(std::move(e));
    }
    return ParsePrimary();
  }

  static Expr FieldExpr(std::string name, std::size_t begin, std::size_t end) {
    Expr e;
    e.op = Op::kField;
    e.begin = begin;
    e.end = end;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
      if (i == name.size() || name[i] == '.') {
        e.path.push_back(name.substr(start, i - start));
        start = i + 1;
      }
    }
    e.name = std::move(name);
    return e;
  }

  std::optional<Expr> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        Next();
        Expr e;
        e.literal = Cell::Number(ParseNumber(t.text).value_or(0));
        e.begin = t.begin;
        e.end = t.end;
        return e;
      }
      case TokenKind::kDuration: {
        Next();
        if (!ParsePeriod(t.text)) {
          Fail("Invalid time period \"" + t.text + "\"", t.begin, t.end);
          return std::nullopt;
        }
        Expr e;
        e.literal = Cell::String(t.text);
        e.begin = t.begin;
        e.end = t.end;
        return e;
      }
      case TokenKind::kString: {
        Next();
        Expr e;
        e.literal = Cell::String(t.text);
        e.begin = t.begin;
        e.end = t.end;
        return e;
      }
      case TokenKind::kRegex: {
        Unexpected(t);
        return std::nullopt;
      }
      case TokenKind::kQuoted:
        Next();
        if (t.text.empty()) {
          Fail("A name cannot be empty", t.begin, t.end);
          return std::nullopt;
        }
        return FieldExpr(t.text, t.begin, t.end);
      case TokenKind::kIdent: {
        if (IsSymbol("(", 1)) return ParseCall();
        if (language_ != Language::kCwli) {
          if (IsKeyword(t, "null")) {
            Next();
            Expr e;
            e.begin = t.begin;
            e.end = t.end;
            return e;
          }
          if (IsKeyword(t, "true") || IsKeyword(t, "false")) {
            Next();
            Expr e;
            e.literal = Cell::Bool(IsKeyword(t, "true"));
            e.begin = t.begin;
            e.end = t.end;
            return e;
          }
        }
        if (IsReserved(t)) {
          Unexpected(t);
          return std::nullopt;
        }
        Next();
        return FieldExpr(t.text, t.begin, t.end);
      }
      case TokenKind::kSymbol:
        if (t.text == "(") {
          Next();
          if (language_ == Language::kSql && IsWord("select")) {
            Fail("Subqueries are not supported", Peek().begin, Peek().end);
            return std::nullopt;
          }
          auto inner = ParseExpr();
          if (!inner) return std::nullopt;
          if (!ExpectSymbol(")")) return std::nullopt;
          return inner;
        }
        Unexpected(t);
        return std::nullopt;
      case TokenKind::kEnd:
        Unexpected(t);
        return std::nullopt;
    }
    Unexpected(t);
    return std::nullopt;
  }

  std::optional<Expr> ParseCall() {
    const Token& name = Next();
    Next();  // (
    auto info = FindFunction(name.text, language_);
    if (!info) {
      if (IsUnsupportedAwsFunction(name.text)) {
        Fail("Function \"" + name.text + "\" is not supported by trailwatch", name.begin, name.end);
      } else {
        Fail("Unrecognized function name \"" + name.text + "\"", name.begin, name.end);
      }
      return std::nullopt;
    }
    Expr e;
    e.op = info->aggregate ? Op::kAggregate : Op::kCall;
    e.name = std::string(info->name);
    e.begin = name.begin;
    if (info->aggregate && !allow_aggregates_) {
      Fail("Aggregation function \"" + name.text + "\" can only be used in stats", name.begin,
           name.end);
      return std::nullopt;
    }
    const bool saved = allow_aggregates_;
    allow_aggregates_ = false;  // no aggregate inside an aggregate
    if (!IsSymbol(")")) {
      if (language_ == Language::kSql && e.name == "count" && AcceptWord("distinct")) {
        e.name = "count_distinct";
      }
      do {
        if (IsSymbol("*") && (IsSymbol(")", 1) || IsSymbol(",", 1))) {
          const Token& star = Next();
          Expr s;
          s.op = Op::kStar;
          s.begin = star.begin;
          s.end = star.end;
          e.args.push_back(std::move(s));
          continue;
        }
        auto arg = ParseExpr();
        if (!arg) return std::nullopt;
        e.args.push_back(std::move(*arg));
      } while (AcceptSymbol(","));
    }
    allow_aggregates_ = saved;
    e.end = Peek().end;
    if (!ExpectSymbol(")")) return std::nullopt;
    const int n = static_cast<int>(e.args.size());
    if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
      Fail("Wrong number of arguments for function \"" + name.text + "\"", e.begin, e.end);
      return std::nullopt;
    }
    for (const Expr& arg : e.args) {
      if (arg.op == Op::kStar && e.name != "count") {
        Fail("\"*\" can only be used in count(*)", arg.begin, arg.end);
        return std::nullopt;
      }
    }
    return Measured(std::move(e));
  }

  // `expr [as name]`; the default name is the field name or the expression's text.
  std::optional<NamedExpr> ParseNamed(bool optional_as) {
    auto expr = ParseExpr();
    if (!expr) return std::nullopt;
    NamedExpr named;
    named.name = expr->op == Op::kField ? expr->name : Source(expr->begin, expr->end);
    if (AcceptWord("as") ||
        (optional_as && (Peek().kind == TokenKind::kIdent || Peek().kind == TokenKind::kQuoted) &&
         !IsReserved(Peek()))) {
      const Token& alias = Next();
      if (alias.kind != TokenKind::kIdent && alias.kind != TokenKind::kQuoted &&
          alias.kind != TokenKind::kString) {
        Unexpected(alias);
        return std::nullopt;
      }
      if (alias.text.empty()) {
        Fail("A name cannot be empty", alias.begin, alias.end);
        return std::nullopt;
      }
      named.name = alias.text;
    }
    named.expr = std::move(*expr);
    return named;
  }

  bool ParseNamedList(std::vector<NamedExpr>& out, bool optional_as) {
    do {
      auto item = ParseNamed(optional_as);
      if (!item) return false;
      out.push_back(std::move(*item));
    } while (AcceptSymbol(","));
    return true;
  }

  std::optional<std::int64_t> ParseCount() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber) {
      Unexpected(t);
      return std::nullopt;
    }
    Next();
    auto value = ParseNumber(t.text);
    // StartQuery's own limit goes up to 100,000 rows; a limit command cannot ask for more.
    if (!value || *value < 1 || *value > 100'000 || *value != std::floor(*value)) {
      Fail("The limit must be a positive integer of at most 100000", t.begin, t.end);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*value);
  }

  std::string_view text_;
  Language language_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::optional<QueryError> error_;
  bool allow_aggregates_ = false;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// CWLI

class CwliParser final : public ParserBase {
 public:
  explicit CwliParser(std::string_view text)
      : ParserBase(text, Language::kCwli, LexOptions{true, false, true, true}) {
    // Aggregates are parsed everywhere and checked once the whole query is known (after a
    // stats they may name its columns).
    allow_aggregates_ = true;
  }

  ParseResult Run() {
    ParseResult result;
    result.query.language = Language::kCwli;
    if (!failed()) {
      if (AtEnd()) {
        Fail("The query is empty", 0, text_.size());
      } else {
        do {
          if (!ParseCommand(result.query)) break;
        } while (AcceptSymbol("|"));
        if (!failed()) ResolveAfterStats(result.query);
        if (!failed() && !AtEnd()) Unexpected(Peek());
      }
    }
    result.error = TakeError();
    return result;
  }

 private:
  bool IsReserved(const Token& t) const override {
    static constexpr std::string_view kWords[] = {"and",  "or", "not", "as",  "by",
                                                  "like", "in", "asc", "desc"};
    for (auto w : kWords) {
      if (t.kind == TokenKind::kIdent && t.text == w) return true;
    }
    return false;
  }

  bool ParseCommand(Query& query) {
    const Token& word = Peek();
    if (word.kind != TokenKind::kIdent) return Unexpected(word);
    Command command;
    const std::string name = word.text;
    Next();
    if (name == "fields" || name == "display") {
      command.kind = name == "fields" ? CommandKind::kFields : CommandKind::kDisplay;
      if (!ParseNamedList(command.items, false)) return false;
    } else if (name == "filter") {
      command.kind = CommandKind::kFilter;
      auto expr = ParseExpr();
      if (!expr) return false;
      command.expr = std::move(*expr);
    } else if (name == "stats") {
      command.kind = CommandKind::kStats;
      if (!ParseNamedList(command.items, false)) return false;
      for (const NamedExpr& item : command.items) {
        if (item.expr.op != Op::kAggregate) {
          return Fail("stats needs aggregation functions (count, sum, avg, ...), not \"" +
                          Source(item.expr.begin, item.expr.end) + "\"",
                      item.expr.begin, item.expr.end);
        }
      }
      if (AcceptWord("by")) {
        if (!ParseNamedList(command.by, false)) return false;
      }
    } else if (name == "sort") {
      command.kind = CommandKind::kSort;
      do {
        auto expr = ParseExpr();
        if (!expr) return false;
        SortKey key{std::move(*expr), false};
        if (AcceptWord("desc")) {
          key.descending = true;
        } else {
          AcceptWord("asc");
        }
        command.keys.push_back(std::move(key));
      } while (AcceptSymbol(","));
    } else if (name == "limit") {
      command.kind = CommandKind::kLimit;
      if (IsWord("any")) Next();
      auto n = ParseCount();
      if (!n) return false;
      command.limit = *n;
    } else if (name == "parse") {
      command.kind = CommandKind::kParse;
      if (!ParseParse(command)) return false;
    } else if (name == "dedup") {
      command.kind = CommandKind::kDedup;
      do {
        auto expr = ParseExpr();
        if (!expr) return false;
        command.keys.push_back(SortKey{std::move(*expr), false});
      } while (AcceptSymbol(","));
    } else if (name == "unmask") {
      // Nothing is masked (no data protection policies), so unmask shows what is there.
      command.kind = CommandKind::kUnmask;
      auto expr = ParseExpr();
      if (!expr) return false;
    } else if (name == "pattern" || name == "diff" || name == "anomaly" || name == "filterIndex" ||
               name == "SOURCE" || name == "unnest" || name == "lookup" || name == "source") {
      return Fail("The \"" + name + "\" command is not supported by trailwatch", word.begin,
                  word.end);
    } else {
      return Fail("Unrecognized command \"" + name + "\"", word.begin, word.end);
    }
    query.commands.push_back(std::move(command));
    return true;
  }

  // After a stats command, rows are its output: an expression written like one of its columns
  // (`sort bin(5m)`, `filter count(*) > 1`) means that column. Aggregates left over are errors.
  void ResolveAfterStats(Query& query) {
    const Command* stats = nullptr;
    for (Command& c : query.commands) {
      if (c.kind == CommandKind::kStats) {
        if (stats != nullptr) {
          for (NamedExpr& item : c.items) {
            for (Expr& arg : item.expr.args) Resolve(arg, *stats);
          }
          for (NamedExpr& by : c.by) Resolve(by.expr, *stats);
        }
        stats = &c;
        continue;
      }
      if (stats == nullptr) continue;
      Resolve(c.expr, *stats);
      for (NamedExpr& item : c.items) Resolve(item.expr, *stats);
      for (SortKey& key : c.keys) Resolve(key.expr, *stats);
    }
    for (const Command& c : query.commands) {
      std::vector<const Expr*> exprs = {&c.expr};
      if (c.kind == CommandKind::kStats) {
        exprs.clear();
        for (const NamedExpr& by : c.by) exprs.push_back(&by.expr);
      }
      if (c.kind != CommandKind::kStats) {
        for (const NamedExpr& item : c.items) exprs.push_back(&item.expr);
        for (const SortKey& key : c.keys) exprs.push_back(&key.expr);
      }
      for (const Expr* e : exprs) {
        if (const Expr* agg = FindAggregate(*e)) {
          Fail("Aggregation function \"" + agg->name + "\" can only be used in stats", agg->begin,
               agg->end);
          return;
        }
      }
    }
  }

  static const Expr* FindAggregate(const Expr& e) {
    if (e.op == Op::kAggregate) return &e;
    for (const Expr& a : e.args) {
      if (const Expr* found = FindAggregate(a)) return found;
    }
    return nullptr;
  }

  void Resolve(Expr& e, const Command& stats) {
    if (e.op == Op::kField || e.op == Op::kLiteral) return;
    const std::string text = Source(e.begin, e.end);
    for (const auto* list : {&stats.by, &stats.items}) {
      for (const NamedExpr& column : *list) {
        if (Source(column.expr.begin, column.expr.end) == text) {
          e = FieldExpr(column.name, e.begin, e.end);
          return;
        }
      }
    }
    for (Expr& a : e.args) Resolve(a, stats);
  }

  bool ParseParse(Command& command) {
    if (Peek().kind == TokenKind::kString || Peek().kind == TokenKind::kRegex) {
      command.expr = FieldExpr("@message", Peek().begin, Peek().begin);
    } else {
      auto source = ParseAdditive();
      if (!source) return false;
      command.expr = std::move(*source);
    }
    const Token& pattern = Next();
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    if (pattern.kind == TokenKind::kString) {
      // Glob: each `*` captures, lazily up to the literal after it; a final `*` takes the rest.
      std::string re;
      int stars = 0;
      for (std::size_t i = 0; i < pattern.text.size(); ++i) {
        if (pattern.text[i] == '*') {
          ++stars;
          re += i + 1 == pattern.text.size() ? "(.*)" : "(.*?)";
        } else {
          re += RE2::QuoteMeta(std::string(1, pattern.text[i]));
        }
      }
      if (stars == 0) {
        return Fail("A parse pattern needs at least one \"*\"", pattern.begin, pattern.end);
      }
      if (!AcceptWord("as")) return Unexpected(Peek());
      do {
        const Token& alias = Next();
        if (alias.kind != TokenKind::kIdent && alias.kind != TokenKind::kQuoted) {
          return Unexpected(alias);
        }
        if (alias.text.empty()) return Fail("A name cannot be empty", alias.begin, alias.end);
        command.captures.push_back(alias.text);
      } while (AcceptSymbol(","));
      if (static_cast<int>(command.captures.size()) != stars) {
        return Fail("The parse pattern has " + std::to_string(stars) + " \"*\" but " +
                        std::to_string(command.captures.size()) + " names after \"as\"",
                    pattern.begin, Peek().begin);
      }
      auto re2 = std::make_shared<RE2>(re, options);
      if (!re2->ok()) return Fail("Invalid parse pattern", pattern.begin, pattern.end);
      command.pattern = std::move(re2);
      return true;
    }
    if (pattern.kind != TokenKind::kRegex) return Unexpected(pattern);
    auto compiled = CompileRegex(pattern.text, pattern.begin, pattern.end, Expr{}, false);
    if (!compiled) return false;
    const auto& groups = compiled->regex->CapturingGroupNames();
    if (groups.empty()) {
      return Fail("A parse regular expression needs named capture groups (?<name>...)",
                  pattern.begin, pattern.end);
    }
    command.captures.assign(static_cast<std::size_t>(compiled->regex->NumberOfCapturingGroups()),
                            std::string());
    for (const auto& [index, group_name] : groups) {
      command.captures[static_cast<std::size_t>(index - 1)] = group_name;
    }
    command.pattern = compiled->regex;
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// SQL

bool SqlReservedWord(const Token& t) {
  static constexpr std::string_view kWords[] = {
      "select", "from",    "where",    "group", "by",    "having", "order", "limit",
      "and",    "or",      "not",      "as",    "asc",   "desc",   "like",  "in",
      "is",     "join",    "inner",    "left",  "right", "outer",  "on",    "union",
      "offset", "between", "distinct", "full",  "cross"};
  for (auto w : kWords) {
    if (IsKeyword(t, w)) return true;
  }
  return false;
}

// Aggregates in a post-aggregation expression (HAVING, ORDER BY) become references to the stats
// output column of the same text; unknown ones are added as hidden aggregations.
void ReplaceAggregates(Expr& e, std::string_view text, std::vector<NamedExpr>& aggs,
                       std::vector<std::string>& hidden) {
  if (e.op == Op::kAggregate) {
    const std::string source(text.substr(e.begin, e.end - e.begin));
    std::string name;
    for (const NamedExpr& agg : aggs) {
      if (std::string(text.substr(agg.expr.begin, agg.expr.end - agg.expr.begin)) == source) {
        name = agg.name;
        break;
      }
    }
    if (name.empty()) {
      name = source;
      aggs.push_back(NamedExpr{e, name});
      hidden.push_back(name);
    }
    Expr field;
    field.op = Op::kField;
    field.name = name;
    field.path = {name};
    field.begin = e.begin;
    field.end = e.end;
    e = std::move(field);
    return;
  }
  for (Expr& arg : e.args) ReplaceAggregates(arg, text, aggs, hidden);
}

bool ContainsAggregate(const Expr& e) {
  if (e.op == Op::kAggregate) return true;
  return std::any_of(e.args.begin(), e.args.end(), ContainsAggregate);
}

// Exprs equal by source text (GROUP BY column vs SELECT item).
bool SameText(std::string_view text, const Expr& a, const Expr& b) {
  if (a.op == Op::kField && b.op == Op::kField) return a.name == b.name;
  return text.substr(a.begin, a.end - a.begin) == text.substr(b.begin, b.end - b.begin);
}

// Post-aggregation references to group columns become references to the stats output name.
void ReplaceGroupRefs(Expr& e, std::string_view text, const std::vector<NamedExpr>& by) {
  for (const NamedExpr& group : by) {
    if (SameText(text, e, group.expr)) {
      Expr field;
      field.op = Op::kField;
      field.name = group.name;
      field.path = {group.name};
      field.begin = e.begin;
      field.end = e.end;
      e = std::move(field);
      return;
    }
  }
  for (Expr& arg : e.args) ReplaceGroupRefs(arg, text, by);
}

class SqlParser final : public ParserBase {
 public:
  explicit SqlParser(std::string_view text)
      : ParserBase(text, Language::kSql, LexOptions{false, true, false, false}) {}

  ParseResult Run() {
    ParseResult result;
    result.query.language = Language::kSql;
    if (!failed()) ParseSelect(result.query);
    result.error = TakeError();
    return result;
  }

 private:
  bool IsReserved(const Token& t) const override { return SqlReservedWord(t); }

  bool ParseSelect(Query& query) {
    if (AtEnd()) return Fail("The query is empty", 0, text_.size());
    if (!AcceptWord("select")) {
      const Token& t = Peek();
      if (IsKeyword(t, "insert") || IsKeyword(t, "update") || IsKeyword(t, "delete") ||
          IsKeyword(t, "with") || IsKeyword(t, "create") || IsKeyword(t, "drop")) {
        return Fail("Only SELECT statements are supported; \"" + t.text + "\" is not", t.begin,
                    t.end);
      }
      return Unexpected(t);
    }
    if (IsWord("distinct")) {
      return Fail("SELECT DISTINCT is not supported by trailwatch", Peek().begin, Peek().end);
    }
    bool star = false;
    std::vector<NamedExpr> items;
    if (IsSymbol("*")) {
      Next();
      star = true;
    } else {
      allow_aggregates_ = true;
      const bool ok = ParseNamedList(items, true);
      allow_aggregates_ = false;
      if (!ok) return false;
    }
    if (!AcceptWord("from")) return Unexpected(Peek());
    do {
      const Token& table = Peek();
      if (table.kind == TokenKind::kQuoted || table.kind == TokenKind::kIdent) {
        if (table.kind == TokenKind::kIdent && IsSymbol("(", 1)) {
          return Fail("Table functions such as \"" + table.text +
                          "(...)\" are not supported by trailwatch; name the log group in "
                          "backquotes",
                      table.begin, table.end);
        }
        if (table.kind == TokenKind::kIdent && SqlReservedWord(table)) return Unexpected(table);
        Next();
        query.sources.push_back(table.text);
      } else if (IsSymbol("(")) {
        return Fail("Subqueries are not supported by trailwatch", table.begin, table.end);
      } else {
        return Unexpected(table);
      }
      // Optional table alias.
      if (AcceptWord("as") || (Peek().kind == TokenKind::kIdent && !SqlReservedWord(Peek()))) {
        Next();
      }
    } while (AcceptSymbol(","));
    if (query.sources.size() > 1) {
      return Fail("Queries over several tables (joins) are not supported by trailwatch", 0,
                  text_.size());
    }
    for (std::string_view join : {"join", "inner", "left", "right", "full", "cross"}) {
      if (IsWord(join)) {
        return Fail("JOIN is not supported by trailwatch", Peek().begin, Peek().end);
      }
    }
    if (AcceptWord("where")) {
      auto where = ParseExpr();
      if (!where) return false;
      Command filter;
      filter.kind = CommandKind::kFilter;
      filter.expr = std::move(*where);
      query.commands.push_back(std::move(filter));
    }
    std::vector<NamedExpr> group_by;
    if (IsWord("group")) {
      Next();
      if (!AcceptWord("by")) return Unexpected(Peek());
      do {
        auto expr = ParseExpr();
        if (!expr) return false;
        // GROUP BY may name a SELECT alias.
        if (expr->op == Op::kField) {
          for (const NamedExpr& item : items) {
            if (item.name == expr->name && item.expr.op != Op::kAggregate) *expr = item.expr;
          }
        }
        NamedExpr named;
        named.name = expr->op == Op::kField ? expr->name : Source(expr->begin, expr->end);
        named.expr = std::move(*expr);
        group_by.push_back(std::move(named));
      } while (AcceptSymbol(","));
    }
    std::optional<Expr> having;
    if (AcceptWord("having")) {
      allow_aggregates_ = true;
      having = ParseExpr();
      allow_aggregates_ = false;
      if (!having) return false;
    }
    std::vector<SortKey> order;
    if (IsWord("order")) {
      Next();
      if (!AcceptWord("by")) return Unexpected(Peek());
      allow_aggregates_ = true;
      do {
        auto expr = ParseExpr();
        if (!expr) return false;
        SortKey key{std::move(*expr), false};
        if (AcceptWord("desc")) {
          key.descending = true;
        } else {
          AcceptWord("asc");
        }
        order.push_back(std::move(key));
      } while (AcceptSymbol(","));
      allow_aggregates_ = false;
    }
    std::optional<std::int64_t> limit;
    if (AcceptWord("limit")) {
      limit = ParseCount();
      if (!limit) return false;
    }
    AcceptSymbol(";");
    if (!AtEnd()) {
      if (IsWord("union"))
        return Fail("UNION is not supported by trailwatch", Peek().begin, Peek().end);
      return Unexpected(Peek());
    }

    const bool aggregated =
        !group_by.empty() ||
        std::any_of(items.begin(), items.end(),
                    [](const NamedExpr& i) { return ContainsAggregate(i.expr); }) ||
        having.has_value();
    if (!aggregated) {
      if (!star) {
        Command fields;
        fields.kind = CommandKind::kFields;
        fields.items = items;
        query.commands.push_back(std::move(fields));
      }
      if (!order.empty()) {
        for (SortKey& key : order) {
          if (ContainsAggregate(key.expr)) {
            return Fail("ORDER BY an aggregate needs GROUP BY", key.expr.begin, key.expr.end);
          }
          // ORDER BY may name a SELECT alias: the Fields stage has already computed it.
        }
        Command sort;
        sort.kind = CommandKind::kSort;
        sort.keys = std::move(order);
        query.commands.push_back(std::move(sort));
      }
      if (limit) {
        Command l;
        l.kind = CommandKind::kLimit;
        l.limit = *limit;
        query.commands.push_back(std::move(l));
      }
      if (!star) {
        Command display;
        display.kind = CommandKind::kDisplay;
        for (const NamedExpr& item : items) {
          Expr ref = FieldExpr(item.name, item.expr.begin, item.expr.end);
          display.items.push_back(NamedExpr{std::move(ref), item.name});
        }
        query.commands.push_back(std::move(display));
      }
      return true;
    }
    if (star) return Fail("SELECT * cannot be used with GROUP BY", 0, text_.size());
    // Aggregated: one stats stage (aggregations of the SELECT list, by the GROUP BY columns),
    // then HAVING, ORDER BY and LIMIT over its rows, then the SELECT list's order.
    Command stats;
    stats.kind = CommandKind::kStats;
    stats.by = group_by;
    std::vector<std::string> display_names;
    for (NamedExpr& item : items) {
      if (item.expr.op == Op::kAggregate) {
        stats.items.push_back(item);
        display_names.push_back(item.name);
        continue;
      }
      if (ContainsAggregate(item.expr)) {
        return Fail("Expressions over aggregates (\"" + Source(item.expr.begin, item.expr.end) +
                        "\") are not supported by trailwatch",
                    item.expr.begin, item.expr.end);
      }
      bool grouped = false;
      for (NamedExpr& group : stats.by) {
        if (SameText(text_, item.expr, group.expr)) {
          group.name = item.name;  // the SELECT alias names the column
          grouped = true;
        }
      }
      if (!grouped) {
        return Fail("\"" + Source(item.expr.begin, item.expr.end) +
                        "\" must appear in the GROUP BY clause or be used in an aggregate "
                        "function",
                    item.expr.begin, item.expr.end);
      }
      display_names.push_back(item.name);
    }
    std::vector<std::string> hidden;
    if (having) {
      ReplaceGroupRefs(*having, text_, stats.by);
      ReplaceAggregates(*having, text_, stats.items, hidden);
    }
    for (SortKey& key : order) {
      ReplaceGroupRefs(key.expr, text_, stats.by);
      ReplaceAggregates(key.expr, text_, stats.items, hidden);
    }
    query.commands.push_back(std::move(stats));
    if (having) {
      Command filter;
      filter.kind = CommandKind::kFilter;
      filter.expr = std::move(*having);
      query.commands.push_back(std::move(filter));
    }
    if (!order.empty()) {
      Command sort;
      sort.kind = CommandKind::kSort;
      sort.keys = std::move(order);
      query.commands.push_back(std::move(sort));
    }
    if (limit) {
      Command l;
      l.kind = CommandKind::kLimit;
      l.limit = *limit;
      query.commands.push_back(std::move(l));
    }
    Command display;
    display.kind = CommandKind::kDisplay;
    for (const std::string& name : display_names) {
      display.items.push_back(NamedExpr{FieldExpr(name, 0, 0), name});
    }
    query.commands.push_back(std::move(display));
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// PPL

class PplParser final : public ParserBase {
 public:
  explicit PplParser(std::string_view text)
      : ParserBase(text, Language::kPpl, LexOptions{false, true, false, false}) {}

  ParseResult Run() {
    ParseResult result;
    result.query.language = Language::kPpl;
    if (!failed()) {
      if (AtEnd()) {
        Fail("The query is empty", 0, text_.size());
      } else if (ParseSource(result.query)) {
        while (AcceptSymbol("|")) {
          if (!ParseCommand(result.query)) break;
        }
        if (!failed() && !AtEnd()) Unexpected(Peek());
      }
    }
    result.error = TakeError();
    return result;
  }

 private:
  bool IsReserved(const Token& t) const override {
    static constexpr std::string_view kWords[] = {"and", "or",   "not", "as",  "by",
                                                  "in",  "like", "asc", "desc"};
    for (auto w : kWords) {
      if (IsKeyword(t, w)) return true;
    }
    return false;
  }

  bool ParseSource(Query& query) {
    AcceptWord("search");
    if (!AcceptWord("source")) {
      return Fail("A PPL query starts with source=`log-group`", Peek().begin, Peek().end);
    }
    if (!ExpectSymbol("=")) return false;
    do {
      const Token& t = Next();
      if (t.kind != TokenKind::kQuoted && t.kind != TokenKind::kIdent &&
          t.kind != TokenKind::kString) {
        return Unexpected(t);
      }
      query.sources.push_back(t.text);
    } while (AcceptSymbol(","));
    if (query.sources.size() > 1) {
      return Fail("Several sources are not supported by trailwatch", 0, text_.size());
    }
    return true;
  }

  bool ParseCommand(Query& query) {
    const Token& word = Peek();
    if (word.kind != TokenKind::kIdent) return Unexpected(word);
    std::string name = word.text;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Next();
    Command command;
    if (name == "where") {
      command.kind = CommandKind::kFilter;
      auto expr = ParseExpr();
      if (!expr) return false;
      command.expr = std::move(*expr);
    } else if (name == "fields") {
      if (IsSymbol("-")) {
        return Fail("Removing fields (fields - ...) is not supported by trailwatch", Peek().begin,
                    Peek().end);
      }
      AcceptSymbol("+");
      command.kind = CommandKind::kDisplay;
      do {
        const Token& t = Next();
        if (t.kind != TokenKind::kIdent && t.kind != TokenKind::kQuoted) return Unexpected(t);
        if (t.text.empty()) return Fail("A name cannot be empty", t.begin, t.end);
        command.items.push_back(NamedExpr{FieldExpr(t.text, t.begin, t.end), t.text});
      } while (AcceptSymbol(","));
    } else if (name == "eval") {
      command.kind = CommandKind::kFields;
      do {
        const Token& t = Next();
        if (t.kind != TokenKind::kIdent && t.kind != TokenKind::kQuoted) return Unexpected(t);
        if (t.text.empty()) return Fail("A name cannot be empty", t.begin, t.end);
        if (!ExpectSymbol("=")) return false;
        auto expr = ParseExpr();
        if (!expr) return false;
        command.items.push_back(NamedExpr{std::move(*expr), t.text});
      } while (AcceptSymbol(","));
      // eval adds fields without narrowing the output.
      command.implicit = true;
    } else if (name == "stats") {
      command.kind = CommandKind::kStats;
      allow_aggregates_ = true;
      const bool ok = ParseNamedList(command.items, false);
      allow_aggregates_ = false;
      if (!ok) return false;
      for (const NamedExpr& item : command.items) {
        if (item.expr.op != Op::kAggregate) {
          return Fail("stats needs aggregation functions, not \"" +
                          Source(item.expr.begin, item.expr.end) + "\"",
                      item.expr.begin, item.expr.end);
        }
      }
      if (AcceptWord("by")) {
        if (!ParseNamedList(command.by, false)) return false;
      }
      // PPL lists the aggregations before the group columns.
      query.commands.push_back(command);
      Command display;
      display.kind = CommandKind::kDisplay;
      display.implicit = true;
      for (const auto* list : {&command.items, &command.by}) {
        for (const NamedExpr& item : *list) {
          display.items.push_back(NamedExpr{FieldExpr(item.name, 0, 0), item.name});
        }
      }
      query.commands.push_back(std::move(display));
      return true;
    } else if (name == "sort") {
      command.kind = CommandKind::kSort;
      do {
        bool descending = false;
        if (AcceptSymbol("-")) {
          descending = true;
        } else {
          AcceptSymbol("+");
        }
        auto expr = ParseAdditive();
        if (!expr) return false;
        if (AcceptWord("desc")) descending = true;
        AcceptWord("asc");
        command.keys.push_back(SortKey{std::move(*expr), descending});
      } while (AcceptSymbol(","));
    } else if (name == "head") {
      command.kind = CommandKind::kLimit;
      command.limit = 10;
      if (Peek().kind == TokenKind::kNumber) {
        auto n = ParseCount();
        if (!n) return false;
        command.limit = *n;
      }
    } else if (name == "dedup") {
      command.kind = CommandKind::kDedup;
      do {
        auto expr = ParseAdditive();
        if (!expr) return false;
        command.keys.push_back(SortKey{std::move(*expr), false});
      } while (AcceptSymbol(","));
    } else {
      static constexpr std::string_view kKnown[] = {
          "parse", "rename",   "top",    "rare", "fillnull",  "expand",     "flatten",
          "grok",  "patterns", "lookup", "join", "trendline", "eventstats", "fieldsummary"};
      for (auto known : kKnown) {
        if (name == known) {
          return Fail("The PPL command \"" + word.text + "\" is not supported by trailwatch",
                      word.begin, word.end);
        }
      }
      return Fail("Unrecognized PPL command \"" + word.text + "\"", word.begin, word.end);
    }
    query.commands.push_back(std::move(command));
    return true;
  }
};

}  // namespace

ParseResult ParseCwli(std::string_view text) { return CwliParser(text).Run(); }
ParseResult ParseSql(std::string_view text) { return SqlParser(text).Run(); }
ParseResult ParsePpl(std::string_view text) { return PplParser(text).Run(); }

ParseResult Parse(Language language, std::string_view text) {
  if (text.size() > kMaxQueryLength) {
    ParseResult result;
    result.query.language = language;
    result.error = QueryError{"The query string exceeds the maximum length of 10000 characters", 0,
                              text.size()};
    return result;
  }
  switch (language) {
    case Language::kCwli:
      return ParseCwli(text);
    case Language::kSql:
      return ParseSql(text);
    case Language::kPpl:
      return ParsePpl(text);
  }
  return ParseCwli(text);
}

std::string_view LanguageName(Language language) {
  switch (language) {
    case Language::kCwli:
      return "CWLI";
    case Language::kSql:
      return "SQL";
    case Language::kPpl:
      return "PPL";
  }
  return "CWLI";
}

std::optional<Language> LanguageFromName(std::string_view name) {
  if (name == "CWLI") return Language::kCwli;
  if (name == "SQL") return Language::kSql;
  if (name == "PPL") return Language::kPpl;
  return std::nullopt;
}

}  // namespace tw::services::logs::insights
