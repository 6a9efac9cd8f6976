// Error summary (GOV.UK pattern): focus moves to the summary when the page shows one, and each link moves focus to
// its field (a plain fragment link only scrolls), with the field's label kept in view.
(function () {
    var summary = document.querySelector('.error-summary');
    if (!summary) return;
    summary.focus();
    summary.addEventListener('click', function (e) {
        var link = e.target.closest('a[href^="#"]');
        var field = link && document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)));
        if (!field) return;
        e.preventDefault();
        var label = document.querySelector('label[for="' + field.id + '"]') || field;
        label.scrollIntoView();
        field.focus({ preventScroll: true });
    });
})();
