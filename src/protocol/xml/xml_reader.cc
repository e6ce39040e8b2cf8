// SPDX-License-Identifier: Apache-2.0
#include "protocol/xml/xml_reader.h"

#include <pugixml.hpp>

namespace tw::protocol::xml {
namespace {

constexpr std::string_view kMalformedMessage =
    "The XML you provided was not well-formed or did not validate against our published schema";

AwsError Malformed() {
  return AwsError::From(ErrorCode::kMalformedXML, std::string(kMalformedMessage));
}

struct Converter {
  const XmlLimits& limits;
  std::size_t elements = 0;

  // Recursion depth is bounded by limits.max_depth, checked before descending.
  bool Convert(const pugi::xml_node& in, XmlNode& out, std::size_t depth) {
    if (depth > limits.max_depth || ++elements > limits.max_elements) return false;
    out.name = in.name();
    for (const pugi::xml_attribute& a : in.attributes()) {
      out.attributes.emplace_back(a.name(), a.value());
    }
    for (const pugi::xml_node& child : in.children()) {
      switch (child.type()) {
        case pugi::node_element: {
          XmlNode& node = out.children.emplace_back();
          if (!Convert(child, node, depth + 1)) return false;
          break;
        }
        case pugi::node_pcdata:
        case pugi::node_cdata:
          out.text += child.value();
          break;
        case pugi::node_doctype:
          return false;
        default:
          break;  // comments and processing instructions carry no data
      }
    }
    return true;
  }
};

}  // namespace

std::string_view LocalName(std::string_view qualified_name) {
  std::size_t colon = qualified_name.find(':');
  return colon == std::string_view::npos ? qualified_name : qualified_name.substr(colon + 1);
}

const XmlNode* XmlNode::Child(std::string_view local_name) const {
  for (const XmlNode& child : children) {
    if (LocalName(child.name) == local_name) return &child;
  }
  return nullptr;
}

const std::string* XmlNode::FindAttribute(std::string_view attribute_name) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute_name) return &value;
  }
  std::string_view local = LocalName(attribute_name);
  for (const auto& [key, value] : attributes) {
    if (LocalName(key) == local && key.rfind("xmlns", 0) != 0) return &value;
  }
  return nullptr;
}

Result<XmlNode> ParseXml(std::string_view document, const XmlLimits& limits) {
  if (document.size() > limits.max_bytes) return Malformed();
  // A DOCTYPE is never needed by an AWS request and is where entity attacks live; refuse it
  // before pugixml sees it (pugixml would skip it silently without parse_doctype).
  if (document.find("<!DOCTYPE") != std::string_view::npos ||
      document.find("<!ENTITY") != std::string_view::npos) {
    return Malformed();
  }
  pugi::xml_document doc;
  constexpr unsigned kOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol |
                                pugi::parse_doctype | pugi::parse_declaration |
                                pugi::parse_ws_pcdata_single;
  pugi::xml_parse_result parsed =
      doc.load_buffer(document.data(), document.size(), kOptions, pugi::encoding_utf8);
  if (!parsed) return Malformed();
  const pugi::xml_node* root = nullptr;
  pugi::xml_node element;
  for (const pugi::xml_node& child : doc.children()) {
    if (child.type() == pugi::node_doctype) return Malformed();
    if (child.type() == pugi::node_element) {
      if (root) return Malformed();
      element = child;
      root = &element;
    }
  }
  if (!root) return Malformed();
  XmlNode out;
  Converter converter{limits};
  if (!converter.Convert(*root, out, 1)) return Malformed();
  return out;
}

}  // namespace tw::protocol::xml
