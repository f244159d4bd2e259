// SPDX-License-Identifier: Apache-2.0
// Syntax highlighting for the YAML in the details pane: keys, comments, quoted strings, list dashes.
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace rbx {

class YamlHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit YamlHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    QRegularExpression m_key;
    QRegularExpression m_string;
    QTextCharFormat m_keyFormat;
    QTextCharFormat m_stringFormat;
    QTextCharFormat m_commentFormat;
    QTextCharFormat m_dashFormat;
};

} // namespace rbx
