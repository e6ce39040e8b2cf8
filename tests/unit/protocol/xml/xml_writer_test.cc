// SPDX-License-Identifier: Apache-2.0
#include "protocol/xml/xml_writer.h"

#include <gtest/gtest.h>

#include "protocol/xml/xml_reader.h"

namespace tw::protocol::xml {
namespace {

TEST(XmlWriterTest, EscapesTextAndAttributes) {
  XmlWriter w;
  w.StartElement("a");
  w.Attribute("k", "x\"<&>\n\t\r");
  w.Text(
      "1 < 2 & \"3\" > 0\r\n\t\x01"
      "end");
  w.EndElement();
  EXPECT_EQ(
      w.Take(),
      "<a k=\"x&quot;&lt;&amp;&gt;&#xA;&#x9;&#xD;\">1 &lt; 2 &amp; \"3\" &gt; 0&#xD;\n\tend</a>");
}

TEST(XmlWriterTest, EmptyElementsAndNesting) {
  XmlWriter w;
  w.Declaration();
  w.StartElement("r");
  w.Attribute("xmlns", "urn:x");
  w.Element("e", "");
  w.StartElement("open");
  EXPECT_EQ(w.depth(), 2u);
  EXPECT_EQ(
      w.Take(),
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r xmlns=\"urn:x\"><e></e><open></open></r>");
}

TEST(XmlWriterTest, WriterOutputParsesBackExactly) {
  std::string text = "a&b<c>\"d\"\r\n\te";
  XmlWriter w;
  w.StartElement("r");
  w.Attribute("at", text);
  w.Element("t", text);
  w.EndElement();
  auto root = ParseXml(w.Take());
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(*root->FindAttribute("at"), text);
  EXPECT_EQ(root->Child("t")->text, text);
}

TEST(XmlReaderTest, RejectsDoctypeEntitiesDepthAndGarbage) {
  EXPECT_FALSE(ParseXml("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"));
  EXPECT_FALSE(ParseXml("<a><b></a>"));
  EXPECT_FALSE(ParseXml(""));
  EXPECT_FALSE(ParseXml("<a/><b/>"));
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  auto r = ParseXml(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "MalformedXML");
  EXPECT_TRUE(ParseXml(deep, XmlLimits{.max_depth = 200}));
}

TEST(XmlReaderTest, ReadsNamesAttributesTextAndCdata) {
  auto r = ParseXml(
      "<?xml version=\"1.0\"?><x:Root xmlns:x=\"urn:a\" xmlns:xsi=\"urn:i\" xsi:type=\"T\">"
      "<x:A> sp </x:A><B><![CDATA[<raw>]]></B><!-- c --></x:Root>");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(LocalName(r->name), "Root");
  EXPECT_EQ(*r->FindAttribute("xsi:type"), "T");
  EXPECT_EQ(r->Child("A")->text, " sp ");
  EXPECT_EQ(r->Child("B")->text, "<raw>");
}

}  // namespace
}  // namespace tw::protocol::xml
