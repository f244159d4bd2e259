// SPDX-License-Identifier: Apache-2.0
// File ▸ Connect to Cluster: picks a kubeconfig context (KUBECONFIG merged as kubectl does) and says, before anything
// is sent, how the tool will authenticate (an exec plugin is named) and that it only reads. No credential is shown.
#pragma once

#include "models/cluster/kubeconfig.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;
class QTreeWidget;
class QPushButton;

namespace rbx {

class ConnectDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget* parent = nullptr);

    // The kubeconfig file to read alone; empty = $KUBECONFIG merged (else ~/.kube/config).
    void setKubeconfigPath(const QString& path);
    [[nodiscard]] QString kubeconfigPath() const;
    void selectContext(const QString& name);
    [[nodiscard]] QString selectedContext() const;
    [[nodiscard]] int contextCount() const;
    [[nodiscard]] QString message() const; // the error or warning shown
    // The resolved connection of the accepted dialog.
    [[nodiscard]] const std::optional<cluster::ConnectionConfig>& connection() const
    {
        return m_connection;
    }
    void accept() override;

private:
    void reload();
    void updateHint();

    QLineEdit* m_path;
    QTreeWidget* m_contexts;
    QLabel* m_hint;
    QLabel* m_message;
    QPushButton* m_connect;
    std::optional<cluster::Kubeconfig> m_config;
    std::optional<cluster::ConnectionConfig> m_connection;
};

} // namespace rbx
