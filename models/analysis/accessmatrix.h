// SPDX-License-Identifier: Apache-2.0
// Access matrices (rakkess-style, with provenance): for one subject and one scope, every resource x verb cell is
// allowed, denied or partial (only some resourceNames), and each cell knows the grants behind it.
#pragma once

#include "models/analysis/policy.h"
#include "models/analysis/resourcecatalog.h"

#include <memory>
#include <string>
#include <vector>

namespace rbx {

enum class Access : std::uint8_t { No, Partial, Yes };

[[nodiscard]] const char* accessName(Access a); // "no", "partial", "yes"

struct MatrixRow
{
    std::string group;
    std::string resource; // "pods" or "pods/exec"
    bool namespaced = true;
    bool fromCatalogue = true; // false: only named in a rule of the snapshot
};

// The rows of matrices, shared by every matrix computed over them: a matrix per namespace (or per ServiceAccount and
// namespace, for the heat map) copied them each time, which cost more than evaluating the cells.
class MatrixRows
{
public:
    MatrixRows() = default;
    MatrixRows(std::vector<MatrixRow> rows) // NOLINT: implicit, a vector of rows is one
        : m_rows(std::make_shared<const std::vector<MatrixRow>>(std::move(rows)))
    {
    }
    [[nodiscard]] const std::vector<MatrixRow>& list() const
    {
        static const std::vector<MatrixRow> none;
        return m_rows ? *m_rows : none;
    }
    [[nodiscard]] std::size_t size() const
    {
        return list().size();
    }
    [[nodiscard]] bool empty() const
    {
        return list().empty();
    }
    [[nodiscard]] const MatrixRow& operator[](std::size_t i) const
    {
        return list()[i];
    }
    [[nodiscard]] auto begin() const
    {
        return list().begin();
    }
    [[nodiscard]] auto end() const
    {
        return list().end();
    }

private:
    std::shared_ptr<const std::vector<MatrixRow>> m_rows;
};

struct MatrixCell
{
    Access access = Access::No;
    std::vector<std::string> names; // Partial: the resourceNames that are allowed
    std::vector<Grant> grants; // Yes: what allows it (first is the API server's); Partial: the rules naming `names`
};

struct AccessMatrix
{
    std::string subject; // user name
    std::string ns; // "" = cluster scope
    std::vector<std::string> verbs;
    MatrixRows rows;
    std::vector<MatrixCell> cells; // row-major: rows.size() x verbs.size()

    [[nodiscard]] const MatrixCell& cell(std::size_t row, std::size_t verb) const
    {
        return cells[row * verbs.size() + verb];
    }
};

// get list watch create update patch delete deletecollection, impersonate bind escalate use, and "*".
[[nodiscard]] std::vector<std::string> defaultMatrixVerbs();

// Every resource of the catalogue with its subresources, plus resources named in the snapshot's rules that the
// catalogue does not know. Sorted by group, then resource.
[[nodiscard]] std::vector<MatrixRow> matrixRows(const Policy& policy, const ResourceCatalog& catalog);

// One subject in one namespace ("" = cluster scope: only ClusterRoleBindings count).
[[nodiscard]] AccessMatrix accessMatrix(const Policy& policy, const UserInfo& user, const std::string& ns,
                                        const std::vector<std::string>& verbs, const MatrixRows& rows);

// The best access in any scope: cluster scope and every namespace with RoleBindings (ns of the result is "*").
// The grants of a cell come from every scope that allows it.
[[nodiscard]] AccessMatrix accessMatrixAnyNamespace(const Policy& policy, const UserInfo& user,
                                                    const std::vector<std::string>& verbs, const MatrixRows& rows);

} // namespace rbx
