// SPDX-License-Identifier: Apache-2.0
// The HTTP layer of the live-cluster mode, and the one place where requests leave the process. It sends GET and,
// for cross-checks, POST of access reviews (SubjectAccessReview and friends) — nothing else, whatever a caller asks:
// send() refuses every other method or path before a byte goes out. TLS is verified against the configured CA
// unless the kubeconfig itself says insecure-skip-tls-verify (then every answer carries a warning). Credentials
// (tokens, keys, exec output) stay in this object's memory and are never logged.
#pragma once

#include "models/cluster/execcredential.h"
#include "models/cluster/kubeconfig.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslError>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace rbx::cluster {

struct ApiResponse
{
    int status = 0; // HTTP status; 0 = no HTTP answer (see error)
    QByteArray body;
    QByteArray contentType;
    int retryAfterSeconds = -1;
    bool transportError = false; // TLS, DNS, refused, timeout, canceled
    bool canceled = false;
    QString error; // plain words when transportError, or the Status message of an error answer
    QString statusReason; // Kubernetes Status.reason (Forbidden, Expired, ...)

    [[nodiscard]] bool ok() const
    {
        return !transportError && status >= 200 && status < 300;
    }
};

class ApiClient final : public QObject
{
    Q_OBJECT
public:
    explicit ApiClient(ConnectionConfig connection, QObject* parent = nullptr);
    ~ApiClient() override;

    // The read-only rule, in one place: GET anything; POST only to the authorization.k8s.io access reviews.
    [[nodiscard]] static bool isPermitted(const QByteArray& method, const QString& path, QString* why = nullptr);

    using Callback = std::function<void(const ApiResponse&)>;
    // `pathAndQuery` is relative to the server URL (which may carry a path prefix), e.g. "/api/v1/pods?limit=500".
    void get(const QString& pathAndQuery, const QByteArray& accept, Callback done);
    void postAccessReview(const QString& path, const QByteArray& json, Callback done);
    // Blocking forms (a local event loop), for one-off requests.
    [[nodiscard]] ApiResponse getSync(const QString& pathAndQuery, const QByteArray& accept = "application/json");
    [[nodiscard]] ApiResponse postAccessReviewSync(const QString& path, const QByteArray& json);

    void abortAll();
    [[nodiscard]] int pending() const
    {
        return static_cast<int>(m_replies.size());
    }
    [[nodiscard]] int requestsSent() const
    {
        return m_sent;
    }
    [[nodiscard]] int requestsRefused() const
    {
        return m_refused;
    }
    [[nodiscard]] const ConnectionConfig& connection() const
    {
        return m_connection;
    }
    // Set when credentials cannot be obtained (exec plugin failure, unreadable token file, expired client
    // certificate): every request then fails with this message without being sent.
    [[nodiscard]] QString credentialError();
    void setCanceledCheck(std::function<bool()> canceled)
    {
        m_canceled = std::move(canceled);
    }
    void setTransferTimeoutMs(int ms)
    {
        m_timeoutMs = ms;
    }

private:
    void send(const QByteArray& method, const QString& pathAndQuery, const QByteArray& accept, const QByteArray& body,
              Callback done, bool isRetry);
    bool prepareCredentials(bool refresh, QString* error);
    QNetworkRequest makeRequest(const QString& pathAndQuery, const QByteArray& accept) const;
    QString describeTransportError(QNetworkReply* reply, const QList<QSslError>& sslErrors) const;

    ConnectionConfig m_connection;
    QNetworkAccessManager* m_nam = nullptr;
    std::vector<QPointer<QNetworkReply>> m_replies;
    std::optional<ExecCredential> m_exec;
    std::string m_fileToken; // sensitive
    bool m_credentialsReady = false;
    QString m_credentialError;
    std::function<bool()> m_canceled;
    int m_timeoutMs = 60000;
    int m_sent = 0;
    int m_refused = 0;
};

} // namespace rbx::cluster
