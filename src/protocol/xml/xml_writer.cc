// SPDX-License-Identifier: Apache-2.0
#include "protocol/xml/xml_writer.h"

namespace tw::protocol::xml {
namespace {

void AppendEscaped(std::string& out, std::string_view text, bool attribute) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        if (attribute) {
          out += "&quot;";
        } else {
          out.push_back(c);
        }
        break;
      case '\r':
        // A literal CR is folded into LF by every XML parser; the reference keeps it.
        out += "&#xD;";
        break;
      case '\n':
        if (attribute) {
          out += "&#xA;";  // attribute-value normalisation would turn it into a space
        } else {
          out.push_back(c);
        }
        break;
      case '\t':
        if (attribute) {
          out += "&#x9;";
        } else {
          out.push_back(c);
        }
        break;
      default:
        // Other C0 controls are not XML 1.0 characters, not even as references.
        if (u < 0x20 || u == 0x7f) break;
        out.push_back(c);
    }
  }
}

}  // namespace

void AppendEscapedText(std::string& out, std::string_view text) { AppendEscaped(out, text, false); }

void AppendEscapedAttribute(std::string& out, std::string_view value) {
  AppendEscaped(out, value, true);
}

void XmlWriter::Declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void XmlWriter::CloseStartTag() {
  if (start_tag_open_) {
    out_.push_back('>');
    start_tag_open_ = false;
  }
}

void XmlWriter::StartElement(std::string_view name) {
  CloseStartTag();
  out_.push_back('<');
  out_ += name;
  open_.emplace_back(name);
  start_tag_open_ = true;
}

void XmlWriter::Attribute(std::string_view name, std::string_view value) {
  if (!start_tag_open_) return;  // misuse; attributes belong to the start tag only
  out_.push_back(' ');
  out_ += name;
  out_ += "=\"";
  AppendEscapedAttribute(out_, value);
  out_.push_back('"');
}

void XmlWriter::Text(std::string_view text) {
  CloseStartTag();
  AppendEscapedText(out_, text);
}

void XmlWriter::EndElement() {
  if (open_.empty()) return;
  CloseStartTag();
  out_ += "</";
  out_ += open_.back();
  out_.push_back('>');
  open_.pop_back();
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  StartElement(name);
  Text(text);
  EndElement();
}

std::string XmlWriter::Take() {
  while (!open_.empty()) EndElement();
  return std::move(out_);
}

}  // namespace tw::protocol::xml
