// SPDX-License-Identifier: Apache-2.0
#include "ui/yamlhighlighter.h"

namespace rbx {

YamlHighlighter::YamlHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
    , m_key(QStringLiteral(R"(^(\s*-?\s*)([^\s#"'][^:#]*?|"[^"]*"):(\s|$))"))
    , m_string(QStringLiteral(R"("(?:[^"\\]|\\.)*")"))
{
    m_keyFormat.setForeground(QColor(0x1a, 0x5f, 0xb4));
    m_keyFormat.setFontWeight(QFont::DemiBold);
    m_stringFormat.setForeground(QColor(0x2e, 0x7d, 0x32));
    m_commentFormat.setForeground(QColor(0x80, 0x80, 0x80));
    m_commentFormat.setFontItalic(true);
    m_dashFormat.setForeground(QColor(0xc6, 0x28, 0x28));
}

void YamlHighlighter::highlightBlock(const QString& text)
{
    const auto trimmed = text.trimmed();
    if (trimmed.startsWith(u'#')) {
        setFormat(0, static_cast<int>(text.size()), m_commentFormat);
        return;
    }
    auto strings = m_string.globalMatch(text);
    while (strings.hasNext()) {
        const auto m = strings.next();
        setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), m_stringFormat);
    }
    const auto key = m_key.match(text);
    if (key.hasMatch())
        setFormat(static_cast<int>(key.capturedStart(2)), static_cast<int>(key.capturedLength(2)), m_keyFormat);
    const auto dash = text.indexOf(QStringLiteral("- "));
    if (dash >= 0 && text.left(dash).trimmed().isEmpty())
        setFormat(static_cast<int>(dash), 1, m_dashFormat);
}

} // namespace rbx
