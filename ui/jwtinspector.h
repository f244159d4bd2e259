// SPDX-License-Identifier: Apache-2.0
// The JWT inspector: paste a token or open a token file; see its header and claims, its expiry in words, the
// ServiceAccount, Secret and Pod of the loaded snapshot it maps to, what it can do, and (given a JWKS, an OIDC
// discovery document or a PEM public key) whether it verifies. The token stays in this dialog: it is never logged,
// saved in settings or exported, and the editor is wiped when the dialog closes.
#pragma once

#include "models/analysis/tokeninspection.h"

#include <QDialog>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;

namespace rbx {

class JwtInspector final : public QDialog
{
    Q_OBJECT
public:
    explicit JwtInspector(std::shared_ptr<const Policy> policy, QWidget* parent = nullptr);
    ~JwtInspector() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    void setToken(const QString& token); // as pasting does
    bool openTokenFile(const QString& path);
    bool addKeyFile(const QString& path); // JWKS, discovery document or PEM public key
    void clearKeys();
    void setAudience(const QString& audiences); // comma-separated
    void setIssuer(const QString& issuers);
    void inspect();

    [[nodiscard]] const std::optional<TokenInspection>& inspection() const
    {
        return m_inspection;
    }
    [[nodiscard]] QString resultText() const;
    [[nodiscard]] QString verdictText() const;

Q_SIGNALS:
    void subjectActivated(const rbx::SubjectRef& subject);

protected:
    void done(int result) override;

private:
    void updateKeysLabel();

    std::shared_ptr<const Policy> m_policy;
    io::KeySet m_keys;
    bool m_haveKeys = false;
    std::optional<TokenInspection> m_inspection;
    QPlainTextEdit* m_token;
    QLineEdit* m_audience;
    QLineEdit* m_issuer;
    QLabel* m_keysLabel;
    QLabel* m_verdict;
    QTextBrowser* m_result;
    QPushButton* m_openSa;
};

} // namespace rbx
