#include "review/LesionMatching.h"

#include "core/Error.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace irplan::review {

LesionMatching matchLesions(const LesionTable& base, const LesionTable& fu, const MatchOptions& options) {
    const size_t nb = base.lesions.size(), nf = fu.lesions.size();
    std::vector<std::optional<size_t>> followupOf(nb), baselineOf(nf);
    if (options.byId) {
        std::map<std::string, size_t> fuById;
        for (size_t f = 0; f < nf; ++f)
            fuById[fu.lesions[f].id] = f;
        for (size_t b = 0; b < nb; ++b) {
            auto it = fuById.find(base.lesions[b].id);
            if (it == fuById.end()) continue;
            followupOf[b] = it->second;
            baselineOf[it->second] = b;
        }
    } else {
        if (!(options.tolerance_mm > 0)) throw Error("the lesion matching tolerance must be positive");
        auto requireCentre = [](const LesionTable& t, const LesionRecord& l) {
            if (!l.centre_mm)
                throw Error(t.name + ": lesion '" + l.id +
                            "' has no centre_mm, so it cannot be paired by position; pair the tables by id instead");
        };
        for (const auto& l : base.lesions)
            requireCentre(base, l);
        for (const auto& l : fu.lesions)
            requireCentre(fu, l);
        std::vector<std::tuple<double, size_t, size_t>> candidates;
        for (size_t b = 0; b < nb; ++b)
            for (size_t f = 0; f < nf; ++f) {
                const double d = distance(*base.lesions[b].centre_mm, *fu.lesions[f].centre_mm);
                if (d <= options.tolerance_mm) candidates.emplace_back(d, b, f);
            }
        std::sort(candidates.begin(), candidates.end());
        for (const auto& [d, b, f] : candidates) {
            if (followupOf[b] || baselineOf[f]) continue;
            followupOf[b] = f;
            baselineOf[f] = b;
        }
    }

    LesionMatching m;
    m.followupOf = followupOf;
    for (size_t b = 0; b < nb; ++b) {
        LesionPair p;
        p.baseline = b;
        p.followup = followupOf[b];
        if (p.followup && base.lesions[b].centre_mm && fu.lesions[*p.followup].centre_mm)
            p.distance_mm = distance(*base.lesions[b].centre_mm, *fu.lesions[*p.followup].centre_mm);
        m.pairs.push_back(p);
    }
    for (size_t f = 0; f < nf; ++f)
        if (!baselineOf[f]) {
            m.newLesions.push_back(f);
            LesionPair p;
            p.followup = f;
            m.pairs.push_back(p);
        }
    return m;
}

} // namespace irplan::review
