// SPDX-License-Identifier: Apache-2.0
// Internal: the simdjson DOM of a LogEvent, kept out of the public headers so only the matcher
// and value resolution compile against simdjson. Owned by one LogEvent; not thread-safe.
#pragma once

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/ast.h"

namespace tw::services::logs::filter_pattern::internal {

// A process-wide id for a selector path (".a.b[0]"), the same for every pattern that uses it, so
// the filters run over one event share one resolution of `$.eventName`. Thread-safe.
std::uint32_t InternSelector(const std::string& path);

struct JsonState {
  simdjson::dom::document document;
  simdjson::dom::element root;

  // Per-event memo of selector resolutions and their scalar text, shared by every pattern matched
  // against this event (a metric-filter pass runs 15 CIS patterns that mostly read the same three
  // or four fields). Direct-mapped by selector id; a collision only costs a re-resolution.
  struct Memo {
    std::uint32_t id = kNoId;
    std::optional<simdjson::dom::element> element;
    bool text_done = false;
    std::optional<std::string_view> text;
    std::size_t text_hash = 0;  // StringSet::Hash(*text), computed with it
    std::string scratch;        // backs `text` for numbers
  };
  static constexpr std::uint32_t kNoId = 0xffffffffu;
  static constexpr std::size_t kMemoSlots = 32;
  mutable std::array<Memo, kMemoSlots> memo;

  void ResetMemo() {
    for (Memo& m : memo) m.id = kNoId;
  }
};

// Follows a selector's steps from the root; nullopt when any step is missing or walks into a
// value of the wrong type.
std::optional<simdjson::dom::element> Resolve(const JsonState& state,
                                              const std::vector<SelectorStep>& steps);

// The text a scalar compares as: string content, "true"/"false", or the number's shortest
// decimal form. nullopt for null, objects and arrays, which never compare (§4.1).
std::optional<std::string_view> ScalarText(const simdjson::dom::element& element,
                                           std::string& scratch);

}  // namespace tw::services::logs::filter_pattern::internal
