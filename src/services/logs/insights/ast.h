// SPDX-License-Identifier: Apache-2.0
// The one query plan the three Logs Insights languages compile to. The CWLI, OpenSearch SQL and
// PPL parsers each produce a Query: a pipeline of Commands over rows, with Exprs for filters,
// computed fields, aggregations and sort keys. The executor (executor.h) runs a Query over events;
// nothing here knows which language a plan came from except the few flags that select AWS's
// per-language defaults (CWLI's implicit newest-first order, SQL's one row for an empty
// aggregate).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace tw::services::logs::insights {

enum class Language { kCwli, kSql, kPpl };

// A value as it appears in rows and results.
enum class Kind : std::uint8_t { kNull, kString, kNumber, kTime, kBool };

struct Cell {
  Kind kind = Kind::kNull;
  double num = 0;    // kNumber, kTime (epoch ms), kBool (0 or 1)
  std::string text;  // kString; kNumber may carry its original text (empty: format num)

  static Cell Null() { return {}; }
  static Cell String(std::string s) { return Cell{Kind::kString, 0, std::move(s)}; }
  static Cell Number(double v) { return Cell{Kind::kNumber, v, {}}; }
  static Cell Time(double ms) { return Cell{Kind::kTime, ms, {}}; }
  static Cell Bool(bool b) { return Cell{Kind::kBool, b ? 1.0 : 0.0, {}}; }
  bool is_null() const { return kind == Kind::kNull; }
};

enum class Op : std::uint8_t {
  kLiteral,
  kField,
  kStar,  // the `*` of count(*)
  kList,  // [a, b] / (a, b) of `in`
  kNot,
  kNeg,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kIn,         // args[0] in args[1] (a kList); negate for `not in`
  kLike,       // substring (CWLI `like "text"`); negate for `not like`
  kRegex,      // regex search (`=~ /re/`, `like /re/`, SQL LIKE compiled to an anchored regex)
  kIsNull,     // SQL IS [NOT] NULL (negate)
  kCall,       // scalar function `name`
  kAggregate,  // aggregation function `name` (only inside stats)
};

struct Expr {
  Op op = Op::kLiteral;
  bool negate = false;
  Cell literal;                           // kLiteral
  std::string name;                       // kField: field name; kCall/kAggregate: function
  std::vector<std::string> path;          // kField: the name split at dots (JSON lookup)
  std::vector<Expr> args;                 // operands / call arguments
  std::shared_ptr<const re2::RE2> regex;  // kRegex
  std::size_t begin = 0, end = 0;         // source span (error positions, default names)
  int height = 1;                         // of the tree below (the parser bounds it)
};

struct NamedExpr {
  Expr expr;
  std::string name;  // alias, or the expression's source text
};

struct SortKey {
  Expr expr;
  bool descending = false;
};

enum class CommandKind : std::uint8_t {
  kFields,
  kDisplay,
  kFilter,
  kStats,
  kSort,
  kLimit,
  kParse,
  kDedup,
  kUnmask,
};

struct Command {
  CommandKind kind = CommandKind::kFilter;
  std::vector<NamedExpr> items;  // fields, display, stats aggregations
  std::vector<NamedExpr> by;     // stats groups
  Expr expr;                     // filter condition; parse source
  std::vector<SortKey> keys;     // sort; dedup (expressions only)
  std::int64_t limit = 0;
  // parse: the compiled pattern and the names of its captures, in group order.
  std::shared_ptr<const re2::RE2> pattern;
  std::vector<std::string> captures;
  bool implicit = false;  // added by the planner, not written by the user
};

struct Query {
  Language language = Language::kCwli;
  std::vector<Command> commands;
  // SQL FROM / PPL source: the log groups the query names (empty for CWLI).
  std::vector<std::string> sources;
};

// A compile error: AWS's MalformedQueryException with the offending span.
struct QueryError {
  std::string message;
  std::size_t begin = 0, end = 0;
};

}  // namespace tw::services::logs::insights
