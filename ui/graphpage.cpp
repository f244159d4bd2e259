// SPDX-License-Identifier: Apache-2.0
#include "ui/graphpage.h"

#include "models/analysis/explain.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QStyleOptionGraphicsItem>
#include <QSvgGenerator>
#include <QToolBar>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <functional>

namespace rbx {

namespace {

constexpr double kMargin = 24; // scene margin around the layout
constexpr double kPadX = 12; // must match the layout's padding (permissiongraph.cpp)
constexpr double kPadY = 7;
constexpr double kMinScale = 0.05;
constexpr double kMaxScale = 6.0;
constexpr double kZoomStep = 1.25;
constexpr double kReadableScale = 0.55; // smallest zoom a graph opens at
const QColor kAccent(0xd9, 0x48, 0x0f);
const QColor kText(0x1f, 0x23, 0x28);
const QColor kEdge(0x8a, 0x90, 0x99);

enum ItemData { NodeIndexData, ObjectKindData, NamespaceData, NameData, NodeIdData };

struct KindStyle
{
    QColor fill;
    QColor border;
    Qt::PenStyle line = Qt::SolidLine;
};

KindStyle styleOf(GraphNode::Kind kind)
{
    switch (kind) {
    case GraphNode::Kind::Subject:
        return {QColor(0xd0, 0xe4, 0xff), QColor(0x2f, 0x6f, 0xc6)};
    case GraphNode::Kind::Workload:
        return {QColor(0xd3, 0xf2, 0xe8), QColor(0x2b, 0x8a, 0x6e)};
    case GraphNode::Kind::Pod:
        return {QColor(0xe9, 0xf8, 0xf2), QColor(0x5b, 0xa8, 0x8f)};
    case GraphNode::Kind::Binding:
        return {QColor(0xff, 0xe8, 0xcc), QColor(0xc9, 0x74, 0x1c)};
    case GraphNode::Kind::Role:
        return {QColor(0xea, 0xe1, 0xfb), QColor(0x6f, 0x4a, 0xc2)};
    case GraphNode::Kind::SourceRole:
        return {QColor(0xf5, 0xf0, 0xfd), QColor(0x8f, 0x74, 0xcf), Qt::DashLine};
    case GraphNode::Kind::Rule:
        return {QColor(0xfa, 0xfa, 0xfa), QColor(0x9a, 0xa0, 0xa8)};
    case GraphNode::Kind::RuleGroup:
        return {QColor(0xef, 0xf0, 0xf2), QColor(0x6c, 0x73, 0x7d), Qt::DashLine};
    }
    return {Qt::white, Qt::gray};
}

QStringList labelLines(const GraphNode& node)
{
    return QString::fromStdString(node.label).split(u'\n');
}

QPointF toPoint(const std::pair<double, double>& p)
{
    return {p.first, p.second};
}

} // namespace

// What a node or an edge looks like now: plain, on the highlighted path, or off it.
enum class PathState { Normal, On, Off };

class GraphNodeItem final : public QGraphicsItem
{
public:
    GraphNodeItem(const GraphNode& node, const QFont& font, const QFont& heading)
        : m_kind(node.kind)
        , m_lines(labelLines(node))
        , m_rect(0, 0, node.width, node.height)
        , m_font(font)
        , m_heading(heading)
    {
        setPos(node.x, node.y);
        setZValue(1);
    }

    void setState(PathState state)
    {
        m_state = state;
        setOpacity(state == PathState::Off ? 0.28 : 1.0);
        update();
    }
    [[nodiscard]] QRectF boundingRect() const override
    {
        return m_rect.adjusted(-2, -2, 2, 2);
    }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override
    {
        const auto style = styleOf(m_kind);
        const bool on = m_state == PathState::On;
        QPen pen(on ? kAccent : style.border, on ? 3.0 : 1.2, on ? Qt::SolidLine : style.line);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(pen);
        painter->setBrush(style.fill);
        painter->drawRoundedRect(m_rect.adjusted(0.6, 0.6, -0.6, -0.6), 6, 6);

        // Headings centred; rule text left-aligned so wrapped lines read as a paragraph.
        const bool left = m_kind == GraphNode::Kind::Rule;
        const QFontMetricsF headingMetrics(m_heading);
        const QFontMetricsF metrics(m_font);
        const double width = m_rect.width() - 2 * kPadX;
        double y = kPadY;
        painter->setPen(kText);
        for (int i = 0; i < m_lines.size(); ++i) {
            const auto& f = i == 0 ? m_heading : m_font;
            const auto& fm = i == 0 ? headingMetrics : metrics;
            painter->setFont(f);
            painter->drawText(QRectF(kPadX, y, width, fm.height()),
                              (left ? Qt::AlignLeft : Qt::AlignHCenter) | Qt::AlignVCenter | Qt::TextSingleLine,
                              m_lines[i]);
            y += fm.lineSpacing();
        }
    }

private:
    GraphNode::Kind m_kind;
    QStringList m_lines;
    QRectF m_rect;
    QFont m_font;
    QFont m_heading;
    PathState m_state = PathState::Normal;
};

class GraphEdgeItem final : public QGraphicsItem
{
public:
    explicit GraphEdgeItem(const GraphEdge& edge)
    {
        const auto& p = edge.points;
        m_path.moveTo(toPoint(p.front()));
        for (std::size_t i = 1; i + 2 < p.size(); i += 3)
            m_path.cubicTo(toPoint(p[i]), toPoint(p[i + 1]), toPoint(p[i + 2]));
        // Arrowhead along the last segment that has a direction.
        const QPointF tip = toPoint(p.back());
        QPointF from = tip;
        for (auto it = p.rbegin(); it != p.rend() && from == tip; ++it)
            from = toPoint(*it);
        QLineF axis(tip, from);
        if (axis.length() > 0) {
            axis.setLength(9);
            const QLineF normal = axis.normalVector().unitVector();
            const QPointF side(normal.dx() * 4, normal.dy() * 4);
            m_arrow << tip << axis.p2() + side << axis.p2() - side;
        }
        setZValue(0);
    }

    void setState(PathState state)
    {
        m_state = state;
        setOpacity(state == PathState::Off ? 0.22 : 1.0);
        setZValue(state == PathState::On ? 0.5 : 0);
        update();
    }
    [[nodiscard]] QRectF boundingRect() const override
    {
        return m_path.boundingRect().united(m_arrow.boundingRect()).adjusted(-3, -3, 3, 3);
    }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override
    {
        const bool on = m_state == PathState::On;
        const QColor color = on ? kAccent : kEdge;
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(color, on ? 3.0 : 1.3));
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(m_path);
        painter->setPen(QPen(color, 1));
        painter->setBrush(color);
        painter->drawPolygon(m_arrow);
    }

private:
    QPainterPath m_path;
    QPolygonF m_arrow;
    PathState m_state = PathState::Normal;
};

// Ctrl+wheel and +/- zoom, drag pans, F fits. A click that did not drag reports the item under the mouse. Until the
// user zooms or pans, the view keeps its fit as it resizes.
class GraphView final : public QGraphicsView
{
public:
    explicit GraphView(QGraphicsScene* scene, QWidget* parent)
        : QGraphicsView(scene, parent)
    {
        setDragMode(QGraphicsView::ScrollHandDrag);
        setInteractive(false); // clicks and drags are ours, not the items'
        setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
        setResizeAnchor(QGraphicsView::AnchorViewCenter);
        setBackgroundBrush(Qt::white);
        setFocusPolicy(Qt::StrongFocus);
    }

    std::function<void(QGraphicsItem*)> clicked;
    std::function<void(QGraphicsItem*)> doubleClicked;

    // The whole graph, never magnified beyond 100 %.
    void fit()
    {
        m_fit = Fit::All;
        applyFit();
    }
    // The whole graph if it stays readable, else readable around `focus` (a big graph opens at its subject).
    void fitReadable(QPointF focus)
    {
        m_fit = Fit::Readable;
        m_focus = focus;
        applyFit();
    }
    void zoomBy(double factor)
    {
        m_fit = Fit::None;
        const double current = transform().m11();
        factor = std::clamp(current * factor, kMinScale, kMaxScale) / current;
        scale(factor, factor);
    }
    // After a rebuild: the same kind of fit for the new layout.
    void refit(QPointF focus)
    {
        m_focus = focus;
        applyFit();
    }
    // Scrolls `rect` into view when it is not, leaving the fit mode.
    void reveal(const QRectF& rect)
    {
        if (mapToScene(viewport()->rect()).boundingRect().contains(rect))
            return;
        m_fit = Fit::None;
        ensureVisible(rect, 40, 40);
    }
    [[nodiscard]] bool autoFit() const
    {
        return m_fit != Fit::None;
    }

protected:
    void wheelEvent(QWheelEvent* event) override
    {
        if (event->modifiers() & Qt::ControlModifier) {
            zoomBy(std::pow(kZoomStep, event->angleDelta().y() / 120.0));
            event->accept();
            return;
        }
        m_fit = Fit::None;
        QGraphicsView::wheelEvent(event);
    }
    void keyPressEvent(QKeyEvent* event) override
    {
        switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomBy(kZoomStep);
            return;
        case Qt::Key_Minus:
            zoomBy(1 / kZoomStep);
            return;
        case Qt::Key_F:
            fit();
            return;
        case Qt::Key_0:
            m_fit = Fit::None;
            setTransform(QTransform());
            return;
        default:
            QGraphicsView::keyPressEvent(event);
        }
    }
    void mousePressEvent(QMouseEvent* event) override
    {
        m_pressPos = event->position().toPoint();
        QGraphicsView::mousePressEvent(event);
    }
    void mouseMoveEvent(QMouseEvent* event) override
    {
        if ((event->buttons() & Qt::LeftButton)
            && (event->position().toPoint() - m_pressPos).manhattanLength() >= QApplication::startDragDistance())
            m_fit = Fit::None; // the user pans
        QGraphicsView::mouseMoveEvent(event);
    }
    void mouseReleaseEvent(QMouseEvent* event) override
    {
        QGraphicsView::mouseReleaseEvent(event);
        const auto pos = event->position().toPoint();
        if (event->button() == Qt::LeftButton
            && (pos - m_pressPos).manhattanLength() < QApplication::startDragDistance() && clicked)
            clicked(itemAt(pos));
    }
    void mouseDoubleClickEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton && doubleClicked)
            doubleClicked(itemAt(event->position().toPoint()));
        event->accept();
    }
    void resizeEvent(QResizeEvent* event) override
    {
        QGraphicsView::resizeEvent(event);
        applyFit();
    }

private:
    enum class Fit { None, All, Readable };

    void applyFit()
    {
        if (m_fit == Fit::None || !scene() || scene()->items().isEmpty())
            return;
        const QRectF rect = sceneRect();
        const QSizeF room = maximumViewportSize() - QSize(4, 4);
        double s = std::min({room.width() / rect.width(), room.height() / rect.height(), 1.0});
        const bool readable = m_fit == Fit::Readable && s < kReadableScale;
        s = std::max(readable ? kReadableScale : s, kMinScale);
        setTransform(QTransform::fromScale(s, s));
        centerOn(readable ? m_focus : rect.center());
    }

    QPoint m_pressPos;
    QPointF m_focus;
    Fit m_fit = Fit::All;
};

GraphPage::GraphPage(QWidget* parent)
    : QWidget(parent)
    , m_scene(new QGraphicsScene(this))
    , m_view(new GraphView(m_scene, this))
    , m_summary(new QLabel(this))
{
    // Pixel sizes, so that text measured on screen has the same size in PNG and SVG exports.
    m_font = font();
    m_font.setPixelSize(std::max(11, qRound(font().pointSizeF() * logicalDpiY() / 72.0)));
    m_headingFont = m_font;
    m_headingFont.setBold(true);

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto* fit = bar->addAction(QIcon::fromTheme(QStringLiteral("zoom-fit-best")), tr("Fit"));
    fit->setToolTip(tr("Fit the whole graph into the view (F)"));
    auto* zoomIn = bar->addAction(QIcon::fromTheme(QStringLiteral("zoom-in")), tr("Zoom In"));
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    zoomIn->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    zoomIn->setToolTip(tr("Zoom in (+ or Ctrl+wheel)"));
    auto* zoomOut = bar->addAction(QIcon::fromTheme(QStringLiteral("zoom-out")), tr("Zoom Out"));
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    zoomOut->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    zoomOut->setToolTip(tr("Zoom out (- or Ctrl+wheel)"));
    bar->addSeparator();
    m_collapse = bar->addAction(tr("Collapse Roles"));
    m_collapse->setCheckable(true);
    m_collapse->setToolTip(tr("Show each role's rules as one \u201cN rules\u201d node; double-click it to expand"));
    bar->addSeparator();
    m_export = bar->addAction(QIcon::fromTheme(QStringLiteral("document-export")), tr("Export\u2026"));
    m_export->setToolTip(tr("Save the graph as PNG or SVG"));
    m_export->setEnabled(false);
    addAction(zoomIn);
    addAction(zoomOut);
    auto* spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addWidget(m_summary);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(m_view, 1);

    connect(fit, &QAction::triggered, this, [this] { m_view->fit(); });
    connect(zoomIn, &QAction::triggered, this, [this] { m_view->zoomBy(kZoomStep); });
    connect(zoomOut, &QAction::triggered, this, [this] { m_view->zoomBy(1 / kZoomStep); });
    connect(m_collapse, &QAction::toggled, this, [this](bool on) {
        // Off expands every role, also where many bindings group rules by default.
        m_expanded.clear();
        for (const auto& n : m_graph.nodes)
            if (!on && n.kind == GraphNode::Kind::Role)
                m_expanded.insert(n.id);
        rebuild();
        m_view->fitReadable(subjectCenter());
    });
    connect(m_export, &QAction::triggered, this, &GraphPage::exportDialog);
    auto nodeOf = [](QGraphicsItem* item) -> std::optional<std::size_t> {
        if (!item || !item->data(NodeIndexData).isValid())
            return std::nullopt;
        return item->data(NodeIndexData).toULongLong();
    };
    m_view->clicked = [this, nodeOf](QGraphicsItem* item) {
        if (auto n = nodeOf(item))
            activate(*n);
    };
    m_view->doubleClicked = [this, nodeOf](QGraphicsItem* item) {
        if (auto n = nodeOf(item))
            toggle(*n);
    };
}

GraphPage::~GraphPage() = default;

void GraphPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    m_subject.reset();
    m_pending = false;
    m_expanded.clear();
    m_highlight.clear();
    rebuild();
}

void GraphPage::showSubject(const SubjectRef& subject)
{
    m_subject = subject;
    m_expanded.clear();
    m_highlight.clear();
    m_pending = parentWidget() && isHidden();
    if (!m_pending)
        layOutSubject();
}

void GraphPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    flushPending();
}

void GraphPage::flushPending()
{
    if (!m_pending)
        return;
    m_pending = false;
    layOutSubject();
}

void GraphPage::layOutSubject()
{
    {
        const QSignalBlocker block(m_collapse);
        m_collapse->setChecked(false);
    }
    rebuild();
    // Many bindings group the rules already: say so in the toggle.
    const QSignalBlocker block(m_collapse);
    m_collapse->setChecked(groupsRules());
    m_view->fitReadable(subjectCenter());
}

void GraphPage::highlightGrants(const std::vector<Grant>& grants)
{
    flushPending();
    m_highlight = grants;
    applyHighlight();
    if (m_highlight.empty())
        return;
    QRectF target;
    for (std::size_t i = 0; i < m_nodeItems.size(); ++i) {
        const auto kind = m_graph.nodes[i].kind;
        if ((kind == GraphNode::Kind::Rule || kind == GraphNode::Kind::RuleGroup)
            && nodeOnGrants(m_graph.nodes[i], m_highlight))
            target = target.united(m_nodeItems[i]->sceneBoundingRect());
    }
    if (!target.isNull())
        m_view->reveal(target);
}

void GraphPage::rebuild(const std::string& focusId)
{
    m_scene->clear();
    m_nodeItems.clear();
    m_edgeItems.clear();
    m_graph = {};
    m_export->setEnabled(false);
    if (!m_policy || !m_subject) {
        m_summary->clear();
        m_scene->setSceneRect(QRectF());
        return;
    }
    m_graph = buildPermissionGraph(*m_policy, *m_subject, m_expanded, m_collapse->isChecked());
    const QFontMetricsF metrics(m_font);
    const QFontMetricsF headingMetrics(m_headingFont);
    layoutPermissionGraph(m_graph, [&](const GraphNode& node) {
        const auto lines = labelLines(node);
        double width = 0;
        double height = 0;
        for (int i = 0; i < lines.size(); ++i) {
            const auto& fm = i == 0 ? headingMetrics : metrics;
            width = std::max(width, fm.horizontalAdvance(lines[i]));
            height += i + 1 < lines.size() ? fm.lineSpacing() : fm.height();
        }
        return std::pair<double, double> {std::ceil(width) + 2, std::ceil(height)};
    });

    for (std::size_t i = 0; i < m_graph.edges.size(); ++i) {
        auto* item = new GraphEdgeItem(m_graph.edges[i]);
        m_scene->addItem(item);
        m_edgeItems.push_back(item);
    }
    std::size_t bindings = 0, roles = 0;
    std::set<std::pair<std::size_t, std::size_t>> rules; // (role, effective rule)
    for (std::size_t i = 0; i < m_graph.nodes.size(); ++i) {
        const auto& node = m_graph.nodes[i];
        auto* item = new GraphNodeItem(node, m_font, m_headingFont);
        item->setData(NodeIndexData, QVariant::fromValue<qulonglong>(i));
        item->setData(ObjectKindData, QString::fromStdString(node.objectKind));
        item->setData(NamespaceData, QString::fromStdString(node.ns));
        item->setData(NameData, QString::fromStdString(node.name));
        item->setData(NodeIdData, QString::fromStdString(node.id));
        item->setToolTip(nodeToolTip(node));
        m_scene->addItem(item);
        m_nodeItems.push_back(item);
        bindings += node.kind == GraphNode::Kind::Binding ? 1 : 0;
        roles += node.kind == GraphNode::Kind::Role ? 1 : 0;
        if (node.kind == GraphNode::Kind::Rule || node.kind == GraphNode::Kind::RuleGroup)
            for (const auto& g : node.grants)
                rules.emplace(g.role, g.rule);
    }
    m_scene->setSceneRect(QRectF(0, 0, m_graph.width, m_graph.height).adjusted(-kMargin, -kMargin, kMargin, kMargin));
    m_summary->setText(tr("%1 \u00b7 %2 \u00b7 %3    Ctrl+wheel: zoom \u00b7 drag: pan \u00b7 F: fit \u00b7 "
                          "double-click \u201cN rules\u201d: expand ")
                           .arg(bindings == 1 ? tr("1 binding") : tr("%1 bindings").arg(bindings),
                                roles == 1 ? tr("1 role") : tr("%1 roles").arg(roles),
                                rules.size() == 1 ? tr("1 rule") : tr("%1 rules").arg(rules.size())));
    m_export->setEnabled(!m_graph.nodes.empty());
    applyHighlight();
    if (!focusId.empty() && !m_view->autoFit()) {
        for (std::size_t i = 0; i < m_graph.nodes.size(); ++i)
            if (m_graph.nodes[i].id == focusId)
                m_view->centerOn(m_nodeItems[i]);
    } else {
        m_view->refit(subjectCenter());
    }
}

bool GraphPage::groupsRules() const
{
    const auto bindings = std::count_if(m_graph.nodes.begin(), m_graph.nodes.end(),
                                        [](const GraphNode& n) { return n.kind == GraphNode::Kind::Binding; });
    return m_collapse->isChecked() || static_cast<std::size_t>(bindings) > kGroupRulesAboveBindings;
}

QPointF GraphPage::subjectCenter() const
{
    return m_nodeItems.empty() ? QPointF() : m_nodeItems.front()->sceneBoundingRect().center();
}

void GraphPage::applyHighlight()
{
    const bool any = !m_highlight.empty();
    for (std::size_t i = 0; i < m_nodeItems.size(); ++i)
        m_nodeItems[i]->setState(!any ? PathState::Normal
                                       : nodeOnGrants(m_graph.nodes[i], m_highlight) ? PathState::On
                                                                                    : PathState::Off);
    for (std::size_t i = 0; i < m_edgeItems.size(); ++i)
        m_edgeItems[i]->setState(!any ? PathState::Normal
                                       : edgeOnGrants(m_graph, m_graph.edges[i], m_highlight) ? PathState::On
                                                                                             : PathState::Off);
}

void GraphPage::activate(std::size_t node)
{
    const auto& n = m_graph.nodes.at(node);
    Q_EMIT objectActivated(QString::fromStdString(n.objectKind), QString::fromStdString(n.ns),
                           QString::fromStdString(n.name));
}

void GraphPage::toggle(std::size_t node)
{
    const auto& n = m_graph.nodes.at(node);
    std::string role;
    if (n.kind == GraphNode::Kind::RuleGroup) {
        for (const auto& e : m_graph.edges)
            if (e.to == node && m_graph.nodes[e.from].kind == GraphNode::Kind::Role)
                role = m_graph.nodes[e.from].id;
        if (role.empty())
            return;
        m_expanded.insert(role);
    } else if (n.kind == GraphNode::Kind::Role && m_expanded.count(n.id) && groupsRules()) {
        role = n.id;
        m_expanded.erase(role);
    } else {
        return;
    }
    rebuild(role);
}

QString GraphPage::nodeToolTip(const GraphNode& node) const
{
    QString text = QString::fromStdString(node.label).toHtmlEscaped().replace(u'\n', QStringLiteral("<br>"));
    if (node.kind == GraphNode::Kind::Rule && !node.grants.empty()) {
        const auto& g = node.grants.front();
        const auto rule = QString::fromStdString(ruleText(m_policy->effectiveRules(g.role)[g.rule].rule));
        text = tr("<b>Rule</b> of %1 %2<br>%3")
                   .arg(QString::fromStdString(node.objectKind), QString::fromStdString(node.name),
                        rule.toHtmlEscaped());
    }
    if (node.kind == GraphNode::Kind::RuleGroup)
        text += tr("<br><i>Double-click to show the rules</i>");
    else if (node.kind == GraphNode::Kind::Role && m_expanded.count(node.id))
        text += tr("<br><i>Double-click to group the rules again</i>");
    if (!node.grants.empty())
        text += tr("<br>On %n grant path(s)", nullptr, static_cast<int>(node.grants.size()));
    return text;
}

void GraphPage::exportDialog()
{
    const QString suggested = m_subject
        ? QStringLiteral("permissions-%1.png").arg(QString::fromStdString(m_subject->name))
        : QStringLiteral("permissions.png");
    const auto file = QFileDialog::getSaveFileName(this, tr("Export graph"), suggested,
                                                   tr("PNG image (*.png);;SVG image (*.svg)"));
    if (file.isEmpty())
        return;
    if (QFileInfo(file).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0)
        exportSvg(file);
    else
        exportPng(file);
}

bool GraphPage::exportPng(const QString& file)
{
    flushPending();
    if (m_graph.nodes.empty())
        return false;
    const QRectF source = m_scene->sceneRect();
    const double scale = std::min(2.0, 16000.0 / std::max(source.width(), source.height()));
    QImage image((source.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return false;
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    m_scene->render(&painter, QRectF(QPointF(), QSizeF(image.size())), source);
    painter.end();
    return image.save(file, "PNG");
}

bool GraphPage::exportSvg(const QString& file)
{
    flushPending();
    if (m_graph.nodes.empty())
        return false;
    const QRectF source = m_scene->sceneRect();
    QSvgGenerator svg;
    svg.setFileName(file);
    svg.setSize(source.size().toSize());
    svg.setViewBox(QRectF(QPointF(), source.size()));
    svg.setResolution(96); // CSS pixels
    svg.setTitle(tr("Permissions of %1").arg(m_subject ? QString::fromStdString(m_subject->display()) : QString()));
    svg.setDescription(tr("RBAC Explorer permission graph"));
    QPainter painter;
    if (!painter.begin(&svg))
        return false;
    painter.fillRect(QRectF(QPointF(), source.size()), Qt::white);
    m_scene->render(&painter, QRectF(QPointF(), source.size()), source);
    return painter.end();
}

} // namespace rbx
