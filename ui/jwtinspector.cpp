// SPDX-License-Identifier: Apache-2.0
#include "ui/jwtinspector.h"

#include "models/item/subjecttreemodel.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace rbx {

namespace {

std::vector<std::string> splitList(const QString& text)
{
    std::vector<std::string> out;
    for (const auto& part : text.split(u',', Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty())
            out.push_back(part.trimmed().toStdString());
    return out;
}

} // namespace

JwtInspector::JwtInspector(std::shared_ptr<const Policy> policy, QWidget* parent)
    : QDialog(parent)
    , m_policy(std::move(policy))
    , m_token(new QPlainTextEdit(this))
    , m_audience(new QLineEdit(this))
    , m_issuer(new QLineEdit(this))
    , m_keysLabel(new QLabel(this))
    , m_verdict(new QLabel(this))
    , m_result(new QTextBrowser(this))
    , m_openSa(new QPushButton(tr("Open ServiceAccount"), this))
{
    setWindowTitle(tr("JWT Inspector"));
    setObjectName(QStringLiteral("JwtInspector"));
    const auto mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_token->setPlaceholderText(tr("Paste a ServiceAccount token (JWT) here. It stays in this window: it is not "
                                   "logged, saved or exported, and is wiped when the window closes."));
    m_token->setFont(mono);
    m_token->setMaximumHeight(m_token->fontMetrics().height() * 5 + 12);
    m_token->setUndoRedoEnabled(false);
    m_result->setFont(mono);
    m_result->setLineWrapMode(QTextEdit::NoWrap);
    m_verdict->setAlignment(Qt::AlignCenter);
    m_verdict->setMargin(4);
    m_audience->setPlaceholderText(tr("expected audience(s), comma-separated (optional)"));
    m_issuer->setPlaceholderText(tr("expected issuer(s) (optional; a discovery document sets it)"));

    auto* openFile = new QPushButton(tr("Open Token File…"), this);
    auto* keys = new QPushButton(tr("Add Keys…"), this);
    keys->setToolTip(tr("A JWKS (/openid/v1/jwks), an OIDC discovery document (/.well-known/openid-configuration) "
                        "or a PEM public key (--service-account-key-file)"));
    auto* clear = new QPushButton(tr("Clear Keys"), this);
    connect(openFile, &QPushButton::clicked, this, [this] {
        const auto path = QFileDialog::getOpenFileName(this, tr("Open token file"));
        if (!path.isEmpty())
            openTokenFile(path);
    });
    connect(keys, &QPushButton::clicked, this, [this] {
        const auto paths = QFileDialog::getOpenFileNames(this, tr("Keys: JWKS, OIDC discovery or PEM public key"), {},
                                                         tr("Keys (*.json *.jwks *.pem *.pub *.key);;All files (*)"));
        for (const auto& p : paths)
            addKeyFile(p);
    });
    connect(clear, &QPushButton::clicked, this, &JwtInspector::clearKeys);
    connect(m_token, &QPlainTextEdit::textChanged, this, &JwtInspector::inspect);
    connect(m_audience, &QLineEdit::editingFinished, this, &JwtInspector::inspect);
    connect(m_issuer, &QLineEdit::editingFinished, this, &JwtInspector::inspect);
    connect(m_openSa, &QPushButton::clicked, this, [this] {
        if (m_inspection && m_inspection->serviceAccount && m_inspection->serviceAccount->exists) {
            const auto& o = m_inspection->serviceAccount->object;
            Q_EMIT subjectActivated({SubjectKind::ServiceAccount, o.ns, o.name});
        }
    });

    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(openFile);
    fileRow->addWidget(keys);
    fileRow->addWidget(clear);
    fileRow->addWidget(m_keysLabel, 1);
    auto* form = new QFormLayout;
    form->addRow(tr("Audience"), m_audience);
    form->addRow(tr("Issuer"), m_issuer);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_openSa, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_token);
    layout->addLayout(fileRow);
    layout->addLayout(form);
    layout->addWidget(m_verdict);
    layout->addWidget(m_result, 1);
    layout->addWidget(buttons);
    resize(900, 680);
    updateKeysLabel();
    inspect();
}

JwtInspector::~JwtInspector()
{
    m_token->clear();
}

void JwtInspector::done(int result)
{
    // The token goes when the window does.
    const QSignalBlocker block(m_token);
    m_token->clear();
    m_inspection.reset();
    m_result->clear();
    QDialog::done(result);
}

void JwtInspector::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    inspect();
}

void JwtInspector::setToken(const QString& token)
{
    m_token->setPlainText(token);
}

bool JwtInspector::openTokenFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        m_verdict->setText(tr("Cannot read %1: %2").arg(QFileInfo(path).fileName(), f.errorString()));
        return false;
    }
    m_token->setPlainText(QString::fromUtf8(f.read(1 << 20)).trimmed());
    return true;
}

bool JwtInspector::addKeyFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    auto set = io::parseKeySet(f.read(1 << 22), QFileInfo(path).fileName().toStdString());
    const bool any = !set.keys.empty() || !set.issuer.empty();
    m_keys.merge(std::move(set));
    m_haveKeys = true;
    if (m_issuer->text().isEmpty() && !m_keys.issuer.empty())
        m_issuer->setText(QString::fromStdString(m_keys.issuer));
    updateKeysLabel();
    inspect();
    return any;
}

void JwtInspector::clearKeys()
{
    m_keys = {};
    m_haveKeys = false;
    updateKeysLabel();
    inspect();
}

void JwtInspector::setAudience(const QString& audiences)
{
    m_audience->setText(audiences);
    inspect();
}

void JwtInspector::setIssuer(const QString& issuers)
{
    m_issuer->setText(issuers);
    inspect();
}

void JwtInspector::updateKeysLabel()
{
    if (!m_haveKeys) {
        m_keysLabel->setText(tr("No keys: the signature is not checked"));
        m_keysLabel->setToolTip({});
        return;
    }
    QStringList kids;
    for (const auto& k : m_keys.keys)
        kids << QString::fromStdString(k.kid.empty() ? k.derivedKid : k.kid);
    m_keysLabel->setText(tr("%n key(s): %1", nullptr, static_cast<int>(m_keys.keys.size())).arg(kids.join(QStringLiteral(", "))));
    QString tip;
    for (const auto& k : m_keys.keys)
        tip += QString::fromStdString(k.source + ": " + k.kty + (k.crv.empty() ? "" : ' ' + k.crv) + ' '
                                      + std::to_string(k.bits) + " bits, derived kid " + k.derivedKid)
            + u'\n';
    for (const auto& e : m_keys.errors)
        tip += QString::fromStdString(e) + u'\n';
    m_keysLabel->setToolTip(tip.trimmed());
}

void JwtInspector::inspect()
{
    const auto text = m_token->toPlainText().trimmed().toStdString();
    if (text.empty()) {
        m_inspection.reset();
        m_result->clear();
        m_verdict->setText(tr("Paste a token or open a token file"));
        m_verdict->setStyleSheet({});
        m_openSa->setEnabled(false);
        return;
    }
    io::VerifyOptions options;
    options.audiences = splitList(m_audience->text());
    options.issuers = splitList(m_issuer->text());
    m_inspection = inspectJwt(m_policy.get(), text, m_haveKeys ? &m_keys : nullptr, options);
    m_result->setPlainText(QString::fromStdString(inspectionText(*m_inspection)));
    const auto& r = *m_inspection;
    QString verdict;
    QString color;
    if (!r.jwt.ok()) {
        verdict = tr("Not a JWT: %1").arg(QString::fromStdString(r.jwt.error));
        color = QStringLiteral("#c62828");
    } else if (!r.verification) {
        verdict = tr("Decoded — not verified (add keys to check the signature) · expires: %1")
                      .arg(QString::fromStdString(r.expiry));
        color = QStringLiteral("#607d8b");
    } else if (r.verification->verdict == io::JwtVerdict::Valid) {
        const auto* key = r.verification->key;
        verdict = tr("Valid — %1 signature verified with key %2; expires: %3")
                      .arg(QString::fromStdString(r.jwt.alg),
                           QString::fromStdString(key ? (key->kid.empty() ? key->derivedKid : key->kid) : std::string()),
                           QString::fromStdString(r.expiry));
        color = QStringLiteral("#2e7d32");
    } else {
        verdict = tr("%1 — %2").arg(QString::fromLatin1(io::verdictName(r.verification->verdict)).toUpper(),
                                    QString::fromStdString(r.verification->message));
        color = QStringLiteral("#c62828");
    }
    m_verdict->setText(verdict);
    m_verdict->setWordWrap(true);
    m_verdict->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 3px; font-weight: bold; }")
                                 .arg(color));
    m_openSa->setEnabled(r.serviceAccount && r.serviceAccount->exists);
}

QString JwtInspector::resultText() const
{
    return m_result->toPlainText();
}

QString JwtInspector::verdictText() const
{
    return m_verdict->text();
}

} // namespace rbx
