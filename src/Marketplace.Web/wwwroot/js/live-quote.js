// Order forms (single offering, bundle, Merkliste): when a plan, an add-on or an expected usage changes, the form is
// posted to its "Kosten berechnen" handler in the background and the parts marked data-live (the chosen plan's
// add-ons, the cost summaries) are taken from the answer, the same HTML the button shows without JavaScript. Nothing
// is ordered; errors are not shown until the user submits. The new total is read out by screen readers through a
// status region that stays in place while the summaries are swapped.
(function () {
    if (!window.fetch || !window.FormData || !window.DOMParser) return;
    document.querySelectorAll('form[data-live-quote]').forEach(function (form) {
        var pending = null;
        var status = document.createElement('p');
        status.className = 'visually-hidden';
        status.setAttribute('role', 'status');
        form.appendChild(status);
        function announce() {
            var totals = form.querySelectorAll('.cost-summary tfoot tr');
            var row = totals[totals.length - 1];
            if (!row) return;
            var parts = [row.querySelector('th').textContent.trim()];
            row.querySelectorAll('td[data-label]').forEach(function (cell) {
                parts.push(cell.dataset.label + ': ' + cell.textContent.trim());
            });
            status.textContent = parts.join(', ');
        }
        function refresh() {
            var focused = document.activeElement && document.activeElement.id;
            var request = pending = fetch(form.dataset.liveQuote, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
                .then(function (r) { return r.ok ? r.text() : null; })
                .then(function (html) {
                    // A newer change has been sent meanwhile: its answer counts, not this one.
                    if (!html || request !== pending) return;
                    var answer = new DOMParser().parseFromString(html, 'text/html');
                    form.querySelectorAll('[data-live]').forEach(function (part) {
                        var fresh = answer.getElementById(part.id);
                        if (fresh) part.replaceWith(document.importNode(fresh, true));
                    });
                    var again = focused && document.getElementById(focused);
                    if (again && again !== document.activeElement) again.focus();
                    announce();
                })
                .catch(function () { /* the "Kosten berechnen" button still works */ });
        }
        form.addEventListener('change', function (e) {
            var t = e.target;
            if (t.type === 'radio' || t.type === 'checkbox' && t.closest('[data-live]') || t.type === 'number' && t.closest('.cost-summary')) refresh();
        });
    });
})();
