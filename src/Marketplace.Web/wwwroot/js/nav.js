// Main navigation on narrow screens: the menu button shows and hides the links (CSS hides them only once this runs,
// so without script every link stays reachable). Escape closes the open menu and returns focus to the button.
(function () {
    var nav = document.getElementById('main-nav');
    var button = document.getElementById('nav-toggle');
    if (!nav || !button) return;
    nav.classList.add('nav-js');
    button.hidden = false;
    function set(open) { button.setAttribute('aria-expanded', open ? 'true' : 'false'); }
    button.addEventListener('click', function () { set(button.getAttribute('aria-expanded') !== 'true'); });
    nav.addEventListener('keydown', function (e) {
        if (e.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') { set(false); button.focus(); }
    });
})();
