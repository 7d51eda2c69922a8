/* The ☰ (chapter list) and page-contents buttons a reader sees, made to work.
 *
 * pydata-sphinx-theme 0.17.1 (the version sphinx-book-theme 1.3.0 pins) binds its drawer to
 * the first `.primary-toggle` and the first `.secondary-toggle` on the page
 * (document.querySelector), and sphinx-book-theme binds its "hide the sidebar" handler to the
 * same first button. With sphinx-book-theme those are the navbar's buttons, which are hidden;
 * the visible ones, in the article's header, have no handler, so on a phone nothing opens
 * (pydata-sphinx-theme issue 2451). A click on any other toggle is passed on to the first
 * one, which opens the drawer on a narrow screen and hides the sidebar on a wide one, as
 * the themes meant. Added to every page by _ext/site_a11y.py; tests/site/browser_check.py
 * taps the buttons at 390 px.
 */
document.addEventListener(
  "click",
  (event) => {
    for (const selector of [".primary-toggle", ".secondary-toggle"]) {
      const clicked = event.target.closest(selector);
      const bound = document.querySelector(selector);
      if (clicked && bound && clicked !== bound) {
        event.preventDefault();
        event.stopPropagation();
        // The theme's handler remembers document.activeElement (the button tapped) and gives
        // it focus back when the drawer closes.
        bound.click();
        return;
      }
    }
  },
  true,
);
