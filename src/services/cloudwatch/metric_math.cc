// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/metric_math.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <variant>

namespace tw::services::cloudwatch {
namespace {

using Array = std::vector<Series>;
using Operand = std::variant<double, Series, Array>;

AwsError MathError(std::string message) {
  return AwsError::From(ErrorCode::kInvalidParameterValue, std::move(message));
}

Series Combine(const Series& a, const Series& b, const std::function<double(double, double)>& f) {
  Series out;
  for (const auto& [t, v] : a) {
    auto it = b.find(t);
    if (it != b.end()) out[t] = f(v, it->second);
  }
  return out;
}

Result<Operand> Apply(const Operand& a, const Operand& b,
                      const std::function<double(double, double)>& f) {
  if (std::holds_alternative<double>(a) && std::holds_alternative<double>(b)) {
    return Operand(f(std::get<double>(a), std::get<double>(b)));
  }
  auto series_with = [&](const Series& s, const Operand& other, bool left) -> Result<Series> {
    if (std::holds_alternative<double>(other)) {
      Series out;
      const double x = std::get<double>(other);
      for (const auto& [t, v] : s) out[t] = left ? f(v, x) : f(x, v);
      return out;
    }
    if (std::holds_alternative<Series>(other)) {
      return left ? Combine(s, std::get<Series>(other), f) : Combine(std::get<Series>(other), s, f);
    }
    return MathError("Metric math: an array of time series cannot be combined with a series");
  };
  if (std::holds_alternative<Array>(a) || std::holds_alternative<Array>(b)) {
    const bool left = std::holds_alternative<Array>(a);
    const Array& arr = left ? std::get<Array>(a) : std::get<Array>(b);
    const Operand& other = left ? b : a;
    Array out;
    for (const Series& s : arr) {
      auto r = series_with(s, other, left);
      if (!r) return std::move(r).error();
      out.push_back(std::move(*r));
    }
    return Operand(std::move(out));
  }
  if (std::holds_alternative<Series>(a)) {
    auto r = series_with(std::get<Series>(a), b, true);
    if (!r) return std::move(r).error();
    return Operand(std::move(*r));
  }
  auto r = series_with(std::get<Series>(b), a, false);
  if (!r) return std::move(r).error();
  return Operand(std::move(*r));
}

class Parser {
 public:
  Parser(const std::string& text, const std::vector<NamedSeries>& inputs,
         const std::vector<bool>& is_metric, const std::vector<std::int64_t>& grid)
      : text_(text), inputs_(inputs), is_metric_(is_metric), grid_(grid) {}

  Result<Operand> Parse() {
    auto v = Expr();
    if (!v) return v;
    Skip();
    if (pos_ != text_.size()) {
      return MathError("Metric math: unexpected '" + text_.substr(pos_) + "' in expression");
    }
    return v;
  }

 private:
  void Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Eat(char c) {
    Skip();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Result<Operand> Expr() {
    auto left = Term();
    if (!left) return left;
    while (true) {
      if (Eat('+')) {
        auto right = Term();
        if (!right) return right;
        left = Apply(*left, *right, std::plus<double>());
      } else if (Eat('-')) {
        auto right = Term();
        if (!right) return right;
        left = Apply(*left, *right, std::minus<double>());
      } else {
        return left;
      }
      if (!left) return left;
    }
  }

  Result<Operand> Term() {
    auto left = Factor();
    if (!left) return left;
    while (true) {
      if (Eat('*')) {
        auto right = Factor();
        if (!right) return right;
        left = Apply(*left, *right, std::multiplies<double>());
      } else if (Eat('/')) {
        auto right = Factor();
        if (!right) return right;
        // Division by zero yields no value at that timestamp, as CloudWatch drops it.
        left = Apply(*left, *right, [](double x, double y) { return y == 0 ? NAN : x / y; });
        if (left) DropNan(*left);
      } else {
        return left;
      }
      if (!left) return left;
    }
  }

  static void DropNan(Operand& o) {
    auto clean = [](Series& s) {
      std::erase_if(s, [](const auto& p) { return std::isnan(p.second); });
    };
    if (auto* s = std::get_if<Series>(&o)) clean(*s);
    if (auto* a = std::get_if<Array>(&o)) {
      for (Series& s : *a) clean(s);
    }
  }

  Result<Operand> Factor() {
    Skip();
    if (pos_ >= text_.size()) return MathError("Metric math: the expression ends unexpectedly");
    if (Eat('-')) {
      auto v = Factor();
      if (!v) return v;
      return Apply(Operand(-1.0), *v, std::multiplies<double>());
    }
    if (Eat('(')) {
      auto v = Expr();
      if (!v) return v;
      if (!Eat(')')) return MathError("Metric math: missing ')'");
      return v;
    }
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      char* end = nullptr;
      const double number = std::strtod(text_.c_str() + pos_, &end);
      pos_ = static_cast<std::size_t>(end - text_.c_str());
      return Operand(number);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      std::string name = text_.substr(start, pos_ - start);
      if (Eat('(')) return Call(name);
      for (const NamedSeries& in : inputs_) {
        if (in.id == name) return Operand(in.series);
      }
      return MathError("Metric math: unknown metric id '" + name + "'");
    }
    return MathError(std::string("Metric math: unexpected character '") + c + "'");
  }

  Result<Operand> Call(const std::string& name) {
    std::vector<Operand> args;
    if (!Eat(')')) {
      while (true) {
        auto arg = Expr();
        if (!arg) return arg;
        args.push_back(std::move(*arg));
        if (Eat(')')) break;
        if (!Eat(',')) return MathError("Metric math: expected ',' or ')' in " + name + "()");
      }
    }
    if (name == "METRICS") {
      if (!args.empty()) return MathError("Metric math: METRICS() with a filter is not supported");
      Array all;
      for (std::size_t i = 0; i < inputs_.size(); ++i) {
        if (i < is_metric_.size() && is_metric_[i]) all.push_back(inputs_[i].series);
      }
      return Operand(std::move(all));
    }
    if (name == "SUM" || name == "AVG" || name == "MIN" || name == "MAX") {
      if (args.size() != 1) return MathError("Metric math: " + name + " takes one argument");
      return Reduce(name, args[0]);
    }
    if (name == "FILL") {
      if (args.size() != 2 || !std::holds_alternative<double>(args[1])) {
        return MathError("Metric math: FILL takes a series and a number");
      }
      const double fill = std::get<double>(args[1]);
      auto fill_one = [&](Series s) {
        for (std::int64_t t : grid_) s.try_emplace(t, fill);
        return s;
      };
      if (auto* s = std::get_if<Series>(&args[0])) return Operand(fill_one(*s));
      if (auto* a = std::get_if<Array>(&args[0])) {
        Array out;
        for (const Series& s : *a) out.push_back(fill_one(s));
        return Operand(std::move(out));
      }
      return MathError("Metric math: FILL needs a time series");
    }
    if (name == "RATE") {
      if (args.size() != 1 || !std::holds_alternative<Series>(args[0])) {
        return MathError("Metric math: RATE takes one time series");
      }
      Series out;
      const Series& s = std::get<Series>(args[0]);
      for (auto it = s.begin(), prev = s.end(); it != s.end(); prev = it, ++it) {
        if (prev == s.end()) continue;
        const double seconds = static_cast<double>(it->first - prev->first) / 1000.0;
        if (seconds > 0) out[it->first] = (it->second - prev->second) / seconds;
      }
      return Operand(std::move(out));
    }
    return MathError("Metric math function " + name +
                     " is not supported by trailwatch (supported: arithmetic, SUM, AVG, MIN, "
                     "MAX, FILL, RATE, METRICS)");
  }

  static Result<Operand> Reduce(const std::string& name, const Operand& arg) {
    auto fold = [&](const std::vector<double>& values) {
      double acc = values.front();
      for (std::size_t i = 1; i < values.size(); ++i) {
        if (name == "MIN") {
          acc = std::min(acc, values[i]);
        } else if (name == "MAX") {
          acc = std::max(acc, values[i]);
        } else {
          acc += values[i];
        }
      }
      return name == "AVG" ? acc / static_cast<double>(values.size()) : acc;
    };
    if (const auto* a = std::get_if<Array>(&arg)) {
      std::map<std::int64_t, std::vector<double>> by_time;
      for (const Series& s : *a) {
        for (const auto& [t, v] : s) by_time[t].push_back(v);
      }
      Series out;
      for (const auto& [t, values] : by_time) out[t] = fold(values);
      return Operand(std::move(out));
    }
    if (const auto* s = std::get_if<Series>(&arg)) {
      if (s->empty()) return Operand(Series{});
      std::vector<double> values;
      for (const auto& [t, v] : *s) values.push_back(v);
      return Operand(fold(values));
    }
    return Operand(std::get<double>(arg));
  }

  const std::string& text_;
  const std::vector<NamedSeries>& inputs_;
  const std::vector<bool>& is_metric_;
  const std::vector<std::int64_t>& grid_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<Series> EvaluateExpression(const std::string& expression,
                                  const std::vector<NamedSeries>& inputs,
                                  const std::vector<bool>& is_metric,
                                  const std::vector<std::int64_t>& grid) {
  auto result = Parser(expression, inputs, is_metric, grid).Parse();
  if (!result) return std::move(result).error();
  if (auto* s = std::get_if<Series>(&*result)) return std::move(*s);
  if (auto* x = std::get_if<double>(&*result)) {
    // A scalar result is a constant line over the window.
    Series out;
    for (std::int64_t t : grid) out[t] = *x;
    return out;
  }
  return MathError("Metric math: the expression \"" + expression +
                   "\" returns an array of time series; a query must return one series");
}

}  // namespace tw::services::cloudwatch
