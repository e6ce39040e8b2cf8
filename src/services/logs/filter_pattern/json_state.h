// SPDX-License-Identifier: Apache-2.0
// Internal: the simdjson DOM of a LogEvent, kept out of the public headers so only the matcher
// and value resolution compile against simdjson. Owned by one LogEvent; not thread-safe.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/ast.h"

namespace tw::services::logs::filter_pattern::internal {

struct JsonState {
  simdjson::dom::document document;
  simdjson::dom::element root;
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
