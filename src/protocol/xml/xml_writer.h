// SPDX-License-Identifier: Apache-2.0
// XmlWriter: a small streaming XML writer for response bodies. It appends straight into one
// string (no DOM), escapes text and attribute values, and writes control characters that XML 1.0
// allows only as character references (tab, LF, CR) as such so they survive a parser's
// whitespace normalisation; the other C0 controls cannot appear in XML 1.0 at all and are dropped
// (AWS does the same rather than emit a document clients cannot parse). One writer per response;
// not thread-safe, cheap to create.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tw::protocol::xml {

class XmlWriter {
 public:
  // `<?xml version="1.0" encoding="UTF-8"?>` and a newline, as S3 writes it.
  void Declaration();
  // Opens <name>. Attributes may follow until the first child, text or EndElement.
  void StartElement(std::string_view name);
  void Attribute(std::string_view name, std::string_view value);
  void Text(std::string_view text);
  // Closes the innermost open element; an element with no content is written <name></name>,
  // the form AWS services use for empty strings.
  void EndElement();
  // <name>text</name>.
  void Element(std::string_view name, std::string_view text);

  std::size_t depth() const { return open_.size(); }
  const std::string& str() const { return out_; }
  // Closes anything left open and hands the document over.
  std::string Take();

 private:
  void CloseStartTag();

  std::string out_;
  std::vector<std::string> open_;
  bool start_tag_open_ = false;
};

// Escapes for element content (& < > and the allowed controls as references).
void AppendEscapedText(std::string& out, std::string_view text);
// Escapes for a double-quoted attribute value (also " and the allowed controls).
void AppendEscapedAttribute(std::string& out, std::string_view value);

}  // namespace tw::protocol::xml
