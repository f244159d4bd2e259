// SPDX-License-Identifier: Apache-2.0
// The permission graph of one subject (workloads -> subject -> bindings -> roles -> rules), laid out by Graphviz
// and drawn with QGraphicsView: zoom, pan, fit, click-to-activate, highlighted grant paths, PNG/SVG export.
#pragma once

#include "models/analysis/permissiongraph.h"

#include <QFont>
#include <QWidget>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

class QAction;
class QGraphicsScene;
class QLabel;

namespace rbx {

class GraphView;
class GraphNodeItem;
class GraphEdgeItem;

class GraphPage final : public QWidget
{
    Q_OBJECT
public:
    explicit GraphPage(QWidget* parent = nullptr);
    ~GraphPage() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    void showSubject(const SubjectRef& subject);
    // Thick edges and outlined nodes on the paths behind `grants` (e.g. a matrix cell), everything else dimmed.
    void highlightGrants(const std::vector<Grant>& grants);
    bool exportPng(const QString& file);
    bool exportSvg(const QString& file);

Q_SIGNALS:
    void objectActivated(const QString& kind, const QString& ns, const QString& name);

protected:
    void showEvent(QShowEvent* event) override;

private:
    // Lays out the subject of showSubject(), which waits for the page to be shown when it is a hidden tab (the
    // navigator's selection then costs nothing here).
    void layOutSubject();
    void flushPending();
    void rebuild(const std::string& focusId = {});
    void applyHighlight();
    void activate(std::size_t node);
    void toggle(std::size_t node);
    void exportDialog();
    [[nodiscard]] QString nodeToolTip(const GraphNode& node) const;
    [[nodiscard]] QPointF subjectCenter() const;
    [[nodiscard]] bool groupsRules() const; // rules are shown as "N rules" nodes unless expanded

    std::shared_ptr<const Policy> m_policy;
    std::optional<SubjectRef> m_subject;
    bool m_pending = false; // m_subject is not laid out yet
    std::set<std::string> m_expanded; // Role node ids whose rules are shown while rules are grouped
    std::vector<Grant> m_highlight;
    PermissionGraph m_graph;
    std::vector<GraphNodeItem*> m_nodeItems;
    std::vector<GraphEdgeItem*> m_edgeItems;
    QFont m_font;
    QFont m_headingFont;
    QGraphicsScene* m_scene;
    GraphView* m_view;
    QAction* m_collapse;
    QAction* m_export;
    QLabel* m_summary;
};

} // namespace rbx
