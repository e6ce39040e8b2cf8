// SPDX-License-Identifier: Apache-2.0
// ParseXml: reads a request body (S3 bucket configurations, DeleteObjects, ...) into a small
// element tree over pugixml, so no pugixml type leaks into codec headers. Untrusted input is
// bounded: a size limit, an element depth limit and an element count limit, and any DOCTYPE is
// rejected outright, which rules out entity expansion and external entities (pugixml expands
// only the five predefined entities and character references anyway). Names are kept as
// written ("xsi:type"); LocalName() strips the prefix. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tw::protocol::xml {

struct XmlNode {
  std::string name;  // qualified name as written
  std::string text;  // concatenated character data directly inside this element
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<XmlNode> children;

  // The first child whose local name is `local_name`, or nullptr.
  const XmlNode* Child(std::string_view local_name) const;
  // The attribute with that qualified name, else one with that local name, or nullptr.
  const std::string* FindAttribute(std::string_view name) const;
};

// "xsi:type" -> "type"; names without a prefix are returned unchanged.
std::string_view LocalName(std::string_view qualified_name);

struct XmlLimits {
  std::size_t max_bytes = 20 * 1024 * 1024;
  std::size_t max_depth = 64;
  std::size_t max_elements = 200000;
};

// The document's root element. Errors are MalformedXML (S3's code for a body that is not
// well-formed); callers of other protocols may re-map the code.
Result<XmlNode> ParseXml(std::string_view document, const XmlLimits& limits = {});

}  // namespace tw::protocol::xml
