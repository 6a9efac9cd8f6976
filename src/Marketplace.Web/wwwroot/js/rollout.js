// Rollout progress page: refreshes the counts, the bar and the ETA from the JSON endpoint every two seconds while
// the rollout runs, and reloads once when it has finished (so failures and the retry button appear).
(function () {
    var section = document.getElementById('rollout-progress');
    if (!section || section.dataset.finished === 'true' || !window.fetch) return;
    var field = function (name) { return section.querySelector('[data-field="' + name + '"]'); };
    // Worded as the page words it (FortschrittModel.Eta): done, unknown, seconds under two minutes, else minutes.
    function etaText(texts, p) {
        if (p.finished) return texts.done;
        if (p.estimatedRemainingSeconds === null) return texts.unknown;
        var s = Math.ceil(p.estimatedRemainingSeconds), n = s < 120 ? s : Math.ceil(s / 60);
        var text = s < 120 ? (n === 1 ? texts.secondsOne : texts.secondsOther) : (n === 1 ? texts.minutesOne : texts.minutesOther);
        return text.replace('{0}', n.toLocaleString(document.documentElement.lang));
    }
    function tick() {
        fetch(section.dataset.source, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (p) {
                if (!p) return;
                var counts = p.countsByState || {};
                var done = (counts.active || 0) + (counts.failed || 0);
                section.querySelectorAll('[data-count]').forEach(function (cell) { cell.textContent = counts[cell.dataset.count] || 0; });
                field('done').textContent = done;
                field('bar').value = done;
                field('rate').textContent = p.completedPerSecond;
                var eta = field('eta');
                eta.textContent = etaText(eta.dataset, p);
                if (p.finished) window.location.reload();
                else window.setTimeout(tick, 2000);
            })
            .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 2000);
})();
