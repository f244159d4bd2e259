// SPDX-License-Identifier: Apache-2.0
#include "models/io/waivers.h"

#include <QFileInfo>
#include <QSaveFile>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace rbx::io {

const Waiver* WaiverSet::find(const std::string& findingId) const
{
    for (const auto& w : waivers)
        if (w.finding == findingId)
            return &w;
    return nullptr;
}

void WaiverSet::set(Waiver waiver)
{
    for (auto& w : waivers)
        if (w.finding == waiver.finding) {
            w = std::move(waiver);
            return;
        }
    waivers.push_back(std::move(waiver));
    std::sort(waivers.begin(), waivers.end(), [](const Waiver& a, const Waiver& b) { return a.finding < b.finding; });
}

bool WaiverSet::remove(const std::string& findingId)
{
    const auto before = waivers.size();
    waivers.erase(std::remove_if(waivers.begin(), waivers.end(),
                                 [&](const Waiver& w) { return w.finding == findingId; }),
                  waivers.end());
    return waivers.size() != before;
}

std::string waiversPathFor(const std::vector<std::string>& inputs)
{
    for (const auto& in : inputs) {
        if (in == "-")
            continue;
        const QFileInfo info(QString::fromStdString(in));
        if (info.isDir())
            return info.absoluteFilePath().toStdString() + "/.rbx-waivers.yaml";
        return info.absoluteFilePath().toStdString() + ".rbx-waivers.yaml";
    }
    return {};
}

std::optional<WaiverSet> loadWaivers(const std::string& path, std::string* error)
{
    WaiverSet set;
    if (path.empty() || !QFileInfo::exists(QString::fromStdString(path)))
        return set;
    try {
        const auto root = YAML::LoadFile(path);
        if (!root || root.IsNull())
            return set;
        if (!root.IsMap())
            throw YAML::Exception(root.Mark(), "expected a mapping with a waivers list");
        const auto list = root["waivers"];
        if (!list || list.IsNull())
            return set;
        if (!list.IsSequence())
            throw YAML::Exception(list.Mark(), "waivers: expected a list");
        for (const auto& item : list) {
            if (!item.IsMap() || !item["finding"] || !item["finding"].IsScalar())
                throw YAML::Exception(item.Mark(), "each waiver needs a finding id");
            Waiver w;
            w.finding = item["finding"].as<std::string>();
            if (item["note"] && item["note"].IsScalar())
                w.note = item["note"].as<std::string>();
            if (item["date"] && item["date"].IsScalar())
                w.date = item["date"].as<std::string>();
            if (item["by"] && item["by"].IsScalar())
                w.by = item["by"].as<std::string>();
            set.set(std::move(w));
        }
    } catch (const YAML::Exception& e) {
        if (error)
            *error = path + ": " + e.what();
        return std::nullopt;
    }
    return set;
}

std::string waiversYaml(const WaiverSet& set)
{
    YAML::Emitter out;
    out << YAML::Comment("RBAC Explorer waivers: findings reviewed and accepted, with the reviewer's note.")
        << YAML::Newline;
    out << YAML::BeginMap << YAML::Key << "waivers" << YAML::Value << YAML::BeginSeq;
    for (const auto& w : set.waivers) {
        out << YAML::BeginMap << YAML::Key << "finding" << YAML::Value << YAML::DoubleQuoted << w.finding;
        out << YAML::Key << "note" << YAML::Value << YAML::DoubleQuoted << w.note;
        if (!w.date.empty())
            out << YAML::Key << "date" << YAML::Value << YAML::DoubleQuoted << w.date;
        if (!w.by.empty())
            out << YAML::Key << "by" << YAML::Value << YAML::DoubleQuoted << w.by;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + '\n';
}

bool saveWaivers(const std::string& path, const WaiverSet& set, std::string* error)
{
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = path + ": " + file.errorString().toStdString();
        return false;
    }
    const auto text = waiversYaml(set);
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit()) {
        if (error)
            *error = path + ": " + file.errorString().toStdString();
        return false;
    }
    return true;
}

void applyWaivers(std::vector<Finding>& findings, const WaiverSet& set)
{
    for (auto& f : findings) {
        const auto* w = set.find(f.id);
        f.waived = w != nullptr;
        f.waiverNote = w ? w->note : std::string();
    }
}

} // namespace rbx::io
