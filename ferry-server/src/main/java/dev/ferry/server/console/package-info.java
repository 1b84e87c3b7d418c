/**
 * The web console: static HTML, CSS and small vanilla JavaScript modules, bundled in the jar and served under
 * {@code /}, that call the same JSON API as the CLI.
 *
 * <p>Why this shape: the console is a client of the REST API and nothing more, so it cannot drift from what the
 * CLI and IaC tools see, and the server keeps one rendering path (JSON). Plain ES modules need no build step, no
 * npm toolchain and no bundler in the Maven build; what is in {@code src/main/resources} is what the browser runs,
 * readable by any Java developer on the team, with no framework to upgrade. The pages are small (lists, one job
 * page, two forms) and refresh by polling the API, which a few hundred lines of DOM code handle; server-rendered
 * templates with an enhancement library would add a second view of every resource beside the JSON one, and an
 * SPA framework a toolchain, for no gain at this size. The lag chart is drawn as SVG by hand for the same reason.
 * Nothing loads from another origin, so the console works offline, and the Content-Security-Policy allows only
 * the server's own scripts and styles.
 */
package dev.ferry.server.console;
