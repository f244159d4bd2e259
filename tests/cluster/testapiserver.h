// SPDX-License-Identifier: Apache-2.0
// A fake, read-only Kubernetes API server for tests: HTTPS (HTTP/1.1, keep-alive) on 127.0.0.1 in its own thread,
// with bearer, basic and client-certificate authentication, paginated lists, metadata-only lists, discovery,
// access reviews and injectable failures. Every request is recorded.
#pragma once

#include "testpki.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <atomic>
#include <functional>
#include <memory>

namespace rbx::test {

struct RecordedRequest
{
    QByteArray method;
    QString path; // percent-decoded, without the query
    QUrlQuery query; // decoded as the API server does ('+' is a space); read with queryItemValue(k, QUrl::FullyDecoded)
    QByteArray accept;
    QByteArray authorization; // raw header value
    QString user; // who it authenticated as; empty if it got 401
    QStringList groups;
    QByteArray body;
    int status = 0;
    int connection = 0; // 1, 2, ... per accepted TCP connection, to see keep-alive at work
    QHash<QByteArray, QByteArray> headers; // lower-case names
};

class TestApiServer
{
public:
    explicit TestApiServer(const Pki& pki);
    ~TestApiServer(); // stops the thread
    TestApiServer(const TestApiServer&) = delete;
    TestApiServer& operator=(const TestApiServer&) = delete;

    quint16 start(); // returns the port; the server is at https://127.0.0.1:PORT
    void stop(); // closes every connection; start() may be called again (new port)
    QString url() const;
    quint16 port() const;

    // Authentication: a request is authenticated if any of these matches, otherwise 401 (Status reason Unauthorized).
    void acceptBearer(const QByteArray& token, const QString& user, const QStringList& groups = {});
    void acceptBasic(const QByteArray& username, const QByteArray& password, const QString& user);
    // When true, TLS asks for (but does not require) a client certificate; one that verifies against pki.caCertPem
    // for clientAuth authenticates as its CN with groups = its O entries, an invalid one authenticates nobody.
    // Applies to connections accepted after the call.
    void setRequireClientCert(bool require);

    // Content. listPath is the all-namespaces path ("/api/v1/serviceaccounts", "/apis/rbac.authorization.k8s.io/v1/
    // rolebindings"); items without kind/apiVersion, as real servers send them. Also served, derived from it: the
    // per-namespace path (.../namespaces/{ns}/R, filtered by metadata.namespace) and single objects
    // (.../namespaces/{ns}/R/{name}, or .../R/{name} for cluster-scoped lists). A list counts as namespaced if any item
    // has a namespace.
    void addList(const QString& listPath, const QString& listKind, const QString& apiVersion, const QJsonArray& items);
    void addObject(const QString& path, const QJsonObject& object);
    // Served at path (/api or /apis) when Accept asks for as=APIGroupDiscoveryList (and, if it names a v=, the
    // version of the object's apiVersion); otherwise the addObject body.
    void addAggregatedDiscovery(const QString& path, const QJsonObject& apiGroupDiscoveryList);

    // Failures. forbid: 403 Status (reason Forbidden; default message in API server form). exact: only that path;
    // otherwise also every path below it (pathPrefix + '/'...). The query never matters.
    void forbid(const QString& pathPrefix, const QString& message = {}, bool exact = true);
    void setDelay(const QString& path, int milliseconds);
    // The first request for path that carries a continue token gets 410 Gone, Status reason Expired.
    void expireContinueOnce(const QString& path);
    // Answers path with httpStatus; an empty body becomes a Status for that code (429 adds Retry-After: 1).
    // times < 0: every request; otherwise the next `times` requests, then normal service resumes.
    void setStatusOverride(const QString& path, int httpStatus, const QByteArray& body = {}, int times = -1);

    // POST /apis/authorization.k8s.io/v1/subjectaccessreviews and .../selfsubjectaccessreviews (201 Created, the
    // object echoed with status {allowed, reason}). Called on the server thread. For self reviews the handler's spec
    // also carries "user" and "groups" of the requester (as the API server's authorizer sees it); the echoed spec does
    // not. Without a handler every review is denied.
    void setAccessReviewHandler(std::function<bool(const QJsonObject& spec, QString* reason)> handler);

    QList<RecordedRequest> requests() const;
    void clearRequests();

    // If > 0, caps a request's limit (the server returns fewer items than asked, with a continue token).
    std::atomic<int> listPageSizeCap = 0;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace rbx::test
