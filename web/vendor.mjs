// Copies the browser modules the site uses from node_modules (installed by
// `npm ci` at the versions locked in package-lock.json) into site/vendor,
// and axe-core into the browser tests. No bundler: each file is the package's
// own distribution file; the one bare import (`from"preact"` in preact/hooks)
// is rewritten to the relative path, since an import map would be an inline
// script, which the site's CSP forbids. `make web-vendor` runs this.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const site = join(here, "site", "vendor");
const tests = join(here, "..", "tests", "browser", "vendor");

const files = [
  // [package, file in the package, destination folder, name]
  ["preact", "dist/preact.mjs", site, "preact.mjs"],
  ["preact", "hooks/dist/hooks.mjs", site, "preact-hooks.mjs"],
  ["htm", "dist/htm.mjs", site, "htm.mjs"],
  ["chart.js", "dist/chart.umd.min.js", site, "chart.umd.min.js"],
  ["axe-core", "axe.min.js", tests, "axe.min.js"],
];

const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const versions = {};
for (const [pkg, file, folder, name] of files) {
  mkdirSync(folder, { recursive: true });
  const target = join(folder, name);
  let text = readFileSync(join(modules, pkg, file), "utf8");
  text = text.replaceAll('from"preact"', 'from"./preact.mjs"');
  text = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
  writeFileSync(target, text);
  versions[name] = `${pkg}@${lock.packages[`node_modules/${pkg}`].version}/${file}`;
}
for (const folder of [site, tests]) {
  const mine = Object.fromEntries(
    Object.entries(versions).filter(([name]) => files.some((f) => f[3] === name && f[2] === folder)),
  );
  writeFileSync(join(folder, "VERSIONS.json"), JSON.stringify(mine, null, 2) + "\n");
}
console.log(versions);
