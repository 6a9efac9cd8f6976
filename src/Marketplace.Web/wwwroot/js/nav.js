// Main navigation on narrow screens: the menu button shows and hides the links (CSS hides them only once this runs,
// so without script every link stays reachable). Escape closes the open menu and returns focus to the button.
(function () {
    var nav = document.getElementById('main-nav');
    var button = document.getElementById('nav-toggle');
    if (!nav || !button) return;
    nav.classList.add('nav-js');
    button.hidden = false;
    function set(open) { button.setAttribute('aria-expanded', open ? 'true' : 'false'); nav.classList.toggle('nav-open', open); }
    button.addEventListener('click', function () { set(button.getAttribute('aria-expanded') !== 'true'); });
    // Escape from the links or from the button itself.
    [nav, button].forEach(function (el) { el.addEventListener('keydown', function (e) {
        if (e.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') { set(false); button.focus(); }
    }); });
})();

// Search filters: open beside the results on wide screens; on a phone folded into one "Filter" disclosure above the
// results, so the results come first to the eye and the filters first to the keyboard. Without script they stay open.
(function () {
    if (window.matchMedia('(min-width: 48rem)').matches) return;
    document.querySelectorAll('details.filter-panel').forEach(function (panel) { panel.open = false; });
})();
