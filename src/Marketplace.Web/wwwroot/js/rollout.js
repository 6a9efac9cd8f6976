// Rollout progress page: refreshes the counts, the bar and the ETA from the JSON endpoint every two seconds while
// the rollout runs, and reloads once when it has finished (so failures and the retry button appear).
(function () {
    var section = document.getElementById('rollout-progress');
    if (!section || section.dataset.finished === 'true' || !window.fetch) return;
    var field = function (name) { return section.querySelector('[data-field="' + name + '"]'); };
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
                eta.textContent = p.estimatedRemainingSeconds === null ? eta.dataset.unknown : Math.round(p.estimatedRemainingSeconds) + ' ' + eta.dataset.seconds;
                if (p.finished) window.location.reload();
                else window.setTimeout(tick, 2000);
            })
            .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 2000);
})();
